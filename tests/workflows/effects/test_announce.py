"""announce_maintenance / publish_announcement: checked at import and when the step is done."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.workflows.driving import act, case_at
from tests.workflows.effects.conftest import definition, problems_of
from workflows.models import Announcement

pytestmark = pytest.mark.django_db

EFFECT = "effect: {type: publish_announcement, min_lead_days: %d, start: mulai, end: selesai, text: uraian}\n"


def test_parameters_must_name_inputs_of_the_right_type(people):
    assert problems_of(definition(EFFECT % 0)) == []
    wrong = problems_of(definition(EFFECT.replace("start: mulai", "start: uraian") % 0))
    assert any("langkah 2, kolom 'effect.start': input 'uraian' bertipe text" in p for p in wrong), wrong
    missing = problems_of(definition(EFFECT.replace("text: uraian", "text: teks") % 0))
    assert any("langkah 2, kolom 'effect.text': 'teks' bukan input langkah ini" in p for p in missing), missing
    negative = problems_of(definition(EFFECT % -1))
    assert any("kolom 'effect.min_lead_days'" in p for p in negative), negative


def test_the_old_name_still_works(people):
    assert problems_of(definition(EFFECT.replace("publish_announcement", "announce_maintenance") % 3)) == []


def test_zero_days_accepts_an_outage_that_has_already_started(imported):
    case = case_at(imported(definition(EFFECT % 0)), 2)
    now = timezone.now()
    act(case, "complete", kelengkapan={"uraian": "SPSE mati", "mulai": now - datetime.timedelta(hours=1),
                                       "selesai": now + datetime.timedelta(hours=2), "saluran": "email"})
    assert Announcement.objects.get(case=case).text == "SPSE mati"


@pytest.mark.parametrize(("days", "start", "end", "field"), [
    (3, datetime.timedelta(days=1), datetime.timedelta(days=2), "mulai"),    # less than 3 days ahead
    (0, datetime.timedelta(hours=2), datetime.timedelta(hours=1), "selesai"),  # ends before it starts
    (0, -datetime.timedelta(hours=3), -datetime.timedelta(hours=1), "selesai"),  # already over
])
def test_a_bad_period_is_refused_and_nothing_is_published(imported, days, start, end, field):
    case = case_at(imported(definition(EFFECT % days)), 2)
    now = timezone.now()
    with pytest.raises(ValidationError) as info:
        act(case, "complete", kelengkapan={"uraian": "x", "mulai": now + start, "selesai": now + end,
                                           "saluran": "email"})
    assert field in info.value.message_dict
    assert not Announcement.objects.exists() and case.step_runs.count() == 2
