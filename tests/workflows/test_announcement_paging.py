"""Pengumuman at national scale: the page 25 at a time, the JSON and Atom feed the 100 soonest,
in the same number of queries however many announcements there are."""
import datetime
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workflows.driving import start
from workflows.models import Announcement, Case

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 23, 2, 30, tzinfo=datetime.UTC)


def announcements(original: Case, n: int, first: int = 0) -> None:
    """``n`` more announcements of KKP, the k-th starting k hours after ``NOW`` + 3 days (in bulk)."""
    cases = Case.objects.bulk_create([
        Case(sop_version=original.sop_version, agency=original.agency, unit=original.unit, title=f"Pemeliharaan {i}",
             state=original.state, current_role=original.current_role, started_by=original.started_by)
        for i in range(first, first + n)])
    Announcement.objects.bulk_create([
        Announcement(case=case, agency=original.agency, text=f"Pemeliharaan nomor {i}",
                     starts_at=NOW + datetime.timedelta(days=3, hours=i),
                     ends_at=NOW + datetime.timedelta(days=3, hours=i + 2), published_by=original.started_by)
        for i, case in zip(range(first, first + n), cases, strict=True)])


@pytest.fixture
def kkp_case(seed_sops):
    with time_machine.travel(NOW, tick=False):
        return start(seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version, "Asli")


def test_the_page_shows_25_a_page_soonest_first(kkp_case, client):
    announcements(kkp_case, 130)
    with time_machine.travel(NOW, tick=False):
        first = client.get(reverse("announcements")).content.decode()
        last = client.get(reverse("announcements"), {"page": 6}).content.decode()
        for bad in ("999", "x", "-3", "0"):
            assert client.get(reverse("announcements"), {"page": bad}).status_code == 200
    numbers = [int(n) for n in re.findall(r"Pemeliharaan nomor (\d+)<", first)]
    assert numbers == list(range(25))
    assert "Halaman 1 dari 6" in first
    assert [int(n) for n in re.findall(r"Pemeliharaan nomor (\d+)<", last)] == list(range(125, 130))


def test_the_json_and_the_feed_carry_the_100_soonest(kkp_case, client):
    announcements(kkp_case, 130)
    with time_machine.travel(NOW, tick=False):
        data = json.loads(client.get(reverse("announcements_json")).content)["pengumuman"]
        feed = client.get(reverse("announcements_feed")).content.decode()
        filtered = json.loads(client.get(reverse("announcements_json"), {"instansi": "kkp"}).content)["pengumuman"]
        other = json.loads(client.get(reverse("announcements_json"), {"instansi": "ponorogo"}).content)["pengumuman"]
    assert [item["teks"] for item in data] == [f"Pemeliharaan nomor {i}" for i in range(100)]
    assert feed.count("<entry>") == 100 and "Pemeliharaan nomor 99 " in feed and "nomor 100 " not in feed
    assert len(filtered) == 100 and other == []


def test_the_page_and_the_json_cost_the_same_queries_for_5_and_300(kkp_case, client):
    announcements(kkp_case, 5)

    def count(name, **params):
        with CaptureQueriesContext(connection) as captured, time_machine.travel(NOW, tick=False):
            assert client.get(reverse(name), params).status_code == 200
        return len(captured.captured_queries)

    names = ("announcements", "announcements_json", "announcements_feed")
    small = [count(name) for name in names]
    announcements(kkp_case, 295, first=5)
    assert [count(name) for name in names] == small
