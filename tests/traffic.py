"""Which database connection a request read from and wrote to, by table."""
from __future__ import annotations

import re
from contextlib import ExitStack

from django.db import connections
from django.test.utils import CaptureQueriesContext


class Traffic:
    """The statements each of ``aliases`` received inside the ``with`` block."""

    def __init__(self, *aliases: str):
        self.captured = {alias: CaptureQueriesContext(connections[alias]) for alias in aliases}

    def __enter__(self) -> Traffic:
        self.stack = ExitStack()
        for capture in self.captured.values():
            self.stack.enter_context(capture)
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def statements(self, alias: str) -> list[str]:
        return [query["sql"] for query in self.captured[alias].captured_queries]

    def _tables(self, alias: str, verbs: tuple[str, ...], pattern: str) -> set[str]:
        # Both SQLite and PostgreSQL get every table name from Django in double quotes.
        return {name for sql in self.statements(alias) if sql.lstrip().upper().startswith(verbs)
                for name in re.findall(pattern, sql)}

    def read(self, alias: str) -> set[str]:
        """The tables the SELECTs sent to ``alias`` name (subqueries and joins included); on
        PostgreSQL a streamed export's SELECT comes inside a server-side cursor's DECLARE."""
        return self._tables(alias, ("SELECT", "DECLARE"), r'(?:FROM|JOIN)\s+"(\w+)"')

    def written(self, alias: str) -> set[str]:
        return self._tables(alias, ("INSERT", "UPDATE", "DELETE"), r'(?:INTO|UPDATE|FROM)\s+"(\w+)"')


def consumed(response) -> bytes:
    """The whole body, a streamed one read to its end as the server would (the test client
    closes the response when its last piece has been read)."""
    return b"".join(response.streaming_content) if response.streaming else response.content
