"""The case record: every step with its actors and times, PDF/A, verifiable, safe to print."""
import datetime
import hashlib
import subprocess
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from tests.workflows.driving import act, run_to_end, start
from tests.workflows.printed import lines_of, page_faults
from tests.workflows.test_pdf_fetcher import _payloads, canary  # noqa: F401 - fixture
from tests.workflows.test_sop_sheet_pdf import _pdftoppm, squash
from workflows.models import CaseRecord
from workflows.pdf.case_record import render_case_record

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC)  # Senin 09.00 WITA


def text_of(pdf: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


@pytest.fixture
def finished_registrasi(seed_sops, people):
    """Registrasi Admin PPE through one TIDAK loop, step 2 once late, in Kaltim (WITA)."""
    version = seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version
    with time_machine.travel(T0, tick=False):
        case = act(start(version, "Registrasi Admin PPE Andi Pratama"), "complete")
    with time_machine.travel(T0 + datetime.timedelta(minutes=25), tick=False):
        case = act(case, "tidak", note="KTP belum ada", late_reason="Menunggu PM kembali dari rapat")
    with time_machine.travel(T0 + datetime.timedelta(minutes=27), tick=False):
        case = run_to_end(case)
    return case


def test_a_finished_case_lists_every_step_with_actors_and_times(finished_registrasi, people):
    case = finished_registrasi
    pdf, record = render_case_record(case, by=people["auditor.bpk"])
    text = text_of(pdf)
    runs = list(case.step_runs.select_related("actor"))
    assert [r.step_no for r in runs] == [1, 2, 3, 4, 2, 5, 6, 7, 8]
    for run in runs:
        assert squash(run.actor.full_name) in text
        assert squash(case.spec.step(run.step_no).kegiatan) in text
    assert squash("NIP. 19800605 200604 1 011") in text  # Kepala LPSE Kaltim
    assert squash("Aktif / batas / selesai (WITA)") in text
    assert squash("23-11-2026 09.00") in text  # activation of step 1, in WITA (01.00 UTC)
    assert squash("selesai: 23-11-2026 09.25") in text  # the late decision
    assert squash("Senin, 23 November 2026 09.00 WITA") in text  # case start, written out
    assert squash("TERLAMBAT") in text and squash("Menunggu PM kembali dari rapat") in text
    assert squash("Keputusan: TIDAK") in text and squash("Keputusan: YA") in text
    for attachment in case.attachments.all():
        assert attachment.sha256 in text
    assert record.code in text and squash("Rahmat Hidayat") in text
    assert squash("1 / ") in text


def test_an_acting_head_is_marked_plt(seed_sops, people):
    from accounts.services import role_assign

    kaltim_lpse = people["kepala.lpse.kaltim"].role_assignments.get().unit
    role_assign(user=people["admin.ppe.kaltim"], role="kepala_lpse", unit=kaltim_lpse, acting="plt")
    case = act(start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version, "Plt"), "complete",
               by=people["admin.ppe.kaltim"])
    pdf, _record = render_case_record(case, by=people["auditor.bpk"])
    assert squash("Andi Pratama") in text_of(pdf)
    assert squash("Plt. Kepala LPSE, LPSE Provinsi Kalimantan Timur") in text_of(pdf)  # the title the person acts in


