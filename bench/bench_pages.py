"""Benchmark: every page and a transition at 1,000 and 100,000 cases (1,000,000 with
BENCH_LARGE=1) on PostgreSQL, with a baseline view measured in the same run.

    .venv/bin/python bench/bench_pages.py                 # seeds (or reuses) lpse_bench_1000, lpse_bench_100000
    .venv/bin/python bench/bench_pages.py --sizes 1000 --runs 30 --reseed

For each size it makes a throwaway database on the PostgreSQL server of BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/postgres), migrates it and fills it with
``manage.py seed_bench --agencies 600 --cases N --seed 1``; a database already seeded with
the same figures by the same generator (workflows/bench_data.py) is reused unless --reseed.

Then one process per size requests each page with Django's test client as the person the
page is for (the busiest Kepala LPSE and Admin PPE of the reference agency, whose cases are
the same at every size so that a page is compared with itself while the nation around it
grows; the busiest PM LKPP; a national auditor; an anonymous visitor for the public pages),
--runs times after one warm-up, the sizes taking turns request by request so that a drift in
the machine's speed falls on both alike; it records the median and p95 wall time and the SQL
statements of one request. Exports are timed to the first byte and to the end, in rows a
second, the median of three downloads; an XLSX too large to make during the request is timed
from its button to the job's file. Transitions are real step completions through the
services: timed one after another (what one person waits), and in one process per core side
by side, twice as many, as gunicorn's workers run them (what the machine completes in a
second: the target's figure).

Prints a table with each page's 100k/1k ratio against the targets of issue 13 (same query
count at every size; p95 under 150 ms at 100,000 cases; ratio under 1.5; a transition at most
12 queries and 100 a second) and writes bench/results.json so runs can be compared.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SEED = 1
AGENCIES = 600
# Each export is downloaded this many times and its median run reported (a single run of 2-3 s
# moved by a quarter with the machine's drift).
EXPORT_RUNS = 3


def database_url(name: str) -> str:
    parts = urlsplit(ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def seeded(size: int, reseed: bool) -> str:
    """The name of a database holding the seeded data for ``size`` cases."""
    import psycopg

    name = f"lpse_bench_{size}"
    # The generator's own text is part of the marker: data seeded by an older generator is seeded again.
    generator = hashlib.sha256((ROOT / "workflows" / "bench_data.py").read_bytes()).hexdigest()[:12]
    marker = f"seed_bench agencies={AGENCIES} cases={size} seed={SEED} generator={generator}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not reseed:
            try:
                with psycopg.connect(database_url(name)) as db:
                    comment = db.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                         "WHERE datname = current_database()").fetchone()[0]
                if comment == marker:
                    print(f"# {name}: reused ({marker}); migrating", flush=True)
                    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT,
                                   env={**os.environ, "DATABASE_URL": database_url(name), "APP_ENV": "test"},
                                   check=True)
                    return name
            except psycopg.Error:
                pass
        if exists:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": database_url(name), "APP_ENV": "test",
           "MEDIA_ROOT": str(ROOT / "bench" / "media" / name)}
    started = time.perf_counter()
    for command in (["migrate", "--no-input", "-v", "0"],
                    ["seed_bench", "--agencies", str(AGENCIES), "--cases", str(size), "--seed", str(SEED)]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    print(f"# {name}: seeded in {time.perf_counter() - started:.0f} s", flush=True)
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'")
    return name


# -- measuring, inside the seeded database's own process ---------------------------------

def _setup(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update({"DATABASE_URL": database_url(name), "APP_ENV": "test",
                       "MEDIA_ROOT": str(ROOT / "bench" / "media" / name),
                       "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                       # As deployed: notices and email are queued for the worker, not sent inline,
                       # and DEBUG is off (with it on, Django's debug cursor formats and keeps every statement).
                       "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "DEBUG": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lpse_sop.settings")
    import django

    django.setup()
    import lpse_sop.wsgi  # noqa: F401 - the process as gunicorn's workers run it (startup objects frozen)
    import logging

    logging.disable(logging.WARNING)


def _busiest(role: str):
    """The holder of ``role`` with the most steps waiting for them: in the reference agency,
    which holds the same cases at every size (workflows.bench_data.REFERENCE_CASES), or among
    the national holders of a national role (PM LKPP)."""
    from accounts.models import RoleAssignment, User
    from workflows.access import lane_q
    from workflows.bench_data import reference_agency
    from workflows.models import Case

    holders = RoleAssignment.objects.filter(role_id=role, user__is_active=True)
    holders = holders.filter(role__scope="national") | holders.filter(unit__agency=reference_agency())
    users = User.objects.filter(pk__in=holders.values("user_id")).order_by("pk")
    return max(users, key=lambda u: Case.objects.filter(lane_q(u), closed_at__isnull=True).count())


def _auditor():
    from accounts.models import RoleAssignment

    national = RoleAssignment.objects.filter(role_id="auditor", unit__agency__is_national=True).first()
    return (national or RoleAssignment.objects.filter(role_id="auditor").first()).user


class _Statements:
    """Counts the SQL statements sent (savepoints aside) without keeping them."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            self.count += 1
        return execute(sql, params, many, context)


