"""The one way this project turns HTML into PDF: WeasyPrint with the static-only fetcher."""
from __future__ import annotations

import weasyprint

from workflows.pdf.fetcher import StaticFilesFetcher, static_base_url, static_url_fetcher


def layout(html: str, *, base_url: str | None = None,
           url_fetcher: StaticFilesFetcher | None = None) -> weasyprint.Document:
    """Lay ``html`` out into pages (no PDF yet); also used to measure a layout."""
    document = weasyprint.HTML(string=html, base_url=base_url or static_base_url(),
                               url_fetcher=url_fetcher or static_url_fetcher())
    return document.render()


def render_pdf(html: str, *, base_url: str | None = None,
               url_fetcher: StaticFilesFetcher | None = None) -> bytes:
    """Render ``html`` to PDF bytes. Resources resolve only inside ``static/`` (see fetcher)."""
    return layout(html, base_url=base_url, url_fetcher=url_fetcher).write_pdf()
