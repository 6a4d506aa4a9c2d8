"""Error pages a person meets: in the site's layout, in their language, with a way back; never Django's."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.workflows.driving import PDF, start, starter

pytestmark = pytest.mark.django_db
LAYOUT = "Pelacak SOP LPSE — PermenPAN-RB 35/2012"  # the footer of every page
NOT_FOUND = "Halaman tidak ditemukan"


def test_a_missing_case_gets_the_sites_404_with_a_way_back(people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get("/kasus/999999/", HTTP_REFERER="http://testserver/tugas/")
    page = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in page and LAYOUT in page
    assert '<a href="http://testserver/tugas/">Kembali ke halaman sebelumnya</a>' in page
    assert 'href="/tugas/">Ke Tugas saya</a>' in page


def test_a_link_back_to_another_site_is_not_offered(client):
    response = client.get("/tidak-ada/", HTTP_REFERER="https://evil.example/")
    page = response.content.decode()
    assert response.status_code == 404 and "evil.example" not in page
    assert "Ke halaman utama" in page


def test_our_404_reason_is_shown(seed_sops, people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(reverse("sop_sheet_pdf", args=["ponorogo", "PNG-UPDATE-SPSE"]), {"versi": "9"})
    page = response.content.decode()
    assert response.status_code == 404
    assert "SOP PNG-UPDATE-SPSE tidak memiliki versi 9; versi yang tersedia: 1." in page


def test_django_english_404_reasons_are_not_shown(people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(reverse("sop_detail", args=["ponorogo", "TIDAK-ADA"]))
    page = response.content.decode()
    assert response.status_code == 404 and NOT_FOUND in page and "matches the given query" not in page


def test_the_404_page_is_english_when_english_is_chosen(client):
    client.cookies["django_language"] = "en"
    response = client.get("/tidak-ada/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


@pytest.mark.parametrize("path", ["/tidak-ada/", "/kasus/999999/", "/kasus/1/langkah/1/ngawur/"])
def test_in_development_an_old_link_still_gets_the_friendly_404(people, client, settings, path):
    settings.DEBUG = True
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in page and LAYOUT in page and "URLconf" not in page and "Django" not in page


def test_in_development_a_missing_slash_is_still_redirected(client, settings):
    settings.DEBUG = True
    response = client.get("/pengumuman")
    assert response.status_code == 301 and response["Location"] == "/pengumuman/"


@pytest.mark.urls("tests.error_urls")
def test_a_refusal_shows_its_reason_like_the_refused_page(people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get("/uji/ditolak/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Tidak diizinkan" in page and "Hanya Kepala LPSE yang dapat membuka laporan ini." in page
    assert LAYOUT in page and "Ke Tugas saya" in page
    response = client.get("/uji/ditolak-saja/")
    assert "Anda tidak memiliki izin untuk membuka halaman ini." in response.content.decode()


def test_a_stale_form_gets_a_reason_not_djangos_csrf_page(people):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in page and "CSRF verification" not in page and LAYOUT in page


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_gets_the_sites_500_page(people):
    client = Client(raise_request_exception=False)
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get("/uji/rusak/", HTTP_REFERER="http://testserver/sop/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan di server" in page and LAYOUT in page and "Traceback" not in page
    assert '<a href="http://testserver/sop/">Kembali ke halaman sebelumnya</a>' in page


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_renders_when_the_context_processors_fail(people, settings):
    """As when the database is down: the header's context processor would raise again."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {"context_processors": [
        *settings.TEMPLATES[0]["OPTIONS"]["context_processors"], "tests.test_error_pages.failing_processor"]}}]
    client = Client(raise_request_exception=False)
    response = client.get("/uji/rusak/")
    assert response.status_code == 500 and "Terjadi kesalahan di server" in response.content.decode()


def failing_processor(request):
    raise RuntimeError("database unavailable")


@pytest.mark.parametrize("url", ["/pengumuman/?instansi=%00", "/pengumuman.json?instansi=a%00",
                                 "/sop/PNG%00/", "/verifikasi/AB%00CD/", "/arsip/?q=%00", "/kasus/mulai/?x%00=1"])
def test_nul_in_an_address_gets_a_message_not_a_server_error(people, client, url):
    client.force_login(people["auditor.bpk"])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "karakter NUL" in page and LAYOUT in page


def test_nul_in_a_form_field_gets_a_message_and_changes_nothing(seed_sops, client):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    client.force_login(starter(version))
    url = reverse("start_case", args=[version.pk])
    response = client.post(url, {"title": "Update\x00SPSE", "laporan": "Rilis baru",
                                 "surat_pemberitahuan": SimpleUploadedFile("surat.pdf", PDF)})
    assert response.status_code == 400 and "karakter NUL" in response.content.decode()
    assert not version.cases.exists()
    # In a file name Django's upload parser drops NUL with the other unprintable characters.
    response = client.post(url, {"title": "Update SPSE", "laporan": "Rilis baru",
                                 "surat_pemberitahuan": SimpleUploadedFile("surat\x00.pdf", PDF)})
    assert response.status_code == 302
    assert version.cases.get().attachments.get().original_name == "surat.pdf"


def test_a_session_cookie_with_nul_is_dropped(people, client):
    client.cookies["sessionid"] = "abc\x00def"
    response = client.get(reverse("announcements"))
    assert response.status_code == 200


def test_the_favicon_is_linked_and_served_at_the_root(client):
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
