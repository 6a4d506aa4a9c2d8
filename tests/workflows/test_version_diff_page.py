"""The page showing what a revision of an SOP changed, beside the version before it."""
import re

import pytest
from django.urls import reverse

from tests.workflows.test_version_diff import BASE
from workflows.sop_import import sop_import

pytestmark = pytest.mark.django_db

REVISED = (BASE.replace('waktu: "1 hari"', 'waktu: "2 hari"')
           .replace('nomor: "800/1/2026"', 'nomor: "800/2/2026"')
           .replace('output: "Arsip"', 'output: "Arsip digital"')
           .replace('label: "Kepala LPSE"}', 'label: "Kepala LPSE Kab. Ponorogo"}'))


def url(number, agency="ponorogo", code="UJI-SOP"):
    return reverse("sop_version_diff", args=[agency, code, number])


@pytest.fixture
def revised(people):
    first, _ = sop_import(text=BASE, source_name="uji-v1.yaml")
    second, _ = sop_import(text=REVISED, source_name="uji-v2.yaml")
    assert (first.number, second.number) == (1, 2)
    return second


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_anonymous_is_sent_to_login(revised, client):
    response = client.get(url(2))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_revision_shows_its_changes_side_by_side(revised, people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(url(2))
    assert response.status_code == 200
    page = text_of(response)
    assert "2 langkah diubah, 0 ditambahkan, 0 dihapus" in page
    assert "mutu baku berubah di langkah 1, 3" in page
    assert "Versi lama (1)" in page and "Versi baru (2)" in page
    assert "1 hari" in page and "2 hari" in page and "Arsip digital" in page
    assert "800/1/2026" in page and "800/2/2026" in page  # the header's Nomor SOP
    assert "label diubah" in page and "Kepala LPSE Kab. Ponorogo" in page
    assert "diubah" in page and "<mark>" in response.content.decode()
    assert "1 langkah tidak berubah" in page


def test_the_sop_page_links_each_revision_to_its_changes(revised, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    page = client.get(reverse("sop_detail", args=["ponorogo", "UJI-SOP"])).content.decode()
    assert f'href="{url(2)}"' in page and "perubahan dari versi 1" in page
    assert url(1) not in page


def test_the_first_version_has_nothing_to_compare(revised, people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(url(1))
    assert response.status_code == 200
    assert "versi pertama SOP ini; tidak ada pembanding" in text_of(response)


def test_compare_with_another_version_either_way(revised, people, client):
    sop_import(text=REVISED.replace('output: "Berkas"', 'output: "Berkas lengkap"'), source_name="uji-v3.yaml")
    client.force_login(people["admin.ppe.ponorogo"])
    page = text_of(client.get(url(3) + "?banding=1"))
    assert "Versi lama: versi 1. Versi baru: versi 3." in page and "mutu baku berubah di langkah 1, 3" in page
    page = text_of(client.get(url(1) + "?banding=3"))
    assert "Versi lama: versi 1. Versi baru: versi 3." in page


@pytest.mark.parametrize(("path", "status"), [
    (lambda: url(3), 404), (lambda: url(0), 404), (lambda: url(2, code="TIDAK-ADA"), 404),
    (lambda: url(2, agency="kaltim"), 404), (lambda: url(2) + "?banding=9", 404),
    (lambda: url(2) + "?banding=abc", 400), (lambda: url(2) + "?banding=2", 400),
    (lambda: url(2) + "?banding=" + "9" * 40, 400), (lambda: url(2) + "?banding=-1", 400),
    (lambda: reverse("template_version_diff", args=["UJI-SOP", 2]), 404),
])
def test_bad_numbers_get_a_clear_answer(revised, people, client, path, status):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(path())
    assert response.status_code == status
    if status == 400:
        assert 'class="message error"' in response.content.decode()


def test_english(revised, people, client):
    user = people["admin.ppe.ponorogo"]
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = text_of(client.get(url(2)))
    assert "2 steps changed, 0 added, 0 removed" in page and "mutu baku changed in step 1, 3" in page


def test_a_national_template_revision_has_its_page_too(people, client):
    from tests.workflows.test_national_templates import TEMPLATE_FILE

    text = TEMPLATE_FILE.read_text(encoding="utf-8")
    sop_import(text=text, source_name="templat-v1.yaml")
    sop_import(text=text.replace("waktu: 10 Menit", "waktu: 15 Menit", 1), source_name="templat-v2.yaml")
    client.force_login(people["admin.instansi.ponorogo"])
    code = "LKPP-REG-ADMIN-PPE"
    detail = client.get(reverse("template_detail", args=[code])).content.decode()
    assert reverse("template_version_diff", args=[code, 2]) in detail
    page = text_of(client.get(reverse("template_version_diff", args=[code, 2])))
    assert "10 Menit" in page and "15 Menit" in page and "mutu baku berubah di langkah" in page
