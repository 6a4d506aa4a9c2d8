"""The agency administrator's log of who opened which personal document of the agency's cases."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from accounts.administration import administered_agencies
from workflows.models import DocumentAccess


@login_required
def document_accesses(request, code: str):
    agency = administered_agencies(request.user).filter(code=code).first()
    if agency is None:
        raise Http404
    log = (DocumentAccess.objects.filter(case__agency=agency)
           .select_related("user", "case", "attachment").order_by("-at", "-pk"))
    return render(request, "workflows/document_accesses.html",
                  {"agency": agency, "page": Paginator(log, 50).get_page(request.GET.get("page"))})
