"""National templates: LKPP's standard SOP stored once with no agency, adopted by each
agency in the browser with its own sheet header; revisions reach an agency only when it
adopts them; SOP codes are unique per agency."""
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.conftest import SOP_DIR
from tests.workflows.driving import run_to_end, start
from workflows.definitions import DefinitionError
from workflows.models import Sop
from workflows.pdf.sheet import render_sop_sheet
from workflows.sop_import import sop_import

pytestmark = pytest.mark.django_db

TEMPLATE_FILE = Path(SOP_DIR).parent / "templates" / "lkpp-registrasi-admin-ppe.yaml"
HEADER = {
    "agency": None,  # filled per test
    "kop": "PEMERINTAH KABUPATEN PONOROGO\nLAYANAN PENGADAAN SECARA ELEKTRONIK",
    "nomor": "027/15/405.11/2026", "tanggal_pembuatan": "2 Desember 2026", "tanggal_revisi": "",
    "tanggal_efektif": "7 Desember 2026", "tanggal_pengesahan": "4 Desember 2026",
    "jabatan": "KEPALA BAGIAN PENGADAAN BARANG DAN JASA", "nama": "Drs. Agus Pramono, M.Si.",
    "nip": "19700312 199503 1 004",
}


@pytest.fixture
def template(people):
    version, _created = sop_import(text=TEMPLATE_FILE.read_text(encoding="utf-8"), source_name=TEMPLATE_FILE.name)
    return version


def _admin(people, who="admin.instansi.ponorogo") -> Client:
    client = Client()
    client.force_login(people[who])
    return client


def _adopt(client, agency_id, **changes):
    return client.post(reverse("template_adopt", args=["LKPP-REG-ADMIN-PPE"]),
                       {**HEADER, "agency": agency_id, **changes})


def sheet_text(version) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_sop_sheet(version))).pages)


def _revised(text: str) -> str:
    return text.replace('waktu: 30 Menit', 'waktu: 20 Menit', 1)


