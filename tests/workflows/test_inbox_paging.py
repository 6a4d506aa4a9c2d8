"""Tugas saya at national scale: 50 tasks a page, the counters over all of them, and the
same number of queries for 10 tasks as for 2,000."""
import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.workflows.driving import start
from workflows.models import Case, StepRun

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)  # Selasa 10.00 WIB


def copies(case: Case, dues: list[datetime.datetime | None], *, assignee=None) -> None:
    """More cases waiting at ``case``'s current step, one per due time, made in bulk."""
    run = case.step_runs.get(completed_at__isnull=True)
    made = Case.objects.bulk_create([
        Case(sop_version=case.sop_version, agency=case.agency, unit=case.unit, title=f"Salinan {i}", state=case.state,
             current_role=case.current_role, started_by=case.started_by) for i in range(len(dues))])
    StepRun.objects.bulk_create([
        StepRun(case=copy, step_no=run.step_no, lane_role=run.lane_role, activated_at=run.activated_at, due_at=due,
                assignee=assignee) for copy, due in zip(made, dues, strict=True)])


@pytest.fixture
def crowded_inbox(seed_sops, people):
    """120 tasks for Admin PPE Ponorogo: 30 overdue, 20 due later today (WIB), 60 later, 10 without
    a due time; plus 3 a colleague has taken (shown, not counted)."""
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Asli")
    dues = ([NOW - datetime.timedelta(hours=h + 1) for h in range(29)]
            + [NOW + datetime.timedelta(minutes=10 * m + 1) for m in range(20)]
            + [NOW + datetime.timedelta(days=d + 1) for d in range(60)] + [None] * 10)
    copies(case, dues)
    colleague = people["kepala.lpse.ponorogo"]  # any other person: the run is theirs, not the lane's
    copies(case, [NOW] * 3, assignee=colleague)
    return people["admin.ppe.ponorogo"]


def test_the_inbox_pages_fifty_tasks_and_counts_them_all(crowded_inbox, client):
    client.force_login(crowded_inbox)
    with time_machine.travel(NOW, tick=False):
        pages = [client.get(reverse("my_tasks"), {"page": n}) for n in (1, 2, 3)]
    inboxes = [page.context["inbox"] for page in pages]
    for inbox in inboxes:
        assert (inbox.waiting, inbox.overdue, inbox.due_today) == (120, 30, 20)
        assert len(inbox.taken) == 3 and inbox.taken_more == 0
    assert [len(inbox.tasks) for inbox in inboxes] == [50, 50, 20]
    tasks = [task for inbox in inboxes for task in inbox.tasks]
    assert len({task.case.pk for task in tasks}) == 120
    dues = [task.run.due_at for task in tasks]
    assert dues[:110] == sorted(dues[:110]) and dues[110:] == [None] * 10  # soonest first, no due time last
    assert tasks[0].case.title == "Asli" and tasks[0].overdue
    assert sum(t.overdue for t in tasks) == 30 and sum(t.due_today for t in tasks) == 20
    first = pages[0].content.decode()
    assert "Halaman 1 dari 3" in first and "?page=2" in first
    assert '<span class="count">120</span>' in first


def test_a_bad_page_number_shows_a_page_never_an_error(crowded_inbox, client):
    client.force_login(crowded_inbox)
    for bad in ("999", "abc", "-1", "0", "1.5", "٣"):
        response = client.get(reverse("my_tasks"), {"page": bad})
        assert response.status_code == 200, bad
        assert response.context["inbox"].page.number in (1, 3)


def test_the_inbox_costs_the_same_queries_for_10_tasks_and_2000(seed_sops, people, client):
    admin = people["admin.ppe.ponorogo"]
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Asli")
    copies(case, [None] * 9)
    client.force_login(admin)
    client.get(reverse("my_tasks"))  # session and caches warm

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("my_tasks"))
        return len(captured.captured_queries), response.context["inbox"].waiting

    small, ten = queries()
    copies(case, [timezone.now() + datetime.timedelta(hours=i) for i in range(1990)])
    large, two_thousand = queries()
    assert (ten, two_thousand) == (10, 2000)
    assert small == large, (small, large)



def test_my_own_tasks_come_first_across_pages_then_the_lanes_soonest_due(seed_sops, people, client):
    admin = people["admin.ppe.ponorogo"]
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version, "Asli")
    copies(case, [NOW + datetime.timedelta(hours=h) for h in range(60)], assignee=admin)  # taken by me, due later
    copies(case, [NOW - datetime.timedelta(hours=h + 1) for h in range(59)])  # the lane's, already late
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        inboxes = [client.get(reverse("my_tasks"), {"page": n}).context["inbox"] for n in (1, 2, 3)]
    tasks = [task for inbox in inboxes for task in inbox.tasks]
    assert [len(inbox.tasks) for inbox in inboxes] == [50, 50, 20]
    assert [task.mine for task in tasks] == [True] * 60 + [False] * 60
    mine, lanes = [t.run.due_at for t in tasks[:60]], [t.run.due_at for t in tasks[60:]]
    assert mine == sorted(mine) and lanes == sorted(lanes)
    assert inboxes[0].waiting == 120 and inboxes[0].overdue == 60
