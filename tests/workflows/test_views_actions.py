"""Every action through the web pages: anonymous goes to login, the wrong person is refused
and nothing changes, the right person moves the case."""
import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import SEED_CODES
from tests.workflows.driving import PDF, VALID_NIP, actor, case_at, starter
from tests.workflows.test_permission_matrix import snapshot
from workflows import engine, states
from workflows.models import Case, Notification

pytestmark = pytest.mark.django_db

SLUG = {"complete": "selesai", "ya": "ya", "tidak": "tidak", "kembali": "kembali"}


def post_value(spec, order, agency):
    if spec.type == "document":
        return SimpleUploadedFile(f"{spec.key}.pdf", PDF, content_type="application/pdf")
    if spec.type == "datetime":
        when = timezone.localtime(timezone.now() + datetime.timedelta(days=4, hours=order), agency.tzinfo)
        return when.strftime("%Y-%m-%dT%H:%M")
    if spec.type in ("choice",):
        return spec.options[0][0]
    if spec.type == "checklist":
        return [v for v, _ in spec.options]
    return {"nip": VALID_NIP, "email": "a@b.go.id", "phone": "0812 3456 7890", "pangkat": "III/a"}.get(
        spec.type, f"Isi {spec.label}")


def form_data(step, agency, action="complete"):
    data = {"note": "Catatan uji" if action in ("tidak", "kembali") else ""}
    if action == "kembali":
        return data
    for order, spec in enumerate(step.inputs):
        if spec.type == "records":
            data[f"rows-{spec.key}"] = "1"
            for sub in spec.fields:
                data[f"{spec.key}-1-{sub.key}"] = post_value(sub, order, agency)
        elif spec.type == "checklist" and action == "tidak":
            data[spec.key] = []
        else:
            data[spec.key] = post_value(spec, order, agency)
    return data


def action_url(case, action):
    return reverse("case_action", args=[case.pk, case.current_step.no, SLUG[action]])


@pytest.mark.parametrize("code", SEED_CODES)
def test_each_step_is_done_through_its_form_by_its_pelaksana(code, seed_sops, people, client):
    version = seed_sops[code].latest_version
    first = version.spec.first_step
    client.force_login(starter(version))
    response = client.post(reverse("start_case", args=[version.pk]),
                           {"title": f"Uji {code}", **form_data(first, version.sop.agency)})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(title=f"Uji {code}")
    while case.current_step is not None:
        step = case.current_step
        action = "ya" if step.is_decision else "complete"
        url = action_url(case, action)

        client.logout()
        assert client.get(url).status_code == 302
        assert client.post(url, form_data(step, case.agency, action))["Location"].startswith("/masuk/")

        outsider = next(p for n, p in people.items() if engine.lane_assignment(case, p, step.lane) is None
                        and p.is_superuser is False)
        client.force_login(outsider)
        before = snapshot(case)
        assert client.post(url, form_data(step, case.agency, action)).status_code in (403, 404)
        assert snapshot(case) == before

        client.force_login(actor(case))
        assert client.get(url).status_code == 200
        response = client.post(url, form_data(step, case.agency, action))
        assert response.status_code == 302, (step.no, response.content.decode()[:3000])
        case.refresh_from_db()
    assert case.state == states.DONE


def test_a_bad_upload_is_shown_next_to_its_field_and_changes_nothing(seed_sops, people, client):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    client.force_login(people["admin.ppe.ponorogo"])
    data = {"title": "Update", "laporan": "x", "surat_pemberitahuan": SimpleUploadedFile("s.exe", b"MZ\x90")}
    response = client.post(reverse("start_case", args=[version.pk]), data)
    assert response.status_code == 400
    assert "Surat Pemberitahuan harus berkas PDF, JPEG atau PNG." in response.content.decode()
    assert Case.objects.count() == 0


def test_pokja_members_are_added_row_by_row(seed_sops, people, client):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    client.force_login(people["kepala.ukpbj.ponorogo"])
    url = reverse("start_case", args=[version.pk])
    page = client.post(url, {"title": "Akun", "rows-data_pokja": "1", "add_row": "data_pokja"}).content.decode()
    assert "data_pokja-2-nip" in page and "data_pokja-3-nip" not in page
    data = {"title": "Akun Pokja 2027", **form_data(version.spec.first_step, version.sop.agency)}
    data["rows-data_pokja"] = "2"
    for key, value in list(data.items()):
        if key.startswith("data_pokja-1-"):
            sub = key.removeprefix("data_pokja-1-")
            data[f"data_pokja-2-{sub}"] = value if not hasattr(value, "read") else SimpleUploadedFile("b.pdf", PDF)
    data["data_pokja-2-nip"] = "1972"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "NIP harus 18 angka; yang diisi 4 angka." in response.content.decode()
    data["data_pokja-2-nip"] = "199002022015032002"
    for key in ("surat_perintah", "data_pokja-1-salinan_sertifikat_pbj", "data_pokja-1-salinan_sk_pokja",
                "data_pokja-2-salinan_sertifikat_pbj", "data_pokja-2-salinan_sk_pokja"):
        data[key] = SimpleUploadedFile(f"{key}.pdf", PDF)
    assert client.post(url, data).status_code == 302
    assert len(Case.objects.get().inputs.get(key="data_pokja").value) == 2


def test_tidak_lengkap_requires_naming_what_is_missing_and_kepala_lpse_sees_it(seed_sops, people, client):
    case = case_at(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version, 2)
    client.force_login(people["pm.lkpp"])
    url = action_url(case, "tidak")
    data = {"berkas_diperiksa": ["sk_pembentukan_lpse", "data_profil_lpse", "data_personil_admin_ppe"], "note": ""}
    response = client.post(url, data)
    assert response.status_code == 400 and "Tuliskan kekurangannya pada catatan." in response.content.decode()
    data["note"] = "KTP belum dilampirkan"
    assert client.post(url, data).status_code == 302
    client.force_login(people["kepala.lpse.kaltim"])
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Yang kurang" in page and "KTP Admin PPE" in page and "KTP belum dilampirkan" in page


def test_a_head_returns_a_disposisi_with_a_reason(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3)
    client.force_login(people["kepala.ukpbj.ponorogo"])
    url = action_url(case, "kembali")
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Laporan belum memuat jadwal"}).status_code == 302
    case.refresh_from_db()
    assert case.current_step.no == 2 and case.events.last().note == "Laporan belum memuat jadwal"


def test_only_the_head_of_the_unit_sees_and_uses_cancel(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    url = reverse("case_cancel", args=[case.pk])
    client.force_login(people["admin.ppe.ponorogo"])
    assert "Batalkan kasus" not in client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(people["kepala.lpse.ponorogo"])
    assert "Batalkan kasus" in client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Rilis ditarik"}).status_code == 302
    case.refresh_from_db()
    assert case.state == states.CANCELLED


def test_the_next_pelaksana_gets_an_in_app_notification_and_an_email(seed_sops, people, client,
                                                                     django_capture_on_commit_callbacks):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 1)
    client.force_login(people["admin.ppe.ponorogo"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(case, "complete"), form_data(case.current_step, case.agency))
    kepala = people["kepala.lpse.ponorogo"]
    assert Notification.objects.filter(user=kepala, case=case).count() == 1
    assert [m.to for m in mail.outbox] == [[kepala.email]]
    assert f"/kasus/{case.pk}/" in mail.outbox[0].body
    client.force_login(kepala)
    assert "1<span class=\"visually-hidden\"> belum dibaca" in client.get(reverse("my_tasks")).content.decode()
