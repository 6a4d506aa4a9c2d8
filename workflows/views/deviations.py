"""The deviation register page and its CSV/XLSX downloads (workflows.deviations), read from the
replica when one is configured (lpse_sop/replica.py)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from lpse_sop.replica import on_primary, reads_from_replica
from workflows import deviations
from workflows.views.responses import refuse, table_download

PER_PAGE = 50
SHOWN = 1_000  # the newest deviations the pages reach; the CSV/XLSX hold them all


def _filtered(request):
    """(filterset, refusal): the register this person may read, filtered as asked."""
    with on_primary():  # whose deviations these are: live, from the primary
        register = deviations.register_for(request.user)
    if register is None:
        return None, refuse(request, _("Daftar penyimpangan untuk kepala unit dan auditor."))
    return deviations.DeviationFilter(request.GET, queryset=register, user=request.user), None


@login_required
@reads_from_replica
def deviation_list(request):
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    runs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    paginator = Paginator(runs, PER_PAGE)
    # Counted no further than SHOWN (a national register holds 50,000 rows: counting them cost
    # 90 ms a page); the pages reach that far, the downloads hold every row.
    paginator.count = runs.order_by().values("pk")[:SHOWN + 1].count()
    capped = paginator.count > SHOWN
    paginator.count = min(paginator.count, SHOWN)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "workflows/deviations.html", {
        "filter": filterset, "page": page, "rows": list(deviations.describe(deviations.with_versions(page))),
        "capped": SHOWN if capped else None,
    }, status=200 if filterset.is_valid() else 400)


def _download(request, kind: str):
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    if not filterset.is_valid():
        return deviation_list(request)
    return table_download(kind, deviations.COLUMNS, deviations.rows(filterset.qs, date_cells=kind == "xlsx"),
                          stem="penyimpangan", title=_("Penyimpangan"), widths=deviations.WIDTHS)


@login_required
@reads_from_replica
def deviation_csv(request):
    return _download(request, "csv")


@login_required
@reads_from_replica
def deviation_xlsx(request):
    return _download(request, "xlsx")
