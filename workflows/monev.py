"""Monev (monitoring dan evaluasi, PermenPAN-RB 35/2012): how each SOP is carried out,
measured from its cases in the agency's working time.

Per SOP, and per step, lane and agency, for the cases started in a period:
- runs, and the share done on time;
- median and 90th-percentile duration in working minutes, beside the mutu baku (the median
  working minutes each run was allowed);
- deviations (late, returned, TIDAK, cancelled) and their most common reasons;
- open cases older than the SOP's total mutu baku (the due times chained along the path
  the SOP takes when every decision is YA, from the case's start);
- rework loops per case (returns and TIDAK answers).
The monitoring form judges each step "berjalan dengan baik" when at least THRESHOLD of its
runs were on time, and writes the measured figures as its notes for the head to complete.

Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank
ceil(p * n). Working minutes come from worktime.calendar.
"""
from __future__ import annotations

import datetime
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from workflows.archive_export import neutralise
from workflows.definitions import END, SopSpec
from workflows.forms import QuickSelect
from workflows.archive import offer_scope_choices
from workflows.deviations import (KIND_LABELS, LATE, PeriodForm, deviation_kinds, friendly_errors, period, scope_agencies,
                                 scope_q)
from workflows.models import Case, Sop, SopVersion, StepRun, parse_specs
from worktime.calendar import Calendar, Calendars, duration_text

THRESHOLD = 0.8  # share of runs on time for a step to be judged "berjalan dengan baik"
THRESHOLD_PERCENT = round(100 * THRESHOLD)  # as the pages and the form name it
# The most cases, and SOPs, one Monev selection measures (5,000 cases take about 0.8 s on 2
# cores; a national auditor's whole archive, 74,000 cases of 2,400 SOPs, took 15 s and would be
# a page of 2,400 reports): beyond either the page asks for an agency, an SOP or a period, as an
# evaluation of one agency's SOPs is made anyway.
MAX_CASES = 5_000
MAX_SOPS = 50
REWORK = ("kembali", "tidak")
TOP_REASONS = 3


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..1) of ``values``; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Run(NamedTuple):
    """What Monev reads of a step run (read as plain values: a head's units hold thousands)."""

    case_id: int
    step_no: int
    lane_role: str
    activated_at: datetime.datetime
    due_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    outcome: str
    late_reason: str
    note: str


def _minutes(run: Run, calendar: Calendar) -> tuple[float, float | None] | None:
    """Working minutes ``run`` took and was allowed; None when it is open or was cancelled."""
    if run.completed_at is None or run.outcome == "cancelled":
        return None
    allowed = None if run.due_at is None else calendar.working_minutes_between(run.activated_at, run.due_at)
    return calendar.working_minutes_between(run.activated_at, run.completed_at), allowed


@dataclass
class Figures:
    """What is measured for one group of step runs (a step, a lane)."""

    done: int = 0  # completed runs (not cancelled)
    runs: int = 0  # of those, runs with a time limit: what "on time" is counted over
    on_time: int = 0
    durations: list[float] = field(default_factory=list)
    allowed: list[float] = field(default_factory=list)
    deviations: int = 0
    rework: int = 0

    def add(self, run: Run, minutes: tuple[float, float | None] | None, deviated: bool) -> None:
        """Count ``run``; ``minutes``: its working minutes taken and allowed (None while open)."""
        self.deviations += deviated
        self.rework += run.outcome in REWORK
        if minutes is None:
            return
        self.done += 1
        self.durations.append(minutes[0])
        if minutes[1] is None:
            return
        self.runs += 1
        self.on_time += run.completed_at <= run.due_at
        self.allowed.append(minutes[1])

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.runs if self.runs else None

    @property
    def median(self) -> float | None:
        return _median(self.durations)

    @property
    def p90(self) -> float | None:
        return percentile(self.durations, 0.9)

    @property
    def mutu_baku(self) -> float | None:
        return _median(self.allowed)

    @property
    def judged_good(self) -> bool | None:
        """Berjalan dengan baik (True), tidak (False), or not yet measurable (None)."""
        share = self.share_on_time
        return None if share is None else share >= THRESHOLD


@dataclass
class StepRow:
    no: int
    kegiatan: str
    lane: str
    waktu: str
    figures: Figures

    def note(self) -> str:
        """The measured figures in words: the monitoring form's "catatan hasil penilaian"."""
        f = self.figures
        if not f.done:
            return _("Belum ada pelaksanaan yang selesai dalam periode ini.")
        if not f.runs:
            return _("%(n)d kali selesai, median %(median)s; langkah ini tanpa batas waktu.") % {
                "n": f.done, "median": duration_text(f.median)}
        parts = [_("%(on)d dari %(n)d tepat waktu (%(pct)d%%)") % {
                     "on": f.on_time, "n": f.runs, "pct": round(100 * f.share_on_time)},
                 _("median %(median)s, p90 %(p90)s, mutu baku %(mb)s") % {
                     "median": duration_text(f.median), "p90": duration_text(f.p90), "mb": duration_text(f.mutu_baku)}]
        if f.rework:
            parts.append(_("%(n)d kali pengerjaan ulang") % {"n": f.rework})
        return "; ".join(parts) + "."


