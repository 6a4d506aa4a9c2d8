"""Whatever is typed into a form or an address, the person gets a page with a message, never a 500."""
import pytest
from django.urls import reverse

from tests.workflows.driving import starter
from tests.workflows.test_archive import archive, listed  # noqa: F401 (archive is a fixture)

pytestmark = pytest.mark.django_db

# Digits Python's str.isdigit() accepts but int() refuses, and more digits than int() will read.
NOT_A_NUMBER = ["²", "9" * 5000]


@pytest.mark.parametrize("typed", NOT_A_NUMBER)
def test_a_row_count_that_is_not_a_number_keeps_one_row(seed_sops, client, typed):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    client.force_login(starter(version))
    response = client.post(reverse("start_case", args=[version.pk]), {"rows-data_pokja": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Judul kasus wajib diisi." in page
    assert 'name="rows-data_pokja" value="1"' in page


@pytest.mark.parametrize("typed", NOT_A_NUMBER)
def test_adding_a_row_after_a_count_that_is_not_a_number_gives_two_rows(seed_sops, client, typed):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    client.force_login(starter(version))
    response = client.post(reverse("start_case", args=[version.pk]),
                           {"title": "Akun", "rows-data_pokja": typed, "add_row": "data_pokja"})
    assert response.status_code == 200
    assert 'name="rows-data_pokja" value="2"' in response.content.decode()


@pytest.mark.parametrize("typed", NOT_A_NUMBER)
def test_an_archive_search_for_odd_digits_finds_nothing_instead_of_failing(archive, people, client, typed):
    client.force_login(people["auditor.bpk"])
    assert listed(client, q=typed) == []


def test_an_archive_search_for_a_case_number_still_finds_it(archive, people, client):
    client.force_login(people["auditor.bpk"])
    assert archive.late.title in listed(client, q=str(archive.late.pk))


@pytest.mark.parametrize("typed", NOT_A_NUMBER + ["-1", "1.0"])
def test_a_sheet_version_that_is_not_a_number_is_not_found(seed_sops, people, client, typed):
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.get(reverse("sop_sheet_pdf", args=["ponorogo", "PNG-UPDATE-SPSE"]), {"versi": typed})
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
