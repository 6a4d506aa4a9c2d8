"""Printable documents: the official SOP sheet as PDF."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from workflows.models import SopVersion
from workflows.pdf.sheet import SheetNotFound, find_sop_version, render_sop_sheet, sheet_filename


def _get_sop_version(code: str, raw_number: str | None) -> SopVersion:
    """The requested version (``?versi=N``, default the latest) or 404."""
    number = None
    if raw_number:
        if not raw_number.isdigit():
            raise Http404("versi harus berupa angka")
        number = int(raw_number)
    try:
        return find_sop_version(code, number)
    except SheetNotFound as exc:
        raise Http404(str(exc)) from None


@require_GET
@login_required
def sop_sheet_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The SOP sheet (PermenPAN-RB 35/2012) of ``code`` as a PDF; any signed-in person may print it."""
    version = _get_sop_version(code, request.GET.get("versi"))
    response = HttpResponse(render_sop_sheet(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sheet_filename(version)}"'
    return response
