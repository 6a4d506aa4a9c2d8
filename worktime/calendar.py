"""Working time, in one place: when a step is due, when to remind, and how long something
took, counted in an agency's working hours in its own zone.

- "N menit" / "N jam": working minutes / hours, walked through the working periods;
- "N hari" (and "N hari kerja"): N working days: the same local time on the Nth working
  day after the start, within that day's hours;
- "N hari kalender": calendar days;
- "N/A" or blank: no due time.
A moment outside working hours counts from the next opening. Working days are the
agency's working week, minus Indonesia's national holidays and cuti bersama (the
``holidays`` package, categories public and government), minus the agency's own closed
dates, plus dates it opened (a decree moving a holiday); special hours (Ramadan) replace a
day's hours. Results are aware datetimes in UTC.
"""
from __future__ import annotations

import datetime
import functools
import math
import zoneinfo
from dataclasses import dataclass, field

import holidays
from django.db.models import prefetch_related_objects
from django.utils import timezone

from workflows.waktu import CALENDAR_DAY, DAY, HOUR, MINUTE, WORKDAY, Waktu

UTC = datetime.UTC
MAX_DAYS = 3660  # ten years without a single working day means a broken calendar, not a long wait


@functools.lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[datetime.date, str]:
    """Indonesia's national holidays and cuti bersama of ``year``, with their Indonesian names."""
    found = holidays.Indonesia(years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT), language="id")
    return dict(found.items())


@dataclass(frozen=True)
class Exception_:
    starts_on: datetime.date
    ends_on: datetime.date
    kind: str  # closed | open | hours
    opens: datetime.time | None = None
    closes: datetime.time | None = None
    note: str = ""


