"""The agency administrator in Chromium: adds a staff member who sets their own password from
the emailed link and finds their step waiting, then adopts a national template with the
agency's own header and starts a case of it. Every page is checked with axe."""
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from tests.workflows.driving import case_at
from tests.workflows.test_national_templates import TEMPLATE_FILE
from workflows.models import Sop

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agency_administrator_adds_staff_and_adopts_a_template(seed_sops, browser_for):
    call_command("import_sop", str(TEMPLATE_FILE), stdout=io.StringIO())
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 5)  # waits for an Admin PPE of Ponorogo
    b = browser_for("administrator-instansi")
    b.login("admin.instansi.ponorogo")
    b.page.click("text=Kelola")
    b.page.wait_for_url(re.compile(r".*/kelola/ponorogo/$"))
    b.shot("kelola instansi")
    b.axe("kelola instansi")
    b.page.click("text=Tambah pegawai")
    b.page.fill("#id_username", "wulan.ponorogo")
    b.page.fill("#id_full_name", "Wulan Sari, S.Kom.")
    b.page.fill("#id_nip", "19950412 202012 2 003")
    b.page.fill("#id_email", "wulan@ponorogo.go.id")
    b.page.click("main button[type=submit]")
    b.page.wait_for_url(re.compile(r".*/kelola/ponorogo/orang/\d+/$"))
    b.page.select_option("#id_role", label="Admin PPE")
    b.page.select_option("#id_unit", label="LPSE Kabupaten Ponorogo")
    b.page.click("text=Beri peran")
    assert "kini Admin PPE, LPSE Kabupaten Ponorogo" in b.page.inner_text("main")
    b.shot("peran diberikan")
    b.axe("peran diberikan")

    link = re.search(r"http\S+/sandi/\S+/", mail.outbox[-1].body).group(0)
    b.page.context.clear_cookies()
    b.page.goto(b.base + "/" + link.split("/", 3)[3])
    assert "wulan.ponorogo" in b.page.inner_text("main")
    b.shot("atur kata sandi")
    b.axe("atur kata sandi")
    b.page.fill("#id_new_password1", "Sandi-baru-2026!")
    b.page.fill("#id_new_password2", "Sandi-baru-2026!")
    b.page.click("main button[type=submit]")
    b.page.wait_for_url(re.compile(r".*/masuk/$"))
    b.page.fill("#id_username", "wulan.ponorogo")
    b.page.fill("#id_password", "Sandi-baru-2026!")
    b.page.click("main button[type=submit]")
    b.page.wait_for_url(re.compile(r".*/tugas/$"))
    assert case.title in b.page.inner_text("main")

    b.login("admin.instansi.ponorogo")
    b.go("/templat/LKPP-REG-ADMIN-PPE/", "templat nasional")
    b.page.click("text=Adopsi untuk instansi")
    b.axe("adopsi templat")
    b.page.fill("#id_kop", "PEMERINTAH KABUPATEN PONOROGO\nLAYANAN PENGADAAN SECARA ELEKTRONIK")
    b.page.fill("#id_nomor", "027/15/405.11/2026")
    b.page.fill("#id_tanggal_pembuatan", "2 Desember 2026")
    b.page.fill("#id_jabatan", "KEPALA BAGIAN PENGADAAN BARANG DAN JASA")
    b.page.fill("#id_nama", "Drs. Agus Pramono, M.Si.")
    b.page.click("main form button[type=submit]")
    b.page.wait_for_url(re.compile(r".*/sop/ponorogo/LKPP-REG-ADMIN-PPE/$"))
    assert "diadopsi dari templat nasional" in b.page.inner_text("main")
    b.shot("sop diadopsi")
    b.axe("sop diadopsi")
    version = Sop.objects.get(agency__code="ponorogo", code="LKPP-REG-ADMIN-PPE").latest_version
    assert version.spec.sheet["nomor"] == "027/15/405.11/2026"

    b.login("kepala.lpse.ponorogo")  # the adopted SOP is Ponorogo's to run
    b.go("/kasus/mulai/", "mulai kasus dari sop adopsi")
    assert "REGISTRASI ADMIN PPE" in b.page.inner_text("main")
