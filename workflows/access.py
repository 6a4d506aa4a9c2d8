"""Who may see a case: django-guardian object permissions that follow the case.

View rights go to the case's own unit (its group) and to the people who may act on the
current step; nobody else holds them. Called by the services after every transition.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from accounts.services import unit_group
from workflows import engine

VIEW_CASE = "workflows.view_case"


def sync_case_viewers(case) -> None:
    User = get_user_model()
    assign_perm(VIEW_CASE, unit_group(case.unit), case)
    step = case.current_step
    wanted = set()
    if step is not None:
        wanted = set(engine.lane_holders(case, step.lane).values_list("user_id", flat=True))
    current = set(
        get_users_with_perms(case, only_with_perms_in=["view_case"], with_group_users=False).values_list("pk", flat=True)
    )
    if stale := current - wanted:
        remove_perm(VIEW_CASE, User.objects.filter(pk__in=stale), case)
    if new := wanted - current:
        assign_perm(VIEW_CASE, User.objects.filter(pk__in=new), case)


def audited_agencies(user) -> set[int] | None:
    """Agencies whose archive ``user`` audits: None for a national auditor (every agency)."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    if not getattr(user, "is_authenticated", False):
        return set()
    agencies: set[int] = set()
    for agency_id, national in RoleAssignment.objects.filter(user=user, role=Role.AUDITOR).values_list(
            "unit__agency_id", "unit__agency__is_national"):
        if national:
            return None
        agencies.add(agency_id)
    return agencies


def may_audit(user, case) -> bool:
    """Auditors read archived (finished or cancelled) cases of their agency, or of all if national."""
    if not case.is_closed:
        return False
    agencies = audited_agencies(user)
    return agencies is None or case.agency_id in agencies


def case_for_user(user, pk: int):
    """The case if ``user`` may see it; 404 otherwise, so other agencies' cases stay invisible."""
    from django.http import Http404

    from workflows.models import Case

    case = Case.objects.select_related("sop_version__sop", "agency", "unit").filter(pk=pk).first()
    if case is None or not (user.has_perm(VIEW_CASE, case) or may_audit(user, case)):
        raise Http404
    return case
