"""A table too large to write during a request is made in the background (workflows.exports):
the person is told why, follows the job's progress and downloads a workbook holding every row;
a small one still downloads at once. DIRECT_ROWS is lowered here so that the fixtures' few
rows count as a large selection."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.http import FileResponse
from django.urls import reverse
from openpyxl import load_workbook

from tests.workflows.test_archive import archive  # noqa: F401 (a fixture)
from tests.workflows.test_archive_export import HEADER, old_style_rows
from tests.workflows.test_deviations import at, known  # noqa: F401 (a fixture)
from workflows import exports
from workflows.models import ExportJob

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def two_rows_at_once(monkeypatch):
    monkeypatch.setattr(exports, "DIRECT_ROWS", 2)


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_small_archive_xlsx_downloads_at_once_without_a_job(archive, people, client):
    client.force_login(people["auditor.bpk"])
    response = client.get(reverse("archive_xlsx"))
    assert isinstance(response, FileResponse) and response["Content-Type"] == XLSX
    assert len(sheet_rows(response.getvalue())) == 5
    assert not ExportJob.objects.exists()


def test_a_large_archive_xlsx_is_explained_before_anything_is_queued(archive, people, client, two_rows_at_once):
    client.force_login(people["auditor.bpk"])
    page = client.get(reverse("archive_xlsx"), {"status": "done"})
    text = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Daftar ini berisi lebih dari 2 baris" in text and "dibuat di latar belakang" in text
    assert f'<form method="post" action="{reverse("archive_xlsx")}?status=done">' in text
    assert f'href="{reverse("archive_csv")}?status=done"' in text  # the CSV streams at any size
    assert not ExportJob.objects.exists()  # a GET queues nothing


def test_a_large_archive_xlsx_is_made_by_a_job_whose_file_holds_every_row(archive, people, client,
                                                                        two_rows_at_once):
    auditor = people["auditor.bpk"]
    client.force_login(auditor)
    response = client.post(reverse("archive_xlsx"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("archive_export_progress", args=[job.pk])
    assert (job.kind, job.status, job.total, job.done, job.requested_by) == ("arsip_xlsx", "done", 4, 4, auditor)
    page = client.get(response["Location"]).content.decode()
    assert "Ekspor XLSX daftar arsip kasus" in page and "100% — 4 dari 4 baris" in page
    assert "Selesai: berkas XLSX siap diunduh." in page and "lebih dari 2 baris" in page
    assert f'href="{reverse("archive_export_download", args=[job.pk])}"' in page and "Unduh XLSX" in page

    download = client.get(reverse("archive_export_download", args=[job.pk]))
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == f'attachment; filename="arsip-kasus-{job.pk}.xlsx"'
    rows = sheet_rows(b"".join(download.streaming_content))
    assert rows[0] == HEADER
    _header, expected = old_style_rows(auditor)
    text_columns = [0, 1, 2, 4, 5, 6, 9, 10, 11]  # the dates are date cells, an empty nomor no cell
    assert [[row[i] for i in text_columns] for row in rows[1:]] == [[row[i] for i in text_columns]
                                                                   for row in expected]


def test_the_archive_lists_the_auditors_exports_of_either_kind(archive, people, client, two_rows_at_once):
    client.force_login(people["auditor.bpk"])
    client.post(reverse("archive_xlsx"))
    client.post(reverse("archive_zip") + "?status=cancelled")
    page = client.get(reverse("archive_list")).content.decode()
    assert "Ekspor Anda" in page and "XLSX daftar arsip kasus, selesai" in page and "ZIP rekaman kasus, selesai" in page


def test_asking_again_while_the_file_is_made_leads_to_the_same_job(archive, people, client, two_rows_at_once):
    running = ExportJob.objects.create(requested_by=people["auditor.bpk"], kind="arsip_xlsx", query="status=done",
                                       status="running")
    client.force_login(people["auditor.bpk"])
    response = client.post(reverse("archive_xlsx") + "?status=done")
    assert response["Location"] == reverse("archive_export_progress", args=[running.pk])
    assert ExportJob.objects.count() == 1


def test_a_large_deviation_register_is_made_in_the_background_for_a_head(known, people, client, two_rows_at_once):
    head = people["kepala.lpse.ponorogo"]
    client.force_login(head)
    with at(days=2):
        assert "lebih dari 2 baris" in client.get(reverse("deviation_xlsx")).content.decode()
        response = client.post(reverse("deviation_xlsx") + "?jenis=terlambat")
        job = ExportJob.objects.get()
        assert response["Location"] == reverse("deviation_export_progress", args=[job.pk])
        page = client.get(response["Location"]).content.decode()
        csv_rows = client.get(reverse("deviation_csv"), {"jenis": "terlambat"}).getvalue().decode("utf-8-sig")
        download = client.get(reverse("deviation_export_download", args=[job.pk]))
        listed = client.get(reverse("deviations")).content.decode()
    assert (job.kind, job.status, job.total, job.query) == ("penyimpangan_xlsx", "done", 3, "jenis=terlambat")
    assert "100% — 3 dari 3 baris" in page and "Kembali ke daftar penyimpangan (filter yang sama)" in page
    assert f'href="{reverse("deviations")}?jenis=terlambat"' in page
    assert download["Content-Disposition"] == f'attachment; filename="penyimpangan-{job.pk}.xlsx"'
    rows = sheet_rows(b"".join(download.streaming_content))
    assert len(rows) == 4 == len(csv_rows.strip().splitlines())
    assert sorted(row[1] for row in rows[1:]) == ["A terlambat", "B dikembalikan", "E masih terlambat"]
    assert listed.count("XLSX daftar penyimpangan, selesai") == 1


def test_an_export_is_seen_only_by_who_asked_and_only_where_it_was_asked(archive, people, client):
    job = ExportJob.objects.create(requested_by=people["auditor.bpk"], kind="arsip_xlsx", status="done")
    client.force_login(people["auditor.bpk"])
    assert client.get(reverse("archive_export_progress", args=[job.pk])).status_code == 200
    # An auditor reads the register too, but an archive export is not among its exports.
    assert client.get(reverse("deviation_export_progress", args=[job.pk])).status_code == 404
    client.force_login(people["auditor.ponorogo"])
    assert client.get(reverse("archive_export_progress", args=[job.pk])).status_code == 404
    client.force_login(people["pokja.ponorogo"])  # reads no register at all
    refused = client.get(reverse("deviation_export_progress", args=[job.pk]))
    assert refused.status_code == 403 and "Daftar penyimpangan untuk kepala unit dan auditor" in refused.content.decode()


def test_a_job_for_somebody_who_lost_the_right_fails_with_the_reason(people):
    job = ExportJob.objects.create(requested_by=people["pokja.ponorogo"], kind="penyimpangan_xlsx")
    exports.run_export(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file and job.finished_at
    assert job.error == "Filter ini tidak lagi dapat dipakai dengan hak Anda sekarang; tidak ada yang diekspor."


def test_a_job_that_cannot_be_queued_says_so_on_its_page(archive, people, client, two_rows_at_once, monkeypatch):
    def down(*args):
        raise ConnectionError("antrean mati")

    monkeypatch.setattr(exports, "build_export", SimpleNamespace(enqueue=down))
    client.force_login(people["auditor.bpk"])
    page = client.post(reverse("archive_xlsx"), follow=True).content.decode()
    job = ExportJob.objects.get()
    assert job.status == "failed" and "Antrean tugas latar belakang tidak dapat dihubungi: antrean mati" in page


def test_the_worker_writes_a_table_with_the_cycle_collector_paused_and_turns_it_back_on(
        archive, people, client, two_rows_at_once, monkeypatch):
    """The collector is off while the rows are written (lpse_sop.collector.collector_paused) and on again
    afterwards, whether the file was made or the job failed half-way."""
    import gc

    from workflows import archive_export

    seen, write = [], archive_export.xlsx.write

    def watching(header, rows, **kwargs):
        seen.append(gc.isenabled())
        return write(header, rows, **kwargs)

    monkeypatch.setattr(archive_export.xlsx, "write", watching)
    client.force_login(people["auditor.bpk"])
    client.post(reverse("archive_xlsx"))
    assert ExportJob.objects.get().status == "done" and seen == [False] and gc.isenabled()

    def failing(header, rows, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(archive_export.xlsx, "write", failing)
    client.post(reverse("archive_xlsx"), {"status": "done"})
    assert ExportJob.objects.latest("pk").status == "failed" and gc.isenabled()
