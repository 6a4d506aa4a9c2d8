"""A WeasyPrint URL fetcher that can read only the project's own static files.

The HTML of every PDF carries text typed by people (SOP definitions, case notes). The
templates escape it; this fetcher is the second wall. Whatever WeasyPrint asks for
(stylesheets, @import, fonts, images, <link rel="attachment">, SVG <image>) is answered
from ``BASE_DIR/static`` or refused:

- ``file://`` URLs are served only when the resolved path (symlinks and ``..`` followed)
  is a regular file under a static root; everything else on the disk is refused.
- ``data:`` URIs are allowed: they carry their own bytes and reach nothing. The agency
  logo (kept in MEDIA_ROOT, which the fetcher cannot read) is embedded this way.
- Every other scheme (http, https, ftp, ...) is refused before any connection is made,
  so there is no request to follow a redirect from.

A refused URL raises ``FetchRefused``; WeasyPrint logs a warning and renders the
document without that resource.
"""
from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_DATA_URI_BYTES = 5 * 1024 * 1024
MIME_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
              ".woff2": "font/woff2", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
              ".jpeg": "image/jpeg"}


class FetchRefused(ValueError):
    """WeasyPrint asked for something outside the project's static files."""


def static_roots() -> tuple[Path, ...]:
    """The directories a PDF may read from: the project's ``static/``."""
    return (Path(settings.BASE_DIR) / "static",)


class StaticFilesFetcher(URLFetcher):
    """Serve ``file://`` URLs under the static roots and ``data:`` URIs; refuse the rest.

    WeasyPrint 70 wants an ``URLFetcher`` instance; ``fetch`` is overridden entirely, so
    none of urllib's handlers (HTTP, FTP, redirects, proxies) is ever used.
    """

    def __init__(self, roots: Iterable[Path] | None = None):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=False)
        self.roots = tuple(Path(root).resolve() for root in (roots if roots is not None else static_roots()))

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme == "file":
            return self._file(url)
        raise FetchRefused(f"PDF may only use the project's static files, refused: {url[:200]}")

    def open(self, url, data=None, timeout=None) -> URLFetcherResponse:
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def resolve(self, url: str) -> Path:
        """The static file a ``file://`` URL names, or ``FetchRefused``."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"file URL on another host refused: {url[:200]}")
        try:
            path = Path(url2pathname(parts.path)).resolve()  # url2pathname also %-decodes
            inside = any(path.is_relative_to(root) for root in self.roots) and path.is_file()
        except (OSError, ValueError):
            inside = False
        if not inside:
            raise FetchRefused(f"not a file under the static directory, refused: {url[:200]}")
        return path

    def _file(self, url: str) -> URLFetcherResponse:
        path = self.resolve(url)
        content_type = MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": content_type or "application/octet-stream"})

    def _data(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:"):].partition(",")
        if not comma:
            raise FetchRefused("malformed data: URI")
        media_type, _, flags = header.partition(";")
        if flags.split(";")[-1:] == ["base64"]:
            body = base64.b64decode(unquote(payload), validate=False)
        else:
            body = unquote_to_bytes(payload)
        if len(body) > MAX_DATA_URI_BYTES:
            raise FetchRefused("data: URI too large")
        return URLFetcherResponse(url, body, {"Content-Type": media_type or "text/plain"})


def static_url_fetcher() -> StaticFilesFetcher:
    """The fetcher every PDF of this project is rendered with."""
    return StaticFilesFetcher()


def static_base_url() -> str:
    """Base URL for PDF templates: relative links resolve inside ``static/``."""
    return static_roots()[0].resolve().as_uri() + "/"
