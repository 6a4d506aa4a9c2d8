"""An SOP author writes Kaltim's Registrasi Admin PPE from an empty draft in Chromium, the
head named in "Disahkan Oleh" ratifies it, a case runs on it to the end, and the sheet it
prints reads exactly as the seed definition's sheet."""
import io
import re

import pytest
from pypdf import PdfReader

from tests.e2e.test_sops_in_the_browser import do_step, start_case
from workflows.definitions import SHEET_LIST_KEYS, SopSpec
from workflows.models import SopDraft, SopVersion
from workflows.pdf.render import render_pdf
from workflows.pdf.sheet import build_sheet

pytestmark = pytest.mark.django_db(transaction=True)

KALTIM = "KALTIM-REG-ADMIN-PPE"
SHEET_TEXT = ("judul", "nama", "nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "penjelasan_singkat",
              "tujuan", "judul_tabel")


def settle(page) -> None:
    """Let the editor's pending saves and re-renders land (htmx marks what is in flight)."""
    page.wait_for_timeout(650)  # the autosave waits 500 ms after the last keystroke
    page.wait_for_function("document.querySelectorAll('.htmx-request').length === 0")


def press(page, button_text: str) -> None:
    """A structural button, used from the keyboard: focus it and press Enter."""
    page.locator(f"#editor button:has-text('{button_text}')").last.focus()
    page.keyboard.press("Enter")
    settle(page)


def reshaping_select(page, name: str, value: str) -> None:
    page.select_option(f"[name='{name}']", value)
    settle(page)


def lines(values) -> str:
    return "\n".join(values)


def sheet_text(version: SopVersion) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(build_sheet(version).html))).pages)
    return re.sub(r"KALTIM-REG-ADMIN-PPE · versi \d+", "", text)


def write_sop(page, spec: SopSpec) -> None:
    sheet = spec.sheet
    page.fill("[name=code]", spec.code)
    page.select_option("[name=unit]", spec.unit)
    page.select_option("[name='sheet.unit']", sheet["unit"])
    page.fill("[name='sheet.kop']", lines(sheet["kop"]))
    for key in SHEET_TEXT:
        page.fill(f"[name='sheet.{key}']", sheet[key])
    for key in SHEET_LIST_KEYS:
        page.fill(f"[name='sheet.{key}']", lines(sheet[key]))
    for key in ("jabatan", "nama", "nip"):
        page.fill(f"[name='sheet.disahkan_oleh.{key}']", sheet["disahkan_oleh"][key])
    for i, lane in enumerate(spec.lanes):
        press(page, "Tambah pelaksana")
        reshaping_select(page, f"lanes.{i}.role", lane.role)
        page.fill(f"[name='lanes.{i}.label']", lane.label)
    settle(page)
    for i, step in enumerate(spec.steps):
        press(page, "Tambah keputusan" if step.is_decision else "Tambah langkah")
        # The new step's Kegiatan has the focus: the author types straight on.
        assert page.evaluate("document.activeElement.name") == f"steps.{i}.kegiatan"
        page.keyboard.type(step.kegiatan)
        p = f"steps.{i}."
        page.select_option(f"[name='{p}lane']", step.lane)
        for key in ("kelengkapan", "output", "keterangan", "petunjuk", "tafsiran"):
            page.fill(f"[name='{p}{key}']", getattr(step, key))
        page.fill(f"[name='{p}waktu']", step.waktu.text)
        if step.is_decision:
            page.fill(f"[name='{p}question']", step.question)
        for j, item in enumerate(step.inputs):
            press(page, f"Tambah isian langkah {step.no}")
            q = f"{p}inputs.{j}."
            page.fill(f"[name='{q}label']", item.label)
            page.fill(f"[name='{q}key']", item.key)
            reshaping_select(page, f"{q}type", item.type)
            if item.personal:
                page.check(f"[name='{q}personal']")
            if item.options:
                page.fill(f"[name='{q}options']", lines(f"{v} | {label}" for v, label in item.options))
        settle(page)
    # Branches and requirements once every step exists (a step names steps below it).
    for i, step in enumerate(spec.steps):
        p = f"steps.{i}."
        if step.is_decision:
            page.select_option(f"[name='{p}ya']", str(step.ya))
            page.select_option(f"[name='{p}tidak']", str(step.tidak))
        else:
            page.select_option(f"[name='{p}next']", str(step.next))
        for key in step.requires:
            page.check(f"[name='{p}requires'][value='{key}']")
    page.fill("[name=tafsiran]", spec.tafsiran)
    settle(page)


