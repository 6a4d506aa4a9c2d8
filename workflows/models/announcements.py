from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency


class AnnouncementQuerySet(models.QuerySet):
    def published(self):
        """Announcements of cases that were not cancelled, soonest maintenance first."""
        return self.exclude(case__state="cancelled").select_related("agency", "case").order_by("starts_at")


class Announcement(models.Model):
    """A maintenance announcement published by an SOP step (running text on the SPSE portal)."""

    case = models.OneToOneField("workflows.Case", on_delete=models.PROTECT, related_name="announcement")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="announcements")
    text = models.TextField(_("teks pengumuman"))
    starts_at = models.DateTimeField(_("mulai pemeliharaan"))
    ends_at = models.DateTimeField(_("selesai pemeliharaan"))
    published_at = models.DateTimeField(_("diumumkan pada"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengumuman pemeliharaan")
        verbose_name_plural = _("pengumuman pemeliharaan")
        ordering = ["-starts_at"]
        # current_announcements(): those not ended yet (a range of ends_at; ended ones, which
        # pile up over the years, are never read), soonest first, per agency for ?instansi=.
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="announcement_current"),
                   models.Index(fields=["agency", "ends_at", "starts_at"], name="announcement_agency_current")]

    def __str__(self) -> str:
        return self.text[:80]


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SURAT = "surat", _("Surat")
    TELEPON = "telepon", _("Telepon")
    LANGSUNG = "langsung", _("Langsung (tatap muka)")


class Dissemination(models.Model):
    """Who was told about a case's announcement, when and how."""

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="disseminations")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("penerima"))
    recipient_name = models.CharField(_("nama penerima"), max_length=200)
    recipient_contact = models.CharField(_("kontak"), max_length=200, blank=True)
    channel = models.CharField(_("melalui"), max_length=10, choices=Channel.choices)
    at = models.DateTimeField(_("waktu"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("dicatat oleh"))
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("penerusan pengumuman")
        verbose_name_plural = _("penerusan pengumuman")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.recipient_name} ({self.channel})"
