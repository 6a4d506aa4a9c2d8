"""diff_specs: what changed between two versions of an SOP, without the database."""
import textwrap

from workflows.definitions import parse_definition
from workflows.version_diff import ADDED, CHANGED, REMOVED, SAME, diff_specs, match_steps, word_parts

BASE = textwrap.dedent("""\
    format: 1
    code: UJI-SOP
    agency: ponorogo
    unit: lpse
    sheet:
      nama: "SOP UJI"
      nomor: "800/1/2026"
      tanggal_pembuatan: "2 Januari 2026"
      disahkan_oleh: {jabatan: "Kepala LPSE", nama: "Budi", nip: "198001012005011001"}
      dasar_hukum: ["Perpres 16/2018", "PermenPAN-RB 35/2012"]
      peringatan: ["Penyimpangan mutu baku adalah kegagalan"]
    lanes:
      - {role: admin_ppe, label: "Admin PPE"}
      - {role: kepala_lpse, label: "Kepala LPSE"}
    steps:
      - no: 1
        kegiatan: "Menyiapkan berkas permohonan"
        lane: admin_ppe
        kelengkapan: "Surat permohonan"
        waktu: "1 hari"
        output: "Berkas"
        next: 2
        inputs:
          - {key: berkas, label: "Berkas", type: document}
          - {key: catatan, label: "Catatan", type: text, required: false}
      - no: 2
        kegiatan: "Apakah berkas lengkap?"
        lane: kepala_lpse
        kind: decision
        question: "Apakah berkas lengkap?"
        waktu: "10 Menit"
        ya: 3
        tidak: 1
        requires: [berkas]
      - no: 3
        kegiatan: "Mengarsipkan berkas"
        lane: admin_ppe
        waktu: "N/A"
        output: "Arsip"
        next: end
    """)


def spec(text=BASE):
    return parse_definition(text, "uji.yaml")


def edited(*replacements):
    text = BASE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return spec(text)


def row(diff, no):
    return next(s for s in diff.steps if s.no == no)


def field(step, name):
    return next(f for f in step.fields if f.name == name)


def test_the_same_definition_has_no_changes():
    diff = diff_specs(spec(), spec())
    assert diff.is_empty
    assert [s.status for s in diff.steps] == [SAME, SAME, SAME]
    assert (diff.changed_count, diff.added_count, diff.removed_count, diff.mutu_baku_steps) == (0, 0, 0, ())


def test_mutu_baku_changes_are_flagged_per_step():
    diff = diff_specs(spec(), edited(('waktu: "1 hari"', 'waktu: "2 hari"'), ('output: "Arsip"', 'output: "Arsip digital"')))
    assert diff.changed_count == 2 and diff.mutu_baku_steps == (1, 3)
    waktu = field(row(diff, 1), "waktu")
    assert (waktu.status, waktu.old, waktu.new, waktu.mutu_baku) == (CHANGED, "1 hari", "2 hari", True)
    assert field(row(diff, 3), "output").status == CHANGED
    assert field(row(diff, 1), "kegiatan").status == SAME
    assert [f.name for f in row(diff, 1).changed_fields] == ["waktu"]


def test_kelengkapan_added_reads_as_added():
    diff = diff_specs(spec(), edited(('output: "Arsip"', 'output: "Arsip"\n    kelengkapan: "Berkas lengkap"')))
    assert field(row(diff, 3), "kelengkapan").status == ADDED
    assert diff.mutu_baku_steps == (3,)


INSERTED = BASE.replace(
    "  - no: 3\n    kegiatan: \"Mengarsipkan berkas\"",
    "  - no: 3\n    kegiatan: \"Memberitahu pemohon\"\n    lane: admin_ppe\n    waktu: \"1 jam\"\n"
    "    next: 4\n  - no: 4\n    kegiatan: \"Mengarsipkan berkas\"")


