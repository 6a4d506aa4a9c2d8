"""National templates adopted by agencies.

LKPP's standard SOP is stored once, as a template with no agency. An agency adopts it by
filling its own sheet header (kop, nomor, tanggal, disahkan oleh); that makes an ordinary
SOP version of the agency, stored as the YAML text it amounts to, so it prints, runs and
exports like any other. A revised template changes nothing in an agency until that agency
adopts the revision, keeping the header it gave before.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.administration import administered_agencies, may_administer
from accounts.models import Agency
from workflows.definitions import ADOPTION_SHEET_KEYS, DefinitionError, Problem, dump_definition
from workflows.models import Sop, SopVersion
from workflows.sop_import import sop_import


@dataclass(frozen=True)
class Adoption:
    """Where an agency stands with a template: its SOP, the template version it follows."""

    agency: Agency
    sop: Sop | None
    follows: SopVersion | None  # the template version of the agency's latest version

    @property
    def behind(self) -> bool:
        return self.follows is not None and self.follows.pk != self.follows.sop.latest_version.pk


def adoptions(template: Sop) -> list[Adoption]:
    """Every agency that adopted ``template``, with the template version it follows now."""
    out = []
    for sop in template.adoptions.select_related("agency").order_by("agency__name"):
        latest = sop.versions.select_related("template_version__sop").order_by("-number").first()
        out.append(Adoption(sop.agency, sop, latest.template_version if latest else None))
    return out


def adoptable_agencies(user, template: Sop):
    """Agencies ``user`` may adopt ``template`` for (those they administer)."""
    return administered_agencies(user).order_by("name") if template.is_template else Agency.objects.none()


def header_initial(template_version: SopVersion, agency: Agency) -> dict:
    """What the adoption form starts from: the agency's header from its last adoption of this
    template, or the template's own (often blank) header."""
    previous = (SopVersion.objects.filter(sop__agency=agency, sop__template=template_version.sop)
                .order_by("-number").first())
    sheet = (previous or template_version).spec.sheet
    return {key: copy.deepcopy(sheet.get(key)) for key in ADOPTION_SHEET_KEYS}


def adopted_text(template_version: SopVersion, agency: Agency, header: dict) -> str:
    """The definition file the adoption amounts to: the template's, with the agency and its header."""
    data = copy.deepcopy(template_version.definition)
    data.pop("template", None)
    data = {"format": data.pop("format"), "code": data.pop("code"), "agency": agency.code, **data}
    data["sheet"].update({key: header[key] for key in ADOPTION_SHEET_KEYS if key in header})
    return dump_definition(data, comment=f"{agency.name} mengadopsi templat nasional {template_version.sop.code} "
                                         f"versi {template_version.number}.")


@transaction.atomic
def sop_adopt(*, template_version: SopVersion, agency: Agency, header: dict, by) -> tuple[SopVersion, bool]:
    """Make (or revise) ``agency``'s SOP from ``template_version`` with the agency's own header.

    Returns (version, created); adopting the same template version with the same header
    again stores nothing. Raises PermissionDenied for anyone but the agency's administrator,
    DefinitionError when the agency lacks what the template needs (say, a unit of its kind).
    """
    if not template_version.sop.is_template:
        raise PermissionDenied(_("Hanya templat nasional yang dapat diadopsi."))
    if not may_administer(by, agency):
        raise PermissionDenied(_("Hanya administrator %(agency)s yang dapat mengadopsi templat untuk instansi itu.")
                               % {"agency": agency.name})
    unit_kind = template_version.spec.unit
    if not agency.units.filter(kind_id=unit_kind).exists():
        raise DefinitionError([Problem(template_version.sop.code, _(
            "%(agency)s belum punya unit jenis '%(kind)s' yang menjalankan SOP ini; tambahkan dulu unitnya (Kelola → "
            "Tambah unit), lalu adopsi lagi.") % {"agency": agency.name, "kind": unit_kind}, field="unit")])
    text = adopted_text(template_version, agency, header)
    name = _("templat %(code)s v%(number)d, diadopsi %(agency)s") % {
        "code": template_version.sop.code, "number": template_version.number, "agency": agency.code}
    return sop_import(text=text, source_name=name, by=by, template_version=template_version)
