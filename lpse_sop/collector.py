"""Python's cycle collector paused around work that builds many objects and frees them by
reference counting: a PDF laid out by WeasyPrint, a national export written by the worker.

WeasyPrint builds tens of thousands of box and style objects that all live until the PDF is
written; an export's rows are tuples, lists and strings freed as each batch is written. In
both the collector would still run every few hundred allocations and, in its full
collections, walk the whole heap (Django and the parsed SOP definitions among it), again and
again: about a sixth of a case record's CPU time, and 10 % of a national XLSX (2.8 -> 2.5 s
for the deviation register's 52,800 rows, measured 2026-12-06).

Threads share the collector's switch, so it is counted: it comes back on when the last user
in the process ends, and that one collects the youngest generation, where everything
allocated meanwhile stayed, freeing what became cyclic garbage.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_users = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (nothing happens when it was off already and
    no one here paused it)."""
    global _users
    with _lock:
        pausing = _users > 0 or gc.isenabled()
        if pausing:
            _users += 1
            gc.disable()
    try:
        yield
    finally:
        if pausing:
            with _lock:
                _users -= 1
                if _users == 0:
                    gc.enable()
                    gc.collect(0)
