import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_verification_code() -> str:
    """12 characters without look-alikes (no 0/O, 1/I/L), easy to type from paper."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class CaseRecord(models.Model):
    """One generated PDF record of a case, verifiable by its code and SHA-256."""

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="records")
    code = models.CharField(_("kode verifikasi"), max_length=12, unique=True, default=new_verification_code)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    # The case's history chain head when printed (workflows.ledger): the verification page
    # checks that the chain still holds it and still verifies.
    chain_head = models.CharField(_("ujung rantai riwayat"), max_length=64, blank=True)
    # The rendered PDF: served again while the case's history is unchanged (one render per state).
    pdf = models.FileField(upload_to="records/%Y/%m/", blank=True)
    # Whether it was printed with the case's personal data: served again only to people with the same right.
    with_personal = models.BooleanField(default=False)
    generated_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("dibuat oleh"))

    class Meta:
        verbose_name = _("rekaman kasus")
        verbose_name_plural = _("rekaman kasus")
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return self.code


class ExportJob(models.Model):
    """A file built in the background for the person who asked (workflows.exports): a ZIP of
    case-record PDFs, or a table too large to write during a request, as XLSX."""

    class Kind(models.TextChoices):
        CASE_RECORDS = "rekaman", _("ZIP rekaman kasus")
        ARCHIVE_XLSX = "arsip_xlsx", _("XLSX daftar arsip kasus")
        DEVIATIONS_XLSX = "penyimpangan_xlsx", _("XLSX daftar penyimpangan")

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        RUNNING = "running", _("sedang dibuat")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.CASE_RECORDS)
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ekspor")
        verbose_name_plural = _("ekspor")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.requested_by} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_table(self) -> bool:
        return self.kind != self.Kind.CASE_RECORDS

    @property
    def filename(self) -> str:
        return {self.Kind.CASE_RECORDS: f"arsip-kasus-{self.pk}.zip", self.Kind.ARCHIVE_XLSX: f"arsip-kasus-{self.pk}.xlsx",
                self.Kind.DEVIATIONS_XLSX: f"penyimpangan-{self.pk}.xlsx"}[self.kind]

    def get_absolute_url(self) -> str:
        """Its progress page, in the part of the site it was asked from (which checks who may see it)."""
        return reverse(f"{self._area}_export_progress", args=[self.pk])

    @property
    def download_url(self) -> str:
        return reverse(f"{self._area}_export_download", args=[self.pk])

    @property
    def _area(self) -> str:
        return "deviation" if self.kind == self.Kind.DEVIATIONS_XLSX else "archive"


class DocumentAccess(models.Model):
    """Who opened which personal document of a case, and when (UU 27/2022): the agency
    administrator reads this log; nobody edits it."""

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="document_accesses")
    attachment = models.ForeignKey("workflows.Attachment", on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("oleh"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("akses dokumen pribadi")
        verbose_name_plural = _("akses dokumen pribadi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"])]
