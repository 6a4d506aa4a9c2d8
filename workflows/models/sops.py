from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import connections, models
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from workflows.definitions import SopSpec


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only")


@dataclass(frozen=True)
class VersionWords:
    """What a table row names of an SOP version (SopVersionQuerySet.words)."""

    name: str
    kegiatan: dict[int, str]
    lanes: dict[str, str]


# SopVersionQuerySet.words on PostgreSQL: the SOP's name, {step no: kegiatan} and {lane role: label}.
_WORDS_POSTGRESQL = """
SELECT id, definition #>> '{{sheet,nama}}',
       (SELECT jsonb_object_agg(step ->> 'no', step ->> 'kegiatan')
        FROM jsonb_array_elements(definition -> 'steps') step),
       (SELECT jsonb_object_agg(lane ->> 'role', lane ->> 'label')
        FROM jsonb_array_elements(definition -> 'lanes') lane)
FROM {table} WHERE id = ANY(%s)"""


class SopVersionQuerySet(AppendOnlyQuerySet):
    def in_force_on(self, day) -> SopVersionQuerySet:
        return self.filter(models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=day))

    def words(self, ids: Iterable[int]) -> dict[int, VersionWords]:
        """What a table row names of the versions ``ids`` (SOP name, each step's kegiatan, each
        lane's label), read from the stored definition (``SopSpec.as_data()``) without parsing it
        into a SopSpec: a national deviation register touches every version (2,400). PostgreSQL
        picks those words out of the definitions itself (2,400 versions: 0.35 s -> 0.06 s on
        2026-12-06, the definitions being 18 MB of JSON); elsewhere Python reads each whole."""
        ids = list(ids)
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_WORDS_POSTGRESQL.format(table=connection.ops.quote_name(self.model._meta.db_table)),
                               [ids])
                found = cursor.fetchall()
            return {pk: VersionWords(name=name or "",
                                     kegiatan={int(no): text for no, text in json.loads(steps or "{}").items()},
                                     lanes=json.loads(lanes or "{}"))
                    for pk, name, steps, lanes in found}
        return {pk: VersionWords(name=data.get("sheet", {}).get("nama", ""),
                                 kegiatan={step["no"]: step["kegiatan"] for step in data["steps"]},
                                 lanes={lane["role"]: lane["label"] for lane in data["lanes"]})
                for pk, data in self.filter(pk__in=ids).values_list("pk", "definition")}

    def sheet_titles(self, ids: Iterable[int]) -> Iterator[tuple[int, int, str, str]]:
        """(id, number, ``spec.name``, the sheet's nomor or "") of the versions ``ids``, read from
        the stored definition (``SopSpec.as_data()``) by the database: a national export touches
        thousands of versions, and parsing each definition would cost more than its rows."""
        sheet = KeyTransform("sheet", "definition")
        rows = (self.filter(pk__in=list(ids)).order_by()
                .values_list("pk", "number", KeyTextTransform("nama", sheet), KeyTextTransform("nomor", sheet)))
        for pk, number, name, nomor in rows:
            yield pk, number, name or "", nomor or ""


class Sop(models.Model):
    """An SOP across its revisions, identified by its code within its agency.

    Without an agency it is a national template (LKPP's standard SOP): it never runs; an
    agency adopts it, which makes an SOP of that agency (``template``) whose versions follow
    the template's revisions only when the agency adopts them.
    """

    code = models.CharField(_("kode"), max_length=60)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="sops",
                               verbose_name=_("instansi"), help_text=_("Kosong: templat nasional."))
    name = models.CharField(_("nama SOP"), max_length=300)
    template = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="adoptions",
                                 verbose_name=_("diadopsi dari templat"))

    class Meta:
        verbose_name = _("SOP")
        verbose_name_plural = _("SOP")
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unique_sop_code_per_agency"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(agency__isnull=True),
                                    name="unique_template_code"),
            models.CheckConstraint(condition=models.Q(template__isnull=True) | models.Q(agency__isnull=False),
                                   name="only_agency_sops_adopt_templates"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency or _('templat nasional')})"

    @property
    def is_template(self) -> bool:
        return self.agency_id is None

    def get_absolute_url(self) -> str:
        if self.is_template:
            return reverse("template_detail", args=[self.code])
        return reverse("sop_detail", args=[self.agency.code, self.code])

    def version_diff_url(self, number: int) -> str:
        """The page showing what version ``number`` changed from the version before it."""
        if self.is_template:
            return reverse("template_version_diff", args=[self.code, number])
        return reverse("sop_version_diff", args=[self.agency.code, self.code, number])

    def sheet_url(self) -> str:
        if self.is_template:
            return reverse("template_sheet_pdf", args=[self.code])
        return reverse("sop_sheet_pdf", args=[self.agency.code, self.code])

    @property
    def latest_version(self) -> SopVersion | None:
        return self.versions.order_by("-number").first()

    def version_in_force(self) -> SopVersion | None:
        """The newest version already effective today in the agency's zone: cases start on it.
        A ratified revision whose tanggal efektif is still ahead waits; the one before runs."""
        today = timezone.localtime(timezone.now(), self.agency.tzinfo).date() if self.agency else timezone.now().date()
        return self.versions.in_force_on(today).order_by("-number").first()


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
    template_version = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="adoptions", verbose_name=_("dari versi templat"))
    effective_from = models.DateField(_("berlaku mulai"), null=True, blank=True,
                                      help_text=_("Kosong: berlaku sejak disimpan."))

    objects = SopVersionQuerySet.as_manager()

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

    @property
    def diff_url(self) -> str:
        return self.sop.version_diff_url(self.number)

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
            self._keep_spec(self.definition)
        return _SPECS[key]

    def _keep_spec(self, definition: dict) -> None:
        """Parse ``definition`` (this version's) and keep it for the process."""
        _SPECS[(self.pk, self.source_sha256)] = SopSpec.from_data(definition, source=f"{self.source_name} v{self.number}")


_SPECS: dict[tuple[int, str], SopSpec] = {}


def parse_specs(versions: Iterable[SopVersion]) -> None:
    """Parse, in one query, the definitions of ``versions`` not parsed yet in this process.

    Lists of cases and tasks read their SOP versions without the definition (deferred: up to
    20 KB of JSON a row, 15 ms of a national inbox at 100,000 cases), then call this so that
    ``version.spec`` reads none row by row."""
    missing = {v.pk: v for v in versions if (v.pk, v.source_sha256) not in _SPECS}
    if not missing:
        return
    for pk, definition in SopVersion.objects.filter(pk__in=list(missing)).values_list("pk", "definition"):
        missing[pk]._keep_spec(definition)