def test_a_step_inserted_in_the_middle_moves_the_others_rather_than_replacing_them():
    new = spec(INSERTED)
    diff = diff_specs(spec(), new)
    assert match_steps(spec().steps, new.steps) == {1: 1, 2: 2, 3: 4}
    assert [(s.old_no, s.new_no, s.status) for s in diff.steps] == [
        (1, 1, SAME), (2, 2, CHANGED), (None, 3, ADDED), (3, 4, SAME)]
    assert row(diff, 4).renumbered and diff.renumbered_count == 1
    assert (diff.added_count, diff.removed_count, diff.changed_count) == (1, 0, 1)


def test_a_target_now_naming_another_step_is_a_change_even_with_the_same_number():
    # Step 2 says YA -> 3 in both, but 3 is now the new step: the flow changed.
    diff = diff_specs(spec(), spec(INSERTED))
    ya = field(row(diff, 2), "ya")
    assert ya.status == CHANGED and ya.old == "langkah 3 (Mengarsipkan berkas)" and ya.new.startswith("langkah 3 (Memberitahu")
    assert row(diff, 2).status == CHANGED


def test_ya_pointing_at_the_same_renumbered_step_is_no_change():
    old = spec()
    text = BASE.replace("ya: 3", "ya: 4").replace("  - no: 3\n", "  - no: 4\n")
    diff = diff_specs(old, spec(text))
    assert [(s.old_no, s.new_no, s.status) for s in diff.steps] == [(1, 1, SAME), (2, 2, SAME), (3, 4, SAME)]
    assert field(row(diff, 2), "ya").status == SAME and row(diff, 4).renumbered


def test_a_step_moved_and_edited_is_still_paired_by_its_kegiatan():
    text = BASE.replace(
        "  - no: 3\n    kegiatan: \"Mengarsipkan berkas\"",
        "  - no: 3\n    kegiatan: \"Mencetak tanda terima\"\n    lane: admin_ppe\n    waktu: \"1 jam\"\n"
        "    next: 4\n  - no: 4\n    kegiatan: \"Mengarsipkan seluruh berkas\"")
    diff = diff_specs(spec(), spec(text))
    moved = row(diff, 4)
    assert (moved.old_no, moved.status) == (3, CHANGED)
    assert field(moved, "kegiatan").status == CHANGED
    assert row(diff, 3).status == ADDED


def test_a_step_rewritten_in_place_reads_as_changed_not_removed_and_added():
    diff = diff_specs(spec(), edited(('"Mengarsipkan berkas"', '"Menyimpan salinan ke lemari"')))
    assert [(s.old_no, s.new_no, s.status) for s in diff.steps][-1] == (3, 3, CHANGED)
    assert diff.removed_count == 0 and diff.added_count == 0


def test_a_removed_step_sits_where_it_was():
    head, rest = BASE.split("  - no: 2\n")
    text = head.replace("next: 2", "next: 3") + "  - no: 3\n" + rest.split("  - no: 3\n")[1]
    diff = diff_specs(spec(), spec(text))
    assert [(s.old_no, s.new_no, s.status) for s in diff.steps] == [(1, 1, CHANGED), (2, None, REMOVED), (3, 3, SAME)]
    assert diff.removed_count == 1 and diff.changed_count == 1
    assert field(diff.steps[1], "kegiatan").status == REMOVED
    assert (field(diff.steps[0], "next").old, field(diff.steps[0], "next").new) == (
        "langkah 2 (Apakah berkas lengkap?)", "langkah 3 (Mengarsipkan berkas)")


def test_inputs_are_compared_by_key():
    diff = diff_specs(spec(), edited(
        ('{key: berkas, label: "Berkas", type: document}', '{key: berkas, label: "Berkas permohonan", type: document}'),
        ('      - {key: catatan, label: "Catatan", type: text, required: false}\n',
         '      - {key: ktp, label: "KTP", type: document, personal: true}\n')))
    items = {i.key: i for i in row(diff, 1).inputs}
    assert items["berkas"].status == CHANGED and "Berkas permohonan" in items["berkas"].new
    assert items["catatan"].status == REMOVED and items["ktp"].status == ADDED
    assert "data pribadi" in items["ktp"].new
    assert row(diff, 1).status == CHANGED and diff.mutu_baku_steps == ()


