"""The one way this project turns HTML into PDF: WeasyPrint with the static-only fetcher."""
from __future__ import annotations

import threading

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from lpse_sop.collector import collector_paused
from workflows.pdf.fetcher import StaticFilesFetcher, static_base_url, static_url_fetcher


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread: building Pango's font map for every PDF costs
    ~25 ms, and its objects are not safe to share between threads."""
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


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
