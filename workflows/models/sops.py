from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from workflows.definitions import SopSpec


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only")


class Sop(models.Model):
    """An SOP across its revisions, identified by the code in its definition file."""

    code = models.CharField(_("kode"), max_length=60, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sops", verbose_name=_("instansi"))
    name = models.CharField(_("nama SOP"), max_length=300)

    class Meta:
        verbose_name = _("SOP")
        verbose_name_plural = _("SOP")
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    @property
    def latest_version(self) -> SopVersion | None:
        return self.versions.order_by("-number").first()


class SopVersion(models.Model):
    """One imported definition file. Never changes once stored: cases point at it."""

    sop = models.ForeignKey(Sop, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    source_name = models.CharField(_("berkas"), max_length=255)
    source_text = models.TextField(_("isi berkas"))
    source_sha256 = models.CharField(max_length=64)
    definition = models.JSONField(_("definisi"))
    imported_at = models.DateTimeField(_("diimpor pada"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("versi SOP")
        verbose_name_plural = _("versi SOP")
        ordering = ["sop", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "number"], name="unique_sop_version_number"),
            models.UniqueConstraint(fields=["sop", "source_sha256"], name="unique_sop_version_text"),
        ]

    def __str__(self) -> str:
        return f"{self.sop.name} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("An SOP version is immutable; import a revision instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("An SOP version is immutable.")

    @cached_property
    def spec(self) -> SopSpec:
        # Versions never change, so one parsed spec per version serves every case row.
        # Keyed by the text's hash too: a rolled-back test database may reuse a primary key.
        key = (self.pk, self.source_sha256)
        if key not in _SPECS:
            _SPECS[key] = SopSpec.from_data(self.definition, source=f"{self.source_name} v{self.number}")
        return _SPECS[key]


_SPECS: dict[tuple[int, str], SopSpec] = {}
