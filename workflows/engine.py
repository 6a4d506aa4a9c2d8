"""Guards of the case state machine: who may take a transition, and when.

django-fsm calls these as ``permission=`` (case, user) and ``conditions=`` (case). They
read the step graph of the case's own SOP version, so one set of transitions serves
every SOP. ``refusal`` puts a refused transition into words for the person refused.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Delegation, Role, RoleAssignment
from accounts.standing import held_assignments, is_active_person
from workflows import states
from workflows.definitions import END

if TYPE_CHECKING:
    from accounts.models import User
    from workflows.models import Case

ACTIONS = ("start", "complete", "decide_ya", "decide_tidak", "send_back", "cancel")


def lane_holders(case: Case, role: str) -> QuerySet[RoleAssignment]:
    """Role assignments that make their holder a pelaksana of ``role`` on this case: the role
    held in the case's agency, or held anywhere when the role is national."""
    return (RoleAssignment.objects.filter(role_id=role, user__is_active=True)
            .filter(Q(role__scope=Role.Scope.NATIONAL) | Q(role__scope=Role.Scope.AGENCY, unit__agency_id=case.agency_id))
            .select_related("unit", "user", "role"))


def lane_delegations(case: Case, role: str) -> QuerySet[Delegation]:
    """Delegations (Plt./Plh.) of ``role`` in force today that make their delegate a pelaksana."""
    today = timezone.localtime(timezone.now(), case.agency.tzinfo).date()
    return (Delegation.objects.active_on(today).filter(role_id=role, delegate__is_active=True)
            .filter(Q(role__scope=Role.Scope.NATIONAL) | Q(role__scope=Role.Scope.AGENCY, unit__agency_id=case.agency_id))
            .select_related("unit", "delegate", "role", "on_behalf_of"))


def lane_invitees(case: Case, role: str):
    """Outside parties who accepted an invitation to ``role`` on this very case."""
    from workflows.models import Invitation

    return (Invitation.objects.filter(case_id=case.pk, lane_role=role, accepted_at__isnull=False,
                                      user__is_active=True).select_related("user"))


def lane_people(case: Case, role: str) -> list[User]:
    """Everyone who may act in ``role`` on this case now: holders, delegates and invited
    outside parties, once each."""
    people = {a.user.pk: a.user for a in lane_holders(case, role)}
    people |= {d.delegate.pk: d.delegate for d in lane_delegations(case, role)}
    people |= {i.user.pk: i.user for i in lane_invitees(case, role)}
    return sorted(people.values(), key=lambda u: u.pk)


def _memo(case: Case, key: tuple, compute):
    """Inside one service call (which locks the case and sets ``case._engine_memo``) each
    reading of the case's standing is made once per state: the permission check, the refusal
    and django-fsm's own re-check of the conditions then share it. Outside one, read live."""
    memo = getattr(case, "_engine_memo", None)
    if memo is None:
        return compute()
    key = (case.state, *key)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@contextmanager
def remembering(case: Case) -> Iterator[Case]:
    """Let the engine's readings of ``case`` be shared for the length of the block."""
    case._engine_memo = {}
    try:
        yield case
    finally:
        del case._engine_memo



def lane_assignment(case: Case, user: User, role: str) -> RoleAssignment | None:
    """How ``user`` stands in ``role`` on this case: their own assignment, or a delegation in
    force today (an unsaved assignment carrying ``.delegation``)."""
    if not is_active_person(user):
        return None
    return _memo(case, ("lane", user.pk, role), lambda: _lane_assignment(case, user, role))


def _own_assignments(case: Case, user: User) -> list[RoleAssignment]:
    """``user``'s role assignments as the engine judges them: read live, not the request's copy
    (under a service's lock the check must see a role taken away a moment ago), once per
    service call or page (``remembering``)."""
    return _memo(case, ("held", user.pk), lambda: held_assignments(user, live=True))