@dataclass
class SopReport:
    sop: Sop
    spec: SopSpec
    cases: int = 0
    done: int = 0
    cancelled: int = 0
    open: int = 0
    open_overdue: int = 0
    cases_on_time: int = 0
    case_durations: list[float] = field(default_factory=list)
    rework_per_case: list[int] = field(default_factory=list)
    deviations: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    steps: dict[int, StepRow] = field(default_factory=dict)
    lanes: dict[str, Figures] = field(default_factory=dict)
    agencies: dict[str, Figures] = field(default_factory=dict)

    @property
    def share_cases_on_time(self) -> float | None:
        return self.cases_on_time / self.done if self.done else None

    @property
    def median_case(self) -> float | None:
        return _median(self.case_durations)

    @property
    def p90_case(self) -> float | None:
        return percentile(self.case_durations, 0.9)

    @property
    def rework_average(self) -> float | None:
        return sum(self.rework_per_case) / len(self.rework_per_case) if self.rework_per_case else None

    @property
    def deviation_counts(self) -> list[tuple[str, int]]:
        return [(str(KIND_LABELS[kind]), n) for kind, n in self.deviations.most_common()]

    @property
    def top_reasons(self) -> list[tuple[str, int]]:
        return self.reasons.most_common(TOP_REASONS)

    @property
    def step_rows(self) -> list[StepRow]:
        return [self.steps[no] for no in sorted(self.steps)]


def main_path(spec: SopSpec) -> list:
    """The steps a case takes when every decision is YA, first to end (each once)."""
    path, seen, no = [], set(), spec.first_step.no
    while no != END and no not in seen:
        seen.add(no)
        step = spec.step(no)
        path.append(step)
        no = step.ya if step.is_decision else step.next
    return path


def total_due(spec: SopSpec, calendar: Calendar, start: datetime.datetime) -> datetime.datetime | None:
    """When a case started at ``start`` is due by the SOP's total mutu baku (None: no limit at all)."""
    moment, limited = start, False
    for step in main_path(spec):
        due = calendar.due(step.waktu, moment)
        if due is not None:
            moment, limited = due, True
    return moment if limited else None


def measure(cases: QuerySet[Case], now=None) -> list[SopReport]:
    """The Monev figures of ``cases``, one report per SOP, in SOP name order.

    Cases and step runs are read as plain values, each SOP version's definition, each SOP's
    latest version and each agency once: a fixed number of queries, and no model object per run."""
    now = now or timezone.now()
    reports: dict[int, SopReport] = {}
    calendars = Calendars()
    rows = list(cases.order_by("pk").values_list("pk", "sop_version_id", "agency_id", "state", "started_at",
                                                 "closed_at"))  # a stable order
    runs_by_case: dict[int, list[Run]] = defaultdict(list)
    for values in (StepRun.objects.filter(case__in=cases).order_by("activated_at", "pk")
                   .values_list(*Run._fields)):
        run = Run(*values)
        runs_by_case[run.case_id].append(run)
    versions = SopVersion.objects.only("pk", "sop_id", "number", "source_name",
                                       "source_sha256").in_bulk({row[1] for row in rows})
    sop_ids = {version.sop_id for version in versions.values()}
    latest = _latest_versions(sop_ids)
    parse_specs([*versions.values(), *latest.values()])  # each definition parsed once a process
    agencies = Agency.objects.in_bulk({row[2] for row in rows})
    calendars.load(agencies.values())
    for case_id, version_id, agency_id, state, started_at, closed_at in rows:
        spec, sop_id = versions[version_id].spec, versions[version_id].sop_id
        report = reports.get(sop_id)
        if report is None:
            report = reports[sop_id] = SopReport(sop=latest[sop_id].sop, spec=latest[sop_id].spec)
        agency = agencies[agency_id]
        calendar = calendars(agency)
        report.cases += 1
        runs = runs_by_case[case_id]
        late_any = False
        for run in runs:
            kinds = deviation_kinds(run, now)
            late_any |= LATE in kinds
            report.deviations.update(kinds)
            for reason in (run.late_reason, run.note if run.outcome in ("kembali", "tidak", "cancelled") else ""):
                if reason.strip():
                    report.reasons[" ".join(reason.split()).rstrip(".")] += 1
            row = report.steps.get(run.step_no)
            if row is None:
                step = spec.step(run.step_no)
                row = report.steps[run.step_no] = StepRow(step.no, step.kegiatan, spec.lane_label(step.lane),
                                                          step.waktu.text, Figures())
            minutes = _minutes(run, calendar)
            row.figures.add(run, minutes, bool(kinds))
            report.lanes.setdefault(spec.lane_label(run.lane_role), Figures()).add(run, minutes, bool(kinds))
            report.agencies.setdefault(agency.name, Figures()).add(run, minutes, bool(kinds))
        report.rework_per_case.append(sum(run.outcome in REWORK for run in runs))
        if state == "done":
            report.done += 1
            report.cases_on_time += not late_any
            report.case_durations.append(calendar.working_minutes_between(started_at, closed_at))
        elif state == "cancelled":
            report.cancelled += 1
        else:
            report.open += 1
            due = total_due(spec, calendar, started_at)
            report.open_overdue += bool(due and now > due)
    for report in reports.values():  # every step of the SOP has a row, measured or not
        for step in report.spec.steps:
            report.steps.setdefault(step.no, StepRow(step.no, step.kegiatan, report.spec.lane_label(step.lane),
                                                     step.waktu.text, Figures()))
    return sorted(reports.values(), key=lambda r: (r.spec.name, r.sop.pk))


