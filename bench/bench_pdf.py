"""Benchmark: how long one official SOP sheet takes to render, for each of the four seed SOPs,
and how long the PDF/A record of a 10-step case takes.

    .venv/bin/python bench/bench_pdf.py            # 7 timed runs per sheet after one warm-up
    .venv/bin/python bench/bench_pdf.py --runs 15 --strict

It sets Django up by itself on a throwaway SQLite database in a temporary directory
(migrate, demo people, the four seeds from fixtures/sops/), so it needs no `make setup`
and never touches db.sqlite3 or DATABASE_URL. Each timed run is the whole job the view
does: read the stored version, measure the table, paginate, draw the flowchart and write
the PDF (workflows.pdf.sheet.render_sop_sheet).

The case record is measured on a Registrasi Admin PPE case taken twice round the
"Apakah berkas lengkap?" loop: 1, 2, 3, 4, 2, 3, 4, 2, 5, 6, 7, 8 gives 12 step runs
(at least the 10 the target speaks of), with attachments and history, rendered by
workflows.pdf.case_record.render_case_record.

Prints the median, fastest and slowest run per document. The target is a median under 0.5 s;
with --strict the exit status is 1 when a sheet misses it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_CODES = ("PNG-UPDATE-SPSE", "PNG-AKUN-POKJA", "KALTIM-REG-ADMIN-PPE", "KKP-PENGUMUMAN-PEMELIHARAAN")


def setup_django(workdir: Path) -> None:
    """Django on a fresh SQLite file in ``workdir``, with the demo agencies and the four seeds."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["APP_ENV"] = "test"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lpse_sop.settings")
    import django
    from django.core.management import call_command

    django.setup()
    quiet = open(os.devnull, "w")
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_demo", quiet_logins=True, stdout=quiet)
    call_command("import_sop", *sorted(str(p) for p in (ROOT / "fixtures" / "sops").glob("*.yaml")), stdout=quiet)


def time_sheet(code: str, runs: int) -> list[float]:
    """Seconds per render of ``code``'s latest version, after one untimed warm-up."""
    from workflows.pdf.sheet import find_sop_version, render_sop_sheet

    render_sop_sheet(find_sop_version(code))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_sop_sheet(find_sop_version(code))
        times.append(time.perf_counter() - start)
    return times


def ten_step_case():
    """A finished Registrasi Admin PPE case with 12 step runs (the TIDAK loop taken twice)."""
    sys.path.insert(0, str(ROOT))
    from tests.workflows.driving import act, run_to_end, start
    from workflows.models import Sop

    case = act(start(Sop.objects.get(code="KALTIM-REG-ADMIN-PPE").latest_version, "Bench 10 langkah"), "complete")
    for _ in range(2):
        case = act(act(act(case, "tidak"), "complete"), "complete")  # 2 tidak -> 3 -> 4 -> back to 2
    case = run_to_end(case)
    assert case.step_runs.count() >= 10, case.step_runs.count()
    return case


def time_record(runs: int) -> tuple[list[float], int]:
    from accounts.models import User
    from workflows.pdf.case_record import render_case_record

    case = ten_step_case()
    auditor = User.objects.get(username="auditor.bpk")
    render_case_record(case, by=auditor)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_case_record(case, by=auditor)
        times.append(time.perf_counter() - start)
    return times, case.step_runs.count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per sheet (default 7)")
    parser.add_argument("--target", type=float, default=0.5, help="target median in seconds (default 0.5)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a sheet misses the target")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as workdir:
        setup_django(Path(workdir))
        print(f"{'SOP':<30} {'median':>8} {'min':>8} {'max':>8}  ({args.runs} runs, target {args.target:.2f} s)")
        missed = []
        for code in SEED_CODES:
            times = time_sheet(code, args.runs)
            median = statistics.median(times)
            flag = "" if median < args.target else "  <-- over target"
            print(f"{code:<30} {median:8.3f} {min(times):8.3f} {max(times):8.3f}{flag}")
            if median >= args.target:
                missed.append(code)
        times, steps = time_record(args.runs)
        median = statistics.median(times)
        label = f"case record ({steps} steps)"
        flag = "" if median < args.target else "  <-- over target"
        print(f"{label:<30} {median:8.3f} {min(times):8.3f} {max(times):8.3f}{flag}")
        if median >= args.target:
            missed.append(label)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
