"""import_sop stores a good file as a new version and refuses a bad one, saying where."""
import textwrap

import pytest
from django.core.management import CommandError, call_command

from workflows.models import Sop, SopVersion

pytestmark = pytest.mark.django_db

GOOD = textwrap.dedent("""\
    format: 1
    code: UJI-SOP
    agency: ponorogo
    unit: lpse
    sheet:
      nama: "SOP UJI"
    lanes:
      - {role: admin_ppe, label: "Admin PPE"}
      - {role: kepala_lpse, label: "Kepala LPSE"}
    steps:
      - no: 1
        kegiatan: "Menyiapkan berkas"
        lane: admin_ppe
        waktu: "1 hari"
        next: 2
        inputs:
          - {key: berkas, label: "Berkas", type: document}
      - no: 2
        kegiatan: "Apakah berkas lengkap?"
        lane: kepala_lpse
        kind: decision
        waktu: "10 Menit"
        ya: 3
        tidak: 1
        requires: [berkas]
      - no: 3
        kegiatan: "Mengarsipkan"
        lane: admin_ppe
        waktu: "N/A"
        next: end
    """)


def write(tmp_path, text, name="sop.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_(path):
    call_command("import_sop", str(path), stdout=open("/dev/null", "w"))


def refused(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as info:
        import_(path)
    assert Sop.objects.count() == 0 and SopVersion.objects.count() == 0
    message = str(info.value)
    assert str(path) in message
    return message


def test_a_good_file_is_stored_once(tmp_path, people):
    path = write(tmp_path, GOOD)
    import_(path)
    import_(path)
    version = SopVersion.objects.get()
    assert version.number == 1 and version.spec.step(2).is_decision
    assert version.spec.step(1).waktu.amount == 1 and version.spec.step(1).waktu.unit == "day"
    assert version.spec.step(2).waktu.as_data() == {"text": "10 Menit", "amount": 10, "unit": "minute"}


def test_check_mode_stores_nothing(tmp_path, people):
    call_command("import_sop", str(write(tmp_path, GOOD)), check=True, stdout=open("/dev/null", "w"))
    assert SopVersion.objects.count() == 0


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("role: kepala_lpse", "role: Kepala-LPSE", "kolom 'lanes[2].role': kode peran 'Kepala-LPSE' hanya boleh huruf kecil"),
    ("lane: kepala_lpse", "lane: helpdesk", "langkah 2, kolom 'lane': peran 'helpdesk' tidak ada di daftar pelaksana"),
    ('kegiatan: "Mengarsipkan"', 'kegiatan: ""', "langkah 3, kolom 'kegiatan': wajib diisi"),
    ("next: 2", "next: 9", "langkah 1, kolom 'next': langkah 9 tidak ada"),
    ("tidak: 1", "tidak: 7", "langkah 2, kolom 'tidak': langkah 7 tidak ada"),
    ("    tidak: 1\n", "", "langkah 2, kolom 'tidak': langkah keputusan wajib punya kedua cabang"),
    ("ya: 3", "ya: 2", "langkah 3, kolom 'no': tidak ada jalur dari langkah pertama"),
    ('waktu: "1 hari"', 'waktu: "sebentar"', "langkah 1, kolom 'waktu': waktu 'sebentar' tidak terbaca"),
    ("  - no: 3", "  - no: 2", "langkah 2, kolom 'no': nomor langkah 2 dipakai lebih dari sekali"),
    ("requires: [berkas]", "requires: [ktp]", "langkah 2, kolom 'requires': 'ktp' tidak diserahkan"),
    ("lanes:", "lanes: [", "YAML tidak valid (baris"),
    ("unit: lpse", "unit: lpse\nwarna: merah", "kolom 'warna': kunci tidak dikenal"),
    ('nama: "SOP UJI"', 'nama: "SOP UJI"\n  unit: bagian_umum', "kolom 'sheet.unit': unit 'bagian_umum' tidak dikenal"),
    ("unit: lpse", "unit: sekretariat", "kolom 'unit': unit 'sekretariat' tidak dikenal di aplikasi ini; tambahkan dulu "
     "jenis unit dengan kode 'sekretariat' (Kelola → Peran dan jenis unit)"),
])
def test_a_bad_file_is_refused_with_file_step_and_field(tmp_path, people, old, new, expected):
    assert old in GOOD
    message = refused(tmp_path, GOOD.replace(old, new, 1))
    assert expected in message, message


def test_a_path_that_never_ends_is_refused(tmp_path, people):
    looping = GOOD.replace("ya: 3", "ya: 1").replace("    next: end", "    next: 1")
    message = refused(tmp_path, looping)
    assert "langkah 1, kolom 'next': jalur dari langkah ini tidak pernah sampai ke akhir" in message
    assert "langkah 2, kolom 'next': jalur dari langkah ini tidak pernah sampai ke akhir" in message


def test_an_unknown_agency_is_refused(tmp_path, people):
    message = refused(tmp_path, GOOD.replace("agency: ponorogo", "agency: atlantis"))
    assert "kolom 'agency': instansi 'atlantis' belum terdaftar" in message


def test_every_problem_is_reported_at_once(tmp_path, people):
    message = refused(tmp_path, GOOD.replace("lane: kepala_lpse", "lane: kepala_dinas").replace('"1 hari"', '"besok"'))
    assert "kepala_dinas" in message and "besok" in message


def test_a_bad_file_among_good_ones_stores_only_the_good_ones(tmp_path, people):
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, GOOD.replace("code: UJI-SOP", "code: UJI-DUA").replace("next: 2", "next: 9"), "bad.yaml")
    with pytest.raises(CommandError, match="bad.yaml"):
        call_command("import_sop", str(good), str(bad), stdout=open("/dev/null", "w"))
    assert list(Sop.objects.values_list("code", flat=True)) == ["UJI-SOP"]


def test_an_unreadable_file_is_refused(tmp_path, people):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("nama: Pengumuman \xe9".encode("latin-1"))
    with pytest.raises(CommandError, match="latin1.yaml: berkas tidak dapat dibaca"):
        import_(path)


def test_a_lane_role_added_by_the_administrator_is_accepted(tmp_path, people):
    from accounts.models import Role

    text = GOOD.replace("role: kepala_lpse", "role: verifikator").replace("lane: kepala_lpse", "lane: verifikator")
    assert ("kolom 'lanes[2].role': peran 'verifikator' (Kepala LPSE) tidak dikenal di aplikasi ini; tambahkan dulu "
            "peran dengan kode 'verifikator' (Kelola → Peran dan jenis unit; pilih berlaku di dalam instansi, nasional, atau pihak "
            "luar), lalu impor lagi.") in refused(tmp_path, text)
    Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
    import_(write(tmp_path, text))
    assert SopVersion.objects.get().spec.step(2).lane == "verifikator"


def test_check_warns_about_a_lane_nobody_holds(tmp_path, people):
    from io import StringIO

    from accounts.models import Role

    Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
    text = GOOD.replace("role: kepala_lpse, label: \"Kepala LPSE\"", "role: verifikator, label: \"Verifikator\"")
    text = text.replace("lane: kepala_lpse", "lane: verifikator")
    out = StringIO()
    call_command("import_sop", str(write(tmp_path, text)), check=True, stdout=out)
    assert "PERINGATAN: belum ada yang memegang peran 'Verifikator' (verifikator) di Pemerintah Kabupaten " \
           "Ponorogo" in out.getvalue()
    assert "Admin PPE" not in out.getvalue()
