"""A new SOP is one definition file and one import_sop: no engine code changes."""
import textwrap

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from workflows import states
from workflows.models import Sop
from tests.workflows.driving import act, run_to_end, start

pytestmark = pytest.mark.django_db

FIFTH = textwrap.dedent("""\
    # A made-up fifth SOP: a Pokja asks Helpdesk to reset the schedule of a package.
    format: 1
    code: KKP-UBAH-JADWAL
    agency: kkp
    unit: lpse
    sheet:
      nama: "PERUBAHAN JADWAL TAHAPAN PAKET"
      nomor: "B.999/SJ.6/2026"
      dasar_hukum: ["Peraturan Presiden Nomor 12 Tahun 2021"]
    lanes:
      - {role: pokja, label: "Pokja Pemilihan"}
      - {role: helpdesk, label: "Helpdesk LPSE"}
      - {role: kepala_lpse, label: "Kepala LPSE"}
    steps:
      - no: 1
        kegiatan: "Mengajukan permohonan perubahan jadwal"
        lane: pokja
        kelengkapan: "Berita acara perubahan jadwal"
        waktu: "1 hari"
        output: "Permohonan"
        next: 2
        inputs:
          - {key: berita_acara, label: "Berita acara", type: document}
          - {key: alasan, label: "Alasan perubahan", type: text}
      - no: 2
        kegiatan: "Apakah permohonan disetujui?"
        lane: kepala_lpse
        kind: decision
        question: "Apakah permohonan disetujui?"
        waktu: "2 jam"
        ya: 3
        tidak: end
        requires: [berita_acara]
      - no: 3
        kegiatan: "Mengubah jadwal pada SPSE"
        lane: helpdesk
        waktu: "1 hari kerja"
        next: end
    """)


@pytest.fixture
def fifth(tmp_path, people):
    path = tmp_path / "kkp-ubah-jadwal.yaml"
    path.write_text(FIFTH, encoding="utf-8")
    call_command("import_sop", str(path), stdout=open("/dev/null", "w"))
    return Sop.objects.get(code="KKP-UBAH-JADWAL").latest_version


def test_a_fifth_sop_runs_end_to_end_through_both_branches(fifth, people):
    approved = run_to_end(start(fifth), {2: ["ya"]})
    assert approved.state == states.DONE
    assert list(approved.step_runs.values_list("step_no", flat=True)) == [1, 2, 3]
    assert approved.step_runs.get(step_no=3).actor == people["helpdesk.kkp"]

    rejected = run_to_end(start(fifth), {2: ["tidak"]})
    assert rejected.state == states.DONE
    assert list(rejected.step_runs.values_list("step_no", "outcome")) == [(1, "complete"), (2, "tidak")]


def test_a_fifth_sop_guards_its_lanes_like_the_seeds(fifth, people):
    case = act(start(fifth), "complete")
    with pytest.raises(PermissionDenied):
        act(case, "ya", by=people["helpdesk.kkp"])
    with pytest.raises(PermissionDenied):
        act(case, "ya", by=people["kepala.lpse.ponorogo"])
    act(case, "ya", by=people["kepala.lpse.kkp"])
