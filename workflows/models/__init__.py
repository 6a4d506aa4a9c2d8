from workflows.models.announcements import Announcement, Dissemination
from workflows.models.cases import Attachment, Case, CaseEvent, CaseInput, StepRun
from workflows.models.notifications import Notification
from workflows.models.sops import Sop, SopVersion

__all__ = ["Announcement", "Attachment", "Case", "CaseEvent", "CaseInput", "Dissemination", "Notification", "Sop",
           "SopVersion", "StepRun"]