def _holds_lane(assignment: RoleAssignment, case: Case, role: str) -> bool:
    """Whether ``assignment`` makes its holder a pelaksana of ``role`` on this case (what
    lane_holders selects, for one of a person's own assignments)."""
    scope = assignment.role.scope
    return assignment.role_id == role and (scope == Role.Scope.NATIONAL or (
        scope == Role.Scope.AGENCY and assignment.unit.agency_id == case.agency_id))


def _lane_assignment(case: Case, user: User, role: str) -> RoleAssignment | None:
    held = next((a for a in _own_assignments(case, user) if _holds_lane(a, case, role)), None)
    if held is not None:
        return held
    delegation = lane_delegations(case, role).filter(delegate=user).first()
    if delegation is not None:
        return delegation.as_assignment()
    invitation = lane_invitees(case, role).filter(user=user).first() if case.pk else None
    if invitation is not None:  # an outside party acts for their organisation, in no unit
        return RoleAssignment(user=user, role_id=role, unit=None)
    return None


def unit_heads(unit) -> list[User]:
    """Who heads ``unit`` today: the holders of its kind's head role there, and a Plt./Plh."""
    head_role = unit.kind.head_role_id
    if head_role is None:
        return []
    today = timezone.localtime(timezone.now(), unit.agency.tzinfo).date()
    people = {a.user for a in RoleAssignment.objects.filter(unit=unit, role_id=head_role, user__is_active=True)
              .select_related("user")}
    people |= {d.delegate for d in Delegation.objects.active_on(today).filter(
        unit=unit, role_id=head_role, delegate__is_active=True).select_related("delegate")}
    return sorted(people, key=lambda u: u.pk)


def head_assignment(case: Case, user: User) -> RoleAssignment | None:
    """The user's assignment as head of the case's own unit, if they are its head."""
    head_role = case.unit.kind.head_role_id
    if head_role is None or not is_active_person(user):
        return None
    held = next((a for a in _own_assignments(case, user) if a.role_id == head_role and a.unit_id == case.unit_id),
                None)
    if held is not None:
        return held
    delegation = lane_delegations(case, head_role).filter(delegate=user, unit_id=case.unit_id).first()
    return delegation.as_assignment() if delegation else None


def acting_assignment(case: Case, action: str, user: User) -> RoleAssignment | None:
    """The role assignment in which ``user`` takes ``action`` on the case now, if any."""
    if action == "cancel":
        return head_assignment(case, user)
    step = case.spec.first_step if action == "start" else case.current_step
    return lane_assignment(case, user, step.lane) if step else None


# -- permissions (django-fsm ``permission=``) -------------------------------------------

def may_start(case: Case, user: User) -> bool:
    return lane_assignment(case, user, case.spec.first_step.lane) is not None


def open_run(case: Case):
    """The step run waiting now (None on a closed or unstarted case)."""
    return _memo(case, ("run",), lambda: case.step_runs.filter(completed_at__isnull=True)
                 .select_related("assignee").first())


def assignee_of(case: Case):
    """Who the waiting step is taken by or assigned to, if anyone."""
    run = open_run(case)
    if run is None or run.assignee is None:
        return None
    if lane_assignment(case, run.assignee, run.lane_role) is None:
        return None  # they lost the role (or their delegation ended): the step is the lane's again
    return run.assignee


def may_act(case: Case, user: User) -> bool:
    step = case.current_step
    if step is None or lane_assignment(case, user, step.lane) is None:
        return False
    assignee = assignee_of(case)
    return assignee is None or assignee.pk == user.pk


def may_cancel(case: Case, user: User) -> bool:
    return head_assignment(case, user) is not None


# -- conditions (django-fsm ``conditions=``) --------------------------------------------

def is_open(case: Case) -> bool:
    return case.state not in states.CLOSED and case.state != states.NEW


def at_process_step(case: Case) -> bool:
    step = case.current_step
    return step is not None and not step.is_decision


def at_decision_step(case: Case) -> bool:
    step = case.current_step
    return step is not None and step.is_decision


def previous_step_no(case: Case) -> int | None:
    """The step whose completion activated the current one."""
    last = case.step_runs.filter(completed_at__isnull=False).order_by("-completed_at", "-pk").first()
    return last.step_no if last else None


