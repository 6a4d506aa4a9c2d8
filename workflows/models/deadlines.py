from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeadlineNotice(models.Model):
    """A reminder, overdue notice or daily digest that has been sent: the row is claimed
    before anyone is told, so however often (or however many at once) the sweep runs,
    nobody gets the same notice twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("pengingat")
        OVERDUE = "overdue", _("terlambat")
        DIGEST = "digest", _("ringkasan harian")

    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    step_run = models.ForeignKey("workflows.StepRun", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="deadline_notices")
    # A digest: to one head, about one unit, for one day in the agency's zone.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    day = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pemberitahuan batas waktu")
        verbose_name_plural = _("pemberitahuan batas waktu")
        constraints = [
            models.UniqueConstraint(fields=["step_run", "kind"], condition=Q(step_run__isnull=False),
                                    name="one_deadline_notice_per_step_run_and_kind"),
            models.UniqueConstraint(fields=["recipient", "unit", "day"], condition=Q(kind="digest"),
                                    name="one_digest_per_head_unit_and_day"),
        ]
