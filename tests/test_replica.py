"""The read replica (lpse_sop/replica.py): DATABASE_REPLICA_URL adds the "replica" alias; the
router reads it only while a marked view's switch is on, writes always to the primary; the
decorator keeps the switch on while a streamed body is made; without a replica everything
reads the primary as before. The pages themselves: tests/test_replica_pages.py."""
from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse

from lpse_sop.replica import REPLICA, ReplicaRouter, on_primary, on_replica, reads_from_replica
from tests.traffic import Traffic, consumed
from tests.workflows.test_archive import archive  # noqa: F401 (a fixture)
from workflows.models import Case, ExportJob

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def replica_alias():
    """A "replica" alias in settings.DATABASES (the router's condition); nothing here connects."""
    alias = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    alias["TEST"] = {**alias["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    with mock.patch.dict(settings.DATABASES, {REPLICA: alias}):
        yield


def settings_in_a_fresh_process(**environment: str) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps({alias: {'HOST': db['HOST'], 'NAME': db['NAME'], 'MIRROR': db['TEST'].get('MIRROR')}"
            " for alias, db in settings.DATABASES.items()}))")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    env |= {"APP_ENV": "test", "DJANGO_SETTINGS_MODULE": "lpse_sop.settings", **environment}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# -- settings ------------------------------------------------------------------------------------

def test_a_replica_url_adds_a_replica_alias_that_tests_read_as_the_default_database():
    databases = settings_in_a_fresh_process(DATABASE_URL="postgres://lpse@db.example:5432/lpse",
                                            DATABASE_REPLICA_URL="postgres://lpse@replica.example:5432/lpse")
    assert databases == {"default": {"HOST": "db.example", "NAME": "lpse", "MIRROR": None},
                         "replica": {"HOST": "replica.example", "NAME": "lpse", "MIRROR": "default"}}


def test_without_a_replica_url_there_is_only_the_default_database():
    assert list(settings_in_a_fresh_process()) == ["default"]
    assert settings.DATABASE_ROUTERS == ["lpse_sop.replica.ReplicaRouter"]


# -- the router --------------------------------------------------------------------------------

def test_reads_go_to_the_replica_only_while_the_switch_is_on(replica_alias):
    assert router.db_for_read(Case) == "default"
    with on_replica():
        assert router.db_for_read(Case) == "replica"
        assert Case.objects.all().db == "replica"
        with on_primary():
            assert router.db_for_read(Case) == "default"
        assert router.db_for_read(Case) == "replica"
    assert router.db_for_read(Case) == "default"


def test_without_a_replica_the_switch_reads_the_default_database():
    assert REPLICA not in settings.DATABASES
    with on_replica():
        assert router.db_for_read(Case) == "default"
        assert Case.objects.all().db == "default"


def test_writes_and_reads_that_lock_or_create_go_to_the_default_database_under_the_switch(replica_alias):
    with on_replica():
        assert router.db_for_write(Case) == "default"
        # Django reads through the write database where it reads to write: select_for_update,
        # get_or_create and update_or_create mark their queryset so.
        assert Case.objects.select_for_update().db == "default"
        assert Case.objects.all().db == "replica"


def test_only_the_default_database_is_migrated_and_objects_of_both_may_be_related():
    routing = ReplicaRouter()
    assert routing.allow_migrate("default", "workflows") and not routing.allow_migrate("replica", "workflows")
    assert routing.allow_relation(Case(), ExportJob())


# -- the view decorator --------------------------------------------------------------------------

def test_a_streamed_body_is_made_with_the_switch_on_and_sent_with_it_off(replica_alias, rf):
    made = []

    def rows():
        for n in range(3):
            made.append(router.db_for_read(Case))
            yield f"{n}\n"

    @reads_from_replica
    def view(request):
        made.append(router.db_for_read(Case))
        return StreamingHttpResponse(rows())

    response = view(rf.get("/"))
    assert made == ["replica"] and router.db_for_read(Case) == "default"
    sent = []
    for chunk in response:
        sent.append((chunk, router.db_for_read(Case)))
    assert made == ["replica"] * 4
    assert sent == [(b"0\n", "default"), (b"1\n", "default"), (b"2\n", "default")]


def test_a_post_through_the_decorator_reads_the_default_database(replica_alias, rf):
    @reads_from_replica
    def view(request):
        return HttpResponse(router.db_for_read(Case))

    assert view(rf.post("/")).content == b"default"
    assert view(rf.get("/")).content == b"replica"
    assert view(rf.head("/")).content == b"replica"


def test_a_file_from_storage_is_sent_as_it_is(replica_alias, rf):
    """Its bytes come from no database, and the server may send it by sendfile."""
    handle = io.BytesIO(b"PK zip")
    response = reads_from_replica(lambda request: FileResponse(handle))(rf.get("/"))
    assert response.file_to_stream is handle and b"".join(response.streaming_content) == b"PK zip"


@pytest.mark.django_db
def test_without_a_replica_the_heavy_pages_read_the_default_database(archive, people, client):
    assert REPLICA not in connections
    client.force_login(people["auditor.bpk"])
    for url in (reverse("archive_list"), reverse("archive_csv"), reverse("deviations"), reverse("monev")):
        with Traffic("default") as traffic:
            response = client.get(url)
            consumed(response)
        assert response.status_code == 200, url
        assert {"workflows_case"} <= traffic.read("default"), url
