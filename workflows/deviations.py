"""The deviation register (penyimpangan mutu baku): every step that broke its mutu baku.

A step run deviates when it was late (done after its due time, or still open past it), was
returned (a disposisi sent back) or answered TIDAK (rework), or was cancelled. Each row
names the case, SOP, step, the accountable pelaksana, due and actual times, how late in
the agency's working time, and the reason given. Heads see their units' deviations;
auditors those of the archive they audit (closed cases); the administrator all.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from workflows import states
from accounts.standing import headed_unit_keys, is_active_person
from workflows.access import audited_agencies
from workflows.archive import offer_scope_choices
from workflows.archive_export import Moments, chunks, neutralise, read_ahead
from workflows.forms import QuickSelect
from workflows.models import Sop, SopVersion, StepRun
from workflows.models.sops import VersionWords
from worktime.calendar import Calendar, Calendars, duration_text

LATE, RETURNED, REFUSED, CANCELLED = "terlambat", "dikembalikan", "tidak", "dibatalkan"
KIND_CHOICES = [(LATE, gettext_lazy("Terlambat")), (RETURNED, gettext_lazy("Dikembalikan")),
                (REFUSED, gettext_lazy("Dijawab TIDAK (pengerjaan ulang)")), (CANCELLED, gettext_lazy("Dibatalkan"))]
KIND_LABELS = dict(KIND_CHOICES)
OUTCOME_KIND = {"kembali": RETURNED, "tidak": REFUSED, "cancelled": CANCELLED}


def _late_q(now) -> Q:
    return Q(due_at__isnull=False) & (Q(completed_at__gt=F("due_at"))
                                      | Q(completed_at__isnull=True, due_at__lt=now, case__closed_at__isnull=True))


def kind_q(kind: str, now=None) -> Q:
    now = now or timezone.now()
    if kind == LATE:
        return _late_q(now)
    return Q(outcome={RETURNED: "kembali", REFUSED: "tidak", CANCELLED: "cancelled"}[kind])


def deviating_runs(now=None) -> QuerySet[StepRun]:
    now = now or timezone.now()
    return StepRun.objects.filter(_late_q(now) | Q(outcome__in=list(OUTCOME_KIND)))


def scope_q(user, prefix: str = "case__", closed_only: bool = True) -> Q | None:
    """Which cases' figures ``user`` may read (their units as head, their archive as auditor):
    a condition on ``prefix``-ed case fields, or None when none at all. ``closed_only``: the
    auditor's part covers closed cases only (rows that name people); aggregate figures (Monev)
    cover the auditor's agencies' open cases too."""
    if not is_active_person(user):
        return None
    if user.is_superuser:
        return Q()
    scopes = []
    units = [unit for unit, _agency in headed_unit_keys(user)]
    if units:
        scopes.append(Q(**{f"{prefix}unit_id__in": units}))
    agencies = audited_agencies(user)
    closed = {f"{prefix}state__in": states.CLOSED} if closed_only else {}
    if agencies is None:
        scopes.append(Q(**closed))
    elif agencies:
        scopes.append(Q(**closed, **{f"{prefix}agency_id__in": agencies}))
    if not scopes:
        return None
    combined = scopes[0]
    for extra in scopes[1:]:
        combined |= extra
    return combined


def scope_agencies(user) -> set[int] | None:
    """The agencies whose cases ``user``'s Monev and deviation register cover (None: every
    agency): where they head a unit, and whose archive they audit."""
    if user.is_superuser:
        return None
    audited = audited_agencies(user)
    if audited is None:
        return None
    return audited | {agency for _unit, agency in headed_unit_keys(user)}


def register_for(user) -> QuerySet[StepRun] | None:
    scope = scope_q(user)
    if scope is None:
        return None
    # The SOP versions (each a whole definition) are joined to no row: describe reads their words once.
    return deviating_runs().filter(scope).select_related("case__agency", "actor").order_by(*NEWEST_FIRST)


# The register's order, newest step first. Over the whole nation PostgreSQL walks the step
# runs' activated_at index backwards and stops at a page. Over a few units or agencies the
# same walk passes every other agency's runs before it finds a page of theirs: 360 ms for a
# unit of 2,500 cases among 1,000,000 (its 0.3 %), more for a smaller one. There the order is
# an expression that index cannot serve, so PostgreSQL finds the scope's cases first (by unit
# or agency), then their runs, and sorts them: 17 ms for that unit, growing with its own
# history, not with the nation's.
NEWEST_FIRST = (F("activated_at").desc(), F("pk").desc())
NEWEST_FIRST_IN_SCOPE = (Coalesce("activated_at", "activated_at").desc(), F("pk").desc())


class PeriodForm(forms.Form):
    """A filter form whose ``dari`` and ``sampai`` must not be reversed."""

    def clean(self):
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["sampai"] < data["dari"]:
            self.add_error("sampai", _("Tanggal akhir sebelum tanggal awal; tukar keduanya."))
        return data


def period(field_name: str, since, until) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """The ``dari``/``sampai`` pair of a filter over the local day of ``field_name``."""
    widget = forms.DateInput(attrs={"type": "date"})
    return (django_filters.DateFilter(label=since, field_name=field_name, lookup_expr="date__gte", widget=widget),
            django_filters.DateFilter(label=until, field_name=field_name, lookup_expr="date__lte", widget=widget))


def friendly_errors(filterset, choices: tuple[str, ...]) -> None:
    """Messages a person understands for a bad date or a choice not on the list."""
    for name in ("dari", "sampai"):
        filterset.filters[name].extra["error_messages"] = {
            "invalid": _("Tanggal tidak dikenali; tulis seperti 2026-11-23 atau pilih dari kalender.")}
    for name in choices:
        filterset.filters[name].extra["error_messages"] = {"invalid_choice": _("Pilih dari daftar.")}


class DeviationFilter(django_filters.FilterSet):
    jenis = django_filters.ChoiceFilter(label=gettext_lazy("Jenis penyimpangan"), choices=KIND_CHOICES,
                                        method="by_kind", empty_label=gettext_lazy("Semua jenis"))
    instansi = django_filters.ModelChoiceFilter(label=gettext_lazy("Instansi"), field_name="case__agency",
                                                queryset=Agency.objects.none(), widget=QuickSelect,
                                                empty_label=gettext_lazy("Semua instansi"))
    sop = django_filters.ModelChoiceFilter(label=gettext_lazy("SOP"), field_name="case__sop_version__sop",
                                           queryset=Sop.objects.none(), empty_label=gettext_lazy("Semua SOP"),
                                           widget=QuickSelect)
    dari, sampai = period("activated_at", gettext_lazy("Langkah dimulai sejak"), gettext_lazy("Langkah dimulai sampai"))

    class Meta:
        model = StepRun
        fields: list[str] = []
        form = PeriodForm

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        friendly_errors(self, ("jenis", "instansi", "sop"))
        self.agencies = scope_agencies(user)
        offer_scope_choices(self, data or {}, self.agencies, agency="instansi")

    def by_kind(self, queryset, name, value):
        return queryset.filter(kind_q(value)) if value else queryset

    def filter_queryset(self, queryset):
        """The rows chosen, newest first: found from their cases when the person's scope or
        the filter is narrower than the nation (see NEWEST_FIRST_IN_SCOPE)."""
        queryset = super().filter_queryset(queryset)
        narrow = self.agencies is not None or any(self.form.cleaned_data.get(name) for name in ("instansi", "sop"))
        return queryset.order_by(*NEWEST_FIRST_IN_SCOPE) if narrow else queryset


@dataclass
class Deviation:
    run: StepRun
    kinds: list[str]
    late_minutes: float
    accountable: str
    reason: str
    sop_name: str

    @property
    def kind_labels(self) -> str:
        return kind_labels(self.kinds)

    @property
    def late_text(self) -> str:
        return duration_text(self.late_minutes) if self.late_minutes else ""


def kind_labels(kinds: Iterable[str]) -> str:
    return ", ".join(str(KIND_LABELS[k]) for k in kinds)


def deviation_kinds(run: StepRun, now) -> list[str]:
    """How ``run`` broke its mutu baku: late (done late, or open past its due time), and/or
    returned, answered TIDAK or cancelled. An open run belongs to an open case: closing a
    case completes its run."""
    late = run.due_at is not None and (run.completed_at or now) > run.due_at
    return ([LATE] if late else []) + ([OUTCOME_KIND[run.outcome]] if run.outcome in OUTCOME_KIND else [])


def describe(runs: Iterable[StepRun], now=None) -> Iterator[Deviation]:
    """Each run as a register row; each agency's working calendar and each SOP version's
    words read once per batch."""
    now = now or timezone.now()
    calendars, words = Calendars(), {}
    for batch in chunks(runs, 500):
        calendars.load({run.case.agency for run in batch})  # each agency's calendar once, all in one query
        words.update(SopVersion.objects.words({run.case.sop_version_id for run in batch} - words.keys()))
        for run in batch:
            version = words[run.case.sop_version_id]
            kinds, minutes = _judged(run, calendars(run.case.agency), now)
            accountable = _accountable(run.actor.full_name if run.actor else None, version.lanes[run.lane_role])
            yield Deviation(run, kinds, minutes, accountable, _reason(run), version.name)


def _judged(run, calendar, now) -> tuple[list[str], float]:
    """How ``run`` deviates, and how late it is in the agency's working minutes."""
    kinds = deviation_kinds(run, now)
    return kinds, calendar.late_by(run.due_at, run.completed_at or now) if LATE in kinds else 0.0