def _request(client, url: str) -> tuple[float, int, int]:
    """(seconds to the whole body, SQL statements, status) of one GET."""
    from django.db import connection

    statements = _Statements()
    with connection.execute_wrapper(statements):
        start = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = time.perf_counter() - start
    del body
    return elapsed, statements.count, response.status_code


def _first_byte(client, url: str) -> tuple[float, float, int]:
    """(seconds to the first chunk, seconds to the end, bytes) of a download."""
    start = time.perf_counter()
    response = client.get(url)
    chunks = iter(response.streaming_content) if response.streaming else iter([response.content])
    first = next(chunks, b"")
    first_at = time.perf_counter() - start
    size = len(first) + sum(len(c) for c in chunks)
    return first_at, time.perf_counter() - start, size


def _export(client, user, name: str, cases: int) -> dict:
    """What a person gets from one download link, the median of EXPORT_RUNS downloads: a file
    at once (its first byte and its end), or, for an XLSX too large to make during the
    request, the page that says so, then the job its button queues, worked here as db_worker
    would (the time from the button to the file)."""
    from django.http import QueryDict
    from django.urls import reverse

    from workflows import exports
    from workflows.models import ExportJob

    table = exports.ARCHIVE if name.startswith("archive") else exports.DEVIATIONS
    rows = table.select(user, QueryDict("")).count()
    url = reverse(name)
    background = name.endswith("xlsx") and exports.too_large_to_wait_for(table.select(user, QueryDict("")))
    runs = []
    for _ in range(EXPORT_RUNS):
        if background:
            start = time.perf_counter()
            client.post(url)  # queues the job and answers with its progress page
            first = time.perf_counter() - start
            job = ExportJob.objects.filter(requested_by=user, kind=table.kind).latest("pk")
            exports.run_export(job.pk)
            total = time.perf_counter() - start
            job.refresh_from_db()
            size = job.file.size if job.file else 0
        else:
            first, total, size = _first_byte(client, url)
        runs.append((total, first, size))
    total, first, size = sorted(runs)[len(runs) // 2]
    return {"export": name, "cases": cases, "first_byte_ms": round(first * 1000, 1), "total_ms": round(total * 1000, 1),
            "bytes": size, "rows": rows, "rows_per_second": round(rows / total) if total else 0,
            "background": background, "runs": len(runs)}


def _deep_cursor() -> str:
    """The archive's "Berikutnya" link after the 5,000th case (or the oldest), as a person
    paging far back would hold it."""
    from workflows.models import Case
    from workflows.views.archive import _make_cursor

    closed = Case.objects.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    deep = closed[min(5000, max(0, closed.count() - 30)):][:1].get()
    return _make_cursor(deep, "n", 0, False, "")


def _pages() -> list[tuple[str, object, str]]:
    """(page, who, url) for every page measured: the reference agency's people, cases and SOP
    (the same at every size), PM LKPP and a national auditor over the whole nation."""
    from django.urls import reverse

    from workflows.access import lane_q
    from workflows.bench_data import reference_agency
    from workflows.models import Case, Sop

    kepala, admin_ppe, pm = _busiest("kepala_lpse"), _busiest("admin_ppe"), _busiest("pm_lkpp")
    auditor = _auditor()
    # The same case at every size: a registration waiting for the Kepala's disposisi, and the
    # newest finished registration for the record PDF (and the word searched for).
    registrations = Case.objects.filter(agency=reference_agency(), sop_version__sop__code__endswith="REG-ADMIN-PPE")
    case = (registrations.filter(lane_q(kepala), state="step-4").order_by("started_at").first()
            or Case.objects.filter(lane_q(kepala), closed_at__isnull=True).order_by("started_at").first())
    closed = (registrations.filter(state="done").order_by("-started_at").first()
              or Case.objects.filter(closed_at__isnull=False).order_by("-pk").first())
    sop = closed.sop_version.sop
    word = (closed.title.split() or ["SPSE"])[-1]
    pages = [
        ("baseline", None, reverse("health")),
        ("inbox kepala_lpse", kepala, reverse("my_tasks")),
        ("inbox admin_ppe", admin_ppe, reverse("my_tasks")),
        ("inbox pm_lkpp", pm, reverse("my_tasks")),
        ("case page", kepala, reverse("case_detail", args=[case.pk])),
        ("case record pdf", auditor, reverse("case_record_pdf", args=[closed.pk])),
        ("archive", auditor, reverse("archive_list")),
        ("archive filtered", auditor, reverse("archive_list") + f"?sop={sop.pk}&status=done"),
        ("archive free text", auditor, reverse("archive_list") + f"?q={word}"),
        ("archive deep page", auditor, reverse("archive_list") + "?kursor=" + _deep_cursor()),
        ("monev", kepala, reverse("monev")),
        ("monev national auditor", auditor, reverse("monev")),  # past MAX_CASES: asks to narrow
        ("monev one agency", auditor, reverse("monev") + f"?instansi={sop.agency_id}"),
        ("deviations", kepala, reverse("deviations")),
        ("deviations national auditor", auditor, reverse("deviations")),
        ("sop list", kepala, reverse("sop_list")),
        ("sop sheet pdf", kepala, reverse("sop_sheet_pdf", args=[sop.agency.code, sop.code])),
        ("announcements", None, reverse("announcements")),
        ("announcements json", None, reverse("announcements_json")),
        ("announcements feed", None, reverse("announcements_feed")),
    ]
    return pages


def _transitions(count: int, shard: int = 0, shards: int = 1, start_at: float | None = None) -> dict:
    """``count`` step completions of open cases at a process step whose kelengkapan the sample
    values satisfy (a late one with its reason), outside the reference agency (whose pages the
    next run measures again), one after another; with ``shards``, only the cases whose id
    leaves ``shard`` when divided by it, so that processes running side by side never meet on
    a case; with ``start_at`` (a wall-clock time), the cases are picked and one transition made
    untimed (a fresh process's first one pays for what it loads) before waiting for that time,
    so that the processes side by side start together. Returns how many were timed, when the
    first began and the last ended (wall clock), the seconds spent in them and the SQL
    statements of each."""
    from django.db import connection

    from tests.workflows.driving import act, actor
    from workflows import engine
    from workflows.bench_data import reference_agency
    from workflows.models import Case

    picked = []
    candidates = (Case.objects.filter(closed_at__isnull=True).exclude(state="new").exclude(agency=reference_agency())
                  .select_related("sop_version__sop", "agency", "unit").order_by("pk"))
    for case in candidates.iterator(chunk_size=500):
        if case.pk % shards != shard:
            continue
        step = case.current_step
        # The seeded data has no announcements, so steps with effects are left out.
        if step is not None and not step.is_decision and not step.effects and not engine.missing_kelengkapan(case) \
                and engine.lane_holders(case, step.lane).exists():
            picked.append((case, actor(case)))  # who acts is the request's user, found before
        if len(picked) == count + (start_at is not None):
            break
    if start_at is not None:
        if picked:
            case, by = picked.pop(0)
            act(case, "complete", by=by, late_reason="Uji beban: terlambat karena antrean")
        while time.time() < start_at:
            time.sleep(0.001)
    statements, seconds = [], 0.0
    began = time.time()
    for case, by in picked:
        counter = _Statements()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            act(case, "complete", by=by, late_reason="Uji beban: terlambat karena antrean")
            seconds += time.perf_counter() - start
        statements.append(counter.count)
    return {"count": len(picked), "began": began, "ended": time.time(), "seconds": seconds,
            "statements": statements}


def _transition_count(runs: int) -> int:
    """Transitions measured one after another (60 for 30 runs), and twice as many side by side,
    so that the machine's rate is taken over a second or more, not half of one. The 1,000-case
    database, seeded again for every run, may run short: on 2026-12-06 it gave 115 of the 120
    side by side (the count each row records is the number made)."""
    return min(200, max(20, runs * 2))


def _keep_for_next_run(name: str, needed: int) -> None:
    """Each run's transitions move some open cases on for good. A database with fewer than ten
    runs' worth of open cases left (the 1,000-case one holds about 180, the 100,000-case one
    26,000) is seeded again by the next run: its marker is removed."""
    import psycopg

    with psycopg.connect(database_url(name)) as db:
        (open_cases,) = db.execute("SELECT count(*) FROM workflows_case WHERE closed_at IS NULL").fetchone()
    if open_cases < 10 * needed:
        print(f"# {name}: {open_cases} open cases left for the transitions; the next run seeds it again", flush=True)
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'COMMENT ON DATABASE "{name}" IS NULL')


