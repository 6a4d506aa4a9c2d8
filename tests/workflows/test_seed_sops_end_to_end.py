"""Each seed SOP run from start to end through the services, by the right people."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from django.core.exceptions import ValidationError

from workflows import states
from workflows.selectors import last_refusal
from workflows.services import case_complete_step, case_decide, case_start
from tests.workflows.driving import PDF, act, sample_kelengkapan
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_update_spse_runs_admin_ppe_to_heads_and_back(seed_sops, people):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    admin_ppe = people["admin.ppe.ponorogo"]
    kepala_lpse = people["kepala.lpse.ponorogo"]
    kepala_ukpbj = people["kepala.ukpbj.ponorogo"]

    case = case_start(sop_version=version, title="Update SPSE ke versi 4.5u20241204", by=admin_ppe)
    case = case_complete_step(case_id=case.pk, step=1, by=admin_ppe, note="Rilis 4.5u20241204 tersedia", kelengkapan={
        "surat_pemberitahuan": _pdf("surat-lkpp.pdf"), "laporan": "SPSE 4.5u20241204: perbaikan keamanan"})
    case = case_complete_step(case_id=case.pk, step=2, by=kepala_lpse, note="Diteruskan ke Kepala UKPBJ")
    case = case_complete_step(case_id=case.pk, step=3, by=kepala_ukpbj,
                              kelengkapan={"perintah": "Segera lakukan update pada jam kerja"})
    case = case_complete_step(case_id=case.pk, step=4, by=kepala_lpse)
    case = case_complete_step(case_id=case.pk, step=5, by=admin_ppe,
                              kelengkapan={"laporan_hasil_kegiatan": _pdf("laporan-update.pdf")})

    assert case.state == states.DONE
    assert case.closed_at is not None
    runs = list(case.step_runs.order_by("pk"))
    assert [(r.step_no, r.actor.username) for r in runs] == [
        (1, "admin.ppe.ponorogo"), (2, "kepala.lpse.ponorogo"), (3, "kepala.ukpbj.ponorogo"),
        (4, "kepala.lpse.ponorogo"), (5, "admin.ppe.ponorogo")]
    assert runs[0].note == "Rilis 4.5u20241204 tersedia"
    assert [e.action for e in case.events.all()] == ["start"] + ["complete"] * 5
    assert case.attachments.count() == 2
    assert case.inputs.get(key="perintah").value == "Segera lakukan update pada jam kerja"


def test_akun_pokja_takes_nine_data_items_per_member_and_ends_with_the_pokja(seed_sops, people):
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    case = case_start(sop_version=version, title="Akun Pokja Pemilihan 2027", by=people["kepala.ukpbj.ponorogo"])
    member = {
        "nama": "Eko Prasetyo, S.T.", "nip": "19850101 201001 1 001", "alamat_instansi": "Jl. Aloon-aloon Utara No. 9",
        "telepon": "0812 3300 1122", "email": "eko@ponorogo.go.id", "pangkat_golongan": "III/c",
        "jabatan": "Pengelola PBJ", "nomor_sertifikat_pbj": "PBJ-2020-001", "salinan_sertifikat_pbj": _pdf("sert.pdf"),
        "nomor_sk_pokja": "188/12/405.07/2026", "salinan_sk_pokja": _pdf("sk.pdf"),
    }
    second = {**member, "nama": "Wulan Sari, S.E.", "nip": "199002022015032002",
              "salinan_sertifikat_pbj": _pdf("sert2.pdf"), "salinan_sk_pokja": _pdf("sk2.pdf")}
    case = case_complete_step(case_id=case.pk, step=1, by=people["kepala.ukpbj.ponorogo"], kelengkapan={
        "surat_perintah": _pdf("sprint.pdf"), "data_pokja": [member, second]})
    stored = case.inputs.get(key="data_pokja").value
    assert [row["nip"] for row in stored] == ["198501012010011001", "199002022015032002"]
    assert len(stored[0]) == 11 and "attachment" in stored[0]["salinan_sk_pokja"]
    assert case.attachments.count() == 5

    case = case_complete_step(case_id=case.pk, step=2, by=people["kepala.lpse.ponorogo"],
                              kelengkapan={"disposisi": "Proses hari ini"})
    case = case_complete_step(case_id=case.pk, step=3, by=people["admin.agency.ponorogo"],
                              kelengkapan={"akun_spse": "eko.prasetyo, wulan.sari"})
    case = case_complete_step(case_id=case.pk, step=4, by=people["pokja2.ponorogo"],
                              kelengkapan={"saluran": "langsung", "diterima_pada": "2026-11-23T09:30"})
    assert case.state == states.DONE
    received = case.inputs.get(key="diterima_pada").value
    assert received.startswith("2026-11-23T09:30:00+07:00")  # typed in WIB, the agency's zone


def test_registrasi_admin_ppe_loops_twice_through_tidak_lengkap(seed_sops, people):
    version = seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version
    kepala = people["kepala.lpse.kaltim"]
    pm = people["pm.lkpp"]
    case = case_start(sop_version=version, title="Registrasi Admin PPE Andi Pratama", by=kepala)
    case = act(case, "complete", by=kepala)
    three = ["sk_pembentukan_lpse", "data_profil_lpse", "data_personil_admin_ppe"]
    for round_ in (1, 2):
        case = case_decide(case_id=case.pk, step=2, answer=False, by=pm, note=f"KTP belum ada (ke-{round_})",
                           kelengkapan={"berkas_diperiksa": three})
        assert case.current_step.no == 3
        refusal = last_refusal(case)
        assert refusal["missing"] == ["KTP Admin PPE"] and refusal["note"] == f"KTP belum ada (ke-{round_})"
        case = case_complete_step(case_id=case.pk, step=3, by=pm)
        case = case_complete_step(case_id=case.pk, step=4, by=kepala,
                                  kelengkapan={"berkas_susulan": _pdf(f"ktp-{round_}.pdf")})
        assert case.current_step.no == 2
    with pytest.raises(ValidationError, match="belum ada: KTP Admin PPE"):
        case_decide(case_id=case.pk, step=2, answer=True, by=pm, kelengkapan={"berkas_diperiksa": three})
    with pytest.raises(ValidationError, match="hapus centang butir yang kurang"):
        case_decide(case_id=case.pk, step=2, answer=False, by=pm, note="?",
                    kelengkapan={"berkas_diperiksa": three + ["ktp_admin_ppe"]})
    case = case_decide(case_id=case.pk, step=2, answer=True, by=pm, note="Lengkap",
                       kelengkapan={"berkas_diperiksa": three + ["ktp_admin_ppe"]})
    assert last_refusal(case) is None
    assert case.current_step.no == 5
    case = case_complete_step(case_id=case.pk, step=5, by=pm)
    case = act(case, "complete", by=pm)       # 6: email the account
    case = act(case, "complete", by=kepala)   # 7: tell the Admin PPE
    case = case_complete_step(case_id=case.pk, step=8, by=kepala)
    assert case.state == states.DONE

    steps = list(case.step_runs.order_by("pk").values_list("step_no", "outcome"))
    assert steps == [(1, "complete"), (2, "tidak"), (3, "complete"), (4, "complete"), (2, "tidak"),
                     (3, "complete"), (4, "complete"), (2, "ya"), (5, "complete"), (6, "complete"),
                     (7, "complete"), (8, "complete")]
    assert case.events.filter(action="decide_tidak").count() == 2


def test_registrasi_admin_ppe_times_are_in_minutes(seed_sops, people):
    version = seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version
    start = datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        case = case_start(sop_version=version, title="Registrasi", by=people["kepala.lpse.kaltim"])
        first = case.step_runs.get()
        assert first.due_at is None  # waktu N/A
        case = act(case, "complete")
        check = case.step_runs.get(completed_at__isnull=True)
        assert check.step_no == 2 and check.due_at == start + datetime.timedelta(minutes=10)
        case = act(case, "ya")
        create = case.step_runs.get(completed_at__isnull=True)
        assert create.step_no == 5 and create.due_at == start + datetime.timedelta(minutes=30)


def test_pengumuman_pemeliharaan_runs_admin_sistem_then_helpdesk(seed_sops, people):
    version = seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version
    admin = people["admin.sistem.kkp"]
    case = case_start(sop_version=version, title="Pemeliharaan server 28 November 2026", by=admin)
    case = case_complete_step(case_id=case.pk, step=1, by=admin,
                              kelengkapan={"sumber_informasi": "Surat LKPP tentang pemeliharaan pusat data"})
    start = timezone.now() + datetime.timedelta(days=5)
    case = case_complete_step(case_id=case.pk, step=2, by=admin, kelengkapan={
        "mulai_pemeliharaan": start, "selesai_pemeliharaan": start + datetime.timedelta(hours=6),
        "teks_pengumuman": "SPSE tidak dapat diakses Sabtu 28 November 2026 pukul 08.00-14.00 WIB"})
    case = case_complete_step(case_id=case.pk, step=3, by=admin)
    assert case.current_role == "helpdesk"
    case = case_complete_step(case_id=case.pk, step=4, by=people["helpdesk.kkp"], kelengkapan={"saluran": "email"})
    assert case.state == states.DONE
    assert [r.actor.username for r in case.step_runs.all()] == ["admin.sistem.kkp"] * 3 + ["helpdesk.kkp"]