def _accountable(actor_name: str | None, lane_label: str) -> str:
    """Who answers for the step: who acted, or the lane while nobody has."""
    return actor_name if actor_name is not None else _("%(lane)s (belum dikerjakan)") % {"lane": lane_label}


def _reason(run) -> str:
    """The late reason and, for a return, TIDAK or cancellation, its note."""
    return " · ".join(text for text in (run.late_reason, run.note if run.outcome in OUTCOME_KIND else "") if text)


COLUMNS = [gettext_lazy("No. kasus"), gettext_lazy("Judul"), gettext_lazy("SOP"), gettext_lazy("Instansi"),
           gettext_lazy("Langkah"), gettext_lazy("Kegiatan"), gettext_lazy("Jenis penyimpangan"),
           gettext_lazy("Pelaksana"), gettext_lazy("Batas waktu"), gettext_lazy("Selesai"),
           gettext_lazy("Terlambat (menit kerja)"), gettext_lazy("Alasan")]


WIDTHS = [10, 36, 36, 30, 8, 40, 22, 30, 30, 30, 12, 50]


class _Row(NamedTuple):
    """What a download reads of a deviating step run, as plain values (a national register
    is 50,000 rows: a model object for the run, its case, agency and actor cost more than
    the rest of the row)."""

    case_id: int
    title: str
    version_id: int
    agency_id: int
    step_no: int
    lane_role: str
    due_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    outcome: str
    note: str
    late_reason: str
    actor_name: str | None


