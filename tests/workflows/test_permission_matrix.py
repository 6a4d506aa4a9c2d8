"""For every SOP, step, action and demo person: only the designated pelaksana succeed.

Generated from the definitions: a step added to an SOP joins the matrix by itself, and
the test fails if any step of any SOP was not exercised.
"""
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from guardian.models import UserObjectPermission

from accounts.models import RoleAssignment
from workflows.exceptions import ActionRefused
from workflows.services import case_cancel
from tests.conftest import SEED_CODES
from tests.workflows.driving import act, case_at

pytestmark = pytest.mark.django_db

STEP_ACTIONS = ("complete", "ya", "tidak", "kembali")
TRANSITIONS = {"complete": "complete", "ya": "decide_ya", "tidak": "decide_tidak", "kembali": "send_back"}


def applies(action, step):
    if action == "cancel":
        return True
    if action == "kembali":
        return step.disposisi and step.no != 1
    return (action == "complete") != step.is_decision


class _Rollback(Exception):
    pass


def snapshot(case):
    case.refresh_from_db()
    return (case.state, case.current_role, case.closed_at, case.events.count(), case.step_runs.count(),
            list(case.step_runs.values_list("completed_at", flat=True)), case.inputs.count(),
            case.attachments.count(), UserObjectPermission.objects.filter(object_pk=str(case.pk)).count())


def attempt(case, action, person):
    """Try the action as ``person``; roll a success back so the next person sees the same case."""
    try:
        with transaction.atomic():
            if action == "cancel":
                case_cancel(case_id=case.pk, by=person, reason="Uji matriks")
            else:
                act(case, action, by=person)
            raise _Rollback
    except _Rollback:
        return "ok"
    except PermissionDenied:
        return "denied"
    except ActionRefused:
        return "refused"


def holders(case, role, *, same_unit=False):
    assignments = RoleAssignment.objects.filter(role=role)
    if same_unit:
        assignments = assignments.filter(unit=case.unit)
    elif role == "pm_lkpp":
        assignments = assignments.filter(unit__agency__is_national=True)
    else:
        assignments = assignments.filter(unit__agency=case.agency)
    return set(assignments.values_list("user__username", flat=True))


@pytest.mark.parametrize("code", SEED_CODES)
def test_only_the_lane_holders_may_take_each_step(code, seed_sops, people):
    version = seed_sops[code].latest_version
    spec = version.spec
    covered = set()
    for step in spec.steps:
        case = case_at(version, step.no)
        allowed = holders(case, step.lane)
        assert allowed, f"no demo person holds {step.lane} for {code} step {step.no}"
        heads = holders(case, case.unit.kind.head_role_id, same_unit=True)
        for action in (*STEP_ACTIONS, "cancel"):
            for username, person in people.items():
                before = snapshot(case)
                outcome = attempt(case, action, person)
                may = username in (heads if action == "cancel" else allowed)
                if may and applies(action, step):
                    expected = "ok"
                elif may:
                    expected = "refused"   # right person, wrong kind of action for this step
                else:
                    expected = "denied"
                assert outcome == expected, (code, step.no, action, username, outcome)
                assert snapshot(case) == before, (code, step.no, action, username)
                if action != "cancel":
                    names = {t.name for t in case.get_available_user_state_transitions(person)}
                    wanted = {TRANSITIONS[a] for a in STEP_ACTIONS if applies(a, step)}
                    assert (names - {"cancel"}) == (wanted if may else set()), (code, step.no, username, names)
        covered.add(step.no)
    assert covered == {s.no for s in spec.steps}


def test_the_same_role_in_another_agency_is_refused(seed_sops, people):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    case = case_at(version, 2)  # waits for the Kepala LPSE of Ponorogo
    for outsider in ("kepala.lpse.kaltim", "kepala.lpse.kkp"):
        with pytest.raises(PermissionDenied, match="Kepala LPSE Pemerintah Kabupaten Ponorogo"):
            act(case, "complete", by=people[outsider])
    assert case.events.count() == 2
    act(case, "complete", by=people["kepala.lpse.ponorogo"])


def test_pm_lkpp_acts_for_every_agency_from_the_national_unit(seed_sops, people):
    version = seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version
    case = case_at(version, 2)
    assert {t.name for t in case.get_available_user_state_transitions(people["pm.lkpp"])} == {
        "decide_ya", "decide_tidak"}
