"""Uploads that carry attacks are refused with a clear message and leave nothing stored;
good files are kept under random names, images re-encoded without their metadata, and
downloads never render in the browser."""
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tests.workflows.driving import PDF
from workflows.models import Attachment, Case, LedgerEntry

pytestmark = pytest.mark.django_db


def pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})


def js_name_tree(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1)")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})


def png(width=2, height=2, extra=b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue() + extra


def png_declaring(width: int, height: int, colour: int = 2) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb);
    ``colour`` is the PNG colour type (2 RGB, 6 RGBA)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nol.bin", b"\0" * 20_000_000)
    return out.getvalue()


HOSTILE = {
    "html after a PNG signature": ("scan.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
    "a PDF that runs JavaScript when opened": ("laporan.pdf", pdf(open_action_js)),
    "a PDF with a JavaScript name tree": ("laporan.pdf", pdf(js_name_tree)),
    "a PDF carrying another file": ("laporan.pdf", pdf(lambda w: w.add_attachment("x.exe", b"MZ"))),
    "an encrypted PDF": ("laporan.pdf", pdf(lambda w: w.encrypt("rahasia"))),
    "a truncated PDF": ("laporan.pdf", pdf()[:-60]),
    "a PNG declaring 20000 x 20000 pixels": ("scan.png", png_declaring(20000, 20000)),
    "an SVG behind %PDF-": ("gambar.pdf", b"%PDF-<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>\n%%EOF"),
    "a PDF/HTML polyglot": ("laporan.pdf", pdf()[:-7] + b"<html><script>alert(1)</script></html>\n%%EOF\n"),
    "a zip bomb named .pdf": ("laporan.pdf", zip_bomb()),
    "an oversize file": ("laporan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF"),
}


@pytest.fixture
def start_form(seed_sops, people, client):
    """Update SPSE's first step asks for a document (the Admin PPE starts it)."""
    client.force_login(people["admin.ppe.ponorogo"])
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    return client, reverse("start_case", args=[version.pk])


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_a_hostile_upload_is_refused_and_nothing_is_stored(start_form, what):
    client, url = start_form
    name, content = HOSTILE[what]
    response = client.post(url, {"title": "Update rilis", "laporan": "Versi 4.5u2026",
                                 "surat_pemberitahuan": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, what
    page = response.content.decode()
    assert "Periksa isian yang ditandai" in page
    assert any(words in page for words in ("PDF", "gambar", "nama berkas", "terlalu besar")), what
    assert not Case.objects.exists() and not Attachment.objects.exists() and not LedgerEntry.objects.exists()


HOSTILE_NAMES = ["../../x.pdf", "..\\..\\evil.pdf", 'a"b\r\nContent-Type: text/html.pdf', "...", "nul\x00.pdf"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_refused(name):
    """Django's uploaded files already keep only a name's last part; a file reaching the check
    any other way (ContentFile keeps the name as given) is refused on its name alone."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from workflows.documents import clean_document

    with pytest.raises(ValidationError, match="nama berkas tidak boleh memuat"):
        clean_document(ContentFile(PDF, name=name), "Surat")


@pytest.mark.parametrize("name", HOSTILE_NAMES[:3])
def test_through_the_browser_a_path_is_cut_off_and_the_name_kept_only_as_data(start_form, name):
    """Django's upload parser keeps only the last part of a path before the application sees it;
    what is stored is a random name, and the download header carries a clean one."""
    client, url = start_form
    response = client.post(url, {"title": "Update rilis", "laporan": "Versi 4.5u2026",
                                 "surat_pemberitahuan": SimpleUploadedFile(name, PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert not any(c in attachment.original_name for c in '/\\"\r\n')
    assert attachment.file.name.startswith("cases/") and ".." not in attachment.file.name
    download = client.get(reverse("attachment_download", args=[attachment.case_id, attachment.pk]))
    assert "\n" not in download["Content-Disposition"] and '"' not in download["Content-Disposition"][22:-1]


def test_a_good_file_is_kept_under_a_random_name_and_served_as_a_download(start_form, settings):
    client, url = start_form
    photo = io.BytesIO()
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x010F] = "Kamera Rahasia"  # Make
    image.save(photo, format="JPEG", exif=exif.tobytes())
    response = client.post(url, {"title": "Update rilis", "laporan": "Versi 4.5u2026", "surat_pemberitahuan":
                                 SimpleUploadedFile("surat pemberitahuan.jpg", photo.getvalue() + b"<html>")})
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get()
    assert attachment.original_name == "surat pemberitahuan.jpg" and "surat" not in attachment.file.name
    stored = attachment.file.read()
    assert b"Kamera Rahasia" not in stored and b"<html>" not in stored  # re-encoded: metadata and tail gone
    download = client.get(reverse("attachment_download", args=[attachment.case_id, attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download["X-Content-Type-Options"] == "nosniff" and "no-store" in download["Cache-Control"]


# -- from the security review: actions hidden from a byte search, and costly decodes ---------

def _hidden_action_pdfs():
    from tests.workflows.pdf_builder import JS, JSKEY, objstm_pdf, page_pdf

    action = b"<< /S " + JS + b" " + JSKEY + b" (app.alert(1)) >>"
    return {
        "a page /AA with escaped names": page_pdf(page_extra=b"/AA << /O " + action + b" >>"),
        "a link whose /Next runs JavaScript": page_pdf(page_extra=b"/Annots [5 0 R]", extra_objects=[
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (http://x) /Next "
            + action + b" >> >>"]),
        "a bookmark running JavaScript": page_pdf(catalog_extra=b"/Outlines 5 0 R", extra_objects=[
            b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
            b"<< /Title (x) /Parent 5 0 R /A " + action + b" >>"]),
        "a widget's /AA inside an object stream": objstm_pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"],
            [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
             b"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /AA << /U " + action + b" >> >>"]),
    }


@pytest.mark.parametrize("what", sorted(_hidden_action_pdfs()))
def test_an_action_hidden_from_a_byte_search_is_still_refused(what):
    from django.core.exceptions import ValidationError

    from workflows.documents import clean_document

    with pytest.raises(ValidationError, match="memuat skrip, tindakan otomatis"):
        clean_document(SimpleUploadedFile("laporan.pdf", _hidden_action_pdfs()[what]), "Surat")


def test_an_image_that_would_take_too_much_memory_to_decode_is_refused():
    from django.core.exceptions import ValidationError

    from workflows.documents import clean_document

    with pytest.raises(ValidationError, match="terlalu besar ukuran gambarnya"):
        clean_document(SimpleUploadedFile("scan.png", png_declaring(6000, 6000, 6)), "Surat")  # 36 MP RGBA: 144 MB
    with pytest.raises(ValidationError, match="terlalu besar ukuran gambarnya"):
        clean_document(SimpleUploadedFile("scan.png", png_declaring(7000, 6000)), "Surat")  # 42 MP
