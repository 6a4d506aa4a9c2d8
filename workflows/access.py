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

from accounts.models import Role, Unit
from accounts.roles import AUDITOR
from accounts.standing import headed_unit_keys, held_assignments, is_active_person, standings
from workflows import engine
from workflows.models import Case, CaseEvent, Invitation

VIEW_CASE = "workflows.view_case"


def lane_q(user, prefix: str = "", *, national_role_field: str | None = None) -> Q:
    """Cases whose current step waits for ``user``: a role they hold or stand in for (in its
    agency, or nationally), or the lane of a case that invited them.

    ``prefix`` leads from the queried model to the case, whose ``current_role`` names the
    lane; ``national_role_field`` names another column for a national role (a waiting step
    run's own ``lane_role`` equals it, and lets a national lane be read from the step runs'
    index alone, while an agency's lane is found from its cases)."""
    role_field = f"{prefix}current_role"
    condition = Q(pk__in=[])
    for standing in standings(user):
        if standing.scope == Role.Scope.NATIONAL:
            condition |= Q(**{national_role_field or role_field: standing.role_id})
        elif standing.scope == Role.Scope.AGENCY:
            condition |= Q(**{role_field: standing.role_id, f"{prefix}agency_id": standing.agency_id})
        # outside parties act only where a case invites them (below)
    for case_id, role in Invitation.objects.filter(user=user, accepted_at__isnull=False).values_list(
            "case_id", "lane_role"):
        condition |= Q(**{f"{prefix}pk": case_id, role_field: role})
    return condition


def headed_units_now(user) -> QuerySet[Unit]:
    """The units ``user`` heads today, with their agency and kind."""
    return Unit.objects.filter(pk__in=[unit_id for unit_id, _agency in headed_unit_keys(user)]).select_related(
        "agency", "kind")


def participation_q(user) -> Q:
    """Cases ``user`` takes part in: started, acted on, or must act on now."""
    return (Q(started_by=user) | Q(pk__in=CaseEvent.objects.filter(actor=user).values("case_id")) | lane_q(user))


def visible_cases(user) -> QuerySet:
    """Every case ``user`` may open, auditors' archive aside."""
    if not is_active_person(user):
        return Case.objects.none()
    if user.is_superuser:  # the application administrator reads every case (never acts without a role)
        return Case.objects.all()
    # Their units' staff, and a Plh. like the holder they stand in for, see the unit's cases.
    units = {s.unit_id for s in standings(user)}
    return Case.objects.filter(Q(unit_id__in=units) | participation_q(user) | Q(pk__in=_granted_case_ids(user)))


def _granted_case_ids(user) -> QuerySet:
    """The ids of the cases ``user`` holds an explicit django-guardian view grant on, as a
    subquery over the grants alone (guardian's get_objects_for_user matches every case
    against them: a scan of all cases, 80 ms a page at 1,000,000 cases)."""
    return (UserObjectPermission.objects.filter(user=user, permission__codename=VIEW_CASE.split(".")[1],
                                                content_type=ContentType.objects.get_for_model(Case))
            .annotate(case_pk=Cast("object_pk", BigIntegerField())).values("case_pk"))


def audited_agencies(user) -> set[int] | None:
    """Agencies whose archive ``user`` audits: None for a national auditor (every agency)."""
    audits = [a.unit.agency for a in held_assignments(user) if a.role_id == AUDITOR]
    if any(agency.is_national for agency in audits):
        return None
    return {agency.pk for agency in audits}


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
    if not is_active_person(user):
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
    # With what every case page, action and PDF reads of it: the unit's kind (who heads it) and
    # the SOP's own agency (the sheet's address).
    case = (Case.objects.select_related("sop_version__sop__agency", "agency", "unit__kind")
            .filter(pk=pk).first())
    if case is None or not may_view(user, case):
        raise Http404
    return case