def _exports_and_transitions(cases: int, runs: int) -> dict:
    """Exports as the national auditor downloads them, then transitions one after another."""
    from django.test import Client

    auditor = _auditor()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(auditor)
    exports = [_export(client, auditor, name, cases)
               for name in ("archive_csv", "archive_xlsx", "deviation_csv", "deviation_xlsx")]
    done = _transitions(_transition_count(runs))
    return {"exports": exports, "sequential": done}


def serve(name: str, cases: int) -> None:
    """The measuring process of one database: answers the parent's commands, one JSON line
    each on stdout after PROTOCOL (anything else a library prints there is ignored):
    ``pages`` (their names), ``warm N`` and ``time N`` (one request of page N: its seconds,
    statements and status), ``rest RUNS`` (exports and transitions), ``quit``."""
    _setup(name)
    from django.test import Client

    pages, clients = _pages(), {}

    def client_for(who):
        if who not in clients:
            clients[who] = Client(HTTP_HOST="127.0.0.1")
            if who is not None:
                clients[who].force_login(who)
        return clients[who]

    def answer(value) -> None:
        print(PROTOCOL + json.dumps(value), flush=True)

    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "pages":
            answer([page for page, _who, _url in pages])
        elif command in ("warm", "time"):
            page, who, url = pages[int(argument)]
            elapsed, queries, status = _request(client_for(who), url)
            answer({"ms": elapsed * 1000, "queries": queries, "status": status})
        elif command == "rest":
            answer(_exports_and_transitions(cases, int(argument)))
        elif command == "shard":  # shard K N COUNT START: transitions side by side with other processes
            shard, shards, count, start = argument.split()
            answer(_transitions(int(count), int(shard), int(shards), start_at=float(start)))
        else:
            return


