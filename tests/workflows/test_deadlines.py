"""Reminders before due, an overdue notice to the pelaksana and the unit's head at due time,
a daily digest to the head after that; each once, however often the sweep runs, and also
when two sweeps run at the same moment (PostgreSQL)."""
import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.workflows.driving import case_at
from workflows.deadlines import sweep
from workflows.models import DeadlineNotice, Notification, OutgoingEmail

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MONDAY_10 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=WIB)


def at(days=0, hours=0, minutes=0):
    return MONDAY_10 + datetime.timedelta(days=days, hours=hours, minutes=minutes)


def notices(person) -> list[str]:
    return list(Notification.objects.filter(user=person).order_by("pk").values_list("message", flat=True))


@pytest.fixture
def waiting(seed_sops):
    """An Update SPSE case whose step 3 ("1 hari", the Kepala UKPBJ) activated Monday 10.00 WIB;
    the case's unit is the LPSE, headed by the Kepala LPSE."""
    with time_machine.travel(MONDAY_10, tick=False):
        return case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3)


@pytest.mark.django_db
def test_reminder_then_overdue_then_daily_digest_each_once(waiting, people):
    agus, sri = people["kepala.ukpbj.ponorogo"], people["kepala.lpse.ponorogo"]
    before_agus, before_sri = len(notices(agus)), len(notices(sri))
    with time_machine.travel(at(hours=5), tick=False):  # Monday 15.00: not yet 75 % of the working day
        assert sweep().reminders == 0
    with time_machine.travel(at(days=1, hours=-2, minutes=-7), tick=False):  # Tuesday 07.53
        assert (sweep().reminders, sweep().reminders) == (1, 0)
    reminder = notices(agus)[before_agus:]
    assert len(reminder) == 1
    assert reminder[0].startswith("Pengingat: langkah 3 (")
    assert reminder[0].endswith('kasus "Kasus uji" jatuh tempo Selasa, 24 November 2026 10.00 WIB.')
    assert OutgoingEmail.objects.filter(recipient=agus, subject__startswith="[LPSE SOP] Pengingat").count() == 1
    with time_machine.travel(at(days=1), tick=False):  # Tuesday 10.00: due
        result = sweep()
        assert (result.overdue, sweep().overdue) == (1, 0)
    assert "Terlambat: langkah 3" in notices(agus)[-1]
    head_notices = notices(sri)[before_sri:]
    assert len(head_notices) == 1 and head_notices[0].startswith("Terlambat di LPSE Kabupaten Ponorogo: langkah 3")
    assert "Drs. Agus Pramono, M.Si." in head_notices[0]
    with time_machine.travel(at(days=1, hours=5), tick=False):  # still Tuesday: no digest on the day it fell due
        assert sweep().digests == 0
    with time_machine.travel(at(days=2, hours=-2), tick=False):  # Wednesday 08.00
        assert (sweep().digests, sweep().digests) == (1, 0)
    with time_machine.travel(at(days=3, hours=-2), tick=False):  # Thursday 08.00: the next day's digest
        assert sweep().digests == 1
    digests = [m for m in notices(sri) if m.startswith("Ringkasan harian")]
    assert digests == ["Ringkasan harian LPSE Kabupaten Ponorogo: 1 langkah terlambat."] * 2
    assert DeadlineNotice.objects.filter(kind="reminder").count() == 1
    assert DeadlineNotice.objects.filter(kind="overdue").count() == 1


@pytest.mark.django_db
def test_a_step_done_in_time_gets_no_overdue_notice(waiting, people):
    from tests.workflows.driving import act

    with time_machine.travel(at(hours=1), tick=False):
        act(waiting, "complete")
    with time_machine.travel(at(days=5), tick=False):
        result = sweep()
    assert (result.reminders, result.overdue) == (0, 1)  # only step 4, which activated Monday 11.00
    assert DeadlineNotice.objects.get(kind="overdue").step_run.step_no == 4


@pytest.mark.django_db
def test_the_head_sees_every_overdue_step_of_the_unit_oldest_first(waiting, seed_sops, people, client):
    with time_machine.travel(at(hours=2), tick=False):
        later = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)  # the Kepala LPSE's own step
    client.force_login(people["kepala.lpse.ponorogo"])
    with time_machine.travel(at(days=2), tick=False):
        page = client.get(reverse("overdue")).content.decode()
    assert page.index(f'href="{reverse("case_detail", args=[waiting.pk])}"') < page.index(
        f'href="{reverse("case_detail", args=[later.pk])}"')
    assert "8 jam 30 menit" in page  # Tuesday 10.00 to Wednesday 10.00 in working time
    client.force_login(people["admin.ppe.ponorogo"])
    assert client.get(reverse("overdue")).status_code == 403


@pytest.mark.django_db
def test_the_command_reports_what_it_sent(waiting, capsys):
    with time_machine.travel(at(days=1), tick=False):
        call_command("sweep_deadlines")
    assert "1 pemberitahuan terlambat" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_send_each_notice_once(seed_sops, people):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    with time_machine.travel(MONDAY_10, tick=False):
        cases = [case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3) for _ in range(5)]
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        from django.db import connections

        try:
            with time_machine.travel(at(days=1, minutes=5), tick=False):
                barrier.wait()
                sweep()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    agus = people["kepala.ukpbj.ponorogo"]
    overdue = [m for m in notices(agus) if m.startswith("Terlambat: langkah 3")]
    assert len(overdue) == len(cases)
    assert DeadlineNotice.objects.filter(kind="overdue").count() == len(cases)
    assert OutgoingEmail.objects.filter(recipient=agus, subject__startswith="[LPSE SOP] Terlambat:").count() == 5
