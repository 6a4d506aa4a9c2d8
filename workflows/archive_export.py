"""The archive as a table: one place for its columns, shared by the CSV and XLSX downloads
and by the ``daftar.csv`` manifest inside the ZIP of case records.

Every text cell is neutralised against spreadsheet formula injection: a case title such as
``=HYPERLINK(...)`` typed by a pelaksana must reach the auditor's Excel as text, never run.
"""
from __future__ import annotations

import contextvars
import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from itertools import islice
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.db.models.lookups import In
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, User
from workflows import states, xlsx
from workflows.models import Case, SopVersion, StepRun
from workflows.templatetags.tanggal import tanggal
from workflows.xlsx import LocalTime

COLUMNS = [
    gettext_lazy("No. kasus"), gettext_lazy("Judul"), gettext_lazy("SOP"), gettext_lazy("Nomor SOP"),
    gettext_lazy("Versi"), gettext_lazy("Instansi"), gettext_lazy("Status"), gettext_lazy("Dimulai"),
    gettext_lazy("Ditutup"), gettext_lazy("Tepat waktu/Terlambat"), gettext_lazy("Jumlah langkah terlambat"),
    gettext_lazy("Pelaksana"),
]
MANIFEST_COLUMNS = [*COLUMNS, gettext_lazy("Berkas"), gettext_lazy("SHA-256")]
# Names carry academic titles with commas ("Sri Wahyuni, S.Kom., M.M."): a comma cannot separate them.
PELAKSANA_SEPARATOR = "; "
WIDTHS = [10, 40, 36, 28, 7, 34, 12, 34, 34, 16, 12, 50, 44, 66]

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"); tab and CR too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render_case_record(case: Case, *, by):
    """The case-record PDF and its CaseRecord, from workflows.pdf.case_record.

    Imported when first needed: PDF rendering loads WeasyPrint, which the list and the
    spreadsheet downloads do not need.
    """
    from workflows.pdf import case_record

    return case_record.render_case_record(case, by=by)


