from workflows.models.announcements import Announcement, Dissemination
from workflows.models.cases import Attachment, Case, CaseEvent, CaseInput, StepRun
from workflows.models.deadlines import DeadlineNotice
from workflows.models.drafts import DraftOrigin, DraftState, SopDraft
from workflows.models.invitations import Invitation
from workflows.models.ledger import LedgerEntry
from workflows.models.notifications import Notification
from workflows.models.outbox import EmailAttempt, OutgoingEmail
from workflows.models.records import CaseRecord, DocumentAccess, ExportJob
from workflows.models.sops import Sop, SopVersion, parse_specs
from workflows.models.uploads import StagedUpload

__all__ = ["Announcement", "Attachment", "Case", "CaseEvent", "CaseInput", "CaseRecord", "DeadlineNotice", "DocumentAccess", "Dissemination", "DraftOrigin", "DraftState", "EmailAttempt",
           "ExportJob", "Invitation", "LedgerEntry", "Notification", "OutgoingEmail", "Sop", "SopDraft", "SopVersion", "StagedUpload", "parse_specs",
           "StepRun"]
