"""Each seed SOP clicked from start to end in Chromium, by each pelaksana in turn."""
import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import SEED_CODES
from tests.workflows.driving import PDF, VALID_NIP, actor, starter
from workflows import engine
from workflows.models import Case, Notification, OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)

SUBMIT = "main form[enctype] button[type=submit]:not([name=add_row])"


def local(agency, days: int, hour: int) -> str:
    day = timezone.localtime(timezone.now(), agency.tzinfo) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def fill_input(page, name, spec, tmp_path, agency, order):
    selector = f"[name='{name}']"
    if spec.type == "document":
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(PDF)
        page.set_input_files(selector, str(path))
    elif spec.type == "datetime":
        page.fill(selector, local(agency, 5, 8 + order))
    elif spec.type == "choice":
        page.check(f"{selector}[value='{spec.options[0][0]}']")
    elif spec.type == "checklist":
        for value, _label in spec.options:
            page.check(f"{selector}[value='{value}']")
    elif spec.type == "pangkat":
        page.select_option(selector, "III/a")
    else:
        page.fill(selector, {"nip": VALID_NIP, "email": "pokja@ponorogo.go.id",
                             "phone": "0812 3456 7890"}.get(spec.type, f"Contoh {spec.label}"))


def fill_step(page, step, tmp_path, agency, skip=()):
    for order, spec in enumerate(step.inputs):
        if spec.key in skip:
            continue
        if spec.type == "records":
            for sub in spec.fields:
                fill_input(page, f"{spec.key}-1-{sub.key}", sub, tmp_path, agency, order)
        else:
            fill_input(page, spec.key, spec, tmp_path, agency, order)


def assert_one_notification_per_activated_step(case):
    """Every step that became somebody's told each of its pelaksana once, in the app and by
    email; the first step, opened and done by its starter in one go, told nobody."""
    expected = []
    for run in case.step_runs.order_by("pk")[1:]:
        expected += [(run.pk, a.user_id) for a in engine.lane_holders(case, run.lane_role)]
    told = sorted(Notification.objects.filter(case=case).values_list("step_run_id", "user_id"))
    assert told == sorted(expected)
    assert OutgoingEmail.objects.filter(case=case, recipient__isnull=False).exclude(
        subject__startswith="[LPSE] Pemeliharaan").count() == len(expected)


def start_case(b, version, title, tmp_path):
    b.login(starter(version).username)
    b.go("/tugas/", "tugas saya")
    b.go("/kasus/mulai/", "mulai kasus")
    b.page.click(f"text={version.spec.name}")
    b.shot("formulir mulai")
    b.axe("formulir mulai")
    b.page.fill("[name=title]", title)
    fill_step(b.page, version.spec.first_step, tmp_path, version.sop.agency)
    b.page.click(SUBMIT)
    b.page.wait_for_url(re.compile(r".*/kasus/\d+/$"))
    b.shot("kasus dimulai")
    return Case.objects.get(title=title)


def open_action(b, case, button_text):
    b.login(actor(case).username)
    b.go(f"/kasus/{case.pk}/", f"kasus langkah {case.current_step.no}")
    b.page.click(f"main a[role=button]:has-text('{button_text}')")
    b.shot(f"formulir langkah {case.current_step.no} {button_text}")
    b.axe(f"formulir langkah {case.current_step.no}")


def submit(b, case):
    b.page.click(SUBMIT)
    b.page.wait_for_selector(".message")
    assert "Tersimpan" in b.page.inner_text(".messages"), b.page.inner_text("main")[:500]
    b.shot(f"tersimpan {case.title}")
    case.refresh_from_db()
    return case


def do_step(b, case, tmp_path, answer=None, note="", skip=()):
    step = case.current_step
    label = {True: "YA", False: "TIDAK", None: f"Selesaikan langkah {step.no}"}[answer]
    open_action(b, case, label)
    if answer is False:
        for value, _label in next(i for i in step.inputs if i.type == "checklist").options[:-1]:
            b.page.check(f"[name=berkas_diperiksa][value='{value}']")
    else:
        fill_step(b.page, step, tmp_path, case.agency, skip=skip)
    if note:
        b.page.fill("[name=note]", note)
    return submit(b, case)


@pytest.mark.parametrize("code", ["PNG-UPDATE-SPSE", "PNG-AKUN-POKJA"])
def test_a_ponorogo_sop_is_clicked_from_start_to_end(code, seed_sops, browser_for, tmp_path):
    b = browser_for(code)
    version = seed_sops[code].latest_version
    case = start_case(b, version, f"Kasus {code} di browser", tmp_path)
    while case.current_step is not None:
        case = do_step(b, case, tmp_path)
    assert case.state == "done"
    assert_one_notification_per_activated_step(case)
    b.login(starter(version).username)  # the case's own unit keeps seeing it
    b.go(f"/kasus/{case.pk}/", "kasus selesai", check=True)
    assert "Selesai" in b.page.inner_text(".status-line")
    b.go(f"/sop/{code}/", "halaman sop")
    b.go("/kasus/saya/", "kasus saya")
    assert case.title in b.page.inner_text("main")


