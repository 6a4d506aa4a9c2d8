"""The heavy read-only pages read from a PostgreSQL streaming replica, when one is configured.

``DATABASE_REPLICA_URL`` adds the ``"replica"`` alias (settings.py). A view marked
``@reads_from_replica`` turns the switch on for a GET or HEAD: while the view runs, and
again while each piece of its streamed body is made, since a CSV's rows are read from the
database after the view has returned. ``ReplicaRouter`` then sends reads there; every write
goes to the primary (``"default"``), as does every read outside the switch: the session and
the signed-in person (read by the middleware before any view runs), every page not marked,
and any POST. Without the alias the switch changes nothing.

Who may read what stays live: the marked views decide it inside ``on_primary()``, so a role
taken away counts on the next request, whatever the replica's lag.

Django itself sends the read of a read-then-write to the write database (``get_or_create``,
``update_or_create``, ``select_for_update`` mark their queryset for writing), so those land
on the primary under the switch too.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
# A context variable, not a thread attribute: each request (thread or task) has its own.
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def _reading(replica: bool) -> Iterator[None]:
    token = _reading_replica.set(replica)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def on_replica():
    """Reads inside go to the replica (if one is configured)."""
    return _reading(True)


def on_primary():
    """Reads inside go to the primary, also within a replica-reading view."""
    return _reading(False)


def _made_on_replica(chunks: Iterable) -> Iterator:
    """``chunks`` with the switch on while each one is made and off in between, while the
    server sends it: the thread never holds the switch outside this body."""
    iterator = iter(chunks)
    while True:
        with on_replica():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def reads_from_replica(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A GET or HEAD of ``view`` reads from the replica, its streamed body included; any
    other method reads the primary. A file streamed from storage (FileResponse of an open
    file) is sent as it is: its bytes come from no database."""
    @wraps(view)
    def reading(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with on_replica():
            response = view(request, *args, **kwargs)
        if response.streaming and not response.is_async and getattr(response, "file_to_stream", None) is None:
            response.streaming_content = _made_on_replica(response.streaming_content)
        return response
    return reading


class ReplicaRouter:
    """Reads to ``"replica"`` while the switch is on and the alias exists; everything else to
    ``"default"``, whatever database an object was loaded from."""

    def db_for_read(self, model, **hints) -> str:
        return REPLICA if _reading_replica.get() and replica_configured() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows: an object read from the replica may point at one
        # read from the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        # The replica receives the schema from the primary through replication.
        return db == DEFAULT_DB_ALIAS
