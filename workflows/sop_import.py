"""Storing a definition file as a new, immutable SOP version."""
from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, RoleAssignment, UnitKind
from workflows.definitions import DefinitionError, Problem, SopSpec, parse_definition
from workflows.models import Sop, SopVersion


def reference_problems(spec: SopSpec, source_name: str) -> list[Problem]:
    """What the definition names that this deployment does not have: the agency, unit kinds,
    lane roles. Each message says how to add it."""
    problems = []
    if not spec.template and not Agency.objects.filter(code=spec.agency).exists():
        problems.append(Problem(source_name, _("instansi '%(code)s' belum terdaftar; daftarkan dulu di admin.")
                                % {"code": spec.agency}, field="agency"))
    kinds = set(UnitKind.objects.values_list("code", flat=True))
    for field, code in (("unit", spec.unit), ("sheet.unit", spec.sheet.get("unit"))):
        if code and code not in kinds:
            problems.append(Problem(source_name, _(
                "unit '%(unit)s' tidak dikenal di aplikasi ini; tambahkan dulu jenis unit dengan kode '%(unit)s' "
                "(Kelola → Peran dan jenis unit), lalu impor lagi.") % {"unit": code}, field=field))
    roles = set(Role.objects.filter(code__in=[lane.role for lane in spec.lanes]).values_list("code", flat=True))
    for i, lane in enumerate(spec.lanes, 1):
        if lane.role not in roles:
            problems.append(Problem(source_name, _(
                "peran '%(role)s' (%(label)s) tidak dikenal di aplikasi ini; tambahkan dulu peran dengan kode "
                "'%(role)s' (Kelola → Peran dan jenis unit; pilih berlaku di dalam instansi, nasional, atau pihak "
                "luar), lalu impor lagi.") % {"role": lane.role, "label": lane.label}, field=f"lanes[{i}].role"))
    # Roles named by effects (notify a role, phone confirmations) must exist too.
    named = [(step.no, "effect.role" if len(step.effects) == 1 else f"effects[{i}].role", effect.role)
             for step in spec.steps for i, effect in enumerate(step.effects, 1) if getattr(effect, "role", None)]
    known = set(Role.objects.filter(code__in=[role for _no, _field, role in named]).values_list("code", flat=True))
    for no, field, role in named:
        if role not in known:
            problems.append(Problem(source_name, _(
                "peran '%(role)s' tidak dikenal di aplikasi ini; tambahkan dulu peran dengan kode '%(role)s' "
                "(Kelola → Peran dan jenis unit), lalu impor lagi.") % {"role": role}, step=no, field=field))
    return problems


def unheld_lanes(spec: SopSpec) -> list[str]:
    """Lanes nobody holds today for the definition's agency: warnings, not errors (a role can
    be given after the import). A template has no agency: its lanes are checked on adoption."""
    if spec.template:
        return []
    agency = Agency.objects.filter(code=spec.agency).first()
    roles = {role.code: role for role in Role.objects.filter(code__in=[lane.role for lane in spec.lanes])}
    warnings = []
    for lane in spec.lanes:
        holders = RoleAssignment.objects.filter(role_id=lane.role, user__is_active=True)
        role = roles.get(lane.role)
        if role is None or role.scope == Role.Scope.OUTSIDE:
            continue  # outside parties are invited per case
        if role.scope == Role.Scope.AGENCY:
            holders = holders.filter(unit__agency=agency)
        if not holders.exists():
            warnings.append(_("belum ada yang memegang peran '%(label)s' (%(role)s)%(where)s; langkahnya tidak akan "
                              "muncul di Tugas saya siapa pun sampai peran itu diberikan.")
                            % {"label": lane.label, "role": lane.role,
                               "where": _(" di %(agency)s") % {"agency": agency.name}
                               if agency and role.scope == Role.Scope.AGENCY else ""})
    return warnings


@transaction.atomic
def sop_import(*, text: str, source_name: str, by=None, template_version: SopVersion | None = None,
               effective_from=None) -> tuple[SopVersion, bool]:
    """Validate ``text`` and store it as the next version of its SOP (its agency's, or the
    national template's when the file says ``template: true``).

    Returns (version, created). The same text imported again returns the existing version
    and stores nothing. Raises DefinitionError (and stores nothing) for a bad file.
    ``template_version``: the national template version this text adopts (workflows.adoption).
    ``effective_from``: the day cases start using it (a ratified draft's tanggal efektif).
    """
    spec = parse_definition(text, source_name)
    if problems := reference_problems(spec, source_name):
        raise DefinitionError(problems)
    agency = None if spec.template else Agency.objects.get(code=spec.agency)
    sha = hashlib.sha256(text.encode()).hexdigest()
    template = template_version.sop if template_version else None
    sop, _created = Sop.objects.select_for_update().get_or_create(
        code=spec.code, agency=agency, defaults={"name": spec.name, "template": template})
    if template is not None and sop.template_id != template.pk:
        raise DefinitionError([Problem(source_name, _(
            "%(agency)s sudah punya SOP berkode %(code)s yang bukan adopsi templat ini; pilih kode lain untuk "
            "adopsinya.") % {"code": spec.code, "agency": agency.name}, field="code")])
    existing = sop.versions.filter(source_sha256=sha).first()
    if existing:
        return existing, False
    number = (sop.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SopVersion.objects.create(sop=sop, number=number, source_name=source_name, source_text=text,
                                        source_sha256=sha, definition=spec.as_data(), imported_by=by,
                                        template_version=template_version, effective_from=effective_from)
    if sop.name != spec.name:
        Sop.objects.filter(pk=sop.pk).update(name=spec.name)
    return version, True
