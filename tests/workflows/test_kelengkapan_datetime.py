"""A date and time typed into a step: every value that is not a real moment gets a message, never a 500."""
import html

import pytest
import time_machine
from django.urls import reverse

from tests.workflows.test_views_announcements import NOW, announce, at_step_2  # noqa: F401 (fixture)
from workflows.models import Announcement

pytestmark = pytest.mark.django_db

IMPOSSIBLE = "Mulai pemeliharaan: tanggal atau jam itu tidak ada di kalender (mis. 30 Februari atau pukul 25.00)."


@pytest.mark.parametrize(("typed", "message"), [
    ("2026-02-30T08:00", IMPOSSIBLE),
    ("2026-13-45T99:99", IMPOSSIBLE),
    ("2026-12-01T24:00", IMPOSSIBLE),
    ("2026-12-01T08:00+99:00", "Mulai pemeliharaan: zona waktu +99:00 tidak ada; pakai antara -12:00 dan +14:00, "
                               "atau tulis tanpa zona agar dipakai zona instansi."),
    ("2026-12-01T08:00+23:00", "Mulai pemeliharaan: zona waktu +23:00 tidak ada;"),
    ("2026-12-01T08:00-05:99", "Mulai pemeliharaan: zona waktu -05:99 tidak ada;"),
    ("0001-01-01T00:00", "Mulai pemeliharaan harus antara tahun 1900 dan 2999."),
    ("9999-12-31T23:59", "Mulai pemeliharaan harus antara tahun 1900 dan 2999."),
    ("0000-00-00T00:00", IMPOSSIBLE),
    ("besok pagi", "Mulai pemeliharaan bukan tanggal dan jam yang valid."),
])
def test_a_date_that_does_not_exist_is_refused_with_a_message(at_step_2, client, typed, message):
    with time_machine.travel(NOW, tick=False):
        response = announce(client, at_step_2, typed, "2026-12-01T15:00")
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert Announcement.objects.count() == 0 and at_step_2.step_runs.count() == 2


def test_the_message_is_in_english_for_a_person_who_chose_english(at_step_2, client, people):
    person = people["admin.sistem.kkp"]
    person.language = "en"
    person.save(update_fields=["language"])
    with time_machine.travel(NOW, tick=False):
        response = announce(client, at_step_2, "2026-02-30T08:00", "2026-12-01T15:00")
    assert response.status_code == 400
    assert ("Mulai pemeliharaan: that date or time does not exist on the calendar (e.g. 30 February or 25:00)."
            in html.unescape(response.content.decode()))


def test_a_real_moment_with_an_offset_is_still_accepted(at_step_2, client):
    with time_machine.travel(NOW, tick=False):
        response = announce(client, at_step_2, "2026-12-01T08:00+08:00", "2026-12-01T15:00")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("case_detail", args=[at_step_2.pk])
    announcement = Announcement.objects.get()
    assert announcement.starts_at.isoformat() == "2026-12-01T00:00:00+00:00"  # 08.00 WITA