def test_an_author_writes_the_kaltim_sop_from_an_empty_draft(seed_sops, browser_for, tmp_path, page):
    seed = seed_sops[KALTIM].latest_version
    b = browser_for("penyusun-sop")
    b.login("penyusun.sop.kaltim")
    b.go("/sop/draf/", "susun sop")
    b.page.click("main a[role=button]:has-text('Buat draf SOP')")
    b.page.check("input[name=origin][value=kosong]")
    b.shot("draf baru")
    b.axe("draf baru")
    b.page.click("main button[type=submit]")
    b.page.wait_for_url(re.compile(r".*/sop/draf/\d+/$"))
    b.shot("editor kosong")
    b.axe("editor kosong")
    draft = SopDraft.objects.get()
    # A first check, as typed: an unreadable waktu is named beside its field within a second.
    press(b.page, "Tambah langkah")
    b.page.fill("[name='steps.0.waktu']", "sebentar")
    b.page.wait_for_selector("#e-steps-0-waktu:has-text('tidak terbaca')", timeout=3000)
    b.shot("waktu tidak terbaca")
    b.page.locator("#editor button:has-text('Hapus langkah 1')").click()
    settle(b.page)

    write_sop(b.page, seed.spec)
    b.page.wait_for_selector("#draft-status:has-text('Tidak ada masalah')")
    frame = b.page.frame_locator("#preview-frame")
    assert "Apakah berkas lengkap?" in frame.locator("body").inner_text()
    b.shot("editor terisi")
    b.axe("editor terisi")
    draft = SopDraft.objects.get(pk=draft.pk)
    written = SopSpec.from_data(draft.data)
    assert written.as_data() == seed.spec.as_data()

    page.set_viewport_size({"width": 390, "height": 844})
    b.go(f"/sop/draf/{draft.pk}/", "editor di ponsel")
    assert b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    b.page.click("main button:has-text('Ajukan untuk pengesahan')")
    b.page.wait_for_selector(".messages")
    assert "Buyung Dedi Gunawan" in b.page.inner_text(".messages")

    b.login("kepala.biro.kaltim")
    b.go("/sop/draf/", "menunggu pengesahan")
    # This draft's link: the demo data's revision of the same SOP waits for the same signer.
    b.page.click(f"main a[href='{draft.get_absolute_url()}']")
    b.shot("pengesahan")
    b.axe("pengesahan")
    b.page.click("main a:has-text('Lihat perubahannya')")
    assert "Tidak ada perbedaan isi" in b.page.inner_text("main")  # written exactly as the version in force
    b.shot("perubahan draf")
    b.axe("perubahan draf")
    b.page.go_back()
    b.page.click("main button:has-text('Sahkan')")
    b.page.wait_for_url(re.compile(rf".*/sop/kaltim/{KALTIM}/$"))
    b.shot("sop disahkan")
    version = SopVersion.objects.get(sop=seed.sop, number=2)
    assert version.spec.sheet["tanggal_pengesahan"]  # filled in by the pengesahan

    # The sheet prints exactly as the seed's, the pengesahan date it now carries aside.
    seed_dated = SopVersion(sop=seed.sop, number=1, definition=seed.definition)
    seed_dated.__dict__["spec"] = SopSpec.from_data(
        {**seed.definition, "sheet": {**seed.definition["sheet"],
                                      "tanggal_pengesahan": version.spec.sheet["tanggal_pengesahan"]}})
    assert sheet_text(version) == sheet_text(seed_dated)

    case = start_case(b, version, "Registrasi Admin PPE dari SOP yang disusun di browser", tmp_path)
    assert case.sop_version == version
    case = do_step(b, case, tmp_path, answer=False, note="KTP Admin PPE belum ada")
    case = do_step(b, case, tmp_path)
    case = do_step(b, case, tmp_path)
    case = do_step(b, case, tmp_path, answer=True)
    while case.current_step is not None:
        case = do_step(b, case, tmp_path)
    assert case.state == "done"


def test_a_revision_with_effects_in_the_editor_on_a_phone(seed_sops, browser_for, page):
    """KKP's announcement SOP opened as a revision: its effects shown as fields, a notice added
    from the keyboard, all at 390 px without sideways scrolling and axe-clean."""
    page.set_viewport_size({"width": 390, "height": 844})
    b = browser_for("revisi-efek")
    b.login("admin")  # the application administrator may draft for any agency
    b.go("/sop/draf/baru/", "draf baru dari versi")
    b.page.select_option("[name=agency]", label="Kementerian Kelautan dan Perikanan")
    b.page.check("input[name=origin][value=versi]")
    version = seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version
    b.page.select_option("[name=agency_version]", str(version.pk))
    b.page.click("main button[type=submit]")
    b.page.wait_for_url(re.compile(r".*/sop/draf/\d+/$"))
    assert b.page.input_value("[name='steps.1.effects.0.min_lead_days']") == "3"
    b.page.select_option("[name='steps.3.new_effect']", "notify")
    press(b.page, "Tambah perilaku langkah 4")
    assert b.page.evaluate("document.activeElement.name") == "steps.3.effects.1.on"
    b.page.wait_for_selector("#e-steps-3-effects-1-subject:has-text('wajib')")
    b.shot("efek baru di ponsel")
    b.axe("efek baru di ponsel")
    assert b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