def can_send_back(case: Case) -> bool:
    """A disposisi step may be returned to the step before it."""
    step = case.current_step
    return step is not None and step.disposisi and previous_step_no(case) is not None


def missing_kelengkapan(case: Case) -> list[str]:
    """Keys the current step requires from earlier steps that the case does not hold yet."""
    step = case.current_step
    if step is None or not step.requires:
        return []
    present = _memo(case, ("inputs",), lambda: set(case.inputs.filter(key__in=step.requires)
                                                    .values_list("key", flat=True)))
    return [key for key in step.requires if key not in present]


def kelengkapan_present(case: Case) -> bool:
    return not missing_kelengkapan(case)


def state_after(case: Case, target: int | str) -> str:
    return states.DONE if target == END else states.of_step(target)


# -- refusals in words ------------------------------------------------------------------

def _input_label(case: Case, key: str) -> str:
    for step in case.spec.steps:
        for spec in step.inputs:
            if spec.key == key:
                return spec.label
    return key


def _lane_place(case: Case, role: str) -> str:
    found = Role.objects.filter(code=role).first()
    if found is None or found.scope != Role.Scope.AGENCY:
        return found.name if found else role
    return _("%(role)s %(agency)s") % {"role": found.name, "agency": case.agency.name}


def refusal(case: Case, action: str, user: User) -> str | None:
    """Why ``user`` may not take ``action`` now, in a sentence; None if they may."""
    if case.state == states.DONE:
        return _("Kasus ini sudah selesai; tidak ada langkah yang dapat dikerjakan.")
    if case.state == states.CANCELLED:
        return _("Kasus ini sudah dibatalkan; tidak ada langkah yang dapat dikerjakan.")
    if action == "start":
        step = case.spec.first_step
        if case.state != states.NEW:
            return _("Kasus ini sudah dimulai.")
        if not may_start(case, user):
            return _("Kasus %(sop)s dimulai oleh %(place)s; Anda tidak memegang peran itu.") % {
                "sop": case.spec.name, "place": _lane_place(case, step.lane)}
        return None
    if action == "cancel":
        if not may_cancel(case, user):
            head = case.unit.kind.head_role
            return _("Hanya %(head)s %(unit)s yang dapat membatalkan kasus ini.") % {
                "head": head.name if head else _("kepala unit"), "unit": case.unit.name}
        return None
    step = case.current_step
    if step is None:
        return _("Kasus ini belum dimulai.")
    if not may_act(case, user):
        assignee = assignee_of(case)
        if assignee is not None and lane_assignment(case, user, step.lane) is not None:
            return _("Langkah %(no)d sedang ditangani %(name)s; minta ia melepasnya, atau minta kepala unit "
                     "menugaskan ulang.") % {"no": step.no, "name": assignee.full_name}
        return _("Langkah %(no)d (%(kegiatan)s) dikerjakan oleh %(place)s; Anda tidak memegang peran itu.") % {
            "no": step.no, "kegiatan": step.kegiatan, "place": _lane_place(case, step.lane)}
    if action == "complete" and step.is_decision:
        return _("Langkah %(no)d adalah keputusan (%(question)s); jawab ya atau tidak.") % {
            "no": step.no, "question": step.question or step.kegiatan}
    if action in ("decide_ya", "decide_tidak") and not step.is_decision:
        return _("Langkah %(no)d bukan keputusan; selesaikan langkahnya.") % {"no": step.no}
    if action == "send_back":
        if not step.disposisi:
            return _("Langkah %(no)d bukan disposisi; tidak dapat dikembalikan.") % {"no": step.no}
        if previous_step_no(case) is None:
            return _("Langkah %(no)d adalah langkah pertama; tidak ada langkah sebelumnya.") % {"no": step.no}
        return None
    missing = missing_kelengkapan(case)
    if missing:
        return _("Kelengkapan langkah %(no)d belum ada: %(items)s.") % {
            "no": step.no, "items": ", ".join(_input_label(case, key) for key in missing)}
    return None
