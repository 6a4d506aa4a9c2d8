from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice: a step of a case has become this person's.

    One per person per step activation (``step_run``): however many code paths ask, nobody
    is told twice that the same step waits for them.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("workflows.Case", on_delete=models.CASCADE, related_name="notifications")
    step_run = models.ForeignKey("workflows.StepRun", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="notifications")
    message = models.CharField(_("pesan"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "step_run"], condition=models.Q(step_run__isnull=False),
                                    name="one_notification_per_person_per_step_run"),
        ]

    def __str__(self) -> str:
        return self.message
