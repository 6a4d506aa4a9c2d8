"""The deviation register for a fixture of known cases equals what was worked out by hand:
late in working minutes, returned, TIDAK and cancelled, each with who and why, scoped to
the head's units and to the auditor's archive; CSV and XLSX carry the same rows."""
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.workflows.driving import act, case_at, start
from workflows import deviations
from workflows.services import case_cancel

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MONDAY_10 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WIB)


def at(**delta):
    return time_machine.travel(MONDAY_10 + datetime.timedelta(**delta), tick=False)


@pytest.fixture
def known(seed_sops, people):
    update, kaltim = seed_sops["PNG-UPDATE-SPSE"].latest_version, seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version
    with at():
        late = act(start(update, "A terlambat"), "complete")  # step 2 due Tuesday 10.00
        returned = act(start(update, "B dikembalikan"), "complete")
        refused = act(start(kaltim, "C tidak"), "complete")
        cancelled = start(update, "D dibatalkan")
        waiting = case_at(update, 3)
        waiting.title = "E masih terlambat"
        waiting.save(update_fields=["title"])
    with at(hours=2):
        act(returned, "kembali", note="Laporan belum lengkap")
    with at(minutes=5):
        act(refused, "tidak", note="KTP belum dilampirkan")
    with at(hours=3):
        case_cancel(case_id=cancelled.pk, by=people["kepala.lpse.ponorogo"], reason="Permohonan ditarik")
    with at(days=1, hours=1):  # Tuesday 11.00: one working hour late
        act(late, "complete", late_reason="Menunggu laporan vendor")
    return {"late": late, "returned": returned, "refused": refused, "cancelled": cancelled, "waiting": waiting}


def table(user) -> list[tuple]:
    with at(days=2):  # Wednesday 10.00
        return [(d.run.case.title, d.run.step_no, d.kinds, round(d.late_minutes), d.accountable, d.reason)
                for d in deviations.describe(deviations.register_for(user).order_by("case__title", "pk"))]


def test_the_heads_register_is_the_hand_computed_one(known, people):
    assert table(people["kepala.lpse.ponorogo"]) == [
        ("A terlambat", 2, ["terlambat"], 60, "Sri Wahyuni, S.Kom., M.M.", "Menunggu laporan vendor"),
        ("B dikembalikan", 2, ["dikembalikan"], 0, "Sri Wahyuni, S.Kom., M.M.", "Laporan belum lengkap"),
        # Step 1 again since Monday 12.00, due Tuesday 12.00: 4 h Tuesday and 2.5 h Wednesday late.
        ("B dikembalikan", 1, ["terlambat"], 390, "Admin PPE (belum dikerjakan)", ""),
        ("D dibatalkan", 1, ["dibatalkan"], 0, "Sri Wahyuni, S.Kom., M.M.", "Permohonan ditarik"),
        # Tuesday 10.00 to Wednesday 10.00: 6 h Tuesday (10.00-16.00) and 2.5 h Wednesday (07.30-10.00).
        ("E masih terlambat", 3, ["terlambat"], 510, "Kepala UKPBJ (belum dikerjakan)", ""),
    ]
    assert table(people["kepala.lpse.kaltim"]) == [
        ("C tidak", 2, ["tidak"], 0, "Dewi Anggraini, S.Kom., M.Kom.", "KTP belum dilampirkan"),
        # Step 3 ("5 Menit") since Monday 10.05, due 10.10: 350 + 510 + 150 working minutes late.
        ("C tidak", 3, ["terlambat"], 1010, "PM Direktorat e-Procurement LKPP (belum dikerjakan)", "")]


def test_auditors_see_the_deviations_of_their_archive_only(known, people):
    assert [row[0] for row in table(people["auditor.ponorogo"])] == ["D dibatalkan"]
    assert [row[0] for row in table(people["auditor.bpk"])] == ["D dibatalkan"]
    assert deviations.register_for(people["admin.ppe.ponorogo"]) is None


def test_the_page_filters_and_downloads(known, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    with at(days=2):
        page = client.get(reverse("deviations"), {"jenis": "terlambat"}).content.decode()
        assert "A terlambat" in page and "E masih terlambat" in page and "D dibatalkan" not in page
        assert "8 jam 30 menit" in page and "1 jam" in page
        returned = client.get(reverse("deviations"), {"jenis": "dikembalikan"}).content.decode()
        assert "B dikembalikan" in returned and "A terlambat" not in returned
        bad = client.get(reverse("deviations"), {"dari": "2026-02-30", "jenis": "x"})
        assert bad.status_code == 400 and "Tanggal tidak dikenali" in bad.content.decode()
        csv_text = client.get(reverse("deviation_csv"), {"jenis": "terlambat"}).getvalue().decode("utf-8-sig")
        xlsx = client.get(reverse("deviation_xlsx"))
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("No. kasus,Judul,SOP,Instansi,Langkah")
    assert len(lines) == 4 and any("Menunggu laporan vendor" in line and ",60," in line for line in lines)
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet.max_row == 6  # header and the five rows of the head's register
    client.force_login(people["pokja.ponorogo"])
    assert client.get(reverse("deviations")).status_code == 403


def test_the_pages_reach_the_newest_deviations_and_say_the_downloads_hold_the_rest(known, people, client,
                                                                                    monkeypatch):
    from workflows.views import deviations as views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    monkeypatch.setattr(views, "SHOWN", 2)
    client.force_login(people["kepala.lpse.ponorogo"])
    with at(days=2):
        first = client.get(reverse("deviations"))
        beyond = client.get(reverse("deviations"), {"page": 3})
        everything = client.get(reverse("deviation_csv")).getvalue().decode("utf-8-sig").strip().splitlines()
    assert "Halaman 1 dari 2" in first.content.decode()
    assert "menampilkan 2 penyimpangan terbaru" in first.content.decode()
    assert beyond.context["page"].number == 2  # past the last page: the last page
    assert len(everything) == 1 + 5  # the header and every row


def test_a_national_auditor_narrows_the_register_by_agency(known, people, client):
    client.force_login(people["auditor.bpk"])
    ponorogo = known["cancelled"].agency
    with at(days=2):
        page = client.get(reverse("deviations"), {"instansi": ponorogo.pk})
        elsewhere = client.get(reverse("deviations"), {"instansi": known["refused"].agency_id})
    assert [d.run.case.title for d in page.context["rows"]] == ["D dibatalkan"]
    assert elsewhere.context["rows"] == []


@pytest.mark.parametrize("who, narrowed", [("kepala.lpse.ponorogo", False), ("admin", False), ("admin", True)])
def test_every_scope_lists_the_newest_step_first(known, people, client, who, narrowed, monkeypatch):
    """A head's units and a filtered register are ordered by an expression PostgreSQL finds from
    the scope's cases (deviations.NEWEST_FIRST_IN_SCOPE), the nation's (the administrator's,
    unfiltered) by the step runs' index: both newest step first, the later-made run first on a
    tie."""
    from workflows.views import deviations as views

    monkeypatch.setattr(views, "PER_PAGE", 100)
    client.force_login(people[who])
    query = {"instansi": known["cancelled"].agency_id} if narrowed else {}
    with at(days=2):
        rows = [d.run for d in client.get(reverse("deviations"), query).context["rows"]]
    assert len({run.activated_at for run in rows}) < len(rows)  # several rows, and a tie among them
    assert rows == sorted(rows, key=lambda run: (run.activated_at, run.pk), reverse=True)
