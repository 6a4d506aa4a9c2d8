"""What leaves the application as a file too large to make during a request: one job
mechanism (ExportJob, worked by ``manage.py db_worker``) for the ZIP of case records and for
the tables (the archive, the deviation register) as XLSX.

A CSV streams whatever its size: its first line leaves at once. An XLSX is a ZIP whose
directory comes last, so nothing can be sent before the whole sheet is written; up to
DIRECT_ROWS rows that takes well under a second and the file is downloaded at once, beyond
it the file is made here in the background and the person waits on a progress page (issue
13: first byte under 1 s, or a background job).
"""
from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.files import File
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from lpse_sop.collector import collector_paused
from workflows import archive_export, deviations
from workflows.archive import ArchiveFilter
from workflows.models import Case, ExportJob, parse_specs

logger = logging.getLogger(__name__)

# Rows an XLSX may have to be made during the request. Measured on lpse_bench_100000 (2 cores
# shared, load average 3.5): 9,789 rows took 0.42-1.03 s to the first byte (median 0.52 s, the
# slowest in a fresh process); 5,000 keep even that case near half a second.
DIRECT_ROWS = 5_000
# Case-record PDFs read per query while the ZIP is made; table rows between progress updates.
PDF_CHUNK = 50
PROGRESS_EVERY = 2000


class ExportFailed(Exception):
    """Why a job could not make its file, in words for the person who asked."""


@dataclass(frozen=True)
class Table:
    """A list that can be downloaded as CSV or XLSX: its columns and rows, its names, and how
    a background job finds the selection again from the filter's query string."""

    kind: str  # ExportJob.Kind of its background XLSX
    columns: list
    widths: list[int]
    title: Promise
    stem: str
    make_rows: Callable[..., Iterator[list]]  # (selection, date_cells=...) -> rows
    select: Callable[[object, QueryDict], QuerySet | None]  # (person, filter) -> selection; None: refused

    def rows(self, selection: QuerySet, *, date_cells: bool = False) -> Iterator[list]:
        return self.make_rows(selection, date_cells=date_cells)


def _archive_selection(user, query: QueryDict) -> QuerySet | None:
    filterset = ArchiveFilter(query, user=user)
    return filterset.qs if filterset.is_valid() else None


def _deviation_selection(user, query: QueryDict) -> QuerySet | None:
    register = deviations.register_for(user)
    if register is None:
        return None
    filterset = deviations.DeviationFilter(query, queryset=register, user=user)
    return filterset.qs if filterset.is_valid() else None


ARCHIVE = Table(ExportJob.Kind.ARCHIVE_XLSX, archive_export.COLUMNS, archive_export.WIDTHS,
                gettext_lazy("Arsip kasus"), "arsip-kasus", archive_export.case_rows, _archive_selection)
DEVIATIONS = Table(ExportJob.Kind.DEVIATIONS_XLSX, deviations.COLUMNS, deviations.WIDTHS,
                   gettext_lazy("Penyimpangan"), "penyimpangan", deviations.rows, _deviation_selection)
TABLES = {table.kind: table for table in (ARCHIVE, DEVIATIONS)}


def too_large_to_wait_for(selection: QuerySet) -> bool:
    """More than DIRECT_ROWS rows: counted no further than that, whatever the selection's size."""
    return selection.order_by().values("pk")[:DIRECT_ROWS + 1].count() > DIRECT_ROWS


def export_job_start(*, kind: str, by, query: str) -> ExportJob:
    """Queue the file ``kind`` of the selection ``query`` (a filter's query string) for ``by``.
    A second request while the same file is still being made gets that job, not a copy."""
    running = by.export_jobs.filter(kind=kind, query=query,
                                    status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]).first()
    if running:
        return running
    job = ExportJob.objects.create(kind=kind, requested_by=by, query=query)
    try:
        build_export.enqueue(job.pk)
    except Exception as exc:  # the queue is down: say so on the job instead of a server error
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.PENDING).update(
            status=ExportJob.Status.FAILED, error=_("Antrean tugas latar belakang tidak dapat dihubungi: %(error)s")
            % {"error": exc}, finished_at=timezone.now())
        job.refresh_from_db()
    return job


@task()
def build_export(job_id: int) -> None:
    run_export(job_id)


def run_export(job_id: int) -> None:
    """Make the job's file, for the person who asked, with the rights they hold now (the filter
    is applied again here). Progress (``done`` of ``total``) is saved as it goes so the progress
    page moves. Safe to deliver twice: only the run that moves the job out of "pending" works."""
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
            status=ExportJob.Status.RUNNING):
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    build = _zip_of_records if job.kind == ExportJob.Kind.CASE_RECORDS else _xlsx_of_table
    with translation.override(job.requested_by.language or "id"):
        try:
            with build(job) as spool:
                job.file.save(job.filename, File(spool), save=False)
        except Exception as exc:
            logger.exception("Export job %s failed", job_id)
            job.status = ExportJob.Status.FAILED
            job.error = str(exc) if isinstance(exc, ExportFailed) else _("Ekspor gagal: %(error)s") % {"error": exc}
        else:
            job.status = ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "file", "finished_at", "done", "total"])


def _counting(job: ExportJob, rows: Iterable[list]) -> Iterator[list]:
    """``rows``, with ``job.done`` counting them (saved every PROGRESS_EVERY rows)."""
    for row in rows:
        yield row
        job.done += 1
        if job.done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(done=job.done)


def _xlsx_of_table(job: ExportJob):
    table = TABLES[job.kind]
    selection = table.select(job.requested_by, QueryDict(job.query))
    if selection is None:
        raise ExportFailed(_("Filter ini tidak lagi dapat dipakai dengan hak Anda sekarang; tidak ada yang diekspor."))
    job.total = selection.count()
    ExportJob.objects.filter(pk=job.pk).update(total=job.total)
    with collector_paused():
        return archive_export.xlsx_file(table.columns, _counting(job, table.rows(selection, date_cells=True)),
                                        title=str(table.title), widths=table.widths)


def _zip_of_records(job: ExportJob):
    """The case record of every case the job's filter selects, one PDF each, with a
    ``daftar.csv`` manifest naming each PDF and its SHA-256."""
    user = job.requested_by
    filterset = ArchiveFilter(QueryDict(job.query), user=user)
    ids = list(filterset.qs.values_list("pk", flat=True))
    job.total = len(ids)
    job.save(update_fields=["total"])
    manifest = []
    spool = tempfile.TemporaryFile()
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for start in range(0, len(ids), PDF_CHUNK):
                chunk = ids[start:start + PDF_CHUNK]
                cases = {c.pk: c for c in archive_export.for_export(filterset.qs.filter(pk__in=chunk))}
                parse_specs(case.sop_version for case in cases.values())
                for pk in chunk:
                    case = cases[pk]
                    pdf = _record_pdf(case, user)
                    name = archive_export.pdf_name(case)
                    archive.writestr(name, pdf)
                    manifest.append([*archive_export.case_row(case), name, hashlib.sha256(pdf).hexdigest()])
                    job.done += 1
                    ExportJob.objects.filter(pk=job.pk).update(done=job.done)
            archive.writestr("daftar.csv", archive_export.csv_bytes(archive_export.MANIFEST_COLUMNS, manifest))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def _record_pdf(case: Case, user) -> bytes:
    try:
        pdf, _record = archive_export.render_case_record(case, by=user)
    except Exception as exc:
        raise ExportFailed(_("Rekaman kasus No. %(id)s gagal dibuat: %(error)s") % {"id": case.pk, "error": exc}) \
            from exc
    return pdf
