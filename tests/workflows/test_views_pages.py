"""Login, language, the task inbox and who may open what."""
import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.workflows.driving import act, case_at, start

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)


def test_a_wrong_password_gets_a_clear_message(people, client):
    response = client.post(reverse("login"), {"username": "admin.ppe.ponorogo", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_login_leads_to_my_tasks_with_the_persons_agency(people, client):
    response = client.post(reverse("login"), {"username": "kepala.lpse.kaltim", "password": "demo-lpse-2026"},
                           follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("my_tasks")
    assert "Muhammad Rizal Fahmi" in page and "Pemerintah Provinsi Kalimantan Timur" in page


def test_english_is_kept_per_user(people, client):
    user = people["admin.ppe.ponorogo"]
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("my_tasks")})
    user.refresh_from_db()
    assert user.language == "en"
    page = client.get(reverse("my_tasks")).content.decode()
    assert "My tasks" in page and 'lang="en"' in page
    client.post(reverse("set_language"), {"language": "id", "next": "https://evil.example/"})
    assert "Tugas saya" in client.get(reverse("my_tasks")).content.decode()


def test_my_tasks_counts_waiting_due_today_and_overdue_in_the_agency_zone(seed_sops, people, client):
    with time_machine.travel(T0, tick=False):
        start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Terlambat")
    with time_machine.travel(T0 + datetime.timedelta(days=1, hours=2), tick=False):
        start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Hari ini")
        client.force_login(people["admin.ppe.ponorogo"])
        response = client.get(reverse("my_tasks"))
    inbox = response.context["inbox"]
    assert (inbox.waiting, inbox.overdue) == (2, 1)
    assert [t.case.title for t in inbox.tasks] == ["Terlambat", "Hari ini"]
    page = response.content.decode()
    assert "Selasa, 24 November 2026 09.00 WIB" in page  # Terlambat's due time, in WIB
    assert "Terlambat" in page


def test_my_tasks_spans_every_role_the_person_holds(seed_sops, people, client):
    start(seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version, "Pemeliharaan")
    client.force_login(people["admin.sistem.kkp"])
    titles = [t.case.title for t in client.get(reverse("my_tasks")).context["inbox"].tasks]
    assert titles == ["Pemeliharaan"]
    client.force_login(people["helpdesk.kkp"])
    assert client.get(reverse("my_tasks")).context["inbox"].tasks == []


def test_the_start_list_shows_only_sops_whose_first_step_is_yours(seed_sops, people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    page = client.get(reverse("start_list")).content.decode()
    assert "PEMBAHARUAN UPDATE SPSE" in page and "PERMINTAAN AKUN POKJA UKPBJ" not in page
    other = seed_sops["PNG-AKUN-POKJA"].latest_version
    assert client.get(reverse("start_case", args=[other.pk])).status_code == 403


def test_a_case_or_file_of_another_agency_is_not_found(seed_sops, people, client):
    case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    attachment = case.attachments.first()
    client.force_login(people["kepala.lpse.kaltim"])
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("attachment_download", args=[case.pk, attachment.pk])).status_code == 404
    client.force_login(people["kepala.lpse.ponorogo"])
    assert client.get(reverse("attachment_download", args=[case.pk, attachment.pk])).status_code == 200


def test_nobody_sees_a_button_they_may_not_press(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    client.force_login(people["admin.ppe.ponorogo"])  # same unit, not this step's pelaksana
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Tindakan Anda" not in page and "/langkah/" not in page
    client.force_login(people["kepala.lpse.ponorogo"])
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Selesaikan langkah 2" in page and "Kembalikan ke langkah sebelumnya" in page


def test_anonymous_visitors_are_sent_to_login(seed_sops, client):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    for url in (reverse("my_tasks"), reverse("start_list"), reverse("case_detail", args=[case.pk]),
                reverse("notifications")):
        assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.get(reverse("announcements")).status_code == 200


def test_an_english_browser_still_gets_bahasa_indonesia_until_switched(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Nama pengguna" in page
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "Username" in client.get(reverse("login")).content.decode()


def test_the_sop_page_offers_its_sheet(seed_sops, people, client):
    client.force_login(people["helpdesk.kkp"])
    assert "REGISTRASI ADMIN PPE" in client.get(reverse("sop_list")).content.decode()
    page = client.get(reverse("sop_detail", args=["kaltim", "KALTIM-REG-ADMIN-PPE"])).content.decode()
    assert reverse("sop_sheet_pdf", args=["kaltim", "KALTIM-REG-ADMIN-PPE"]) in page
    assert "Menerima dan melakukan pemeriksaan kelengkapan berkas" in page and "30 Menit" in page
    assert client.get(reverse("sop_detail", args=["ponorogo", "TIDAK-ADA"])).status_code == 404


def test_the_sop_list_is_paged_and_filtered_by_agency_in_constant_queries(seed_sops, people, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency
    from workflows.models import Sop

    client.force_login(people["helpdesk.kkp"])
    client.get(reverse("sop_list"))  # the first page records the person's activity (the session is saved)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sop_list"))
    kaltim = Agency.objects.get(code="kaltim")
    Sop.objects.bulk_create([Sop(code=f"UJI-{i:03d}", agency=kaltim, name=f"SOP UJI {i:03d}") for i in range(120)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("sop_list")).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.count('class="sop-list"') >= 1 and "Halaman 1 dari 3" in page
    only = client.get(reverse("sop_list") + "?instansi=ponorogo").content.decode()
    assert "PEMBAHARUAN UPDATE SPSE" in only and "SOP UJI" not in only
    assert "semua instansi ditampilkan" in client.get(reverse("sop_list") + "?instansi=tidak-ada").content.decode()
