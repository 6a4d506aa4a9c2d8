"""Small helpers the views share: refusals as pages, record rows, the title field."""
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lpse_sop.errors import back_url
from workflows.archive_export import csv_chunks, xlsx_file
from workflows.exceptions import ActionRefused


def refuse(request, reason: str, status: int = 403) -> HttpResponse:
    """The site's 403 page with the reason in words, and a way back."""
    return render(request, "403.html", {"reason": reason, "back_url": back_url(request)}, status=status)


@dataclass
class Outcome:
    response: HttpResponse | None = None


@contextmanager
def refused_action(request, case=None):
    """Turn a refused service call into a page: 403 with the reason, or back to the case."""
    outcome = Outcome()
    try:
        yield outcome
    except PermissionDenied as exc:
        outcome.response = refuse(request, str(exc))
    except ActionRefused as exc:
        messages.warning(request, exc.message)
        outcome.response = redirect("case_detail", case.pk) if case is not None else redirect("my_tasks")


def record_rows(request) -> dict[str, int]:
    """How many rows each records input shows; "Tambah baris" (add_row=<key>) adds one."""
    rows = {}
    for name, value in request.POST.items():
        # ASCII digits only, and few: "²" passes isdigit() but not int(), and int() refuses 5000 digits.
        if name.startswith("rows-") and value.isascii() and value.isdigit() and len(value) <= 4:
            rows[name.removeprefix("rows-")] = int(value)
    if key := request.POST.get("add_row"):
        rows[key] = rows.get(key, 1) + 1
    return rows


def title_field(form) -> None:
    form.fields = {"title": forms.CharField(
        label=_("Judul kasus"), max_length=300,
        help_text=_("Nama singkat agar kasus ini mudah dikenali di Tugas saya dan di arsip."),
        error_messages={"required": _("Judul kasus wajib diisi.")}), **form.fields}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def in_language(chunks, language: str | None):
    """``chunks`` made in ``language``: a streamed body is read after the view has returned,
    when LanguageMiddleware has already put the thread's language back."""
    with translation.override(language):
        yield from chunks


def table_download(kind: str, header, rows, *, stem: str, title: str, widths=None) -> HttpResponse:
    """A table as a CSV or XLSX attachment named ``<stem>-<local time>.<kind>``.

    Neither is built in memory: the CSV streams (its header is the first thing sent, then
    the rows as ``rows`` yields them, so even 100,000 rows start at once and never time the
    worker out); the XLSX is written row by row into a temporary file (workflows.xlsx) and the
    file is streamed (an XLSX is a ZIP, whose directory comes last). A selection too large to
    wait for as XLSX is made by a background job instead (views.exports.table_response).
    """
    filename = f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(in_language(csv_chunks(header, rows), translation.get_language()),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(xlsx_file(header, rows, title=title, widths=widths), as_attachment=True, filename=filename,
                        content_type=XLSX)
