"""The deviation register page and its CSV/XLSX downloads (workflows.deviations)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows import deviations
from workflows.archive_export import csv_bytes, xlsx_bytes
from workflows.views.responses import refuse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request):
    """(filterset, refusal): the register this person may read, filtered as asked."""
    register = deviations.register_for(request.user)
    if register is None:
        return None, refuse(request, _("Daftar penyimpangan untuk kepala unit dan auditor."))
    return deviations.DeviationFilter(request.GET, queryset=register), None


@login_required
def deviation_list(request):
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    runs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "workflows/deviations.html", {
        "filter": filterset, "page": page, "rows": list(deviations.describe(page)),
    }, status=200 if filterset.is_valid() else 400)


def _download(request, kind: str):
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    if not filterset.is_valid():
        return deviation_list(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        response = HttpResponse(csv_bytes(deviations.COLUMNS, deviations.rows(filterset.qs)),
                                content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(deviations.COLUMNS, deviations.rows(filterset.qs, date_cells=True),
                                           title=_("Penyimpangan")), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="penyimpangan-{stamp}.{kind}"'
    return response


@login_required
def deviation_csv(request):
    return _download(request, "csv")


@login_required
def deviation_xlsx(request):
    return _download(request, "xlsx")