def test_flow_kind_keterangan_and_lane_changes():
    diff = diff_specs(spec(), edited(("tidak: 1", "tidak: end"), ('output: "Arsip"', 'output: "Arsip"\n    keterangan: "Rangkap dua"'),
                                     ("    lane: admin_ppe\n    waktu: \"N/A\"", "    lane: kepala_lpse\n    waktu: \"N/A\"")))
    assert field(row(diff, 2), "tidak").new == "selesai" and field(row(diff, 2), "tidak").status == CHANGED
    assert field(row(diff, 3), "keterangan").status == ADDED
    lane = field(row(diff, 3), "lane")
    assert (lane.status, lane.old, lane.new) == (CHANGED, "Admin PPE", "Kepala LPSE")


def test_lanes_added_removed_and_relabelled():
    text = BASE.replace('label: "Admin PPE"', 'label: "Admin PPE LPSE"').replace(
        '  - {role: kepala_lpse, label: "Kepala LPSE"}\n',
        '  - {role: kepala_lpse, label: "Kepala LPSE"}\n  - {role: kepala_ukpbj, label: "Kepala UKPBJ"}\n')
    diff = diff_specs(spec(), spec(text))
    lanes = {lane.role: lane for lane in diff.lanes}
    assert lanes["admin_ppe"].status == CHANGED and lanes["admin_ppe"].new_label == "Admin PPE LPSE"
    assert lanes["kepala_ukpbj"].status == ADDED and lanes["kepala_lpse"].status == SAME
    back = diff_specs(spec(text), spec())
    assert {lane.role: lane.status for lane in back.lanes}["kepala_ukpbj"] == REMOVED
    # The steps of a relabelled lane show the new label; the pelaksana is the same.
    assert field(row(diff, 1), "lane").status == SAME


def test_header_fields_and_lists():
    diff = diff_specs(spec(), edited(
        ('nomor: "800/1/2026"', 'nomor: "800/2/2026"'),
        ('nip: "198001012005011001"', 'nip: "198001012005011002"'),
        ('dasar_hukum: ["Perpres 16/2018", "PermenPAN-RB 35/2012"]',
         'dasar_hukum: ["Perpres 12/2021", "PermenPAN-RB 35/2012", "Peraturan LKPP 12/2021"]'),
        ('  peringatan: ["Penyimpangan mutu baku adalah kegagalan"]\n', ""),
        ('tanggal_pembuatan: "2 Januari 2026"', 'tanggal_pembuatan: "2 Januari 2026"\n  tanggal_revisi: "1 Juli 2026"')))
    changed = {f.name: f for f in diff.sheet_changes}
    assert set(changed) == {"nomor", "disahkan_oleh.nip", "tanggal_revisi"}
    assert changed["tanggal_revisi"].status == ADDED and changed["nomor"].new == "800/2/2026"
    lists = {d.name: d for d in diff.sheet_list_changes}
    assert [(i.status, i.old, i.new) for i in lists["dasar_hukum"].items] == [
        (CHANGED, "Perpres 16/2018", "Perpres 12/2021"), (SAME, "PermenPAN-RB 35/2012", "PermenPAN-RB 35/2012"),
        (ADDED, "", "Peraturan LKPP 12/2021")]
    assert [i.status for i in lists["peringatan"].items] == [REMOVED]
    assert diff.header_changed and not diff.changed_steps


def test_word_parts_mark_only_the_words_that_differ():
    old, new = word_parts("Surat permohonan dari PPK", "Surat permohonan resmi dari PPK")
    assert [p.text for p in new if p.changed] == ["resmi"]
    assert "".join(p.text for p in new) == "Surat permohonan resmi dari PPK"
    assert not any(p.changed for p in old)
