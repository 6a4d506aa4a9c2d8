"""The record of one case, for auditors: every step with its pelaksana and times, the
attachments with their SHA-256, the full history; PDF/A with a verification code and QR.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from accounts.models import PaperSize
from workflows import ledger
from workflows.access import may_see_personal
from workflows.models import Case, CaseRecord
from workflows.pdf.render import render_pdf
from workflows.selectors import case_story

PDF_VARIANT = "pdf/a-3b"
PAPER_MM = {PaperSize.A4: (210, 297), PaperSize.F4: (215, 330)}


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


def verification_url(code: str, site_url: str | None = None) -> str:
    """Where the printed QR leads: ``site_url`` (default settings.SITE_URL, set by the deploy)."""
    return (site_url or settings.SITE_URL).rstrip("/") + reverse("verify_record", args=[code])


def is_local_url(url: str) -> bool:
    """True when ``url`` names this machine: a QR leading there is useless on paper."""
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


def _qr_svg(url: str) -> SafeString:
    """The QR code as inline SVG (segno escapes nothing user-typed: the URL is ours)."""
    svg = segno.make(url, error="m").svg_inline(scale=2, border=0, dark="#000")
    return mark_safe(svg)


def _page_css(case: Case) -> SafeString:
    width, height = PAPER_MM.get(case.agency.paper_size, PAPER_MM[PaperSize.A4])
    return mark_safe(f"@page {{ size: {width}mm {height}mm; }}")


def record_context(case: Case, record: CaseRecord, by, site_url: str | None = None) -> dict:
    story = case_story(case, by)  # personal data only for who may see it (None: the command line)
    # The pelaksana is named as the sheet's lane header names it, not by the role's name.
    steps = [{"step": row["step"], "lane_label": case.spec.lane_label(item["run"].lane_role), **item}
             for row in story["rows"] for item in row["runs"]]
    steps.sort(key=lambda item: item["run"].pk)
    verify_url = verification_url(record.code, site_url)
    return {
        "case": case, "story": story, "steps": steps, "record": record, "by": by,
        "generated_at": timezone.now(), "verify_url": verify_url,
        "qr": _qr_svg(verify_url), "page_css": _page_css(case),
        "source_sha256": case.sop_version.source_sha256,
    }


@transaction.atomic
def render_case_record(case: Case, *, by, site_url: str | None = None) -> tuple[bytes, CaseRecord]:
    """Render and register one record; its code and SHA-256 let anyone verify the printout."""
    record = CaseRecord.objects.create(case=case, generated_by=by, chain_head=ledger.head(case),
                                       with_personal=by is None or may_see_personal(by, case))
    html = render_to_string("pdf/case_record.html", record_context(case, record, by, site_url))
    pdf = render_pdf(html, pdf_variant=PDF_VARIANT)
    record.sha256 = hashlib.sha256(pdf).hexdigest()
    record.size = len(pdf)
    record.pdf.save(f"{record.code}.pdf", ContentFile(pdf), save=False)
    record.save(update_fields=["sha256", "size", "pdf"])
    return pdf, record


def current_record(case: Case, *, by) -> tuple[bytes, CaseRecord]:
    """The record of the case as it stands: the one already rendered while its history has not
    changed since, else a new one. A GET is then a file read, not a render and a new row."""
    head = ledger.head(case)
    sees = may_see_personal(by, case)
    for record in case.records.filter(chain_head=head, with_personal=sees).exclude(pdf="").order_by(
            "-generated_at")[:1]:
        try:
            with record.pdf.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            break
        if hashlib.sha256(data).hexdigest() == record.sha256:
            return data, record
    return render_case_record(case, by=by)


def record_filename(case: Case) -> str:
    return f"rekaman-kasus-{case.pk}-{slugify(case.title)[:50] or 'kasus'}.pdf"


def write_case_record(case: Case, out: Path, *, by=None, site_url: str | None = None) -> CaseRecord:
    pdf, record = render_case_record(case, by=by, site_url=site_url)
    out.write_bytes(pdf)
    return record
