"""Which database connection a request read from and wrote to, by table."""
from __future__ import annotations

import re
from contextlib import ExitStack

from django.db import connections
from django.db.backends.signals import connection_created


class Traffic:
    """The statements each of ``aliases`` received inside the ``with`` block: on this thread's
    connections, and on any connection to them opened meanwhile (an export reads ahead in a
    helper thread, on a connection of its own)."""

    def __init__(self, *aliases: str):
        self.sent: dict[str, list[str]] = {alias: [] for alias in aliases}

    def _recorder(self, alias: str):
        def record(execute, sql, params, many, context):
            self.sent[alias].append(sql)
            return execute(sql, params, many, context)
        return record

    def _opened(self, sender, connection, **kwargs) -> None:
        if connection.alias in self.sent and id(connection) not in self.watched:
            connection.execute_wrappers.append(self._recorder(connection.alias))

    def __enter__(self) -> Traffic:
        self.stack = ExitStack()
        self.watched = {id(connections[alias]) for alias in self.sent}  # this thread's, wrapped here
        for alias in self.sent:
            self.stack.enter_context(connections[alias].execute_wrapper(self._recorder(alias)))
        connection_created.connect(self._opened)
        self.stack.callback(connection_created.disconnect, self._opened)
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def statements(self, alias: str) -> list[str]:
        return list(self.sent[alias])

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
