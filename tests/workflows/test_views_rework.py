"""Returns, redo and records through the pages: what was returned and why is visible, a redo
starts from what was handed in, a head sees what they approve, and no chosen file is lost."""
import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.workflows.driving import PDF, VALID_NIP, act, case_at, start, starter
from tests.workflows.test_views_actions import action_url, form_data
from workflows.forms import StepForm
from workflows.models import Attachment, Case, StagedUpload

pytestmark = pytest.mark.django_db


def returned_update(people):
    """An Update SPSE case whose step 2 the Kepala LPSE sent back to the Admin PPE."""
    from workflows.models import Sop
    from workflows.services import case_send_back

    case = case_at(Sop.objects.get(code="PNG-UPDATE-SPSE").latest_version, 2)
    return case_send_back(case_id=case.pk, step=2, by=people["kepala.lpse.ponorogo"],
                          reason="Laporan belum memuat jadwal pemutakhiran")


def test_a_returned_step_shows_as_returned_with_who_when_and_why(seed_sops, people, client):
    case = returned_update(people)
    client.force_login(people["admin.ppe.ponorogo"])
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    row2 = re.search(r'<tr class="step-(\w+)">\s*<td class="step-no"><span class="cell-label">Langkah </span>2<', page)
    assert row2.group(1) == "returned"
    callout = page[page.index('class="callout warning returned"'):]
    callout = callout[:callout.index("</article>")]
    assert "Langkah 1 dikembalikan untuk diperbaiki" in callout
    assert "Laporan belum memuat jadwal pemutakhiran" in callout
    assert "Dikembalikan oleh Sri Wahyuni, S.Kom., M.M. (Kepala LPSE)" in callout
    form = client.get(action_url(case, "complete")).content.decode()
    assert "Laporan belum memuat jadwal pemutakhiran" in form


