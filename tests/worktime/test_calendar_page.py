"""The agency administrator sets the working week, the reminder share and the agency's own
dates in the browser; a bad entry is a message and changes nothing."""
import datetime

import pytest
from django.urls import reverse

from worktime.calendar import calendar_for
from worktime.models import CalendarException

pytestmark = pytest.mark.django_db


def week(**changes):
    data = {"which": "week", "week-reminder_percent": "75"}
    for day in range(4):
        data |= {f"week-opens_{day}": "07:30", f"week-closes_{day}": "16:00"}
    data |= {"week-opens_4": "07:30", "week-closes_4": "16:30"}
    return data | changes


def test_the_week_and_the_agencys_own_dates_are_set_in_the_browser(client, people):
    client.force_login(people["admin.instansi.ponorogo"])
    page = client.get(reverse("calendar_edit", args=["ponorogo"])).content.decode()
    assert "Kalender kerja" in page and "Cuti Bersama Hari Raya Natal" in page  # the national holidays, in Indonesian
    response = client.post(reverse("calendar_edit", args=["ponorogo"]),
                           week(**{"week-opens_5": "08:00", "week-closes_5": "12:00", "week-reminder_percent": "50"}))
    assert response.status_code == 302
    calendar = calendar_for(people["admin.instansi.ponorogo"].agency)
    assert calendar.week[5] == (datetime.time(8, 0), datetime.time(12, 0)) and calendar.reminder_percent == 50
    response = client.post(reverse("calendar_edit", args=["ponorogo"]), {
        "which": "exception", "exception-kind": "closed", "exception-starts_on": "2026-08-11",
        "exception-ends_on": "2026-08-11", "exception-note": "Hari Jadi Kabupaten Ponorogo"})
    assert response.status_code == 302
    calendar = calendar_for(people["admin.instansi.ponorogo"].agency)
    assert not calendar.is_working_day(datetime.date(2026, 8, 11))
    exception = CalendarException.objects.get()
    client.post(reverse("calendar_exception_delete", args=["ponorogo", exception.pk]))
    assert calendar_for(people["admin.instansi.ponorogo"].agency).is_working_day(datetime.date(2026, 8, 11))


def test_bad_entries_are_messages_and_change_nothing(client, people):
    client.force_login(people["admin.instansi.ponorogo"])
    url = reverse("calendar_edit", args=["ponorogo"])
    for data in (week(**{"week-closes_0": "07:00"}), week(**{"week-closes_0": ""}),
                 week(**{"week-opens_0": "25:99"}), week(**{"week-reminder_percent": "100"}),
                 {"which": "week", "week-reminder_percent": "75"},
                 {"which": "exception", "exception-kind": "hours", "exception-starts_on": "2026-03-01",
                  "exception-ends_on": "2026-02-01", "exception-note": "Ramadan"}):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "Periksa isian yang ditandai" in response.content.decode()
    assert not CalendarException.objects.exists()
    assert calendar_for(people["admin.instansi.ponorogo"].agency).reminder_percent == 75


def test_only_the_agencys_administrator_sees_its_calendar(client, people):
    client.force_login(people["admin.instansi.kaltim"])
    assert client.get(reverse("calendar_edit", args=["ponorogo"])).status_code == 404
    client.force_login(people["kepala.lpse.ponorogo"])
    assert client.get(reverse("calendar_edit", args=["ponorogo"])).status_code == 404