_ROW_VALUES = ("case_id", "case__title", "case__sop_version_id", "case__agency_id", "step_no", "lane_role", "due_at",
               "completed_at", "outcome", "note", "late_reason", "actor__full_name")


class _Lookups:
    """What a batch of the register's rows needs that no earlier batch brought: each SOP
    version's words, and each agency (neutralised name, itself, its calendar), all read, and
    neutralised, once per export. Called for one batch after another (by read_ahead's helper),
    it keeps what it has read so far to itself."""

    def __init__(self):
        self.versions: set[int] = set()
        self.agencies: set[int] = set()

    def __call__(self, batch: list[tuple]) -> tuple[list[_Row], dict[int, VersionWords], dict[int, tuple]]:
        batch = [_Row(*row) for row in batch]
        versions = {run.version_id for run in batch} - self.versions
        agencies = Agency.objects.in_bulk({run.agency_id for run in batch} - self.agencies)
        self.versions |= versions
        self.agencies |= agencies.keys()
        words = {pk: VersionWords(neutralise(found.name), {no: neutralise(text) for no, text in found.kegiatan.items()},
                                  found.lanes)
                 for pk, found in SopVersion.objects.words(versions).items()}
        calendars = Calendars()
        calendars.load(agencies.values())
        return batch, words, {pk: (neutralise(agency.name), agency, calendars(agency)) for pk, agency in agencies.items()}


def rows(runs: QuerySet[StepRun], *, date_cells: bool = False, chunk_size: int = 2000) -> Iterator[list]:
    """The register's download rows, the same as the page's, read as plain values through a
    database cursor, already neutralised; each version's words and each agency's name and
    calendar read with the batch that first needs them (_Lookups)."""
    now = timezone.now()
    moment, labels = Moments(date_cells), {}
    words: dict[int, VersionWords] = {}
    places: dict[int, tuple[str, Agency, Calendar]] = {}  # agency id -> (its name, it, its calendar)
    for batch, new_words, new_places in read_ahead(runs.select_related(None).values_list(*_ROW_VALUES), chunk_size,
                                                   _Lookups()):
        words.update(new_words)
        places.update(new_places)
        for run in batch:
            name, agency, calendar = places[run.agency_id]
            version = words[run.version_id]
            kinds, minutes = _judged(run, calendar, now)
            kinds = tuple(kinds)
            if kinds not in labels:
                labels[kinds] = neutralise(kind_labels(kinds))
            yield [run.case_id, neutralise(run.title), version.name, name, run.step_no, version.kegiatan[run.step_no],
                   labels[kinds], neutralise(_accountable(run.actor_name, version.lanes[run.lane_role])),
                   moment(run.due_at, agency), moment(run.completed_at, agency), round(minutes),
                   neutralise(_reason(run))]