PROTOCOL = "@bench "


class _Measurer:
    """One ``serve`` process, spoken to line by line."""

    def __init__(self, name: str, cases: int):
        self.cases = cases
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", name, "--cases", str(cases)], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def receive(self):
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                return json.loads(line[len(PROTOCOL):])
        raise RuntimeError(f"the measuring process of {self.cases:,} cases ended (exit {self.process.wait()})")

    def ask(self, command: str):
        self.send(command)
        return self.receive()

    def close(self) -> None:
        if self.process.poll() is None:
            self.send("quit")
            self.process.wait(timeout=60)


def _summary(page: str, cases: int, samples: list[dict]) -> dict:
    """A page's figures at one size. Its statements are those most of its requests sent: a
    request that records the person's activity (at most once a minute, lpse_sop.sessions)
    also saves the session."""
    times = sorted(sample["ms"] for sample in samples)
    return {"page": page, "cases": cases, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "queries": statistics.mode(sample["queries"] for sample in samples),
            "status": sorted({sample["status"] for sample in samples})}


def measure(names: dict[int, str], runs: int) -> dict:
    """Every page of every size, the sizes' requests interleaved: one process per database,
    each page warmed up in each, then requested in turn, size after size, ``runs`` times, the
    order of the sizes alternating from round to round. On a machine whose speed drifts
    (other work, a shared host), both sizes of a page are measured under the same conditions,
    so their ratio is the data's doing, not the drift's. Then each database's exports and
    transitions, one after another, and its transitions with one process per core side by side."""
    measurers = [_Measurer(name, cases) for cases, name in names.items()]
    results: dict = {"pages": [], "exports": [], "transitions": []}
    try:
        pages = [measurer.ask("pages") for measurer in measurers][0]
        for index, page in enumerate(pages):
            samples: dict[int, list[dict]] = {m.cases: [] for m in measurers}
            for measurer in measurers:
                measurer.ask(f"warm {index}")  # caches, session, the record PDF rendered once per state
            for round_no in range(runs):
                for measurer in (measurers if round_no % 2 == 0 else measurers[::-1]):
                    samples[measurer.cases].append(measurer.ask(f"time {index}"))
            line = f"#   {page:<28}"
            for measurer in measurers:
                row = _summary(page, measurer.cases, samples[measurer.cases])
                results["pages"].append(row)
                line += f" {row['median_ms']:8.1f} ms {row['queries']:4d} q"
            print(line, flush=True)
        for measurer in measurers:
            rest = measurer.ask(f"rest {runs}")
            results["exports"] += rest["exports"]
            row = _transition_row(measurer.cases, rest["sequential"], _side_by_side(names[measurer.cases],
                                                                                    measurer.cases, runs))
            results["transitions"].append(row)
            _keep_for_next_run(names[measurer.cases], 3 * _transition_count(runs) + (os.cpu_count() or 1))
    finally:
        for measurer in measurers:
            measurer.close()
    return results