def test_registrasi_admin_ppe_goes_round_tidak_lengkap_twice(seed_sops, browser_for, tmp_path):
    b = browser_for("KALTIM-REG-ADMIN-PPE")
    version = seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version
    case = start_case(b, version, "Registrasi Admin PPE Andi Pratama", tmp_path)
    for round_ in (1, 2):
        case = do_step(b, case, tmp_path, answer=False, note=f"KTP Admin PPE belum ada (ke-{round_})")
        case = do_step(b, case, tmp_path)  # PM asks for the missing file
        b.login(actor(case).username)
        b.go(f"/kasus/{case.pk}/", f"kepala lpse melihat kekurangan {round_}")
        assert "KTP Admin PPE" in b.page.inner_text(".callout")
        assert f"belum ada (ke-{round_})" in b.page.inner_text(".callout")
        case = do_step(b, case, tmp_path)  # Kepala LPSE sends it
    case = do_step(b, case, tmp_path, answer=True)
    while case.current_step is not None:
        case = do_step(b, case, tmp_path)
    assert list(case.step_runs.values_list("outcome", flat=True)).count("tidak") == 2
    assert_one_notification_per_activated_step(case)
    b.login("pm.lkpp")  # PM LKPP keeps seeing the registration they checked
    b.go(f"/kasus/{case.pk}/", "pm lkpp melihat kasus selesai")
    assert "Selesai" in b.page.inner_text(".status-line")


def test_pengumuman_pemeliharaan_refuses_a_late_start_then_publishes(seed_sops, people, browser_for, tmp_path):
    b = browser_for("KKP-PENGUMUMAN-PEMELIHARAAN")
    version = seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version
    case = start_case(b, version, "Pemeliharaan pusat data", tmp_path)
    open_action(b, case, "Selesaikan langkah 2")
    b.page.fill("[name=mulai_pemeliharaan]", local(case.agency, 1, 8))
    b.page.fill("[name=selesai_pemeliharaan]", local(case.agency, 1, 14))
    b.page.fill("[name=teks_pengumuman]", "SPSE KKP tidak dapat diakses karena pemeliharaan pusat data")
    b.page.click(SUBMIT)
    b.page.wait_for_selector(".has-error")
    b.shot("pengumuman terlalu dekat ditolak")
    b.axe("pengumuman ditolak")
    assert "mulai paling cepat" in b.page.inner_text("main")
    b.page.fill("[name=mulai_pemeliharaan]", local(case.agency, 5, 8))
    b.page.fill("[name=selesai_pemeliharaan]", local(case.agency, 5, 14))
    case = submit(b, case)
    while case.current_step is not None:
        case = do_step(b, case, tmp_path)
    assert_one_notification_per_activated_step(case)
    b.page.context.clear_cookies()
    b.go("/pengumuman/", "pengumuman publik")
    assert "SPSE KKP tidak dapat diakses" in b.page.inner_text("main")
    b.login("helpdesk.kkp")
    b.go(f"/kasus/{case.pk}/", "penerusan ke pokja")
    assert "Putu Ayu Widiastuti" in b.page.inner_text("main")


def test_a_head_approves_a_disposisi_on_a_phone(seed_sops, browser_for, tmp_path, page):
    from tests.workflows.driving import act, start

    case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Update di ponsel"), "complete")
    page.set_viewport_size({"width": 390, "height": 844})
    b = browser_for("ponsel")
    b.login("kepala.lpse.ponorogo")
    b.go(f"/kasus/{case.pk}/", "kasus di ponsel")
    assert b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Each step is a card: who acted, when, and the documents are on screen, not in a side-scroll.
    done = b.page.locator("tr.step-done .step-runs")
    box = done.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert "Dimas Arya Saputra" in done.inner_text() and "surat_pemberitahuan.pdf" in done.inner_text()
    height = b.page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height  # 5,653 px when the steps were a side-scrolling table
    button = b.page.locator("main a[role=button]:has-text('Selesaikan langkah 2')")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    button.click()
    b.page.fill("[name=note]", "Setuju, teruskan ke Kepala UKPBJ")
    b.shot("disposisi di ponsel")
    b.axe("disposisi di ponsel")
    submit(b, case)
    assert case.current_step.no == 3
    b.go("/notifikasi/", "notifikasi")


