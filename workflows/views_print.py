"""Printable documents: the official SOP sheet as PDF."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from django.shortcuts import get_object_or_404

from workflows.models import Sop, SopVersion
from workflows.pdf.sheet import SheetNotFound, find_sop_version, sheet_pdf, sheet_filename


def _get_sop_version(sop: Sop, raw_number: str | None) -> SopVersion:
    """The requested version (``?versi=N``, default the latest) or 404."""
    number = None
    if raw_number:
        if not (raw_number.isascii() and raw_number.isdigit() and len(raw_number) <= 9):
            raise Http404("versi harus berupa angka")
        number = int(raw_number)
    try:
        return find_sop_version(sop, number)
    except SheetNotFound as exc:
        raise Http404(str(exc)) from None


@require_GET
@login_required
def sop_sheet_pdf(request: HttpRequest, code: str, agency: str | None = None) -> HttpResponse:
    """The SOP sheet (PermenPAN-RB 35/2012) of an agency's SOP, or of a national template
    (no ``agency``), as a PDF; any signed-in person may print it."""
    sop = get_object_or_404(Sop, code=code, **({"agency__code": agency} if agency else {"agency__isnull": True}))
    version = _get_sop_version(sop, request.GET.get("versi"))
    response = HttpResponse(sheet_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sheet_filename(version)}"'
    return response


@require_GET
@login_required
def case_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's record as PDF/A, for anyone who may see the case (auditors: archived cases)."""
    from workflows.access import case_for_user
    from workflows.pdf.case_record import current_record, record_filename

    case = case_for_user(request.user, pk)
    pdf, record = current_record(case, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{record_filename(case)}"'
    response["X-Verification-Code"] = record.code
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
def verify_record(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this printed record genuine? Shows identity and hash, no personal data."""
    from django.shortcuts import render

    from workflows.models import CaseRecord

    from workflows import ledger

    record = (CaseRecord.objects.select_related("case__agency", "case__sop_version__sop")
              .filter(code=code.strip().upper()).first())
    chain = None
    if record is not None:  # the chain still holds what was printed, and still verifies
        held = not record.chain_head or record.case.ledger.filter(hash=record.chain_head).exists()
        chain = {"intact": held and not ledger.verify(record.case), "head": record.chain_head}
    return render(request, "workflows/verify_record.html", {"record": record, "code": code, "chain": chain},
                  status=200 if record else 404)