def _side_by_side(name: str, cases: int, runs: int) -> list[dict]:
    """Transitions in one process per core at once, each on its own cases, as gunicorn's
    workers take requests: what the machine completes in a second."""
    shards = os.cpu_count() or 1
    count = 2 * _transition_count(runs) // shards
    workers = [_Measurer(name, cases) for _ in range(shards)]
    try:
        start = time.time() + 20  # every process set up and its cases picked by then
        for shard, worker in enumerate(workers):
            worker.send(f"shard {shard} {shards} {count} {start}")
        return [worker.receive() for worker in workers]
    finally:
        for worker in workers:
            worker.close()


def _transition_row(cases: int, sequential: dict, parallel: list[dict]) -> dict:
    """The transitions' figures: one at a time (a person's wait), and side by side (the
    machine's rate, the target's figure)."""
    done = sum(part["count"] for part in parallel)
    span = max(part["ended"] for part in parallel) - min(part["began"] for part in parallel)
    statements = sequential["statements"] + [n for part in parallel for n in part["statements"]]
    return {"cases": cases, "per_second": round(done / span, 1) if span > 0 else 0.0, "count": sequential["count"] + done,
            "processes": len(parallel), "one_at_a_time_per_second":
                round(sequential["count"] / sequential["seconds"], 1) if sequential["seconds"] else 0.0,
            "ms_each": round(1000 * sequential["seconds"] / sequential["count"], 1) if sequential["count"] else 0.0,
            "queries_per_transition": round(statistics.mean(statements), 1) if statements else 0.0}


