"""A history that proves itself: a row altered, removed or added behind the application's
back is named by verify_history and by the public verification page; on PostgreSQL the
database itself refuses to rewrite the history."""
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.workflows.driving import act, run_to_end, start
from workflows import ledger
from workflows.models import CaseEvent, CaseInput, LedgerEntry, StepRun
from workflows.pdf.case_record import render_case_record

pytestmark = pytest.mark.django_db


def behind_the_back(sql: str, *params) -> None:
    """Raw SQL as someone with database access would run it (on PostgreSQL, with the
    append-only triggers switched off, as a superuser could)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def finished(seed_sops):
    return run_to_end(start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Update berjalan"))


def test_an_untouched_history_verifies(finished, capsys):
    assert ledger.verify(finished) == []
    assert LedgerEntry.objects.filter(case=finished).count() == (
        finished.events.count() + finished.inputs.count() + finished.attachments.count()
        + 2 * finished.step_runs.count())  # a step run is chained when it starts and when it is done
    call_command("verify_history", "--case", str(finished.pk))
    assert "semua rantai riwayat utuh" in capsys.readouterr().out


def test_an_altered_history_row_is_named_by_the_command_and_the_verification_page(finished, client, people):
    _pdf, record = render_case_record(finished, by=people["auditor.bpk"])
    page = client.get(reverse("verify_record", args=[record.code])).content.decode()
    assert "utuh" in page and record.chain_head and record.chain_head in page
    event = finished.events.order_by("pk")[2]
    behind_the_back("UPDATE workflows_caseevent SET note = %s WHERE id = %s", "dipalsukan", event.pk)
    problems = ledger.verify(finished)
    assert str(problems[0]).startswith(f"riwayat #{event.pk} diubah di luar aplikasi")
    with pytest.raises(CommandError, match="1 dari 1 kasus"):
        call_command("verify_history", "--case", str(finished.pk))
    page = client.get(reverse("verify_record", args=[record.code])).content.decode()
    assert "berubah" in page and "tidak dapat dipercaya" in page


def test_a_removed_row_an_added_row_and_an_edited_chain_are_each_named(finished):
    kelengkapan = finished.inputs.order_by("pk").first()
    behind_the_back("DELETE FROM workflows_caseinput WHERE id = %s", kelengkapan.pk)
    assert any(f"kelengkapan #{kelengkapan.pk} hilang" in str(p) for p in ledger.verify(finished))
    entry = LedgerEntry.objects.filter(case=finished).order_by("seq")[3]
    behind_the_back("UPDATE workflows_ledgerentry SET payload = %s WHERE id = %s", "{}", entry.pk)
    assert f"rantai putus pada entri {entry.seq}" in str(ledger.verify(finished)[0])
    first = finished.events.order_by("pk").first()
    behind_the_back("INSERT INTO workflows_caseevent (case_id, at, actor_id, role, acting, action, from_state, "
                    "to_state, note) SELECT case_id, at, actor_id, role, acting, action, from_state, to_state, "
                    "'sisipan' FROM workflows_caseevent WHERE id = %s", first.pk)
    added = finished.events.order_by("-pk").first()
    assert any(f"riwayat #{added.pk} tidak tercatat dalam rantai" in str(p) for p in ledger.verify(finished))


def test_a_file_swapped_on_disk_is_named(finished):
    attachment = finished.attachments.order_by("pk").first()
    with attachment.file.storage.open(attachment.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 dipalsukan")
    assert f"isi berkas lampiran #{attachment.pk} diganti di luar aplikasi" in str(ledger.verify(finished))
    attachment.file.storage.delete(attachment.file.name)
    assert f"berkas lampiran #{attachment.pk} hilang dari penyimpanan" in str(ledger.verify(finished))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
def test_postgresql_refuses_to_rewrite_the_history(finished, seed_sops):
    done = finished.step_runs.order_by("pk").first()
    for sql, params in (("UPDATE workflows_caseevent SET note = 'x' WHERE case_id = %s", [finished.pk]),
                        ("DELETE FROM workflows_caseevent WHERE case_id = %s", [finished.pk]),
                        ("UPDATE workflows_caseinput SET value = '1' WHERE case_id = %s", [finished.pk]),
                        ("DELETE FROM workflows_attachment WHERE case_id = %s", [finished.pk]),
                        ("UPDATE workflows_ledgerentry SET payload = '{}' WHERE case_id = %s", [finished.pk]),
                        ("UPDATE workflows_steprun SET note = 'x' WHERE id = %s", [done.pk]),
                        ("DELETE FROM workflows_steprun WHERE id = %s", [done.pk])):
        with pytest.raises(DatabaseError, match="hanya dapat ditambah|tidak dapat diubah"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
    waiting = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")  # the app still works
    assert ledger.verify(waiting) == [] and StepRun.objects.filter(case=waiting, completed_at__isnull=True).exists()
    assert CaseEvent.objects.filter(case=finished).count() and CaseInput.objects.filter(case=finished).count()
