"""Personal documents go when their retention ends; the history says what went, when and by
whom, and still verifies; a download afterwards says why the file is gone."""
import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.workflows.driving import run_to_end, start
from workflows import ledger

pytestmark = pytest.mark.django_db


def test_expired_personal_documents_are_removed_and_the_removal_is_in_the_history(
        seed_sops, people, settings, capsys, django_capture_on_commit_callbacks):
    settings.RETENTION_DAYS = {"personal_documents": 365}
    begun = datetime.datetime(2025, 1, 6, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(begun, tick=False):
        case = run_to_end(start(seed_sops["PNG-AKUN-POKJA"].latest_version, "Akun Pokja 2025"))
    scans = [a for a in case.attachments.all() if a.key.startswith("data_pokja")]
    order = [a for a in case.attachments.all() if not a.key.startswith("data_pokja")]  # the surat perintah
    assert scans and order
    with time_machine.travel(begun + datetime.timedelta(days=200), tick=False):
        call_command("purge_personal_data", "--by", "admin")
    assert all(a.file.storage.exists(a.file.name) for a in scans)  # not expired yet
    with time_machine.travel(begun + datetime.timedelta(days=400), tick=False):
        call_command("purge_personal_data", "--by", "admin", "--dry-run")
        assert all(a.file.storage.exists(a.file.name) for a in scans)
        with django_capture_on_commit_callbacks(execute=True):  # the files go once the row is committed
            call_command("purge_personal_data", "--by", "admin")
        call_command("purge_personal_data", "--by", "admin")  # again: nothing more
    out = capsys.readouterr().out
    assert f"{len(scans)} dokumen pribadi dihapus." in out and "0 dokumen pribadi dihapus." in out
    assert not any(a.file.storage.exists(a.file.name) for a in scans)
    assert all(a.file.storage.exists(a.file.name) for a in order)  # not personal: kept
    event = case.events.get(action="retensi")
    assert event.actor == people["admin"] and "masa retensi 365 hari" in event.note
    assert ledger.verify(case) == []  # a removal is a new history row, not an edit
    client = Client()
    client.force_login(people["kepala.ukpbj.ponorogo"])
    response = client.get(reverse("attachment_download", args=[case.pk, scans[0].pk]))
    assert response.status_code == 410 and "masa retensi" in response.content.decode()
