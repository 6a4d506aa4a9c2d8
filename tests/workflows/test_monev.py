"""Monev figures for a fixture of known cases equal the values worked out by hand below,
and the monitoring form, the charts and the downloads show them."""
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from tests.workflows.driving import act, start
from workflows import monev

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WIB)
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=WIB)  # the Tuesday after


def when(day_offset: int, hh: int, mm: int = 0):
    moment = (MONDAY + datetime.timedelta(days=day_offset)).replace(hour=hh, minute=mm)
    return time_machine.travel(moment, tick=False)


def steps(case, *moves):
    for day, hh, mm, action, extra in moves:
        with when(day, hh, mm):
            case = act(case, action, **extra)
    return case


@pytest.fixture
def known(seed_sops):
    update = seed_sops["PNG-UPDATE-SPSE"].latest_version
    with when(0, 10):
        one, two, three = (start(update, title) for title in ("Satu", "Dua", "Tiga"))
    # One: every step done an hour after it began; all on time.
    steps(one, *[(0, 11 + i, 0, "complete", {}) for i in range(5)])
    # Two: step 1 after 30 minutes; step 2 late, on Wednesday 10.00; steps 3-5 an hour each.
    steps(two, (0, 10, 30, "complete", {}),
          (2, 10, 0, "complete", {"late_reason": "Menunggu laporan vendor"}),
          (2, 11, 0, "complete", {}), (2, 12, 0, "complete", {}), (2, 13, 0, "complete", {}))
    # Three: step 1 at once; step 2 returned at 11.00; step 1 again at 12.00, step 2 at 13.00; step 3 left open.
    steps(three, (0, 10, 0, "complete", {}), (0, 11, 0, "kembali", {"note": "Laporan belum lengkap"}),
          (0, 12, 0, "complete", {}), (0, 13, 0, "complete", {}))


def figures(user):
    with time_machine.travel(NOW, tick=False):
        (report,) = monev.measure(monev.monev_cases(user))
    return report


def test_the_figures_equal_the_hand_computed_ones(known, people):
    report = figures(people["kepala.lpse.ponorogo"])
    assert (report.cases, report.done, report.cancelled, report.open) == (3, 2, 0, 1)
    assert report.share_cases_on_time == 0.5
    # One: Monday 10.00-15.00 = 300; Two: Monday 10.00 to Wednesday 13.00 = 360 + 510 + 330 = 1200.
    assert sorted(report.case_durations) == [300, 1200]
    assert (report.median_case, report.p90_case) == (750, 1200)
    assert report.open_overdue == 1  # Three: five working days from Monday 10.00 ended Monday 30 Nov 10.00
    assert report.rework_per_case == [0, 0, 1]
    assert dict(report.deviations) == {"terlambat": 2, "dikembalikan": 1}
    assert report.top_reasons == [("Menunggu laporan vendor", 1), ("Laporan belum lengkap", 1)]
    measured = {row.no: (row.figures.runs, row.figures.on_time, row.figures.median, row.figures.p90,
                         row.figures.mutu_baku, row.figures.deviations, row.figures.rework)
                for row in report.step_rows}
    assert measured == {
        1: (4, 4, 45, 60, 510, 0, 0),      # 60, 30, 0, 60 minutes; each allowed 510 (one working day)
        2: (4, 3, 60, 990, 510, 2, 1),     # 60, 990 (late), 60 (returned), 60
        3: (2, 2, 60, 60, 510, 1, 0),      # and Three's open step, overdue
        4: (2, 2, 60, 60, 510, 0, 0),
        5: (2, 2, 60, 60, 510, 0, 0),
    }
    judged = {row.no: row.figures.judged_good for row in report.step_rows}
    assert judged == {1: True, 2: False, 3: True, 4: True, 5: True}  # 75 % on time is under the 80 % threshold
    assert report.steps[2].note() == ("3 dari 4 tepat waktu (75%); median 1 jam, p90 16 jam 30 menit, mutu baku "
                                      "8 jam 30 menit; 1 kali pengerjaan ulang.")


