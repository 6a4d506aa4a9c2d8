"""The PDF fetcher reads the project's static files and nothing else; hostile markup fetches nothing.

A canary HTTP server on 127.0.0.1 records every request it gets. Each test first proves the
canary works (a plain request reaches it), then that rendering and the fetcher do not.
"""
import os
import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from io import BytesIO

import pytest
import yaml
from django.conf import settings
from pypdf import PdfReader

from workflows.pdf.fetcher import FetchRefused, StaticFilesFetcher, static_base_url, static_url_fetcher
from workflows.pdf.render import render_pdf

STATIC = Path(settings.BASE_DIR) / "static"
CSS = STATIC / "pdf" / "sop_sheet.css"


class Canary:
    def __init__(self):
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                canary.requests.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def assert_alive(self) -> None:
        """A direct request (no proxy) reaches the canary, so silence below means something."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        opener.open(f"{self.url}/alive", timeout=5).read()
        assert self.requests == ["/alive"]
        self.requests.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    server = Canary()
    server.assert_alive()
    yield server
    server.close()


def test_it_refuses_everything_but_static_files(canary, tmp_path):
    fetcher = static_url_fetcher()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    refused = [
        f"{canary.url}/x",
        f"{canary.url}/redirect",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        outside.as_uri(),
        f"{STATIC.as_uri()}/../lpse_sop/settings.py",
        f"{STATIC.as_uri()}/pdf/%2e%2e/%2e%2e/manage.py",
        f"file://otherhost{CSS}",
        STATIC.as_uri(),  # a directory, not a file
        f"{CSS.as_uri()}%00.png",
        "javascript:alert(1)",
        "pdf/sop_sheet.css",  # not absolute: WeasyPrint resolves relative URLs before fetching
    ]
    for url in refused:
        with pytest.raises(FetchRefused):
            fetcher(url)
    assert canary.requests == []


def test_it_refuses_a_symlink_in_static_that_points_outside(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.css").symlink_to(secret)
    (root / "ok.css").write_text("p { color: black }")
    fetcher = StaticFilesFetcher(roots=[root])

    with pytest.raises(FetchRefused):
        fetcher((root / "link.css").as_uri())
    assert fetcher((root / "ok.css").as_uri()).read() == b"p { color: black }"


def test_it_serves_the_static_stylesheet_and_data_uris():
    fetcher = static_url_fetcher()

    response = fetcher(CSS.as_uri())
    assert response.read() == CSS.read_bytes()
    assert response.content_type == "text/css"
    assert fetcher(f"{static_base_url()}pdf/sop_sheet.css?v=1#x").read() == CSS.read_bytes()

    png = fetcher("data:image/png;base64,iVBORw0KGgo=")
    assert png.read() == b"\x89PNG\r\n\x1a\n"
    assert png.content_type == "image/png"
    assert fetcher("data:,a%20b").read() == b"a b"


HOSTILE_HTML = """<!DOCTYPE html>
<html><head>
<link rel="stylesheet" href="{url}/link-stylesheet.css">
<link rel="attachment" href="{url}/attachment">
<link rel="attachment" href="file:///etc/passwd">
<style>
@import url("{url}/import.css");
@import url("file:///etc/passwd");
@font-face {{ font-family: Evil; src: url("{url}/font.ttf"); }}
body {{ font-family: Evil; background: url("{url}/background.png"); }}
</style>
</head><body>
<p>hostile</p>
<img src="{url}/img.png">
<img src="{url}/redirect">
<img src="http://169.254.169.254/latest/meta-data/">
<img src="file:///etc/passwd">
<object data="{url}/object.svg" type="image/svg+xml"></object>
<embed src="{url}/embed.svg" type="image/svg+xml">
<svg width="10" height="10"><image href="{url}/svg-image.png" width="10" height="10"/></svg>
<a href="{url}/link">a link is not fetched</a>
</body></html>"""


class RecordingFetcher(StaticFilesFetcher):
    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


def test_rendering_hostile_markup_fetches_nothing(canary):
    """Even unescaped HTML (the templates escape; this is the second wall) reaches nothing."""
    fetcher = RecordingFetcher()

    pdf = render_pdf(HOSTILE_HTML.format(url=canary.url), url_fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert canary.requests == []
    # WeasyPrint did ask for each of them: the fetcher is what said no.
    asked = {url.removeprefix(canary.url) for url in fetcher.asked}
    assert {"/link-stylesheet.css", "/import.css", "/font.ttf", "/img.png", "/redirect", "/attachment",
            "/svg-image.png", "file:///etc/passwd", "http://169.254.169.254/latest/meta-data/"} <= asked
    reader = PdfReader(BytesIO(pdf))
    assert reader.attachments == {}
    assert b"root:" not in pdf  # /etc/passwd was not embedded


def test_the_default_weasyprint_fetcher_would_have_reached_the_canary(canary, monkeypatch):
    """Control: the same markup through WeasyPrint's own fetcher does hit the canary."""
    import weasyprint

    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    weasyprint.HTML(string=f'<img src="{canary.url}/control.png">').write_pdf()
    assert canary.requests == ["/control.png"]