@dataclass(frozen=True)
class Calendar:
    """An agency's working calendar, read once; every question is answered without the database."""

    tz: zoneinfo.ZoneInfo
    week: dict[int, tuple[datetime.time, datetime.time]]
    exceptions: tuple[Exception_, ...] = ()
    reminder_percent: int = 75
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # -- days ----------------------------------------------------------------------------

    def _exception(self, day: datetime.date, *kinds: str) -> Exception_ | None:
        for item in reversed(self.exceptions):  # the latest entered wins
            if item.kind in kinds and item.starts_on <= day <= item.ends_on:
                return item
        return None

    def holiday_name(self, day: datetime.date) -> str:
        """Why ``day`` is no working day despite its weekday: a holiday's name, or ""."""
        closed = self._exception(day, "closed")
        if closed:
            return closed.note
        return national_holidays(day.year).get(day, "") if not self._exception(day, "open") else ""

    def hours_on(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime] | None:
        """The working period of ``day`` as aware local datetimes, or None for a day off."""
        if day in self._cache:
            return self._cache[day]
        period = None
        opened = self._exception(day, "open")
        if not self._exception(day, "closed") and (opened or day not in national_holidays(day.year)):
            times = self.week.get(day.weekday())
            if times is None and opened:
                times = self.week.get(0)  # a Saturday or Sunday opened by decree works Monday's hours
            special = self._exception(day, "hours")
            if times is not None and special:
                times = (special.opens, special.closes)
            if times is not None:
                period = (datetime.datetime.combine(day, times[0], self.tz),
                          datetime.datetime.combine(day, times[1], self.tz))
        self._cache[day] = period
        return period

    def is_working_day(self, day: datetime.date) -> bool:
        return self.hours_on(day) is not None

    def _working_days_from(self, day: datetime.date):
        for offset in range(MAX_DAYS):
            candidate = day + datetime.timedelta(days=offset)
            period = self.hours_on(candidate)
            if period is not None:
                yield candidate, period
        raise ValueError("no working day in ten years: the working calendar has no working hours")

    # -- moments ---------------------------------------------------------------------------

    def next_working_moment(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment`` if it falls in working hours, else the next opening (local aware)."""
        local = moment.astimezone(self.tz)
        for _day, (opens, closes) in self._working_days_from(local.date()):
            if local < closes:
                return max(local, opens)
        raise AssertionError("unreachable")

    def add_working_minutes(self, start: datetime.datetime, minutes: float) -> datetime.datetime:
        """The moment ``minutes`` working minutes after ``start``."""
        local = self.next_working_moment(start)
        left = datetime.timedelta(minutes=minutes)
        for _day, (opens, closes) in self._working_days_from(local.date()):
            begin = max(local, opens)
            if begin >= closes:
                continue
            if begin + left <= closes:
                return (begin + left).astimezone(UTC)
            left -= closes - begin
        raise AssertionError("unreachable")

    def working_minutes_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working minutes from ``start`` to ``end`` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        begin, finish = start.astimezone(self.tz), end.astimezone(self.tz)
        total = datetime.timedelta()
        day = begin.date()
        while day <= finish.date():
            period = self.hours_on(day)
            if period is not None:
                low, high = max(period[0], begin), min(period[1], finish)
                if high > low:
                    total += high - low
            day += datetime.timedelta(days=1)
        return total.total_seconds() / 60

    def add_working_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """The same local time on the ``days``-th working day after ``start`` (counted from the
        next working moment), kept within that day's hours."""
        local = self.next_working_moment(start)
        target = None
        found = 0
        for day, period in self._working_days_from(local.date() + datetime.timedelta(days=1)):
            found += 1
            if found == days:
                target = (day, period)
                break
        day, (opens, closes) = target
        moment = datetime.datetime.combine(day, local.timetz().replace(tzinfo=None), self.tz)
        return min(max(moment, opens), closes).astimezone(UTC)

    # -- mutu baku -------------------------------------------------------------------------

    def due(self, waktu: Waktu, start: datetime.datetime) -> datetime.datetime | None:
        """When a step of ``waktu`` activated at ``start`` is due; None without a time limit."""
        if not waktu.has_limit:
            return None
        if waktu.unit == MINUTE:
            return self.add_working_minutes(start, waktu.amount)
        if waktu.unit == HOUR:
            return self.add_working_minutes(start, waktu.amount * 60)
        if waktu.unit in (DAY, WORKDAY):
            return self.add_working_days(start, waktu.amount)
        if waktu.unit == CALENDAR_DAY:
            return (start + datetime.timedelta(days=waktu.amount)).astimezone(UTC)
        return None

    def reminder(self, waktu: Waktu, start: datetime.datetime, due: datetime.datetime | None
                 ) -> datetime.datetime | None:
        """When to remind the pelaksana: after ``reminder_percent`` of the allowed time."""
        if due is None:
            return None
        if waktu.unit == CALENDAR_DAY:
            return (start + (due - start) * self.reminder_percent / 100).astimezone(UTC)
        allowed = self.working_minutes_between(self.next_working_moment(start), due)
        return self.add_working_minutes(start, math.ceil(allowed * self.reminder_percent / 100))

    def late_by(self, due: datetime.datetime | None, done: datetime.datetime | None) -> float:
        """How late, in working minutes (0 when on time or without a due time)."""
        if due is None:
            return 0.0
        return self.working_minutes_between(due, done or timezone.now())


def calendar_for(agency) -> Calendar:
    """The agency's calendar from its settings (the defaults where it has none)."""
    from worktime.models import WorkCalendar

    if not agency.pk:
        stored = None
    elif type(agency).work_calendar.is_cached(agency):  # read with the agency (select_related)
        stored = getattr(agency, "work_calendar", None)
        if stored is not None:
            prefetch_related_objects([stored], "hours", "exceptions")
    else:
        stored = WorkCalendar.objects.filter(agency_id=agency.pk).prefetch_related("hours", "exceptions").first()
    return _calendar(agency, stored)


def _calendar(agency, stored) -> Calendar:
    """``agency``'s calendar from its stored settings (hours and exceptions prefetched), or the defaults."""
    from worktime.models import DEFAULT_HOURS, DEFAULT_REMINDER_PERCENT

    if stored is None:
        return Calendar(tz=agency.tzinfo, week=dict(DEFAULT_HOURS), reminder_percent=DEFAULT_REMINDER_PERCENT)
    week = {row.weekday: (row.opens, row.closes) for row in stored.hours.all()} or dict(DEFAULT_HOURS)
    exceptions = tuple(Exception_(e.starts_on, e.ends_on, e.kind, e.opens, e.closes, e.note)
                       for e in sorted(stored.exceptions.all(), key=lambda e: e.pk))
    return Calendar(tz=agency.tzinfo, week=week, exceptions=exceptions, reminder_percent=stored.reminder_percent)


class Calendars:
    """Each agency's calendar read once for a page or a report, however many rows use it."""

    def __init__(self):
        self._read: dict[int, Calendar] = {}

    def load(self, agencies) -> None:
        """Read the calendars of ``agencies`` at once: three queries however many agencies."""
        from worktime.models import WorkCalendar

        missing = {agency.pk: agency for agency in agencies if agency.pk not in self._read}
        if not missing:
            return
        stored = {calendar.agency_id: calendar for calendar in WorkCalendar.objects.filter(
            agency_id__in=missing).prefetch_related("hours", "exceptions")}
        for pk, agency in missing.items():
            self._read[pk] = _calendar(agency, stored.get(pk))

    def __call__(self, agency) -> Calendar:
        if agency.pk not in self._read:
            self._read[agency.pk] = calendar_for(agency)
        return self._read[agency.pk]


def reading(waktu: Waktu) -> str:
    """How the application counts a waktu, in words: "1 hari kerja", "30 menit kerja"."""
    from django.utils.translation import gettext as _

    if not waktu.has_limit:
        return _("tanpa batas waktu")
    return {MINUTE: _("%(n)d menit kerja"), HOUR: _("%(n)d jam kerja"), DAY: _("%(n)d hari kerja"),
            WORKDAY: _("%(n)d hari kerja"), CALENDAR_DAY: _("%(n)d hari kalender")}[waktu.unit] % {"n": waktu.amount}


def duration_text(minutes: float) -> str:
    """Working minutes in words: "45 menit", "2 jam 15 menit"."""
    from django.utils.translation import gettext as _

    total = int(round(minutes))
    hours, rest = divmod(total, 60)
    if not hours:
        return _("%(m)d menit") % {"m": rest}
    if not rest:
        return _("%(h)d jam") % {"h": hours}
    return _("%(h)d jam %(m)d menit") % {"h": hours, "m": rest}
