"""Pemeliharaan SPSE: the 3-day rule, the public page, Atom, JSON, forwarding and phone confirmations."""
import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.workflows.driving import act, case_at
from workflows.models import Announcement, Dissemination

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 2, 30, tzinfo=datetime.UTC)  # Senin 09.30 WIB


def announce(client, case, start, end, text="SPSE tidak dapat diakses untuk pemeliharaan server"):
    url = reverse("case_action", args=[case.pk, 2, "selesai"])
    return client.post(url, {"mulai_pemeliharaan": start, "selesai_pemeliharaan": end, "teks_pengumuman": text})


@pytest.fixture
def at_step_2(seed_sops, people, client):
    with time_machine.travel(NOW, tick=False):
        case = case_at(seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version, 2)
    client.force_login(people["admin.sistem.kkp"])
    return case


def test_an_announcement_less_than_three_days_ahead_is_refused_with_the_earliest_start(at_step_2, client):
    with time_machine.travel(NOW, tick=False):
        response = announce(client, at_step_2, "2026-11-25T09:00", "2026-11-25T15:00")
    page = response.content.decode()
    assert response.status_code == 400
    assert "mulai paling cepat Kamis, 26 November 2026 09.30 WIB" in page
    assert Announcement.objects.count() == 0 and at_step_2.step_runs.count() == 2


def test_a_published_announcement_is_public_in_html_atom_and_json(at_step_2, client):
    with time_machine.travel(NOW, tick=False):
        assert announce(client, at_step_2, "2026-11-28T08:00", "2026-11-28T14:00").status_code == 302
        client.logout()
        page = client.get(reverse("announcements")).content.decode()
        feed = client.get(reverse("announcements_feed"))
        data = json.loads(client.get(reverse("announcements_json")).content)
    assert "SPSE tidak dapat diakses untuk pemeliharaan server" in page
    assert "Sabtu, 28 November 2026 08.00 WIB" in page
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"SPSE tidak dapat diakses" in feed.content
    item = data["pengumuman"][0]
    assert item["instansi"] == "kkp" and item["mulai"] == "2026-11-28T01:00:00+00:00"
    assert "Sabtu, 28 November 2026 08.00 WIB" in item["running_text"]


def test_a_cancelled_case_withdraws_its_announcement(at_step_2, client, people):
    with time_machine.travel(NOW, tick=False):
        announce(client, at_step_2, "2026-11-28T08:00", "2026-11-28T14:00")
        client.force_login(people["kepala.lpse.kkp"])
        client.post(reverse("case_cancel", args=[at_step_2.pk]), {"reason": "Jadwal dibatalkan LKPP"})
        data = json.loads(client.get(reverse("announcements_json")).content)
    assert data["pengumuman"] == []


def test_helpdesk_forwards_to_every_pokja_by_email_and_records_phone_confirmations(
        at_step_2, client, people, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        announce(client, at_step_2, "2026-11-28T08:00", "2026-11-28T14:00")
        case = act(at_step_2.__class__.objects.get(pk=at_step_2.pk), "complete")  # step 3: inform Helpdesk
        client.force_login(people["helpdesk.kkp"])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("case_action", args=[case.pk, 4, "selesai"]), {"saluran": "email"})
        assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["pokja.kkp@demo.lpse.localhost"]]
    assert "Sabtu, 28 November 2026 08.00 WIB" in mail.outbox[0].body
    row = Dissemination.objects.get()
    assert (row.recipient, row.channel) == (people["pokja.kkp"], "email")

    url = reverse("record_confirmation", args=[case.pk])
    client.force_login(people["admin.sistem.kkp"])
    assert client.post(url, {"recipient": people["pokja.kkp"].pk}).status_code == 403
    client.force_login(people["helpdesk.kkp"])
    assert client.post(url, {"recipient": people["pokja.ponorogo"].pk}).status_code == 302  # not a KKP Pokja
    assert Dissemination.objects.count() == 1
    client.post(url, {"recipient": people["pokja.kkp"].pk, "note": "Jadwal paket digeser"})
    phone = Dissemination.objects.get(channel="telepon")
    assert phone.by == people["helpdesk.kkp"] and phone.note == "Jadwal paket digeser"
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Jadwal paket digeser" in page and "Putu Ayu Widiastuti" in page
