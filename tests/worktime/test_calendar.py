"""Due times counted in working time, in the agency's own zone: weekends, national holidays
and cuti bersama, local holidays and decrees, Friday hours, end of day, special hours, each
of WIB/WITA/WIT, and a step activated outside working hours."""
import datetime
import zoneinfo

import pytest
import time_machine

from tests.workflows.driving import case_at
from workflows.waktu import Waktu
from worktime.calendar import Calendar, Exception_, calendar_for, reading
from worktime.models import DEFAULT_HOURS, CalendarException, WorkCalendar

WIB, WITA, WIT = (zoneinfo.ZoneInfo(z) for z in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"))


def cal(tz=WIB, *exceptions, reminder=75) -> Calendar:
    return Calendar(tz=tz, week=dict(DEFAULT_HOURS), exceptions=tuple(exceptions), reminder_percent=reminder)


def at(text: str, tz=WIB) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


def due(calendar: Calendar, waktu: str, start: datetime.datetime) -> str:
    moment = calendar.due(Waktu.parse(waktu), start)
    return moment.astimezone(calendar.tz).strftime("%a %Y-%m-%d %H.%M")


def test_one_hari_from_friday_afternoon_before_a_holiday_monday_is_due_tuesday_wita():
    # Monday 1 June 2026 is Hari Lahir Pancasila.
    assert due(cal(WITA), "1 hari", at("2026-05-29 15:00", WITA)) == "Tue 2026-06-02 15.00"


def test_thirty_minutes_near_closing_run_into_the_next_working_day():
    assert due(cal(), "30 Menit", at("2026-11-23 15:50")) == "Tue 2026-11-24 07.50"  # Monday closes 16.00


def test_friday_closes_later_and_the_weekend_does_not_count():
    assert due(cal(), "30 menit", at("2026-11-27 16:20")) == "Mon 2026-11-30 07.50"  # 10 min Friday, 20 Monday
    assert due(cal(), "1 jam", at("2026-11-27 15:45")) == "Mon 2026-11-30 07.45"
    assert due(cal(), "1 hari", at("2026-11-27 10:00")) == "Mon 2026-11-30 10.00"


def test_cuti_bersama_and_a_national_holiday_are_skipped():
    # Thursday 24 December 2026 is cuti bersama, Friday 25 Christmas.
    assert due(cal(), "1 hari", at("2026-12-23 10:00")) == "Mon 2026-12-28 10.00"
    assert cal().holiday_name(datetime.date(2026, 12, 24))


def test_a_local_holiday_and_a_decree_that_opens_a_holiday():
    local = Exception_(datetime.date(2026, 8, 11), datetime.date(2026, 8, 11), "closed", note="Hari Jadi Ponorogo")
    assert due(cal(WIB, local), "1 hari", at("2026-08-10 09:00")) == "Wed 2026-08-12 09.00"
    assert cal(WIB, local).holiday_name(datetime.date(2026, 8, 11)) == "Hari Jadi Ponorogo"
    opened = Exception_(datetime.date(2026, 12, 24), datetime.date(2026, 12, 24), "open", note="cuti bersama batal")
    assert due(cal(WIB, opened), "1 hari", at("2026-12-23 10:00")) == "Thu 2026-12-24 10.00"


def test_special_hours_for_a_date_range_replace_the_day():
    ramadan = Exception_(datetime.date(2026, 2, 19), datetime.date(2026, 3, 18), "hours",
                         datetime.time(8, 0), datetime.time(15, 0), "Ramadan")
    assert due(cal(WIB, ramadan), "2 jam", at("2026-02-25 14:00")) == "Thu 2026-02-26 09.00"
    assert due(cal(WIB, ramadan), "1 hari", at("2026-02-25 14:30")) == "Thu 2026-02-26 14.30"
    assert due(cal(WIB, ramadan), "1 hari", at("2026-02-25 15:30")) == "Fri 2026-02-27 08.00"  # after closing
    # Started 15.45 on the last day of normal hours, due on the first Ramadan day: at its 15.00 closing.
    assert due(cal(WIB, ramadan), "1 hari", at("2026-02-18 15:45")) == "Thu 2026-02-19 15.00"


@pytest.mark.parametrize("tz, utc", [(WIB, "03.00"), (WITA, "02.00"), (WIT, "01.00")])
def test_each_zone_counts_in_its_own_local_time(tz, utc):
    result = cal(tz).due(Waktu.parse("1 hari"), at("2026-11-23 10:00", tz))
    assert result.astimezone(tz).strftime("%a %H.%M") == "Tue 10.00"
    assert result.astimezone(datetime.UTC).strftime("%H.%M") == utc


def test_a_step_activated_outside_working_hours_counts_from_the_next_opening():
    assert due(cal(), "30 menit", at("2026-11-28 10:00")) == "Mon 2026-11-30 08.00"  # a Saturday
    assert due(cal(), "1 hari", at("2026-11-23 06:00")) == "Tue 2026-11-24 07.30"  # before opening
    assert due(cal(), "10 menit", at("2026-11-23 19:00")) == "Tue 2026-11-24 07.40"  # after closing
    # The example: "1 hari" started Friday 06.00 WIB was due Saturday 06.00.
    assert due(cal(), "1 hari", at("2026-11-27 06:00")) == "Mon 2026-11-30 07.30"


def test_calendar_days_only_when_the_definition_says_so():
    assert due(cal(), "2 hari kalender", at("2026-11-27 15:00")) == "Sun 2026-11-29 15.00"
    assert due(cal(), "1 hari kerja", at("2026-11-27 15:00")) == "Mon 2026-11-30 15.00"
    assert cal().due(Waktu.parse("N/A"), at("2026-11-27 15:00")) is None


def test_the_reminder_comes_after_three_quarters_of_the_working_time():
    waktu, start = Waktu.parse("1 hari"), at("2026-11-23 10:00")
    calendar = cal()
    deadline = calendar.due(waktu, start)
    assert calendar.working_minutes_between(start, deadline) == 510  # 6 h Monday, 2.5 h Tuesday
    assert calendar.reminder(waktu, start, deadline).astimezone(WIB).strftime("%a %H.%M") == "Tue 07.53"
    assert cal(reminder=50).reminder(waktu, start, deadline).astimezone(WIB).strftime("%a %H.%M") == "Mon 14.15"


def test_lateness_is_counted_in_working_minutes():
    calendar = cal()
    deadline = at("2026-11-27 16:00")  # Friday
    assert calendar.late_by(deadline, at("2026-11-30 08:00")) == 60  # 30 min Friday, 30 min Monday
    assert calendar.late_by(deadline, at("2026-11-27 15:00")) == 0


def test_the_case_page_reading_of_a_waktu():
    assert [reading(Waktu.parse(t)) for t in ("1 hari", "30 Menit", "2 jam", "3 hari kalender", "N/A")] == [
        "1 hari kerja", "30 menit kerja", "2 jam kerja", "3 hari kalender", "tanpa batas waktu"]


@pytest.mark.django_db
def test_a_step_is_due_by_its_agency_calendar_when_it_activates(seed_sops, people):
    ponorogo = people["kepala.lpse.ponorogo"].agency
    calendar = WorkCalendar.objects.create(agency=ponorogo)
    CalendarException.objects.create(calendar=calendar, starts_on=datetime.date(2026, 11, 30),
                                     ends_on=datetime.date(2026, 11, 30), kind="closed", note="Libur daerah")
    assert calendar_for(ponorogo).week == DEFAULT_HOURS  # no hours entered: the defaults
    with time_machine.travel(at("2026-11-27 15:00"), tick=False):  # a Friday
        case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)  # step 2: "1 hari"
    run = case.step_runs.get(completed_at__isnull=True)
    assert run.due_at.astimezone(WIB).strftime("%a %Y-%m-%d %H.%M") == "Tue 2026-12-01 15.00"
    assert run.remind_at is not None and run.activated_at < run.remind_at < run.due_at
