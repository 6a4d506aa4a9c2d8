"""Benchmark: how long one official SOP sheet takes to render, for each of the four seed SOPs.

    .venv/bin/python bench/bench_pdf.py            # 7 timed runs per sheet after one warm-up
    .venv/bin/python bench/bench_pdf.py --runs 15 --strict

It sets Django up by itself on a throwaway SQLite database in a temporary directory
(migrate, demo people, the four seeds from fixtures/sops/), so it needs no `make setup`
and never touches db.sqlite3 or DATABASE_URL. Each timed run is the whole job the view
does: read the stored version, measure the table, paginate, draw the flowchart and write
the PDF (workflows.pdf.sheet.render_sop_sheet).

Prints the median, fastest and slowest run per sheet. The target is a median under 0.5 s;
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
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
