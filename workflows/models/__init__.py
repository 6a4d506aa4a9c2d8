from workflows.models.announcements import Announcement, Dissemination
from workflows.models.cases import Attachment, Case, CaseEvent, CaseInput, StepRun
from workflows.models.notifications import Notification
from workflows.models.records import CaseRecord, ExportJob
from workflows.models.sops import Sop, SopVersion

__all__ = ["Announcement", "Attachment", "Case", "CaseEvent", "CaseInput", "CaseRecord", "Dissemination", "ExportJob",
           "Notification", "Sop", "SopVersion", "StepRun"]
