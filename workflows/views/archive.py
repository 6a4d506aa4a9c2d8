"""The auditors' archive: search closed cases, download the list, build a ZIP of case records."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Agency
from workflows import archive_export
from workflows.access import audited_agencies
from workflows.archive import ArchiveFilter, may_use_archive
from workflows.models import ExportJob
from workflows.tasks import build_archive_zip
from workflows.views.responses import refuse, table_download

PER_PAGE = 25


def auditor_required(view):
    """Anonymous visitors go to the login page; people who are not auditors get 403 with the reason."""
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_use_archive(request.user):
            return refuse(request, _("Arsip kasus hanya dapat dibuka oleh auditor (Inspektorat atau BPK). "
                                     "Kasus yang Anda kerjakan tetap dapat dibuka dari Tugas saya atau notifikasi."))
        return view(request, *args, **kwargs)
    return checked


def _query(request) -> str:
    """The filter as a query string, without the page number."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_url(query: str) -> str:
    return f"{reverse('archive_list')}?{query}" if query else reverse("archive_list")


def _scope_label(user) -> str:
    agencies = audited_agencies(user)
    if agencies is None or user.is_superuser:
        return _("semua instansi")
    return ", ".join(Agency.objects.filter(pk__in=agencies).values_list("name", flat=True))


@auditor_required
def archive_list(request):
    filterset = ArchiveFilter(request.GET, user=request.user, request=request)
    page = Paginator(archive_export.for_export(filterset.qs), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for case in page.object_list:
        case.pelaksana = archive_export.pelaksana_names(case)
    jobs = request.user.export_jobs.all()[:5]
    return render(request, "workflows/archive_list.html", {
        "filter": filterset, "page": page, "query": _query(request), "scope": _scope_label(request.user),
        "jobs": jobs,
    }, status=400 if filterset.errors else 200)


def _valid_filter_or_back(request) -> tuple[ArchiveFilter, HttpResponse | None]:
    filterset = ArchiveFilter(request.GET, user=request.user, request=request)
    if filterset.is_valid():
        return filterset, None
    messages.error(request, _("Filter belum benar; perbaiki isian yang ditandai lalu unduh lagi."))
    return filterset, redirect(_list_url(_query(request)))


def _table(request, kind: str):
    """The filtered archive as a CSV (streamed) or XLSX (a streamed temporary file); see table_download."""
    filterset, back = _valid_filter_or_back(request)
    if back:
        return back
    rows = archive_export.case_rows(filterset.qs, date_cells=kind == "xlsx")
    return table_download(kind, archive_export.COLUMNS, rows, stem="arsip-kasus", title=_("Arsip kasus"),
                          widths=archive_export.WIDTHS)


@auditor_required
def archive_csv(request):
    return _table(request, "csv")


@auditor_required
def archive_xlsx(request):
    return _table(request, "xlsx")


@auditor_required
@require_POST
def archive_zip(request):
    """Queue a ZIP of the case records the filter selects (the filter comes in the query string)."""
    filterset, back = _valid_filter_or_back(request)
    if back:
        return back
    query = _query(request)
    if not filterset.qs.exists():
        messages.warning(request, _("Tidak ada kasus yang cocok dengan filter ini; tidak ada yang diekspor."))
        return redirect(_list_url(query))
    if len(query) > ExportJob._meta.get_field("query").max_length:
        messages.error(request, _("Filter terlalu panjang untuk diekspor; persingkat teks pencarian."))
        return redirect(_list_url(query))
    # A second click while the same export is still being made leads to that export, not a copy.
    running = request.user.export_jobs.filter(
        query=query, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]).first()
    if running:
        return redirect("archive_export_progress", running.pk)
    job = ExportJob.objects.create(requested_by=request.user, query=query)
    try:
        build_archive_zip.enqueue(job.pk)
    except Exception as exc:  # the queue is down: say so on the job instead of a server error
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.PENDING).update(
            status=ExportJob.Status.FAILED, error=_("Antrean tugas latar belakang tidak dapat dihubungi: %(error)s")
            % {"error": exc}, finished_at=timezone.now())
    return redirect("archive_export_progress", job.pk)


def _job_for(request, job_id: int) -> ExportJob:
    """Only the person who asked for an export sees it; for anybody else it does not exist."""
    return get_object_or_404(ExportJob, pk=job_id, requested_by=request.user)


@auditor_required
def export_progress(request, job_id: int):
    job = _job_for(request, job_id)
    context = {"job": job, "finished": job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED),
               "list_url": _list_url(job.query)}
    template = "workflows/_export_progress.html" if request.htmx else "workflows/archive_export.html"
    return render(request, template, context)


@auditor_required
def export_download(request, job_id: int):
    job = _job_for(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        messages.warning(request, _("Berkas ZIP belum siap."))
        return redirect("archive_export_progress", job.pk)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=f"arsip-kasus-{job.pk}.zip",
                        content_type="application/zip")
