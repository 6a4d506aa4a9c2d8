"""The deviation register page and its CSV/XLSX downloads (workflows.deviations), read from the
replica when one is configured (lpse_sop/replica.py), and the pages of its background XLSX
(workflows.exports)."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.utils.translation import gettext as _

from lpse_sop.replica import on_primary, reads_from_replica
from workflows import deviations, exports
from workflows.models import ExportJob
from workflows.selectors import count_upto
from workflows.views import exports as export_views
from workflows.views.responses import refuse

PER_PAGE = 50
SHOWN = 1_000  # the newest deviations the pages reach; the CSV/XLSX hold them all


def register_reader_required(view):
    """Anonymous visitors go to the login page; people who read no register (neither head of a
    unit nor auditor) get 403 with the reason. The view gets the register this person may read."""
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        with on_primary():  # whose deviations these are: live, from the primary
            register = deviations.register_for(request.user)
        if register is None:
            return refuse(request, _("Daftar penyimpangan untuk kepala unit dan auditor."))
        return view(request, register, *args, **kwargs)
    return checked


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _url(name: str, query: str) -> str:
    return f"{reverse(name)}?{query}" if query else reverse(name)


@reads_from_replica
@register_reader_required
def deviation_list(request, register):
    return _list_page(request, register)


def _list_page(request, register):
    filterset = deviations.DeviationFilter(request.GET, queryset=register, user=request.user)
    runs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    paginator = Paginator(runs, PER_PAGE)
    # Counted no further than SHOWN (a national register holds 50,000 rows: counting them cost
    # 90 ms a page); the pages reach that far, the downloads hold every row.
    paginator.count, capped = count_upto(runs, SHOWN)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "workflows/deviations.html", {
        "filter": filterset, "page": page, "rows": list(deviations.describe(page)),
        "capped": SHOWN if capped else None,
        "jobs": list(request.user.export_jobs.filter(kind=ExportJob.Kind.DEVIATIONS_XLSX)[:5]),
    }, status=200 if filterset.is_valid() else 400)


def _download(request, register, kind: str):
    filterset = deviations.DeviationFilter(request.GET, queryset=register, user=request.user)
    if not filterset.is_valid():
        return _list_page(request, register)
    query = _query(request)
    return export_views.table_response(request, kind, exports.DEVIATIONS, filterset.qs, query=query,
                                       back_url=_url("deviations", query), csv_url=_url("deviation_csv", query))


@reads_from_replica
@register_reader_required
def deviation_csv(request, register):
    return _download(request, register, "csv")


@reads_from_replica  # a GET; the POST that starts a job writes to the primary
@register_reader_required
@require_http_methods(["GET", "HEAD", "POST"])
def deviation_xlsx(request, register):
    """POST: make a large selection's XLSX in the background."""
    return _download(request, register, "xlsx")


def _job_for(request, job_id: int) -> ExportJob:
    """Only the person who asked for an export sees it; for anybody else it does not exist."""
    return get_object_or_404(ExportJob, pk=job_id, requested_by=request.user, kind=ExportJob.Kind.DEVIATIONS_XLSX)


@register_reader_required
def export_progress(request, _register, job_id: int):
    job = _job_for(request, job_id)
    return export_views.progress(request, job, back_url=_url("deviations", job.query),
                                 back_label=_("Kembali ke daftar penyimpangan (filter yang sama)"))


@register_reader_required
def export_download(request, _register, job_id: int):
    return export_views.download(request, _job_for(request, job_id))