def test_the_static_root_is_the_projects_static_directory():
    assert static_url_fetcher().roots == (STATIC.resolve(),)
    assert static_base_url() == STATIC.resolve().as_uri() + "/"
    assert os.path.isfile(CSS)


def _payloads(url: str) -> dict[str, str]:
    return {
        "img": f'<img src="{url}/kegiatan.png">',
        "passwd": '<img src="file:///etc/passwd">',
        "metadata": '<img src="http://169.254.169.254/latest/meta-data/">',
        "attachment": f'<link rel="attachment" href="{url}/attachment">',
        "import": f'<style>@import url("{url}/import.css");</style>',
        "redirect": f'<link rel="stylesheet" href="{url}/redirect">',
    }


@pytest.mark.django_db
def test_markup_in_a_definition_prints_as_text_and_fetches_nothing(canary, people, monkeypatch):
    from workflows.pdf import render
    from workflows.pdf.sheet import render_sop_sheet
    from workflows.sop_import import sop_import

    payloads = _payloads(canary.url)
    definition = {
        "format": 1, "code": "UJI-MARKUP", "agency": "ponorogo", "unit": "lpse",
        "sheet": {"nama": f"SOP {payloads['img']}", "kop": [payloads["import"]],
                  "dasar_hukum": [payloads["attachment"], payloads["metadata"]],
                  "tujuan": payloads["redirect"]},
        "lanes": [{"role": "admin_ppe", "label": f"Admin PPE {payloads['passwd']}"}],
        "steps": [{"no": 1, "kegiatan": payloads["img"], "lane": "admin_ppe", "kelengkapan": payloads["attachment"],
                   "waktu": "1 hari", "output": payloads["import"], "keterangan": payloads["passwd"], "next": 2},
                  {"no": 2, "kegiatan": payloads["redirect"], "lane": "admin_ppe", "waktu": "N/A",
                   "output": payloads["metadata"], "next": "end"}],
    }
    version, _ = sop_import(text=yaml.safe_dump(definition, allow_unicode=True), source_name="markup.yaml")
    fetcher = RecordingFetcher()
    monkeypatch.setattr(render, "static_url_fetcher", lambda: fetcher)

    pdf = render_sop_sheet(version)

    assert canary.requests == []
    # Escaped: no element was made from the text, so only the sheet's own stylesheet was asked for.
    assert fetcher.asked and all(url.startswith(static_base_url()) for url in fetcher.asked)
    text = "".join(re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages)
    for payload in payloads.values():
        assert re.sub(r"\s+", "", payload) in text
    assert PdfReader(BytesIO(pdf)).attachments == {}
