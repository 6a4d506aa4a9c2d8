"""With a read replica configured, the archive, its downloads, Monev and the deviation register
read their rows from it (a streamed CSV's rows too); the session, the signed-in person, their
rights, the inbox, every POST and every write use the primary.

The replica is a second connection to the test database, as the alias's TEST MIRROR makes it
when the test runner starts with DATABASE_REPLICA_URL set. A second connection sees only
committed rows: these tests run in transactional mode."""
from __future__ import annotations

import copy
from unittest import mock

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

from lpse_sop.replica import REPLICA
from tests.traffic import Traffic, consumed
from tests.workflows.test_archive import archive  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
ROWS = {"workflows_case", "workflows_steprun"}


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """The "replica" alias as DATABASE_REPLICA_URL adds it, pointing at the test database.
    Module-wide: the test case checks the aliases a test may use before any function-scoped
    fixture runs. ``connections`` reads the very dict of settings.DATABASES."""
    alias = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    alias["TEST"] = {**alias["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    with mock.patch.dict(settings.DATABASES, {REPLICA: alias}):
        assert REPLICA in connections
        yield
        with django_db_blocker.unblock():
            connections[REPLICA].close()  # PostgreSQL drops no test database still open
        del connections[REPLICA]


def test_the_heavy_read_pages_read_their_rows_from_the_replica(archive, seed_sops, people, client):
    client.force_login(people["auditor.bpk"])
    sop = seed_sops["PNG-UPDATE-SPSE"].pk
    pages = [  # (url, the table its rows come from)
        (reverse("archive_list"), "workflows_case"),
        (reverse("archive_csv"), "workflows_case"),
        (reverse("archive_xlsx"), "workflows_case"),
        (reverse("deviations"), "workflows_steprun"),
        (reverse("deviation_csv"), "workflows_steprun"),
        (reverse("monev"), "workflows_steprun"),
        (reverse("monev_csv"), "workflows_steprun"),
        (f"{reverse('monitoring_form')}?sop={sop}", "workflows_steprun"),
    ]
    for url, rows in pages:
        with Traffic(DEFAULT_DB_ALIAS, REPLICA) as traffic:
            response = client.get(url)
            body = consumed(response)
        assert response.status_code == 200, (url, body[:500])
        assert rows in traffic.read(REPLICA), url
        assert not ROWS & traffic.read(DEFAULT_DB_ALIAS), url
        assert not traffic.written(REPLICA), url


def test_the_archive_csv_streams_its_rows_from_the_replica(archive, people, client):
    client.force_login(people["auditor.bpk"])
    response = client.get(reverse("archive_csv"))
    assert response.streaming
    with Traffic(DEFAULT_DB_ALIAS, REPLICA) as traffic:
        body = consumed(response).decode("utf-8-sig")
    assert archive.on_time.title in body and archive.kaltim.title in body
    assert ROWS <= traffic.read(REPLICA)
    assert not traffic.statements(DEFAULT_DB_ALIAS)


def test_the_session_the_person_and_their_rights_are_read_from_the_primary(archive, people, client):
    client.force_login(people["auditor.ponorogo"])
    for url in (reverse("archive_list"), reverse("deviations"), reverse("monev")):
        with Traffic(DEFAULT_DB_ALIAS, REPLICA) as traffic:
            assert client.get(url).status_code == 200
        assert {"django_session", "accounts_user", "accounts_roleassignment"} <= traffic.read(DEFAULT_DB_ALIAS), url
        assert "django_session" not in traffic.read(REPLICA), url
        # Nothing but the session's last activity (recorded at most once a minute).
        assert traffic.written(DEFAULT_DB_ALIAS) <= {"django_session"}, url
    client.force_login(people["pokja.ponorogo"])  # neither auditor nor head: refused on the primary's word
    with Traffic(DEFAULT_DB_ALIAS, REPLICA) as traffic:
        assert client.get(reverse("archive_list")).status_code == 403
    assert "accounts_roleassignment" in traffic.read(DEFAULT_DB_ALIAS)


def test_the_inbox_and_posts_read_and_write_the_primary(archive, seed_sops, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    with Traffic(DEFAULT_DB_ALIAS, REPLICA) as traffic:
        assert client.get(reverse("my_tasks")).status_code == 200
        # The monitoring form posted without "Dimonitor oleh": measured again, and refused.
        sop = seed_sops["PNG-UPDATE-SPSE"].pk
        refused = client.post(f"{reverse('monitoring_form')}?sop={sop}", {"pelaksana": ""})
    assert refused.status_code == 400
    assert ROWS <= traffic.read(DEFAULT_DB_ALIAS)
    assert not traffic.statements(REPLICA)
    client.force_login(people["auditor.bpk"])
    with Traffic(DEFAULT_DB_ALIAS, REPLICA) as traffic:
        queued = client.post(reverse("archive_zip") + "?q=tidak+ada+kasus+seperti+ini")
    assert queued.status_code == 302
    assert "workflows_case" in traffic.read(DEFAULT_DB_ALIAS) and not traffic.statements(REPLICA)
