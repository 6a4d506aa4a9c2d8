"""The archive as a table: one place for its columns, shared by the CSV and XLSX downloads
and by the ``daftar.csv`` manifest inside the ZIP of case records.

Every text cell is neutralised against spreadsheet formula injection: a case title such as
``=HYPERLINK(...)`` typed by a pelaksana must reach the auditor's Excel as text, never run.
"""
from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows import states
from workflows.models import Case, StepRun
from workflows.templatetags.tanggal import tanggal

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
    """What the rows read, in a fixed number of queries however many cases there are."""
    runs = StepRun.objects.select_related("actor").order_by("pk")
    return cases.select_related("sop_version__sop", "agency").prefetch_related(
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
    return _("Selesai") if case.state == states.DONE else _("Dibatalkan") if case.state == states.CANCELLED \
        else states.label(case.state)


@dataclass(frozen=True)
class LocalTime:
    """A moment as the agency's clock shows it, for a spreadsheet date cell (which has no zone)."""

    value: datetime.datetime  # naive, in the agency's zone
    zone: str  # WIB / WITA / WIT, shown by the cell's number format


def _moment(value: datetime.datetime | None, agency, as_cell: bool):
    if not as_cell:
        return tanggal(value, agency)
    if value is None:
        return None
    return LocalTime(timezone.localtime(value, agency.tzinfo).replace(tzinfo=None), agency.time_zone)


def case_row(case: Case, *, date_cells: bool = False) -> list:
    """One case as the columns of COLUMNS, already neutralised. Dates are text as the case page
    writes them, or with ``date_cells`` LocalTime values that a spreadsheet can sort and filter."""
    late = late_steps(case)
    values = [
        case.pk, case.title, case.spec.name, case.spec.sheet.get("nomor", "") or "", case.sop_version.number,
        case.agency.name, status_label(case), _moment(case.started_at, case.agency, date_cells),
        _moment(case.closed_at, case.agency, date_cells), _("Terlambat") if late else _("Tepat waktu"), late,
        PELAKSANA_SEPARATOR.join(pelaksana_names(case)),
    ]
    return [neutralise(v) for v in values]


def case_rows(cases: QuerySet[Case], *, date_cells: bool = False) -> Iterator[list]:
    for case in for_export(cases).iterator(chunk_size=200):
        yield case_row(case, date_cells=date_cells)


def pdf_name(case: Case) -> str:
    """The case's file name in the ZIP: ``kasus-<id>-<judul>.pdf``, ASCII only."""
    slug = slugify(case.title)[:60].strip("-")
    return f"kasus-{case.pk}-{slug}.pdf" if slug else f"kasus-{case.pk}.pdf"


def csv_bytes(header: Iterable, rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads "Dra. Ni Luh Putu Ayu" and "—" as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def xlsx_bytes(header: Iterable, rows: Iterable[list], *, title: str, widths: list[int] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    header = [str(h) for h in header]
    for index, width in enumerate((widths or WIDTHS)[:len(header)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=neutralise(text))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    sheet.append(cells)

    def cell(value):
        if isinstance(value, LocalTime):
            date_cell = WriteOnlyCell(sheet, value=value.value)
            date_cell.number_format = f'dd/mm/yyyy hh:mm "{value.zone}"'
            return date_cell
        # Control characters pasted into a note would make openpyxl refuse the whole file.
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