def test_the_record_is_pdfa_and_has_no_blank_page(finished_registrasi, people, tmp_path):
    pdf, _record = render_case_record(finished_registrasi, by=people["auditor.bpk"])
    reader = PdfReader(BytesIO(pdf))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in metadata and "3" in metadata.split("pdfaid:part")[1][:6]
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run([_pdftoppm(), "-r", "40", "-png", str(tmp_path / "r.pdf"), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(reader.pages) >= 1
    for png in pngs:
        body = Image.open(png).convert("L")
        body = body.crop((0, 0, body.width, int(body.height * 0.85)))
        assert sum(body.histogram()[:160]) > 500, png.name


def test_the_public_verification_page_shows_identity_and_hash_but_no_personal_data(finished_registrasi, people,
                                                                                     client):
    pdf, record = render_case_record(finished_registrasi, by=people["auditor.bpk"])
    assert record.sha256 == hashlib.sha256(pdf).hexdigest()
    page = client.get(reverse("verify_record", args=[record.code.lower()])).content.decode()
    assert record.sha256 in page and "REGISTRASI ADMIN PPE" in page and "Pemerintah Provinsi Kalimantan Timur" in page
    for private in ("Andi Pratama", "Muhammad Rizal Fahmi", "Dewi Anggraini", "Rahmat Hidayat", "198006052006041011"):
        assert private not in page
    assert client.get(reverse("verify_record", args=["TIDAKADA1234"])).status_code == 404


def test_who_may_download_the_record(finished_registrasi, people, client):
    url = reverse("case_record_pdf", args=[finished_registrasi.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(people["auditor.ponorogo"])  # another agency's auditor
    assert client.get(url).status_code == 404
    for username in ("auditor.bpk", "kepala.lpse.kaltim"):
        client.force_login(people[username])
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert CaseRecord.objects.filter(code=response["X-Verification-Code"]).exists()


def test_render_case_writes_the_pdf(finished_registrasi, tmp_path):
    out = tmp_path / "rekaman.pdf"
    call_command("render_case", finished_registrasi.pk, out=str(out), stdout=open("/dev/null", "w"))
    assert out.read_bytes().startswith(b"%PDF-")
    assert CaseRecord.objects.get().sha256 == hashlib.sha256(out.read_bytes()).hexdigest()


def test_markup_in_notes_prints_as_text_and_fetches_nothing(seed_sops, people, canary):  # noqa: F811
    payloads = _payloads(canary.url)
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version, payloads["img"])
    case = act(case, "complete", note=" ".join(payloads.values()))
    pdf, _record = render_case_record(case, by=people["admin.ppe.ponorogo"])
    assert canary.requests == []
    assert squash("/etc/passwd") in text_of(pdf) and squash("169.254.169.254") in text_of(pdf)


def test_no_text_crosses_the_side_margins_or_is_under_7_pt(finished_registrasi, people):
    pdf, _record = render_case_record(finished_registrasi, by=people["auditor.bpk"])

    assert page_faults(pdf, left_mm=12, right_mm=12) == []  # case_record.css: @page margin


def test_nips_times_and_hashes_do_not_break_across_lines(finished_registrasi, people):
    case = finished_registrasi
    pdf, _record = render_case_record(case, by=people["auditor.bpk"])

    nip = lines_of(pdf, "19800605 200604 1 011")  # Kepala LPSE Kaltim, in the pelaksana column
    assert nip and all(len(tops) == 1 for tops in nip), nip
    time = lines_of(pdf, "23-11-2026 09.25")  # the late decision's "selesai"
    assert time and all(len(tops) == 1 for tops in time), time
    late = lines_of(pdf, "TERLAMBAT")  # the late badge in the mutu baku column ("TERLAMBA / T" before)
    assert late and all(len(tops) == 1 for tops in late), late
    hashes = [case.sop_version.source_sha256, *(a.sha256 for a in case.attachments.all())]
    for sha256 in hashes:
        printed = lines_of(pdf, sha256)
        assert printed and all(len(tops) <= 2 for tops in printed), (sha256, printed)


def test_the_pelaksana_is_named_with_the_lane_label_of_the_sheet(seed_sops, people):
    # KKP's sheet heads the Helpdesk LPSE lane "helpdesk".
    case = run_to_end(start(seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version, "Pemeliharaan SPSE"))
    pdf, _record = render_case_record(case, by=people["auditor.bpk"])
    steps_table = text_of(pdf).split(squash("Pelaksanaan langkah"))[1].split("Lampiran")[0]

    assert squash("helpdesk, LPSE Kementerian Kelautan dan Perikanan") in steps_table
    assert squash("Helpdesk LPSE, LPSE Kementerian Kelautan dan Perikanan") not in steps_table


def test_render_case_puts_the_given_site_url_in_the_qr_and_footer(finished_registrasi, tmp_path):
    out, err = tmp_path / "rekaman.pdf", StringIO()
    call_command("render_case", finished_registrasi.pk, out=str(out), site_url="https://lpse.kaltimprov.go.id/",
                 stdout=StringIO(), stderr=err)

    record = CaseRecord.objects.get()
    assert squash("https://lpse.kaltimprov.go.id" + reverse("verify_record", args=[record.code])) in text_of(out.read_bytes())
    assert err.getvalue() == ""


def test_render_case_warns_when_the_qr_would_point_at_the_default_address(finished_registrasi, tmp_path, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    err = StringIO()
    call_command("render_case", finished_registrasi.pk, out=str(tmp_path / "r.pdf"), stdout=StringIO(), stderr=err)

    assert "http://127.0.0.1:8000" in err.getvalue() and "--site-url" in err.getvalue()
    assert "SITE_URL" in err.getvalue()
