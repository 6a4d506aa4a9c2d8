"""Who administers which agency, and what an agency administrator may change.

An agency administrator (role ``admin_instansi`` held in one of the agency's units, or
delegated for dates) manages that agency's units, staff, role assignments and delegations
in the app, so the superuser is not needed for daily work. Read live on every request,
like every other right in this application.

What they may never do: reach another agency's people or units, or hand out a role whose
holders would act beyond the agency (a national role, unless the agency itself is national
like LKPP, and then only the national roles it owns); outside-party roles are given per case
by invitation, not assigned; and the administrator role itself is given only by someone who
holds it by assignment, never to oneself.
"""
from __future__ import annotations


from django.db.models import Q, QuerySet

from accounts.models import Agency, Delegation, Role, RoleAssignment, Unit, User
from accounts.roles import AGENCY_ADMIN
from accounts.standing import agencies_in_role, is_active_person


def administered_agencies(user) -> QuerySet[Agency]:
    """The agencies ``user`` administers today (every agency for the superuser)."""
    if not is_active_person(user):
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=agencies_in_role(user, AGENCY_ADMIN))


def administers_any(user) -> bool:
    """Whether ``user`` administers an agency today (the header asks on every page)."""
    return is_active_person(user) and (user.is_superuser or bool(agencies_in_role(user, AGENCY_ADMIN)))


def may_administer(user, agency: Agency) -> bool:
    return is_active_person(user) and (user.is_superuser or agency.pk in agencies_in_role(user, AGENCY_ADMIN))


def assignable_roles(agency: Agency) -> QuerySet[Role]:
    """Roles an administrator of ``agency`` may give its staff: roles held inside an agency,
    and the national roles that agency owns (LKPP's gives PM LKPP; BPK's cannot)."""
    return Role.objects.filter(Q(scope=Role.Scope.AGENCY) | Q(scope=Role.Scope.NATIONAL, home_agency=agency)
                               ).order_by("name")


def creatable_scopes(user) -> list[str]:
    """Where a role created by ``user`` may be held: a national role only by the superuser or
    an administrator of a national agency (which then owns it)."""
    scopes = [Role.Scope.AGENCY, Role.Scope.OUTSIDE]
    if user.is_superuser or administered_agencies(user).filter(is_national=True).exists():
        scopes.insert(1, Role.Scope.NATIONAL)
    return scopes


def agency_people(agency: Agency) -> QuerySet[User]:
    """The agency's staff, and anyone else holding a role in one of its units."""
    return User.objects.filter(Q(agency=agency) | Q(role_assignments__unit__agency=agency)).distinct()


def may_edit_person(agency: Agency, person: User) -> bool:
    """The agency's own staff are edited by its administrator. Anyone who also holds a role
    or a delegation in another agency, or staff rights in the Django admin, is edited only by
    the application administrator: changing their email here would hand another agency's
    account to this one. Their assignments here are still listed and can be revoked."""
    if person.agency_id != agency.pk or person.is_superuser or person.is_staff:
        return False
    elsewhere = (RoleAssignment.objects.filter(user=person).exclude(unit__agency=agency).exists()
                 or Delegation.objects.filter(delegate=person, revoked_at__isnull=True).exclude(
                     unit__agency=agency).exists())
    return not elsewhere


def holds_admin_role(user, agency: Agency) -> bool:
    """Administers ``agency`` by their own assignment, not only as a Plt./Plh."""
    return user.is_superuser or RoleAssignment.objects.filter(user=user, role_id=AGENCY_ADMIN,
                                                              unit__agency=agency).exists()


def agency_units(agency: Agency) -> QuerySet[Unit]:
    return agency.units.select_related("kind__head_role").order_by("name")
