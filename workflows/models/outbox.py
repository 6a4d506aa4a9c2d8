from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One email to one person, written in the same transaction as the action that causes it
    and delivered by the background worker (workflows.outbox), retried with backoff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu dikirim")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal")

    to = models.EmailField(_("kepada"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("penerima"))
    subject = models.CharField(_("subjek"), max_length=255)
    body = models.TextField(_("isi"))
    case = models.ForeignKey("workflows.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="emails", verbose_name=_("kasus"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    # A secret in the body (an invitation link) that is blanked out once the email is sent.
    redact = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("email keluar")
        verbose_name_plural = _("email keluar")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class EmailAttempt(models.Model):
    """The outcome of one try to hand an email to the mail server."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("waktu"))
    ok = models.BooleanField(_("berhasil"))
    error = models.TextField(_("galat"), blank=True)

    class Meta:
        verbose_name = _("percobaan kirim")
        verbose_name_plural = _("percobaan kirim")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.email_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'gagal'}"
