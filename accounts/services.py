"""Writes to people, units and roles. Unit groups follow role assignments here, and only here."""
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Role, RoleAssignment, Unit, UnitKind, User
from accounts.roles import SEED_ROLES, SEED_UNIT_KINDS


def unit_group(unit: Unit) -> Group:
    """The group of everyone holding a role in ``unit`` (created on first use)."""
    if unit.group_id is None:
        unit.group, _ = Group.objects.get_or_create(name=f"unit:{unit.pk}")
        unit.save(update_fields=["group"])
    return unit.group


def sync_unit_groups(user: User) -> None:
    """Make the user a member of exactly the groups of the units where they hold a role."""
    units = Unit.objects.filter(role_assignments__user=user).distinct()
    wanted = {unit_group(unit).pk for unit in units}
    current = set(user.groups.filter(unit__isnull=False).values_list("pk", flat=True))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))


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
    sync_unit_groups(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment) -> None:
    user = assignment.user
    assignment.delete()
    sync_unit_groups(user)
