"""The error pages a person may meet (400, 403, 404, 500), in the site's layout and language.

Each says what happened in words and offers a way back: the previous page when the browser
says where the person came from (same site only), else the start page. The 500 page is
rendered without a RequestContext, so it still appears when the database or a context
processor is what failed.
"""
from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Django's own 404 messages ("No Case matches the given query.") are English and technical.
_DJANGO_404 = re.compile(r"^No .* matches the given query\.$")
FALLBACK_500 = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Kesalahan server · SOP LPSE</title></head>'
    "<body><h1>Terjadi kesalahan di server</h1><p>Permintaan Anda tidak dapat diselesaikan. "
    "Coba lagi beberapa saat lagi.</p><p lang=\"en\">Server error: your request could not be completed. "
    'Please try again later.</p><p><a href="/">Ke halaman utama / Home</a></p></body></html>'
)


def back_url(request: HttpRequest) -> str:
    """Where the person came from, if that was a page of this site other than this one."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: no way back to offer
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}) \
            and referer != request.build_absolute_uri():
        return referer
    return ""


def _page(request: HttpRequest, template: str, status: int, reason: str = "") -> HttpResponse:
    return render(request, template, {"reason": reason, "back_url": back_url(request)}, status=status)


def bad_request(request: HttpRequest, exception=None, template_name: str = "400.html", reason: str = "") -> HttpResponse:
    return _page(request, "400.html", 400, reason or _("Alamat atau isian ini tidak dapat diproses. "
                                                      "Periksa yang Anda ketik lalu coba lagi."))


def permission_denied(request: HttpRequest, exception=None, template_name: str = "403.html") -> HttpResponse:
    # The services raise PermissionDenied with the reason in words; show it, as refuse() does.
    reason = str(exception) if exception is not None and exception.args else ""
    return _page(request, "403.html", 403, reason or _("Anda tidak memiliki izin untuk membuka halaman ini."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page opened long ago (Back button, another tab after signing out)."""
    return _page(request, "403.html", 403, _("Formulir ini sudah kedaluwarsa, misalnya karena dibuka lewat tombol "
                                             "Kembali setelah keluar lalu masuk lagi. Muat ulang halamannya, "
                                             "lalu kirim lagi."))


def page_not_found(request: HttpRequest, exception=None, template_name: str = "404.html") -> HttpResponse:
    reason = ""
    if exception is not None and not isinstance(exception, Resolver404) and exception.args \
            and isinstance(exception.args[0], str) and not _DJANGO_404.match(exception.args[0]):
        reason = exception.args[0]  # ours, in words: "SOP ... tidak memiliki versi 9; ..."
    return _page(request, "404.html", 404, reason)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    try:
        body = loader.get_template("500.html").render({
            "LANGUAGE_CODE": get_language(), "back_url": back_url(request)})
    except Exception:  # even the template failed: a page that needs nothing
        body = FALLBACK_500
    return HttpResponseServerError(body)