def test_the_inbox_and_the_archive_read_as_cards_on_a_phone(seed_sops, browser_for, page):
    """At 390 px a task and an archived case are blocks with their fields named, not a table
    scrolled sideways."""
    from tests.workflows.driving import act, run_to_end, start

    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    act(start(version, "Menunggu di ponsel"), "complete")  # now the Kepala LPSE's disposisi
    run_to_end(start(version, "Selesai untuk arsip"))
    page.set_viewport_size({"width": 390, "height": 844})
    b = browser_for("kartu di ponsel")
    for who, path, row, named in (("kepala.lpse.ponorogo", "/tugas/", "Menunggu di ponsel", "Batas waktu:"),
                                  ("auditor.ponorogo", "/arsip/", "Selesai untuk arsip", "Pelaksana:")):
        b.login(who)
        b.go(path, f"{path.strip('/')} di ponsel")
        assert b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        card = b.page.locator("table.stack tbody tr", has_text=row)
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        # Every cell within the screen: nothing left to reach by scrolling the table sideways.
        assert b.page.evaluate("""() => [...document.querySelectorAll('table.stack td')].every(
            td => td.getBoundingClientRect().right <= window.innerWidth)""")
        assert named in card.inner_text()


def test_a_returned_disposisi_comes_back_with_its_reason_and_its_files(seed_sops, browser_for, tmp_path):
    b = browser_for("dikembalikan")
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    case = start_case(b, version, "Update yang dikembalikan", tmp_path)
    open_action(b, case, "Kembalikan ke langkah sebelumnya")
    assert "surat_pemberitahuan.pdf" in b.page.inner_text(".handover")  # the head sees what they return
    b.page.fill("[name=note]", "Lampirkan jadwal pemutakhiran")
    case = submit(b, case)
    assert case.current_step.no == 1
    b.login("admin.ppe.ponorogo")
    b.go("/notifikasi/", "notifikasi pengembalian")
    b.page.click("ul.notifications a >> nth=0")
    b.page.wait_for_url(re.compile(rf".*/kasus/{case.pk}/$"))
    b.shot("kasus dikembalikan")
    b.axe("kasus dikembalikan")
    callout = b.page.inner_text(".callout.returned")
    assert "Lampirkan jadwal pemutakhiran" in callout and "Sri Wahyuni" in callout
    assert "dikembalikan" in b.page.inner_text("tr.step-returned")
    b.page.click("main a[role=button]:has-text('Selesaikan langkah 1')")
    assert b.page.input_value("[name=laporan]").startswith("Contoh")  # prefilled from the first run
    assert "surat_pemberitahuan.pdf" in b.page.inner_text(".kept-file")
    b.shot("formulir ulang terisi")
    b.axe("formulir ulang terisi")
    b.page.fill("[name=laporan]", "Laporan dengan jadwal pemutakhiran")
    case = submit(b, case)  # no file chosen again
    assert case.current_step.no == 2
    assert case.attachments.count() == 1


def test_tambah_baris_keeps_the_files_of_earlier_rows(seed_sops, browser_for, tmp_path):
    b = browser_for("tambah-baris")
    version = seed_sops["PNG-AKUN-POKJA"].latest_version
    b.login(starter(version).username)
    b.go(f"/kasus/mulai/{version.pk}/", "formulir akun pokja")
    b.page.fill("[name=title]", "Akun Pokja dua orang")
    b.page.fill("[name='data_pokja-1-nama']", "Bayu Setiawan")
    b.page.press("[name='data_pokja-1-nama']", "Enter")  # Enter sends the form; it does not add a row
    b.page.wait_for_selector("p.error[role=alert]")
    assert b.page.locator("[name='data_pokja-2-nama']").count() == 0
    fill_step(b.page, version.spec.first_step, tmp_path, version.sop.agency)
    b.page.click("button.add-row")
    b.page.wait_for_selector("[name='data_pokja-2-nama']")
    assert b.page.input_value("[name='data_pokja-1-nama']").startswith("Contoh")
    assert b.page.locator("#records-data_pokja .kept-file").count() == 2  # row 1's two copies stay chosen
    spec = next(i for i in version.spec.first_step.inputs if i.type == "records")
    for sub in spec.fields:
        fill_input(b.page, f"data_pokja-2-{sub.key}", sub, tmp_path, version.sop.agency, 0)
    b.shot("dua baris pokja")
    b.axe("dua baris pokja")
    b.page.click(SUBMIT)
    b.page.wait_for_url(re.compile(r".*/kasus/\d+/$"))
    case = Case.objects.get(title="Akun Pokja dua orang")
    assert len(case.inputs.get(key="data_pokja").value) == 2
    assert case.attachments.count() == 5