def test_the_redo_form_starts_from_what_was_handed_in_and_keeps_its_file(seed_sops, people, client):
    case = returned_update(people)
    first = case.inputs.get(key="surat_pemberitahuan")
    client.force_login(people["admin.ppe.ponorogo"])
    form = client.get(action_url(case, "complete")).content.decode()
    assert "Contoh Laporan</textarea>" in form
    assert "surat_pemberitahuan.pdf</strong> — tetap dipakai kecuali Anda memilih berkas lain." in form
    token = re.search(r'name="surat_pemberitahuan-kept" value="(a\d+)"', form).group(1)
    response = client.post(action_url(case, "complete"),
                           {"laporan": "Laporan dengan jadwal", "surat_pemberitahuan-kept": token, "note": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    redone = case.inputs.filter(key="surat_pemberitahuan").order_by("-pk").first()
    assert redone.pk != first.pk and redone.value["attachment"] == first.value["attachment"]
    assert Attachment.objects.filter(case=case).count() == 1


def test_a_kept_file_of_another_case_cannot_be_slipped_in(seed_sops, people, client):
    other = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    foreign = other.attachments.get()
    case = returned_update(people)
    client.force_login(people["admin.ppe.ponorogo"])
    response = client.post(action_url(case, "complete"),
                           {"laporan": "Laporan", "surat_pemberitahuan-kept": f"a{foreign.pk}", "note": ""})
    assert response.status_code == 400
    assert "Surat Pemberitahuan wajib diisi." in response.content.decode()


def test_a_head_sees_what_they_approve(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    client.force_login(people["kepala.lpse.ponorogo"])
    for slug in ("complete", "kembali"):
        page = client.get(action_url(case, slug)).content.decode()
        section = page[page.index('class="handover"'):]
        section = section[:section.index("</section>")]
        assert "Yang Anda setujui atau kembalikan" in section
        assert "Langkah 1:" in section and "Dimas Arya Saputra" in section
        assert "Contoh Laporan" in section
        assert "surat_pemberitahuan.pdf" in section and f"/lampiran/{case.attachments.get().pk}/" in section


def pokja_row(row: int, name: str) -> dict:
    prefix = f"data_pokja-{row}-"
    return {prefix + "nama": name, prefix + "nip": VALID_NIP, prefix + "alamat_instansi": "Jl. Alun-alun Utara",
            prefix + "telepon": "0352 481737", prefix + "email": f"pokja{row}@ponorogo.go.id",
            prefix + "pangkat_golongan": "III/a", prefix + "jabatan": "Analis", prefix + "nomor_sertifikat_pbj": "123",
            prefix + "nomor_sk_pokja": "SK/1",
            prefix + "salinan_sertifikat_pbj": SimpleUploadedFile(f"sertifikat-{row}.pdf", PDF, "application/pdf"),
            prefix + "salinan_sk_pokja": SimpleUploadedFile(f"sk-{row}.pdf", PDF, "application/pdf")}


def kept_tokens(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="([\w-]+)-kept" value="(\w+)"', page))


def test_tambah_baris_keeps_the_rows_and_files_already_chosen(seed_sops, people, client):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    client.force_login(starter(version))
    url = reverse("start_case", args=[version.pk])
    base = {"title": "Akun Pokja 2027", "rows-data_pokja": "1",
            "surat_perintah": SimpleUploadedFile("surat.pdf", PDF, "application/pdf")}
    page = client.post(url, {**base, **pokja_row(1, "Bayu Setiawan"), "add_row": "data_pokja"}).content.decode()
    assert 'name="data_pokja-2-nama"' in page
    assert 'value="Bayu Setiawan"' in page
    tokens = kept_tokens(page)
    assert set(tokens) == {"surat_perintah", "data_pokja-1-salinan_sertifikat_pbj", "data_pokja-1-salinan_sk_pokja"}
    assert "sertifikat-1.pdf</strong>" in page and "sk-1.pdf</strong>" in page
    row1 = {k: v for k, v in pokja_row(1, "Bayu Setiawan").items() if not k.endswith(("_pbj", "_pokja"))
            or k.endswith(("nomor_sertifikat_pbj", "nomor_sk_pokja"))}
    final = {"title": "Akun Pokja 2027", "rows-data_pokja": "2", **row1, **pokja_row(2, "Lestari Handayani"),
             **{f"{name}-kept": token for name, token in tokens.items()}}
    response = client.post(url, final)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(title="Akun Pokja 2027")
    assert sorted(case.attachments.values_list("original_name", flat=True)) == [
        "sertifikat-1.pdf", "sertifikat-2.pdf", "sk-1.pdf", "sk-2.pdf", "surat.pdf"]
    rows = case.inputs.get(key="data_pokja").value
    assert [r["nama"] for r in rows] == ["Bayu Setiawan", "Lestari Handayani"]
    assert StagedUpload.objects.count() == 0


def test_a_validation_error_keeps_the_chosen_files(seed_sops, people, client):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    client.force_login(starter(version))
    url = reverse("start_case", args=[version.pk])
    response = client.post(url, {"title": "", "laporan": "Laporan rilis",
                                 "surat_pemberitahuan": SimpleUploadedFile("surat-lkpp.pdf", PDF, "application/pdf")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Periksa isian yang ditandai. Berkas yang sudah Anda pilih tetap tersimpan." in page
    assert "dipilih ulang" not in page
    token = kept_tokens(page)["surat_pemberitahuan"]
    response = client.post(url, {"title": "Update 4.5", "laporan": "Laporan rilis", "surat_pemberitahuan-kept": token})
    assert response.status_code == 302
    assert Case.objects.get(title="Update 4.5").attachments.get().original_name == "surat-lkpp.pdf"
    assert not StagedUpload.objects.exists()  # it became the attachment


def test_somebody_elses_staged_file_cannot_be_used(seed_sops, people, client):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    client.force_login(starter(version))
    page = client.post(reverse("start_case", args=[version.pk]), {
        "title": "", "laporan": "x", "surat_pemberitahuan": SimpleUploadedFile("a.pdf", PDF, "application/pdf")})
    token = kept_tokens(page.content.decode())["surat_pemberitahuan"]
    data = {"laporan": "x", "surat_pemberitahuan-kept": token}
    for person, expected in ((people["kepala.lpse.ponorogo"], None), (starter(version), "a.pdf")):
        form = StepForm(data, {}, step=version.spec.first_step, user=person)
        assert form.is_valid()
        kept = form.kelengkapan()["surat_pemberitahuan"]
        assert (kept.name if kept else None) == expected


def test_an_error_on_a_form_without_files_does_not_talk_about_files(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    client.force_login(people["kepala.lpse.ponorogo"])
    page = client.post(action_url(case, "kembali"), {"note": ""}).content.decode()
    assert "Periksa isian yang ditandai." in page
    assert "berkas" not in page[page.index('role="alert"'):][:200].lower()


def test_an_action_on_a_step_the_sop_does_not_have_is_not_found(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    client.force_login(people["kepala.lpse.ponorogo"])
    assert client.get(reverse("case_action", args=[case.pk, 9, "selesai"])).status_code == 404
    assert client.get(reverse("case_action", args=[case.pk, 1, "selesai"])).status_code == 302  # exists, not waiting


def test_the_inbox_counts_an_overdue_step_once(seed_sops, people, client):
    t0 = datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC)  # Monday 08.00 WIB
    with time_machine.travel(t0, tick=False):
        case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    due = case.step_runs.get(completed_at__isnull=True).due_at
    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        client.force_login(people["kepala.lpse.ponorogo"])
        page = client.get(reverse("my_tasks")).content.decode()
    counts = dict((label, int(n)) for n, label in re.findall(
        r'<span class="count">(\d+)</span> (menunggu|jatuh tempo hari ini|terlambat)', page))
    assert counts == {"menunggu": 1, "jatuh tempo hari ini": 0, "terlambat": 1}
    assert timezone.localtime(due).date() == timezone.localtime(due + datetime.timedelta(hours=1)).date()


def test_a_blank_row_added_by_mistake_is_left_out(seed_sops, people, client):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    client.force_login(starter(version))
    response = client.post(reverse("start_case", args=[version.pk]), {
        "title": "Akun Pokja satu orang", "rows-data_pokja": "2", **pokja_row(1, "Bayu Setiawan"),
        "surat_perintah": SimpleUploadedFile("surat.pdf", PDF, "application/pdf")})
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = Case.objects.get(title="Akun Pokja satu orang").inputs.get(key="data_pokja").value
    assert [r["nama"] for r in rows] == ["Bayu Setiawan"]


def test_a_message_about_a_row_lands_on_that_row_when_a_blank_row_is_left_out(seed_sops, people, client):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    client.force_login(starter(version))
    bad = {k.replace("-1-", "-3-"): v for k, v in pokja_row(1, "Lestari").items()}
    bad["data_pokja-3-nip"] = "123"
    page = client.post(reverse("start_case", args=[version.pk]), {
        "title": "Akun Pokja", "rows-data_pokja": "3", **{k.replace("-1-", "-2-"): v
                                                          for k, v in pokja_row(1, "Bayu").items()}, **bad,
        "surat_perintah": SimpleUploadedFile("surat.pdf", PDF, "application/pdf")}).content.decode()
    error_at = page.index('class="error" id="id_data_pokja-3-nip_error"')
    assert page.index('name="data_pokja-3-nip"') < error_at
    assert 'id="id_data_pokja-2-nip_error"' not in page


def test_a_step_shows_what_it_needs_from_earlier_steps(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 5)  # the Admin PPE carries out the perintah of step 3
    client.force_login(people["admin.ppe.ponorogo"])
    page = client.get(action_url(case, "complete")).content.decode()
    section = page[page.index('id="held-title"'):]
    section = section[:section.index("</section>")]
    assert "Perintah update rilis terbaru SPSE" in section and "surat_pemberitahuan.pdf" in section
