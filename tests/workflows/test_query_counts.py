"""The inbox, the case page and a transition cost the same number of queries however many
roles, units, agencies and delegations the deployment has."""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Agency, Delegation, Role, RoleAssignment, Unit, User
from tests.workflows.driving import act, case_at

pytestmark = pytest.mark.django_db


def crowd(measured: User, n: int = 12) -> None:
    """A bigger deployment: more agencies with units and staff, more roles, more delegations,
    and more roles and delegations held by the person measured."""
    for i in range(n):
        agency = Agency.objects.create(code=f"instansi-{i}", name=f"Instansi Uji {i}")
        lpse = Unit.objects.create(agency=agency, kind_id="lpse", name=f"LPSE Uji {i}")
        ukpbj = Unit.objects.create(agency=agency, kind_id="ukpbj", name=f"UKPBJ Uji {i}")
        role = Role.objects.create(code=f"peran_uji_{i}", name=f"Peran Uji {i}")
        for j, (unit, code) in enumerate(((lpse, "kepala_lpse"), (lpse, "admin_ppe"), (ukpbj, role.code))):
            person = User.objects.create_user(f"orang-{i}-{j}", full_name=f"Orang {i}-{j}")
            RoleAssignment.objects.create(user=person, role_id=code, unit=unit)
            Delegation.objects.create(role_id="kepala_lpse", unit=lpse, delegate=person, kind="plh",
                                      starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2099, 1, 1),
                                      sk_number=f"SK {i}-{j}", delegated_by=person)
        RoleAssignment.objects.create(user=measured, role=role, unit=ukpbj)
        Delegation.objects.create(role_id="admin_ppe", unit=lpse, delegate=measured, kind="plt",
                                  starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2099, 1, 1),
                                  sk_number=f"SK {i}", delegated_by=measured)


def count(fn) -> int:
    """Statements sent, savepoints aside (the test's own transaction makes every atomic one)."""
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len([q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))])


def test_pages_and_transitions_do_not_grow_with_the_deployment(seed_sops, people, client):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    cases = [case_at(version, 2) for _ in range(3)]
    kepala = people["kepala.lpse.ponorogo"]
    client.force_login(kepala)

    def measure(case):
        return (count(lambda: client.get(reverse("my_tasks"))),
                count(lambda: client.get(reverse("case_detail", args=[case.pk]))),
                count(lambda: act(case, "complete", by=kepala)))

    client.get(reverse("my_tasks"))  # session and caches (content types, permissions) warm
    client.get(reverse("case_detail", args=[cases[2].pk]))
    small = measure(cases[0])
    crowd(kepala)
    large = measure(cases[1])
    assert large == small, (small, large)
    print("queries (inbox, case page, transition):", small)
    # A transition (issue 13: at most 12): 26 measured at national scale; 19 before the ledger
    # was linked in one go (one read of the tail, one insert for the three chained rows) and the
    # engine's readings shared within the call; the notices are queued for the worker on commit.
    assert small[2] <= 12, small


def test_the_archive_list_costs_the_same_queries_for_a_small_and_a_crowded_archive(seed_sops, people, client):
    """Filter choices come from the scope's agencies, SOPs and people, the rows from one page
    query and one prefetch: nothing per case, per SOP or per step run."""
    from tests.workflows.driving import run_to_end, start

    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    for i in range(26):  # one more than a page: a next link as well as the count
        run_to_end(start(version, f"Update SPSE kecil {i}"))
    client.force_login(people["auditor.bpk"])
    url = reverse("archive_list")
    scenarios = ({}, {"q": "update"}, {"status": "done", "sop": version.sop_id}, {"pelaksana_cari": "sri"})

    def measure():
        return [count(lambda params=params: client.get(url, params)) for params in scenarios]

    client.get(url)  # session and caches warm
    small = measure()
    crowd(people["kepala.lpse.ponorogo"])
    for i in range(30):
        run_to_end(start(version, f"Update SPSE besar {i}"))
    large = measure()
    assert large == small, (small, large)
    response = client.get(url)
    assert len(response.context["page"]) == 25 and response.context["page"].next_cursor
    next_page = count(lambda: client.get(url, {"kursor": response.context["page"].next_cursor}))
    assert next_page <= small[0], (next_page, small)
    print("archive queries (list, search, filter, pelaksana):", small)


def _own_role_reads(queries, person: User) -> list[str]:
    """The statements that read ``person``'s own role assignments (whatever else they join)."""
    own = re.compile(rf'(U\d+|"accounts_roleassignment")\."user_id" = {person.pk}\b')
    return [q["sql"] for q in queries.captured_queries if "accounts_roleassignment" in q["sql"]
            and own.search(q["sql"])]


@pytest.mark.parametrize("page", ["monev", "my_tasks", "case_detail", "sop_list"])
def test_a_page_reads_the_persons_roles_once(seed_sops, people, client, page):
    """The header (their agencies, whether they audit, head a unit, administer or write SOPs),
    the access checks and the scope of Monev all ask what roles the person holds: they are read
    in one statement a request. On a case they may act on, the case's guards read them once
    more, live, as a transition does under the case's lock."""
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)  # waiting for the Kepala's disposisi
    url = reverse(page, args=[case.pk]) if page == "case_detail" else reverse(page)
    for who in ("kepala.lpse.ponorogo", "auditor.bpk"):
        person = people[who]
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == (404 if who == "auditor.bpk" and page == "case_detail" else 200)
        reads = _own_role_reads(queries, person)
        assert len(reads) == (2 if page == "case_detail" and who == "kepala.lpse.ponorogo" else 1), reads


def test_lists_read_no_sop_definition_per_row(seed_sops, people, client):
    """A task list or case list names each row's SOP and step from the parsed definition, kept
    once a process: the rows are read without the definition (up to 20 KB of JSON each)."""
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    for _ in range(3):
        case_at(version, 2)  # waiting for the Kepala LPSE's disposisi
    client.force_login(people["kepala.lpse.ponorogo"])
    for name in ("my_tasks", "my_cases"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse(name))
        assert page.status_code == 200 and page.content.decode().count("Pembaharuan Update SPSE".upper()) >= 3
        joined = [q["sql"] for q in queries.captured_queries if '"definition"' in q["sql"]
                  and ('"workflows_steprun"' in q["sql"] or 'FROM "workflows_case"' in q["sql"])]
        assert joined == [], joined