def test_the_page_shows_charts_and_the_form_prints_what_the_head_wrote(known, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("monev")).content.decode()
        assert page.count('<svg class="chart"') == 2 and "PEMBAHARUAN UPDATE SPSE" in page
        assert "Menunggu laporan vendor" in page
        sop = known_sop(people)
        form = client.get(reverse("monitoring_form"), {"sop": sop}).content.decode()
        assert "3 dari 4 tepat waktu (75%)" in form and "sedikitnya 80%" in form
        data = {"pelaksana": "Sri Wahyuni, S.Kom., M.M."}
        for no in range(1, 6):
            data |= {f"nilai_{no}": "baik", f"catatan_{no}": "", f"tindakan_{no}": ""}
        data |= {"nilai_2": "tidak", "catatan_2": "Laporan vendor sering terlambat",
                 "tindakan_2": "Minta vendor mengirim laporan H-1"}
        pdf = client.post(reverse("monitoring_form") + f"?sop={sop}", data)
        csv_text = client.get(reverse("monev_csv")).getvalue().decode("utf-8-sig")
        report_pdf = client.get(reverse("monev_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "FORMULIR MONITORING PELAKSANAAN SOP" in text and "Minta vendor mengirim laporan H-1" in text
    assert "tidak berjalan dengan baik" in text
    assert csv_text.splitlines()[2].split(",")[5:7] == ["4", "75"]  # step 2: 4 done, 75 % on time
    assert report_pdf.content.startswith(b"%PDF")
    client.force_login(people["pokja.ponorogo"])
    assert client.get(reverse("monev")).status_code == 403


def known_sop(people) -> int:
    from workflows.models import Sop

    return Sop.objects.get(code="PNG-UPDATE-SPSE", agency__code="ponorogo").pk


def test_bad_filters_are_a_message(known, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    response = client.get(reverse("monev"), {"dari": "2026-13-45", "sop": "x"})
    assert response.status_code == 400 and "Tanggal tidak dikenali" in response.content.decode()
    assert client.get(reverse("monitoring_form"), {"sop": "99999"}).status_code == 400


def test_a_step_without_a_time_limit_counts_as_done_but_not_as_on_time(seed_sops, people):
    from tests.workflows.driving import run_to_end

    with when(0, 10):
        run_to_end(start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version, "Registrasi"))
    report = figures(people["kepala.lpse.kaltim"])
    first = report.steps[1]  # "N/A": no due time
    assert (first.figures.done, first.figures.runs, first.figures.share_on_time) == (1, 0, None)
    assert first.figures.judged_good is None and "tanpa batas waktu" in first.note()


def test_a_reversed_period_is_a_message(known, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    for name in ("monev", "deviations"):
        response = client.get(reverse(name), {"dari": "2026-11-30", "sampai": "2026-11-01"})
        assert response.status_code == 400 and "Tanggal akhir sebelum tanggal awal" in response.content.decode()


def test_a_selection_too_large_to_measure_asks_for_a_narrower_one(seed_sops, people, client, monkeypatch):
    """A national auditor's whole archive is not measured in one request (74,000 cases took 15 s):
    the page and the downloads ask for an agency, an SOP or a period instead."""
    from django.urls import reverse

    from tests.workflows.driving import run_to_end, start

    for i in range(3):
        run_to_end(start(seed_sops["PNG-UPDATE-SPSE"].latest_version, f"Update {i}"))
    monkeypatch.setattr(monev, "MAX_CASES", 2)
    client.force_login(people["auditor.bpk"])
    page = client.get(reverse("monev"))
    assert page.status_code == 200 and page.context["reports"] == []
    assert "Pilihan ini mencakup lebih dari 2 kasus atau 50 SOP" in page.content.decode()
    assert "sedikitnya 80% pelaksanaannya" in page.content.decode()  # the introduction keeps its threshold
    for name in ("monev_csv", "monev_xlsx", "monev_pdf"):
        download = client.get(reverse(name), follow=True)
        assert download.redirect_chain[0][0] == reverse("monev")
        assert "lebih dari 2 kasus" in download.content.decode()
    monkeypatch.setattr(monev, "MAX_CASES", 3)
    assert len(client.get(reverse("monev")).context["reports"]) == 1
    monkeypatch.setattr(monev, "MAX_SOPS", 0)  # one SOP is too many SOPs
    assert "atau 0 SOP" in client.get(reverse("monev")).content.decode()


def test_a_selection_with_no_case_says_why(seed_sops, people, client):
    """An SOP of one agency chosen with another agency, a period with no case, and an empty
    archive each get their own sentence, not "no cases yet"."""
    from django.urls import reverse

    from tests.workflows.test_case_record_pdf import text_of

    from accounts.models import Agency
    from tests.workflows.driving import run_to_end, start
    from workflows.models import Sop

    client.force_login(people["auditor.bpk"])
    assert "Belum ada kasus untuk dimonitor." in client.get(reverse("monev")).content.decode()
    run_to_end(start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Update"))
    ponorogo_sop = Sop.objects.get(code="PNG-UPDATE-SPSE", agency__code="ponorogo")
    kkp = Agency.objects.get(code="kkp")
    text = client.get(reverse("monev"), {"sop": ponorogo_sop.pk, "instansi": kkp.pk}).content.decode()
    assert f"milik {ponorogo_sop.agency.name}, bukan {kkp.name}" in text
    period = {"dari": "2001-01-01", "sampai": "2001-01-31"}
    text = client.get(reverse("monev"), period).content.decode()
    assert "Tidak ada kasus yang cocok dengan pilihan ini. Ubah atau kosongkan pilihan di atas." in text
    # On paper there are no choices "above": the printed report says why only.
    printed = text_of(client.get(reverse("monev_pdf"), period).content)
    assert "Tidakadakasusyangcocokdenganpilihanini." in printed and "diatas" not in printed  # spaces squashed
    assert len(client.get(reverse("monev")).context["reports"]) == 1


def test_the_printed_report_keeps_its_step_table_on_the_page_with_every_header_apart(known, people, client):
    """The step table's ten columns fit A4 portrait: nothing crosses the side margins, and each
    header ("Penyimpangan" ran into "Ulang") and each lane label stays whole on its line."""
    import pdfplumber

    from tests.workflows.printed import lines_of, page_faults

    client.force_login(people["kepala.lpse.ponorogo"])
    with time_machine.travel(NOW, tick=False):
        pdf = client.get(reverse("monev_pdf")).content
    assert page_faults(pdf, left_mm=12, right_mm=12) == []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = [word for page in document.pages for word in page.extract_words()]
    (deviations, ulang), = [(d, u) for d in words if d["text"] == "Penyimpangan"  # the header, beside "Ulang"
                            for u in words if u["text"] == "Ulang" and abs(u["top"] - d["top"]) < 1]
    assert deviations["x1"] + 2 < ulang["x0"], (deviations, ulang)
    for label in ("Admin PPE", "Kepala LPSE", "Kepala UKPBJ"):
        printed = lines_of(pdf, label)
        assert printed and all(len(tops) == 1 for tops in printed), (label, printed)
