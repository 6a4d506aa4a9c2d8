"""Input no view can use, and the friendly error pages in development."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from lpse_sop import errors

NUL = "\x00"


def _has_nul(*texts: str) -> bool:
    return any(NUL in text for text in texts)


def _items(querydict) -> list[str]:
    return [text for key, values in querydict.lists() for text in (key, *map(str, values))]


class RejectUnprocessableInputMiddleware:
    """NUL in an address, a query string, a form field or a file name is answered with 400 and
    a message, before any view runs: PostgreSQL cannot store or even compare it in text, so
    every query built from it would fail. A cookie holding NUL is dropped (nobody types a
    cookie; the session simply ends). A body too big or broken to read gets 400 too.

    Goes before SessionMiddleware (the session key comes from a cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        for name in [n for n, v in request.COOKIES.items() if _has_nul(n, v)]:
            del request.COOKIES[name]
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs):
        try:
            texts = [request.path, *_items(request.GET)]
            if request.method == "POST":
                texts += _items(request.POST)
                texts += [text for key, files in request.FILES.lists() for text in (key, *(f.name for f in files))]
        except (SuspiciousOperation, BadRequest, MultiPartParserError):
            return errors.bad_request(request, reason=_("Kiriman ini terlalu besar atau rusak sehingga tidak dapat "
                                                        "diproses. Periksa isian dan berkas lampirannya lalu coba lagi."))
        if _has_nul(*texts):
            return errors.bad_request(request, reason=_("Alamat atau isian berisi karakter NUL yang tidak dapat "
                                                        "disimpan (biasanya ikut tersalin dari dokumen lain). "
                                                        "Hapus karakter itu lalu coba lagi."))
        return None


class FriendlyNotFoundMiddleware:
    """In development too, a person following an old link or the Back button to something that
    is gone sees the site's 404 page, not Django's technical one. Server errors keep the
    technical traceback in DEBUG: that page is for the developer who must fix the bug.

    Goes last: the page needs the person and their language from the middleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return errors.page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return errors.page_not_found(request, exception)
        return None