def _latest_versions(sop_ids) -> dict[int, SopVersion]:
    """Each SOP's newest version (an SOP has a handful)."""
    latest: dict[int, SopVersion] = {}
    for version in (SopVersion.objects.filter(sop_id__in=sop_ids).select_related("sop__agency").defer("definition")
                    .order_by("sop_id", "number")):
        latest[version.sop_id] = version
    return latest


def too_many(cases: QuerySet[Case]) -> bool:
    """Whether ``cases`` are more than one Monev selection measures (counted no further than that)."""
    sops = list(cases.order_by().values_list("sop_version__sop_id", flat=True)[:MAX_CASES + 1])  # one query
    return len(sops) > MAX_CASES or len(set(sops)) > MAX_SOPS


def monev_cases(user) -> QuerySet[Case] | None:
    """The cases whose figures ``user`` may read: their units' as head, their archive (closed
    cases) as auditor, the same scope as the deviation register."""
    scope = scope_q(user, prefix="")
    return None if scope is None else Case.objects.filter(scope)


class MonevFilter(django_filters.FilterSet):
    """SOP, agency and period (by the day a case started)."""

    # The agency first: past LONG_LIST SOPs the SOP list offers the chosen agency's (offer_scope_choices).
    instansi = django_filters.ModelChoiceFilter(label=gettext_lazy("Instansi"), field_name="agency",
                                                queryset=Agency.objects.none(), widget=QuickSelect,
                                                empty_label=gettext_lazy("Semua instansi"))
    sop = django_filters.ModelChoiceFilter(label=gettext_lazy("SOP"), field_name="sop_version__sop", widget=QuickSelect,
                                           queryset=Sop.objects.none(), empty_label=gettext_lazy("Semua SOP"))
    dari, sampai = period("started_at", gettext_lazy("Dimulai sejak"), gettext_lazy("Dimulai sampai"))

    class Meta:
        model = Case
        fields: list[str] = []
        form = PeriodForm

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        friendly_errors(self, ("sop", "instansi"))
        offer_scope_choices(self, data or {}, scope_agencies(user), agency="instansi")


COLUMNS = [gettext_lazy("SOP"), gettext_lazy("Langkah"), gettext_lazy("Kegiatan"), gettext_lazy("Pelaksana"),
           gettext_lazy("Mutu baku: waktu"), gettext_lazy("Jumlah selesai"), gettext_lazy("Tepat waktu (%)"),
           gettext_lazy("Median (menit kerja)"), gettext_lazy("P90 (menit kerja)"),
           gettext_lazy("Mutu baku (menit kerja, median)"), gettext_lazy("Penyimpangan"),
           gettext_lazy("Pengerjaan ulang"), gettext_lazy("Penilaian")]


WIDTHS = [36, 8, 44, 24, 14, 10, 10, 12, 12, 14, 12, 12, 24]


def judgement(good: bool | None) -> str:
    if good is None:
        return _("belum dapat dinilai")
    return _("berjalan dengan baik") if good else _("tidak berjalan dengan baik")


def rows(reports: list[SopReport]):
    def number(value):
        return None if value is None else round(value)

    for report in reports:
        for row in report.step_rows:
            f = row.figures
            values = [report.spec.name, row.no, row.kegiatan, row.lane, row.waktu, f.done,
                      None if f.share_on_time is None else round(100 * f.share_on_time), number(f.median),
                      number(f.p90), number(f.mutu_baku), f.deviations, f.rework, judgement(f.judged_good)]
            yield [neutralise(v) for v in values]
