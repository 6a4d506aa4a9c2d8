"""The pages of export jobs (workflows.exports) and the downloads of the tables. Each part of
the site (the archive, the deviation register) guards its own URLs, finds the job among the
person's own, and calls these."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from workflows import exports
from workflows.models import ExportJob
from workflows.views.responses import XLSX, table_download

CONTENT_TYPES = {".zip": "application/zip", ".xlsx": XLSX}


def table_response(request, kind: str, table: exports.Table, selection: QuerySet, *, query: str, back_url: str,
                   csv_url: str) -> HttpResponse:
    """The table as CSV (streamed, whatever its size) or XLSX: made at once up to DIRECT_ROWS
    rows; beyond that a page says why it is made in the background (GET) and its button
    queues the job (POST)."""
    if kind == "xlsx" and exports.too_large_to_wait_for(selection):
        if request.method == "POST":
            return start(request, kind=table.kind, query=query, back_url=back_url)
        return render(request, "workflows/export_large.html", {
            "rows": number_format(exports.DIRECT_ROWS, force_grouping=True), "csv_url": csv_url,
            "back_url": back_url})
    return table_download(kind, table.columns, table.rows(selection, date_cells=kind == "xlsx"), stem=table.stem,
                          title=str(table.title), widths=table.widths)


def start(request, *, kind: str, query: str, back_url: str) -> HttpResponse:
    """Queue the export and go to its progress page."""
    if len(query) > ExportJob._meta.get_field("query").max_length:
        messages.error(request, _("Filter terlalu panjang untuk diekspor; persingkat teks pencarian."))
        return redirect(back_url)
    return redirect(exports.export_job_start(kind=kind, by=request.user, query=query))


def progress(request, job: ExportJob, *, back_url: str, back_label: str) -> HttpResponse:
    """How far the job is, refreshing itself until it is done (htmx, or a meta refresh without
    JavaScript); then the download."""
    context = {"job": job, "list_url": back_url, "back_label": back_label,
               "rows": number_format(exports.DIRECT_ROWS, force_grouping=True)}
    template = "workflows/_export_progress.html" if request.htmx else "workflows/export_job.html"
    return render(request, template, context)


def download(request, job: ExportJob) -> HttpResponse:
    if job.status != ExportJob.Status.DONE or not job.file:
        messages.warning(request, _("Berkas ekspor belum siap."))
        return redirect(job)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = job.filename
    return FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[name[name.rindex("."):]])
