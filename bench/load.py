"""Load test: 50 staff on gunicorn against the 100,000-case data, one worker killed every 20 s.

    .venv/bin/python bench/load.py [--cases 100000] [--users 50] [--minutes 3] [--workers 2] [--threads 4]

1. Takes the seeded database of bench/bench_pages.py (seeding it when missing).
2. Collects the static files and starts gunicorn in production mode (plain HTTP on
   127.0.0.1, so the cookies are not marked Secure) with --workers and --threads, and the
   task worker beside it, as a deployment runs them.
3. Picks the people: the busiest Kepala LPSE and Admin PPE of the agencies with the most open
   cases (Admin PPE also start cases, completing the first step with an uploaded PDF),
   PM LKPP and national auditors; Locust runs them headless for --minutes (bench/locustfile.py).
4. Every 20 s it kills one gunicorn worker with SIGKILL (the master starts another): only the
   requests in flight on it may fail.
5. Checks consistency afterwards: every case's state is the target of its last history row,
   every open case has exactly one waiting step run, a closed one none, and each case's
   history chain verifies for the cases the load touched.
Prints Locust's figures (failures, median, p95) and the checks; exit 1 with --strict when a
target (no failure but requests lost with a killed worker, p95 under 500 ms, consistency) is missed.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_pages import database_url, seeded  # noqa: E402

PORT = 8200
# What Locust records for a request that got no answer: the locustfile's own words (NO_ANSWER)
# or the HTTP client's, when the connection closed under it.
LOST = ("no answer", "RemoteDisconnected", "ConnectionResetError", "ConnectionRefusedError", "BadStatusLine")


def _env(name: str, static_root: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url(name), "APP_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{PORT}", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
            "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0", "STATIC_ROOT": static_root,
            "MEDIA_ROOT": str(ROOT / "bench" / "media" / name),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


def people(name: str, count: int) -> list[dict]:
    """Who logs in: heads, Admin PPE (who start cases with an upload), PM LKPP, auditors."""
    os.environ.update({"DATABASE_URL": database_url(name), "APP_ENV": "test",
                       "MEDIA_ROOT": str(ROOT / "bench" / "media" / name)})  # where gunicorn keeps the uploads
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lpse_sop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import RoleAssignment
    from workflows.models import Case, Sop

    busy = list(Case.objects.filter(closed_at__isnull=True).values("agency_id").annotate(n=Count("id"))
                .order_by("-n").values_list("agency_id", flat=True)[:count])
    national = []
    for role in ("pm_lkpp", "auditor"):
        for assignment in RoleAssignment.objects.filter(role_id=role, unit__agency__is_national=True).select_related(
                "user")[:max(1, count // 10)]:
            national.append({"username": assignment.user.username, "role": role})
    chosen = []
    agency_staff = count - len(national)  # the rest: 40 % heads, 60 % Admin PPE (who start cases)
    for role, wanted in (("kepala_lpse", agency_staff * 2 // 5), ("admin_ppe", agency_staff - agency_staff * 2 // 5)):
        for assignment in (RoleAssignment.objects.filter(role_id=role, unit__agency_id__in=busy)
                           .select_related("user", "unit__agency")[:max(1, wanted)]):
            person = {"username": assignment.user.username, "role": role}
            sop = Sop.objects.filter(agency=assignment.unit.agency, code__endswith="UPDATE-SPSE").first()
            version = sop.version_in_force() if sop and role == "admin_ppe" else None
            if version is not None:
                person["start"] = {"url": reverse("start_case", args=[version.pk]),
                                   "inputs": {i.key: i.type for i in version.spec.first_step.inputs}}
            chosen.append(person)
    chosen = (chosen + national)[:count]
    # The seed hashes its passwords with the fast hasher of the test settings, which production
    # does not accept: the chosen people get the production hash (PBKDF2), so that each login
    # of the run is a real one and costs what a login costs.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.models import User

    hasher = PBKDF2PasswordHasher()
    User.objects.filter(username__in=[p["username"] for p in chosen]).update(
        password=hasher.encode(os.environ.get("LOAD_PASSWORD", "demo-lpse-2026"), hasher.salt()))
    return chosen


def consistency(name: str, since) -> list[str]:
    """Every case's state is where its history says; no half-done step; touched chains verify."""
    from django.db.models import Count, OuterRef, Q, Subquery

    from workflows import ledger, states
    from workflows.models import Case, CaseEvent

    last_target = Subquery(CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at", "-pk").values("to_state")[:1])
    problems = []
    wrong = (Case.objects.annotate(last=last_target).exclude(state=states.NEW).exclude(state=last_target)
             .values_list("pk", flat=True)[:10])
    problems += [f"case {pk}: state differs from its last history row" for pk in wrong]
    open_runs = Count("step_runs", filter=Q(step_runs__completed_at__isnull=True))
    half = (Case.objects.annotate(open=open_runs).filter(
        Q(closed_at__isnull=True, open__gt=1) | Q(closed_at__isnull=True, open=0) & ~Q(state=states.NEW)
        | Q(closed_at__isnull=False, open__gt=0)).values_list("pk", flat=True)[:10])
    problems += [f"case {pk}: waiting step runs do not match its state" for pk in half]
    for case in Case.objects.filter(events__at__gte=since).distinct()[:300]:
        problems += [f"case {case.pk}: {p}" for p in ledger.verify(case)][:1]
    return problems


def killer(stop_at: float, master_pid: int, log: list) -> None:
    """SIGKILL one gunicorn worker every 20 s until ``stop_at``."""
    while time.time() + 20 < stop_at:
        time.sleep(20)
        children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
        if children:
            os.kill(int(children[0]), signal.SIGKILL)
            log.append(time.time())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    import threading

    name = seeded(args.cases, reseed=False)
    with tempfile.TemporaryDirectory(prefix="lpse-load-") as tmp:
        env = _env(name, str(Path(tmp) / "static"))
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        chosen = people(name, args.users)
        people_file = Path(tmp) / "people.json"
        people_file.write_text(json.dumps(chosen), encoding="utf-8")
        import django.utils.timezone as tz

        since = tz.now()
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "lpse_sop.wsgi", "-b",
                                   f"127.0.0.1:{PORT}", "--workers", str(args.workers), "--threads",
                                   str(args.threads), "--timeout", "30", "--log-level", "warning"], cwd=ROOT, env=env)
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kills: list[float] = []
        try:
            time.sleep(4)
            seconds = int(args.minutes * 60)
            if not args.no_kill:
                threading.Thread(target=killer, args=(time.time() + seconds, server.pid, kills), daemon=True).start()
            prefix = Path(tmp) / "locust"
            subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                            "--headless", "-u", str(len(chosen)), "-r", "1", "-t", f"{seconds}s", "--host",
                            f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary"],
                           cwd=ROOT, env={**env, "LOAD_PEOPLE": str(people_file)}, check=False)
            with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            total = next(row for row in rows if row["Name"] == "Aggregated")
            with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
                errors = [(row["Error"], int(row["Occurrences"])) for row in csv.DictReader(handle)]
            print(f"\n{'endpoint':<36} {'requests':>8} {'failures':>8} {'median':>7} {'p95':>7} {'max':>7}")
            for row in rows:
                print(f"{row['Name'][:36]:<36} {row['Request Count']:>8} {row['Failure Count']:>8} "
                      f"{row['50%']:>7} {row['95%']:>7} {float(row['Max Response Time']):>7.0f}")
        finally:
            server.send_signal(signal.SIGTERM)
            worker.send_signal(signal.SIGTERM)
            server.wait(30)
            worker.wait(30)
    problems = consistency(name, since)
    failures, requests = int(total["Failure Count"]), int(total["Request Count"])
    # A request whose worker was killed under it gets no answer (the connection is lost); any
    # other failure (a refused login, an error page, a case not started) is the application's.
    lost = sum(n for error, n in errors if any(sign in error for sign in LOST))
    for error, n in errors:
        print(f"  {n:>5} x {error[:110]}")
    p95 = float(total["95%"])
    print(f"\n{requests} requests, {failures} failures, {lost} of them lost with a killed worker "
          f"({len(kills)} workers killed), "
          f"{float(total['Requests/s']):.1f} a second, median {total['50%']} ms, p95 {p95:.0f} ms")
    print("consistency: " + ("every case agrees with its history" if not problems else "; ".join(problems[:10])))
    missed = problems + ([f"p95 {p95:.0f} ms > 500"] if p95 > 500 else [])
    if failures > lost:
        missed.append(f"{failures - lost} failures other than requests lost with a killed worker")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