# -- the run ---------------------------------------------------------------------------------

def report(all_results: dict) -> list[str]:
    """Print the table; return the targets missed."""
    pages: dict[str, dict[int, dict]] = {}
    for row in all_results["pages"]:
        pages.setdefault(row["page"], {})[row["cases"]] = row
    sizes = sorted({row["cases"] for row in all_results["pages"]})
    small, large = sizes[0], (100_000 if 100_000 in sizes else sizes[-1])
    missed = []
    print(f"\n{'page':<22}" + "".join(f"{f'{n:,} cases':>24}" for n in sizes) + f"{'ratio':>8}")
    print(f"{'':<22}" + "".join(f"{'median':>8}{'p95':>8}{'q':>8}" for _ in sizes))
    for page, by_size in pages.items():
        line = f"{page:<22}"
        for n in sizes:
            row = by_size.get(n)
            line += f"{row['median_ms']:8.1f}{row['p95_ms']:8.1f}{row['queries']:8d}" if row else " " * 24
        ratio = by_size[large]["median_ms"] / by_size[small]["median_ms"] if large in by_size and small in by_size \
            and by_size[small]["median_ms"] else 0
        flags = []
        if len({by_size[n]["queries"] for n in by_size}) > 1:
            flags.append("queries grow")
        if large in by_size and by_size[large]["p95_ms"] > 150 and page != "baseline":
            flags.append("p95 > 150 ms")
        if ratio > 1.5:
            flags.append("ratio > 1.5")
        missed += [f"{page}: {flag}" for flag in flags]
        print(line + f"{ratio:8.2f}" + ("  <-- " + ", ".join(flags) if flags else ""))
    for row in all_results["exports"]:
        rate = row["bytes"] / (row["total_ms"] / 1000) if row["total_ms"] else 0
        how = "queued in" if row.get("background") else "first byte"
        print(f"export {row['export']:<15} {row['cases']:>9,} cases: {how} {row['first_byte_ms']:.0f} ms, "
              f"{'file ready' if row.get('background') else 'all'} {row['total_ms']:.0f} ms, {row['bytes']:,} bytes "
              f"({rate / 1e6:.1f} MB/s), {row.get('rows', 0):,} rows ({row.get('rows_per_second', 0):,} a second)")
        if row["first_byte_ms"] > 1000:
            missed.append(f"export {row['export']} at {row['cases']}: first byte > 1 s")
        if row.get("rows", 0) >= 1000 and row.get("rows_per_second", 0) < 20_000:
            missed.append(f"export {row['export']} at {row['cases']}: under 20,000 rows a second")
    for row in all_results["transitions"]:
        print(f"transitions {row['cases']:>9,} cases: {row['per_second']:.1f} a second in {row['processes']} processes "
              f"side by side; one at a time {row['one_at_a_time_per_second']:.1f} a second ({row['ms_each']:.1f} ms "
              f"each); {row['queries_per_transition']:.1f} queries each")
        if row["queries_per_transition"] > 12:
            missed.append(f"transition at {row['cases']}: more than 12 queries")
        if row["per_second"] < 100:
            missed.append(f"transition at {row['cases']}: under 100 a second")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000" + (",1000000" if os.environ.get("BENCH_LARGE") else ""))
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reseed", action="store_true", help="seed again even when a seeded database exists")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # internal: the measuring process of one database
    parser.add_argument("--cases", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.cases)
        return 0
    names = {size: seeded(size, args.reseed) for size in sorted(int(s) for s in args.sizes.split(","))}
    combined = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d"),
                **measure(names, args.runs)}
    missed = report(combined)
    Path(args.out).write_text(json.dumps(combined, indent=1), encoding="utf-8")
    print(f"\nwritten {args.out}; " + (f"{len(missed)} targets missed" if missed else "every target met"))
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