def test_a_template_has_no_agency_and_never_runs(template, people):
    assert template.sop.is_template and template.sop.agency is None
    client = _admin(people, "kepala.lpse.kaltim")
    page = client.get(reverse("sop_list")).content.decode()
    assert "Templat nasional" in page and reverse("template_detail", args=["LKPP-REG-ADMIN-PPE"]) in page
    assert "LKPP-REG-ADMIN-PPE" not in client.get(reverse("start_list")).content.decode()
    assert client.get(reverse("start_case", args=[template.pk])).status_code == 404
    pm = _admin(people, "pm.lkpp")  # a national role must not start a case of a template either
    assert pm.get(reverse("start_case", args=[template.pk])).status_code == 404
    sheet = client.get(reverse("template_sheet_pdf", args=["LKPP-REG-ADMIN-PPE"]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    assert "Adopsi untuk instansi" not in client.get(reverse("template_detail", args=["LKPP-REG-ADMIN-PPE"])
                                                     ).content.decode()


def test_an_agency_adopts_it_with_its_own_header_and_runs_it(template, people):
    client = _admin(people)
    page = client.get(reverse("template_detail", args=["LKPP-REG-ADMIN-PPE"])).content.decode()
    assert "Adopsi untuk instansi" in page and "Belum ada instansi yang mengadopsi" in page
    ponorogo = people["admin.instansi.ponorogo"].agency
    response = _adopt(client, ponorogo.pk)
    sop = Sop.objects.get(code="LKPP-REG-ADMIN-PPE", agency=ponorogo)
    assert response.status_code == 302 and response.url == sop.get_absolute_url()
    version = sop.latest_version
    assert (sop.template, version.template_version) == (template.sop, template)
    sheet = version.spec.sheet
    assert sheet["kop"] == ["PEMERINTAH KABUPATEN PONOROGO", "LAYANAN PENGADAAN SECARA ELEKTRONIK"]
    assert sheet["nomor"] == "027/15/405.11/2026" and sheet["disahkan_oleh"]["nama"] == "Drs. Agus Pramono, M.Si."
    assert [s.as_data() for s in version.spec.steps] == [s.as_data() for s in template.spec.steps]
    text = sheet_text(version)
    assert "027/15/405.11/2026" in text and "PEMERINTAH KABUPATEN PONOROGO" in text
    assert "Pemerintah Kabupaten Ponorogo" in text  # the identity cell names the adopting agency
    case = run_to_end(start(version, "Registrasi Admin PPE Ponorogo"))
    assert case.agency == ponorogo and case.state == "done"
    again = _adopt(client, ponorogo.pk)  # the same header again: nothing new
    assert again.status_code == 302 and sop.versions.count() == 1
    listing = client.get(reverse("template_detail", args=["LKPP-REG-ADMIN-PPE"])).content.decode()
    assert "Pemerintah Kabupaten Ponorogo" in listing and "mengikuti templat versi 1" in listing


def test_a_revised_template_reaches_an_agency_only_when_it_adopts_the_revision(template, people):
    client = _admin(people)
    ponorogo = people["admin.instansi.ponorogo"].agency
    _adopt(client, ponorogo.pk)
    sop = Sop.objects.get(code="LKPP-REG-ADMIN-PPE", agency=ponorogo)
    revision, created = sop_import(text=_revised(TEMPLATE_FILE.read_text(encoding="utf-8")),
                                   source_name="revisi.yaml")
    assert created and revision.number == 2 and revision.sop == template.sop
    assert sop.versions.count() == 1 and sop.latest_version.spec.step(5).waktu.text == "30 Menit"
    page = client.get(sop.get_absolute_url()).content.decode()
    assert "Templat sudah direvisi (versi 2)" in page and "Adopsi revisi" in page
    form = client.get(reverse("template_adopt", args=["LKPP-REG-ADMIN-PPE"]), {"instansi": ponorogo.pk})
    assert "027/15/405.11/2026" in form.content.decode()  # the header given before is kept
    response = _adopt(client, ponorogo.pk)
    assert response.status_code == 302
    latest = sop.latest_version
    assert latest.number == 2 and latest.template_version == revision
    assert latest.spec.step(5).waktu.text == "20 Menit" and latest.spec.sheet["nomor"] == "027/15/405.11/2026"
    assert "Templat sudah direvisi" not in client.get(sop.get_absolute_url()).content.decode()


def test_codes_are_unique_per_agency_not_nationally(template, people):
    ponorogo = people["admin.instansi.ponorogo"].agency
    kaltim = people["admin.instansi.kaltim"].agency
    assert _adopt(_admin(people), ponorogo.pk).status_code == 302
    assert _adopt(_admin(people, "admin.instansi.kaltim"), kaltim.pk, nomor="J00.3/0700/BPLPSE/B.PBJ",
                  kop="PEMERINTAH PROVINSI KALIMANTAN TIMUR").status_code == 302
    both = Sop.objects.filter(code="LKPP-REG-ADMIN-PPE", agency__isnull=False).order_by("agency__code")
    assert [s.agency.code for s in both] == ["kaltim", "ponorogo"]
    assert both[0].latest_version.spec.sheet["nomor"] == "J00.3/0700/BPLPSE/B.PBJ"
    old_url = _admin(people).get("/sop/LKPP-REG-ADMIN-PPE/")
    assert old_url.status_code == 404  # several SOPs share the code: no guessing
    assert _admin(people).get("/sop/TIDAK-ADA/").status_code == 404  # a code nobody has


def test_an_agency_with_a_code_of_its_own_is_not_overwritten_by_an_adoption(template, people, seed_sops):
    own = seed_sops["KALTIM-REG-ADMIN-PPE"]
    text = (SOP_DIR / "kaltim-registrasi-admin-ppe.yaml").read_text(encoding="utf-8")
    mine, _created = sop_import(text=text.replace('code: "KALTIM-REG-ADMIN-PPE"', 'code: "LKPP-REG-ADMIN-PPE"'),
                                source_name="sendiri.yaml")
    kaltim = mine.sop.agency
    response = _adopt(_admin(people, "admin.instansi.kaltim"), kaltim.pk)
    assert response.status_code == 400
    assert "sudah punya SOP berkode LKPP-REG-ADMIN-PPE yang bukan adopsi templat ini" in response.content.decode()
    assert mine.sop.versions.count() == 1 and own.versions.count() == 1


def test_only_the_agency_administrator_adopts_and_only_for_their_agency(template, people):
    head = _admin(people, "kepala.lpse.ponorogo")
    assert head.get(reverse("template_adopt", args=["LKPP-REG-ADMIN-PPE"])).status_code == 403
    kaltim_admin = _admin(people, "admin.instansi.kaltim")
    ponorogo = people["admin.instansi.ponorogo"].agency
    response = _adopt(kaltim_admin, ponorogo.pk)  # a forged agency choice
    assert response.status_code == 400 and not Sop.objects.filter(agency=ponorogo).exists()
    missing = _adopt(_admin(people), ponorogo.pk, nomor="", nama="")
    assert missing.status_code == 400 and "Periksa isian yang ditandai" in missing.content.decode()


def test_a_definition_cannot_be_both_a_template_and_an_agency_sop(people):
    text = TEMPLATE_FILE.read_text(encoding="utf-8").replace("template: true", "template: true\nagency: ponorogo")
    with pytest.raises(DefinitionError, match="templat nasional tidak dimiliki instansi"):
        sop_import(text=text, source_name="keduanya.yaml")
    with pytest.raises(DefinitionError, match="'agency': wajib diisi"):
        sop_import(text=TEMPLATE_FILE.read_text(encoding="utf-8").replace("template: true\n", ""),
                   source_name="tanpa-instansi.yaml")


def test_make_setup_imports_the_demo_template(people, capsys):
    call_command("import_sop", str(TEMPLATE_FILE))
    assert "LKPP-REG-ADMIN-PPE (templat nasional) versi 1" in capsys.readouterr().out


def test_odd_agency_numbers_and_old_bookmarks(template, people, seed_sops):
    client = _admin(people)
    for raw in ("²", "9" * 5000, "-1", "x"):
        assert client.get(reverse("template_adopt", args=["LKPP-REG-ADMIN-PPE"]), {"instansi": raw}).status_code == 200
    response = client.get("/sop/PNG-UPDATE-SPSE/lembar.pdf?versi=1")
    assert response.status_code == 302 and response.url == "/sop/ponorogo/PNG-UPDATE-SPSE/lembar.pdf?versi=1"
    assert client.get("/sop/PNG-UPDATE-SPSE/").url == "/sop/ponorogo/PNG-UPDATE-SPSE/"
