"""record_phone_confirmation: declared on a step, it lets its pelaksana record phone confirmations."""
import pytest

from tests.workflows.driving import act, case_at, start
from tests.workflows.effects.conftest import definition, problems_of
from workflows.announcements import confirmation_people, confirmation_step
from workflows.services import case_record_confirmation

pytestmark = pytest.mark.django_db

EFFECT = "effect: {type: record_phone_confirmation, role: pokja}\n"


def test_the_role_must_be_a_role_code(people):
    assert problems_of(definition(EFFECT)) == []
    assert any("kolom 'effect.role'" in p for p in problems_of(definition(EFFECT.replace("pokja", "Pokja!"))))


def test_confirmations_once_the_step_is_reached(imported, people):
    version = imported(definition(EFFECT))
    assert confirmation_step(start(version)) is None
    case = case_at(version, 2)
    assert confirmation_step(case).no == 2
    assert list(confirmation_people(case)) == [people["pokja.kkp"]]
    row = case_record_confirmation(case_id=case.pk, by=people["admin.sistem.kkp"],
                                   recipient_id=people["pokja.kkp"].pk, note="Sudah ditelepon")
    assert row.channel == "telepon"
    act(case, "complete")
