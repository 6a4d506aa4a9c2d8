"""Who may see a case, decided from current data on every request.

A person sees a case when they
- hold a role in the case's own unit (its staff),
- may act on its current step (they hold the lane's role now),
- took part in it: started it or acted on it (any step, a return, a cancellation), which
  keeps their links and Back button working for good, even after their role changes,
- hold an explicit django-guardian grant on it (a named person given one case), or
- audit it: a finished or cancelled case of an agency whose archive they audit.

Nothing here is copied at transition time, so a role given or taken away counts on the
next request.
"""
from __future__ import annotations


from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from guardian.models import UserObjectPermission

from accounts.middleware import remembered
from accounts.models import Delegation, Role, RoleAssignment, Unit
from accounts.roles import AUDITOR
from accounts.services import headed_units
from workflows import engine
from workflows.models import Case, CaseEvent, Invitation

VIEW_CASE = "workflows.view_case"


def active_delegations(user) -> list[Delegation]:
    """The delegations in force for ``user`` today (each in its own agency's zone)."""
    return Delegation.objects.in_force_for(user)


def _standings(user, delegations: list[Delegation]) -> list[tuple[str, str, int]]:
    """(role, where held, agency) for every role ``user`` holds or acts in by delegation today."""
    held = list(RoleAssignment.objects.filter(user=user, user__is_active=True).values_list(
        "role", "role__scope", "unit__agency_id"))
    return held + [(d.role_id, d.role.scope, d.unit.agency_id) for d in delegations]


def lane_q(user, prefix: str = "", delegations: list[Delegation] | None = None, *,
           national_role_field: str | None = None) -> Q:
    """Cases whose current step waits for ``user``: a role they hold or stand in for (in its
    agency, or nationally), or the lane of a case that invited them.

    ``prefix`` leads from the queried model to the case, whose ``current_role`` names the
    lane; ``national_role_field`` names another column for a national role (a waiting step
    run's own ``lane_role`` equals it, and lets a national lane be read from the step runs'
    index alone, while an agency's lane is found from its cases)."""
    delegations = active_delegations(user) if delegations is None else delegations
    role_field = f"{prefix}current_role"
    condition = Q(pk__in=[])
    for role, scope, agency_id in _standings(user, delegations):
        if scope == Role.Scope.NATIONAL:
            condition |= Q(**{national_role_field or role_field: role})
        elif scope == Role.Scope.AGENCY:
            condition |= Q(**{role_field: role, f"{prefix}agency_id": agency_id})
        # outside parties act only where a case invites them (below)
    for case_id, role in Invitation.objects.filter(user=user, accepted_at__isnull=False).values_list(
            "case_id", "lane_role"):
        condition |= Q(**{f"{prefix}pk": case_id, role_field: role})
    return condition


def headed_units_now(user):
    """The units ``user`` heads today: by their own assignment, or as Plt./Plh. of the head."""
    delegated = [d.unit_id for d in active_delegations(user) if d.role_id == d.unit.kind.head_role_id]
    return Unit.objects.filter(Q(pk__in=headed_units(user).values("pk")) | Q(pk__in=delegated)).select_related(
        "agency", "kind")


def headed_unit_keys(user) -> list[tuple[int, int]]:
    """(unit, agency) of each unit ``user`` heads today, read once a request (the header, the
    scope of Monev and of the deviation register, and their choices ask)."""
    return list(remembered(user, "headed_unit_keys",
                           lambda: list(headed_units_now(user).values_list("pk", "agency_id"))))


def participation_q(user, delegations: list[Delegation] | None = None) -> Q:
    """Cases ``user`` takes part in: started, acted on, or must act on now."""
    return (Q(started_by=user) | Q(pk__in=CaseEvent.objects.filter(actor=user).values("case_id"))
            | lane_q(user, delegations=delegations))


def visible_cases(user) -> QuerySet:
    """Every case ``user`` may open, auditors' archive aside."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return Case.objects.none()
    if user.is_superuser:  # the application administrator reads every case (never acts without a role)
        return Case.objects.all()
    granted = _granted_case_ids(user)
    delegations = active_delegations(user)
    units = [d.unit_id for d in delegations]  # a Plh. sees the unit's cases like its holder
    return Case.objects.filter(Q(unit_id__in=RoleAssignment.objects.filter(user=user).values("unit_id"))
                               | Q(unit_id__in=units) | participation_q(user, delegations)
                               | Q(pk__in=granted))


def _granted_case_ids(user) -> QuerySet:
    """The ids of the cases ``user`` holds an explicit django-guardian view grant on, as a
    subquery over the grants alone (guardian's get_objects_for_user matches every case
    against them: a scan of all cases, 80 ms a page at 1,000,000 cases)."""
    return (UserObjectPermission.objects.filter(user=user, permission__codename=VIEW_CASE.split(".")[1],
                                                content_type=ContentType.objects.get_for_model(Case))
            .annotate(case_pk=Cast("object_pk", BigIntegerField())).values("case_pk"))


def audited_agencies(user) -> set[int] | None:
    """Agencies whose archive ``user`` audits: None for a national auditor (every agency)."""
    if not getattr(user, "is_authenticated", False):
        return set()

    def read() -> frozenset[int] | None:
        agencies: set[int] = set()
        for agency_id, national in RoleAssignment.objects.filter(user=user, role_id=AUDITOR).values_list(
                "unit__agency_id", "unit__agency__is_national"):
            if national:
                return None
            agencies.add(agency_id)
        return frozenset(agencies)

    found = remembered(user, "audited_agencies", read)  # the header, the scope and the choices ask
    return None if found is None else set(found)


def may_audit(user, case) -> bool:
    """Auditors read archived (finished or cancelled) cases of their agency, or of all if national."""
    if not case.is_closed:
        return False
    agencies = audited_agencies(user)
    return agencies is None or case.agency_id in agencies


def may_view(user, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists() or may_audit(user, case)


def may_see_personal(user, case) -> bool:
    """Personal data of a case (NIP, phone, email, KTP and SK scans) is for who needs it: the
    head of the case's unit, the pelaksana of the steps that require it (who creates the
    accounts), whoever handed it in, auditors of the archive, and the administrator; not for
    every colleague of the unit."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    spec = case.spec
    keys = spec.personal_keys
    if not keys or user.is_superuser or may_audit(user, case) or engine.head_assignment(case, user) is not None:
        return True
    if case.inputs.filter(key__in=keys, provided_by=user).exists():
        return True
    return any(engine.lane_assignment(case, user, lane) is not None for lane in spec.personal_lanes)


def is_personal_key(case, key: str) -> bool:
    """``key`` of an attachment ("data_pokja[1].salinan_sk_pokja") belongs to a personal input."""
    return key.split("[", 1)[0].split(".", 1)[0] in case.spec.personal_keys


def case_for_user(user, pk: int):
    """The case if ``user`` may see it; 404 otherwise, so other agencies' cases stay invisible."""
    case = Case.objects.select_related("sop_version__sop", "agency", "unit").filter(pk=pk).first()
    if case is None or not may_view(user, case):
        raise Http404
    return case