def for_export(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What the rows read, in a fixed number of queries however many cases there are (the SOP
    versions without their definitions: call models.parse_specs on the rows read)."""
    runs = StepRun.objects.select_related("actor").order_by("pk")
    return cases.select_related("sop_version__sop", "agency").defer("sop_version__definition").prefetch_related(
        Prefetch("step_runs", queryset=runs, to_attr="export_runs"))


def pelaksana_names(case: Case) -> list[str]:
    """Everybody who acted on a step of the case (also the one who cancelled it), in order of first action."""
    runs = getattr(case, "export_runs", None)
    if runs is None:
        runs = case.step_runs.select_related("actor").order_by("pk")
    names: list[str] = []
    for run in runs:
        if run.actor is not None:
            name = run.actor.full_name or run.actor.username
            if name not in names:
                names.append(name)
    return names


def late_steps(case: Case) -> int:
    if hasattr(case, "late_steps"):
        return case.late_steps
    runs = getattr(case, "export_runs", None) or case.step_runs.all()
    return sum(run.is_late for run in runs)


def status_label(case: Case) -> str:
    return _state_label(case.state)


def _state_label(state: str) -> str:
    return _("Selesai") if state == states.DONE else _("Dibatalkan") if state == states.CANCELLED \
        else states.label(state)


class Moments:
    """Moments as a table writes them in the agency's zone: text as the case page shows them
    ("Senin, 23 November 2026 09.30 WIB", each day's words formatted once per export), or
    with ``date_cells`` LocalTime values that a spreadsheet can sort and filter."""

    def __init__(self, date_cells: bool = False):
        self.date_cells = date_cells
        self.days: dict[datetime.date, str] = {}
        self.zones: dict[int, datetime.tzinfo] = {}
        self.offsets: dict[tuple[str, datetime.date], datetime.timedelta | None] = {}

    def __call__(self, value: datetime.datetime | None, agency: Agency):
        if value is None:
            return None if self.date_cells else ""
        if self.date_cells:
            return LocalTime(self._serial(value, agency), agency.time_zone)
        zone = self.zones.get(agency.pk)
        if zone is None:
            zone = self.zones[agency.pk] = agency.tzinfo
        local = value.astimezone(zone)
        day = local.date()
        if day not in self.days:
            # What tanggal writes before the time; a weekday, never the start of a formula.
            self.days[day] = tanggal(local, agency).rsplit(" ", 2)[0]
        return f"{self.days[day]} {local.hour:02d}.{local.minute:02d} {agency.time_zone}"

    def _serial(self, value: datetime.datetime, agency: Agency) -> float:
        """Excel's day number of ``value`` on the agency's clock. The zone's offset is looked up
        once per day (the lookup was most of a date cell's cost: a national XLSX has 100,000),
        and for each moment of a day on which the zone changes it (none in Indonesia since 1988)."""
        key = (agency.time_zone, value.date())
        offset = self.offsets.get(key, False)
        if offset is False:
            offset = self.offsets[key] = _steady_offset(value, agency.tzinfo)
        if offset is None:
            return xlsx.serial(value.astimezone(agency.tzinfo).replace(tzinfo=None))
        return xlsx.days(value - _EPOCH_UTC + offset)


_EPOCH_UTC = xlsx.EPOCH.replace(tzinfo=datetime.UTC)


def _steady_offset(value: datetime.datetime, zone: datetime.tzinfo) -> datetime.timedelta | None:
    """``zone``'s offset from UTC all through the day of ``value`` (on its own clock), or None
    when the offset changes that day."""
    start = value.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=1, microseconds=-1)
    offset = start.astimezone(zone).utcoffset()
    return offset if end.astimezone(zone).utcoffset() == offset else None


class RowMaker:
    """Turns a case's values into its row. Made once per export: the words (Selesai,
    Terlambat, ...) are translated once, each day's written date ("Senin, 23 November
    2026") formatted once, and each SOP version's and agency's texts neutralised once,
    not once per row."""

    def __init__(self, date_cells: bool = False):
        self.moment = Moments(date_cells)
        self.states: dict[str, str] = {}
        self.late, self.on_time = neutralise(_("Terlambat")), neutralise(_("Tepat waktu"))
        self.sheets: dict[int, tuple[str, str, int]] = {}
        self.agencies: dict[int, tuple[str, Agency]] = {}

    def sheet(self, version_id: int, name: str, nomor: str, number: int) -> None:
        self.sheets[version_id] = (neutralise(name), neutralise(nomor), number)

    def agency(self, agency: Agency) -> tuple[str, Agency]:
        if agency.pk not in self.agencies:
            self.agencies[agency.pk] = (neutralise(agency.name), agency)
        return self.agencies[agency.pk]

    def __call__(self, pk, title, version_id: int, agency, state, started_at, closed_at, late: int,
                 names: Iterable[str]) -> list:
        """The row, already neutralised; ``agency`` as ``agency()`` returns it, the version's
        texts given to ``sheet()`` first."""
        if state not in self.states:
            self.states[state] = neutralise(_state_label(state))
        name, nomor, number = self.sheets[version_id]
        return [
            pk, neutralise(title), name, nomor, number, agency[0], self.states[state],
            self.moment(started_at, agency[1]), self.moment(closed_at, agency[1]),
            self.late if late else self.on_time, late, neutralise(PELAKSANA_SEPARATOR.join(dict.fromkeys(names))),
        ]


def case_row(case: Case, *, date_cells: bool = False) -> list:
    """One case as the columns of COLUMNS, already neutralised. Dates are text as the case page
    writes them, or with ``date_cells`` LocalTime values that a spreadsheet can sort and filter."""
    row, version = RowMaker(date_cells), case.sop_version
    row.sheet(version.pk, version.spec.name, version.spec.sheet.get("nomor", "") or "", version.number)
    return row(case.pk, case.title, version.pk, row.agency(case.agency), case.state, case.started_at,
               case.closed_at, late_steps(case), pelaksana_names(case))


# Cases read per round trip of a streamed export: big enough that the per-chunk queries cost
# little, small enough that memory stays flat however large the archive is.
CHUNK = 2000
_ROW_FIELDS = ("pk", "title", "state", "started_at", "closed_at", "sop_version_id", "agency_id")


def chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def read_ahead(rows: QuerySet, size: int, prepare: Callable[[list], Any] | None = None) -> Iterator[Any]:
    """The rows of ``rows`` (values), ``size`` at a time through a database cursor; with
    ``prepare``, what it makes of each batch (what else the batch's rows need, read from the
    database: ``prepare`` may query, on the connection that read the batch).

    On PostgreSQL the next batch is fetched, and prepared, by a helper thread while the caller
    turns this one into lines: the database works on one core while Python writes on the other.
    Outside a transaction (an export job, a streamed download) the helper reads on a
    connection of its own, inside a transaction of its own, so that every batch is read from
    one snapshot and the cursor streams rows as PostgreSQL finds them (a cursor outside a
    transaction, Django's WITH HOLD cursor, holds back its first row until the whole result
    is worked out: 0.3 s of the deviation register's 52,000 rows for a national auditor,
    2026-12-06). Inside the caller's transaction, whose writes only its connection sees, the
    helper only fetches, on that connection, and the caller prepares; psycopg lets the
    caller's other queries on that connection wait their turn."""
    prepare = prepare or _as_read
    rows = rows.using(rows.db)  # the database the caller reads (the replica, in a view that reads it)
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        yield from map(prepare, chunks(rows.iterator(chunk_size=size), size))
        return
    own = not connection.in_atomic_block
    if own:
        batches, ready = _in_own_transaction(rows, size, prepare), _as_read
    else:
        batches, ready = chunks(rows.iterator(chunk_size=size), size), prepare
    # The helper works in a copy of the caller's context: ``prepare`` reads where the caller
    # would (lpse_sop.replica's switch is a context variable).
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as helper:
        following = None
        try:
            # With a connection of its own, the helper sends the query too; else the caller does.
            batch = helper.submit(context.run, next, batches, None).result() if own else next(batches, None)
            while batch is not None:
                following = helper.submit(context.run, next, batches, None)
                yield ready(batch)
                batch = following.result()
        finally:
            if following is not None:
                wait([following])  # never close the cursor under the helper's fetch
            if own:
                helper.submit(context.run, batches.close).result()  # where it was opened
            else:
                batches.close()


def _as_read(batch: list) -> list:
    return batch


def _in_own_transaction(rows: QuerySet, size: int, prepare: Callable[[list], Any]) -> Iterator[Any]:
    """``rows`` in batches, each prepared, read in a transaction of the calling thread's own
    connection, which is closed afterwards (the read-ahead helper's thread ends with it)."""
    try:
        with transaction.atomic(using=rows.db):
            yield from map(prepare, chunks(rows.iterator(chunk_size=size), size))
    finally:
        connections[rows.db].close()


class InArray(In):
    """``InArray(F("case_id"), ids)``: ``IN (...)`` sent to PostgreSQL as one array parameter
    (``= ANY(%s)``). A chunk's 2,000 ids otherwise cost Django and psycopg a placeholder each,
    more than the query itself (issue 13). Elsewhere the plain IN list."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


class ByIdCache:
    """Rows of one model by primary key, each read once for the duration of an export.

    A streamed export reads its rows as plain values; the agency (name, zone) of each row
    comes from here, read once per agency, never once per row."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.objects: dict = {}

    def load(self, ids: Iterable[int]) -> None:
        missing = set(ids) - self.objects.keys()
        if missing:
            self.objects.update(self.queryset.in_bulk(missing))

    def __getitem__(self, pk):
        if pk not in self.objects:
            self.load([pk])
        return self.objects[pk]


class NameCache(ByIdCache):
    """People's names as the archive writes them (full name, else username), by id."""

    def __init__(self):
        super().__init__(None)

    def load(self, ids: Iterable[int]) -> None:
        missing = set(ids) - self.objects.keys()
        if missing:
            for pk, full_name, username in User.objects.filter(pk__in=missing).values_list(
                    "pk", "full_name", "username"):
                self.objects[pk] = full_name or username


def _runs_of(case_ids: list[int]) -> tuple[dict[int, int], dict[int, dict[int, None]]]:
    """(late steps, the people who acted in order of first action) of each case, from one
    query: lateness as the database's boolean (StepRun.is_late), people as ids."""
    late: dict[int, int] = defaultdict(int)
    actors: dict[int, dict[int, None]] = defaultdict(dict)
    runs = (StepRun.objects.filter(InArray(F("case_id"), case_ids)).order_by("pk")
            .annotate(late=ExpressionWrapper(Q(due_at__isnull=False, completed_at__gt=F("due_at")),
                                             output_field=BooleanField()))
            .values_list("case_id", "late", "actor_id"))
    for case_id, is_late, actor_id in runs:
        if is_late:
            late[case_id] += 1
        if actor_id is not None:
            actors[case_id][actor_id] = None
    return late, actors


def _with_runs(batch: list) -> tuple[list, tuple[dict[int, int], dict[int, dict[int, None]]]]:
    return batch, _runs_of([values[0] for values in batch])


def case_rows(cases: QuerySet[Case], *, date_cells: bool = False, chunk_size: int = CHUNK) -> Iterator[list]:
    """The rows of ``cases`` for a streamed download, in the order of ``cases``: the cases as
    values through a database cursor, ``chunk_size`` at a time, each chunk's step runs (who
    acted, what was late) in one query; versions (their sheet's name and number, read without
    parsing the definition), agencies and people's names read once per export."""
    row, people = RowMaker(date_cells), NameCache()
    agencies = ByIdCache(Agency.objects.only("pk", "name", "time_zone"))
    for batch, (late, actors) in read_ahead(cases.values_list(*_ROW_FIELDS), chunk_size, _with_runs):
        people.load({actor_id for ids in actors.values() for actor_id in ids})
        names = people.objects
        new_versions = {values[5] for values in batch} - row.sheets.keys()
        for pk, number, name, nomor in SopVersion.objects.sheet_titles(new_versions):
            row.sheet(pk, name, nomor, number)
        agencies.load(values[6] for values in batch)
        for pk, title, state, started_at, closed_at, version_id, agency_id in batch:
            yield row(pk, title, version_id, row.agency(agencies[agency_id]), state, started_at, closed_at,
                      late.get(pk, 0), [names[a] for a in actors.get(pk, ())])


def pdf_name(case: Case) -> str:
    """The case's file name in the ZIP: ``kasus-<id>-<judul>.pdf``, ASCII only."""
    slug = slugify(case.title)[:60].strip("-")
    return f"kasus-{case.pk}-{slug}.pdf" if slug else f"kasus-{case.pk}.pdf"


def csv_chunks(header: Iterable, rows: Iterable[list], *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV a piece at a time, for a streamed response: the BOM and the header first (at
    once, before any row is read), then ``rows_per_chunk`` rows per piece (None as an empty
    field, as csv writes it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(h)) for h in header])
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    for batch in chunks(rows, rows_per_chunk):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")


def csv_bytes(header: Iterable, rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads "Dra. Ni Luh Putu Ayu" and "—" as they are."""
    return b"".join(csv_chunks(header, rows))


def xlsx_bytes(header: Iterable, rows: Iterable[list], *, title: str, widths: list[int] | None = None) -> bytes:
    with xlsx_file(header, rows, title=title, widths=widths) as spool:
        return spool.read()


def xlsx_file(header: Iterable, rows: Iterable[list], *, title: str, widths: list[int] | None = None):
    """The workbook in a temporary file (rewound), for a FileResponse to stream or a job to
    keep; written row by row (workflows.xlsx), so memory stays flat however many rows there are."""
    header = [neutralise(str(h)) for h in header]
    return xlsx.write(header, rows, title=title, widths=widths or WIDTHS)
