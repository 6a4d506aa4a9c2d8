"""Writes to people, roles and delegations. Nothing here copies rights: who may see or do
what is read live from these rows (workflows.access, workflows.engine)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.administration import (administered_agencies, assignable_roles, creatable_scopes, holds_admin_role,
                                     may_administer)
from accounts.models import Agency, Delegation, Role, RoleAssignment, Unit, UnitKind, User
from accounts.roles import AGENCY_ADMIN, SEED_ROLES, SEED_UNIT_KINDS
from accounts.standing import headed_unit_keys


def seed_vocabulary() -> None:
    """Make sure the roles and unit kinds every deployment starts with exist (never renames)."""
    for code, name, scope in SEED_ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "scope": scope})
    for code, name, head in SEED_UNIT_KINDS:
        UnitKind.objects.get_or_create(code=code, defaults={"name": name, "head_role_id": head})


@transaction.atomic
def role_assign(*, user: User, role: "str | Role", unit: Unit, acting: str = "") -> RoleAssignment:
    assignment, _ = RoleAssignment.objects.update_or_create(
        user=user, role_id=getattr(role, "code", role), unit=unit, defaults={"acting": acting}
    )
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment) -> None:
    assignment.delete()


def delegable_roles(unit: Unit, by: User | None = None) -> set[str]:
    """Roles of ``unit`` its head may delegate: the head role itself, and roles someone holds
    definitively in the unit (never a role the unit does not have). The agency administrator
    role only by someone who holds it: a head must not create administrators."""
    held = set(RoleAssignment.objects.filter(unit=unit, acting="", role__scope=Role.Scope.AGENCY)
               .values_list("role_id", flat=True))
    if by is None or not holds_admin_role(by, unit.agency):
        held.discard(AGENCY_ADMIN)
    return held | ({unit.kind.head_role_id} if unit.kind.head_role_id else set())


def delegating_units(user: User):
    """Units whose roles ``user`` may delegate: those they head, and every unit of an agency
    they administer."""
    if user.is_superuser:
        return Unit.objects.select_related("agency", "kind")
    headed = [unit_id for unit_id, _agency in headed_unit_keys(user, delegated=False)]  # a Plh. does not delegate
    return (Unit.objects.filter(Q(pk__in=headed) | Q(agency__in=administered_agencies(user)))
            .select_related("agency", "kind").order_by("agency__name", "name"))


def _require_admin(by: User, agency: Agency) -> None:
    if not may_administer(by, agency):
        raise PermissionDenied(_("Hanya administrator %(agency)s yang dapat mengubah data instansi itu.")
                               % {"agency": agency.name})


def _require_some_agency(by: User) -> None:
    """The shared vocabulary (roles, unit kinds) grows by any agency administrator's hand."""
    if not administered_agencies(by).exists():
        raise PermissionDenied(_("Peran dan jenis unit baru ditambahkan oleh administrator instansi."))


# -- the agency administrator's writes ------------------------------------------------------

@transaction.atomic
def person_save(*, by: User, agency: Agency, person: User) -> User:
    """Store a person of ``agency`` (new or edited, validated by the form). A new person gets
    no password: they set their own through the emailed link."""
    _require_admin(by, agency)
    if person.pk is None:
        person.agency = agency
        person.set_unusable_password()
    elif person.agency_id != agency.pk or person.is_superuser:
        raise PermissionDenied(_("%(name)s bukan pegawai %(agency)s; datanya diubah oleh instansinya sendiri.")
                               % {"name": person.full_name, "agency": agency.name})
    person.save()
    return person


@transaction.atomic
def role_give(*, by: User, agency: Agency, person: User, role: Role, unit: Unit, acting: str = "") -> RoleAssignment:
    """Give a staff member of ``agency`` a role in one of its units; counts on the next request."""
    _require_admin(by, agency)
    errors = {}
    if unit.agency_id != agency.pk:
        errors["unit"] = _("Unit itu bukan milik %(agency)s.") % {"agency": agency.name}
    if not assignable_roles(agency).filter(pk=role.pk).exists():
        errors["role"] = (_("Peran pihak luar diberikan lewat undangan pada satu kasus, bukan di sini.")
                          if role.scope == Role.Scope.OUTSIDE else
                          _("Peran nasional hanya diberikan oleh instansi nasional (mis. LKPP)."))
    if person.agency_id != agency.pk:
        errors["user"] = _("%(name)s bukan pegawai %(agency)s.") % {"name": person.full_name, "agency": agency.name}
    if role.code == AGENCY_ADMIN and (person.pk == by.pk or not holds_admin_role(by, agency)):
        errors["role"] = _("Peran administrator instansi diberikan oleh administrator definitif kepada orang lain, "
                           "tidak kepada diri sendiri dan tidak oleh Plt./Plh.")
    if errors:
        raise ValidationError(errors)
    return role_assign(user=person, role=role, unit=unit, acting=acting)


