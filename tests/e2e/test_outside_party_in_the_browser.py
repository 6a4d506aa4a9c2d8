"""A fifth SOP with a Penyedia (outside party) lane, a Verifikator lane and a TIDAK that ends
the procedure, clicked through in Chromium: the Penyedia joins by the emailed link."""
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role, Unit, User
from accounts.services import role_assign
from tests.e2e.conftest import PASSWORD
from tests.workflows.driving import PDF
from tests.workflows.test_outside_parties import VERIFIKASI
from workflows.models import Case

pytestmark = pytest.mark.django_db(transaction=True)
SUBMIT = "main form[enctype] button[type=submit]:not([name=add_row])"


def test_a_penyedia_is_invited_and_a_verifikator_ends_the_case_with_tidak(seed_sops, browser_for, tmp_path):
    Role.objects.create(code="penyedia", name="Penyedia", scope=Role.Scope.OUTSIDE)
    Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
    verifier = User.objects.create_user("verifikator.ponorogo", password=PASSWORD, full_name="Wahyu Verifikator",
                                        email="verif@demo.lpse.localhost")
    role_assign(user=verifier, role="verifikator", unit=Unit.objects.get(agency__code="ponorogo", kind_id="lpse"))
    path = tmp_path / "verifikasi.yaml"
    path.write_text(VERIFIKASI)
    call_command("import_sop", str(path), stdout=io.StringIO())

    b = browser_for("pihak-luar")
    b.login("admin.agency.ponorogo")
    b.go("/kasus/mulai/", "mulai kasus")
    b.page.click("text=VERIFIKASI DOKUMEN PENYEDIA")
    b.page.fill("[name=title]", "Verifikasi CV Maju Jaya")
    b.page.fill("[name=permohonan]", "Permohonan verifikasi dokumen CV Maju Jaya")
    b.page.click(SUBMIT)
    b.page.wait_for_url(re.compile(r".*/kasus/\d+/$"))
    case = Case.objects.get(title="Verifikasi CV Maju Jaya")
    b.page.select_option("[name=lane_role]", "penyedia")
    b.page.fill("[name=name]", "Budi Santoso")
    b.page.fill("[name=organization]", "CV Maju Jaya")
    b.page.fill("[name=email]", "budi@majujaya.co.id")
    mail.outbox.clear()
    b.page.click("text=Kirim undangan")
    b.page.wait_for_selector(".message")
    assert "Undangan untuk Budi Santoso dikirim" in b.page.inner_text(".messages")
    b.shot("undangan terkirim")
    b.axe("undangan terkirim")
    link = re.search(r"https?://\S+/undangan/[\w-]+/", mail.outbox[-1].body).group(0)

    b.page.context.clear_cookies()
    b.go(re.sub(r"^https?://[^/]+", "", link), "terima undangan")
    b.page.fill("[name=username]", "budi.majujaya")
    b.page.fill("[name=password]", "Rahasia-Kuat-2026")
    b.page.fill("[name=password_again]", "Rahasia-Kuat-2026")
    b.page.click("main form button[type=submit]")
    b.page.wait_for_url(re.compile(rf".*/kasus/{case.pk}/$"))
    assert b.page.locator("text=Kirim undangan").count() == 0  # an outside party invites nobody
    b.shot("penyedia melihat kasusnya")
    b.axe("penyedia melihat kasusnya")
    b.page.click("main a[role=button]:has-text('Selesaikan langkah 2')")
    akta = tmp_path / "akta.pdf"
    akta.write_bytes(PDF)
    b.page.set_input_files("[name=akta]", str(akta))
    b.page.click(SUBMIT)
    b.page.wait_for_selector(".message")
    assert "Tersimpan" in b.page.inner_text(".messages")
    case.refresh_from_db()
    assert case.current_step.no == 3

    b.login("verifikator.ponorogo")
    b.go(f"/kasus/{case.pk}/", "verifikator")
    b.page.click("main a[role=button]:has-text('TIDAK')")
    b.page.fill("[name=note]", "Akta tidak dilegalisasi")
    b.page.click(SUBMIT)
    b.page.wait_for_selector(".message")
    case.refresh_from_db()
    assert case.state == "done"
    history = b.page.inner_text("main")
    assert "Budi Santoso" in history and "CV Maju Jaya" in history
    b.shot("kasus selesai dengan tidak")
