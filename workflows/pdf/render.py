"""The one way this project turns HTML into PDF: WeasyPrint with the static-only fetcher."""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from workflows.pdf.fetcher import StaticFilesFetcher, static_base_url, static_url_fetcher


_local = threading.local()
_collector_lock = threading.Lock()
_collector_users = 0


def _font_config() -> FontConfiguration:
    """One font configuration per thread: building Pango's font map for every PDF costs
    ~25 ms, and its objects are not safe to share between threads."""
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a PDF is laid out and written.

    WeasyPrint builds tens of thousands of box and style objects that all live until the
    PDF is written; the collector would walk them, and in its full collections the whole
    heap (Django included), again and again: about a sixth of a case record's CPU time.
    Everything allocated meanwhile stays in the youngest generation, so when the last
    render in the process ends, collecting that generation alone frees what is garbage.
    """
    global _collector_users
    with _collector_lock:
        pausing = _collector_users > 0 or gc.isenabled()
        if pausing:
            _collector_users += 1
            gc.disable()
    try:
        yield
    finally:
        if pausing:
            with _collector_lock:
                _collector_users -= 1
                if _collector_users == 0:
                    gc.enable()
                    gc.collect(0)


def layout(html: str, *, base_url: str | None = None,
           url_fetcher: StaticFilesFetcher | None = None) -> weasyprint.Document:
    """Lay ``html`` out into pages (no PDF yet); also used to measure a layout."""
    document = weasyprint.HTML(string=html, base_url=base_url or static_base_url(),
                               url_fetcher=url_fetcher or static_url_fetcher())
    return document.render(font_config=_font_config())


def render_pdf(html: str, *, base_url: str | None = None,
               url_fetcher: StaticFilesFetcher | None = None, pdf_variant: str | None = None) -> bytes:
    """Render ``html`` to PDF bytes. Resources resolve only inside ``static/`` (see fetcher).

    ``pdf_variant`` (e.g. "pdf/a-3b") asks WeasyPrint for an archival PDF.
    """
    with collector_paused():
        document = layout(html, base_url=base_url, url_fetcher=url_fetcher)
        return document.write_pdf(pdf_variant=pdf_variant) if pdf_variant else document.write_pdf()