@transaction.atomic
def role_take_back(*, by: User, assignment: RoleAssignment) -> None:
    """Revoke a role held in one of the agency's units; it stops counting on the next request."""
    _require_admin(by, assignment.unit.agency)
    if assignment.user_id == by.pk and assignment.role_id == AGENCY_ADMIN and not by.is_superuser:
        raise ValidationError(_("Anda tidak dapat mencabut peran administrator Anda sendiri; minta administrator "
                                "lain melakukannya."))
    role_revoke(assignment=assignment)


@transaction.atomic
def unit_save(*, by: User, agency: Agency, unit: Unit) -> Unit:
    _require_admin(by, agency)
    if unit.pk is not None and unit.agency_id != agency.pk:
        raise PermissionDenied(_("Unit itu bukan milik %(agency)s.") % {"agency": agency.name})
    unit.agency = agency
    unit.save()
    return unit


@transaction.atomic
def role_create(*, by: User, role: Role) -> Role:
    """A new lane role (Penyedia, Verifikator, Front Office, ...), for every agency to use."""
    _require_some_agency(by)
    if role.scope not in creatable_scopes(by):
        raise ValidationError({"scope": _("Peran nasional hanya ditambahkan oleh instansi nasional (mis. LKPP).")})
    if role.scope == Role.Scope.NATIONAL and not by.is_superuser:  # owned by the national agency adding it
        role.home_agency = administered_agencies(by).filter(is_national=True).order_by("pk").first()
    role.save()
    return role


@transaction.atomic
def unit_kind_create(*, by: User, kind: UnitKind) -> UnitKind:
    _require_some_agency(by)
    kind.save()
    return kind


@transaction.atomic
def delegation_create(*, by: User, unit: Unit, role: str, delegate: User, kind: str, starts_on, ends_on,
                      sk_number: str) -> Delegation:
    """Hand ``role`` of ``unit`` to ``delegate`` from ``starts_on`` to ``ends_on`` (inclusive).

    Only the head of the unit (or the application administrator) delegates. The official who
    holds the role definitively is recorded as the one stood in for, so records print both.
    """
    if not delegating_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Hanya kepala %(unit)s, atau administrator instansinya, yang dapat mendelegasikan "
                                 "peran di unit itu.") % {"unit": unit.name})
    errors = {}
    role_obj = Role.objects.filter(code=role).first()
    if role not in delegable_roles(unit, by):
        errors["role"] = _("Hanya peran kepala unit ini, atau peran yang dipegang definitif di unit ini, yang dapat "
                           "didelegasikan.")
    if not delegate.is_active:
        errors["delegate"] = _("Akun penerima delegasi tidak aktif.")
    elif delegate.pk == by.pk:
        errors["delegate"] = _("Delegasi diberikan kepada orang lain, bukan kepada diri sendiri.")
    elif not (delegate.agency_id == unit.agency_id
              or RoleAssignment.objects.filter(user=delegate, unit__agency_id=unit.agency_id).exists()):
        errors["delegate"] = _("Penerima delegasi harus pegawai %(agency)s.") % {"agency": unit.agency.name}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
    if not (sk_number or "").strip():
        errors["sk_number"] = _("Nomor SK wajib diisi.")
    if errors:
        raise ValidationError(errors)
    official = (RoleAssignment.objects.filter(role_id=role, unit=unit, acting="").exclude(user=delegate)
                .select_related("user").first())
    return Delegation.objects.create(role=role_obj, unit=unit, delegate=delegate, kind=kind, starts_on=starts_on,
                                     ends_on=ends_on, sk_number=sk_number.strip(), delegated_by=by,
                                     on_behalf_of=official.user if official else None)


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, by: User) -> Delegation:
    """End a delegation before its last day; it stops counting on the next request."""
    if not delegating_units(by).filter(pk=delegation.unit_id).exists():
        raise PermissionDenied(_("Hanya kepala %(unit)s, atau administrator instansinya, yang dapat mencabut delegasi "
                                 "ini.") % {"unit": delegation.unit.name})
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
    return delegation
