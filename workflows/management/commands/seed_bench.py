"""National-scale bench data: ``manage.py seed_bench --agencies 600 --cases 100000 [--seed S]``.

Refused in production and, unless ``--force``, on a database that already holds cases.
Prints the rows it wrote per table and the seconds each phase took (workflows.bench_data).
"""
import datetime
import zoneinfo

from django.core.management.base import BaseCommand, CommandError

from workflows.bench_data import DEFAULT_ANCHOR, BenchRefused, data_digest, seed_bench


def _anchor(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--anchor {text!r}: tulis seperti 2026-12-01T10:00+07:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


class Command(BaseCommand):
    help = "Bangun data uji skala nasional (instansi, orang, SOP, kasus) secara massal dan deterministik."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=600, help="Instansi baru (selain instansi demo).")
        parser.add_argument("--cases", type=int, default=1000, help="Jumlah kasus.")
        parser.add_argument("--seed", type=int, default=1, help="Benih acak: benih sama, data sama.")
        parser.add_argument("--anchor", type=_anchor, default=DEFAULT_ANCHOR,
                            help=f"'Sekarang' data bench (semua kasus sebelum saat ini); bawaan {DEFAULT_ANCHOR:%Y-%m-%dT%H:%M%z}.")
        parser.add_argument("--force", action="store_true", help="Tetap jalan walau basis data sudah berisi kasus.")
        parser.add_argument("--digest", action="store_true", help="Cetak SHA-256 seluruh data yang ditulis.")

    def handle(self, *args, agencies, cases, seed, anchor, force, digest, **options):
        if agencies < 0 or cases < 0:
            raise CommandError("--agencies dan --cases tidak boleh negatif.")
        try:
            report = seed_bench(agencies=agencies, cases=cases, seed=seed, anchor=anchor, force=force,
                                log=lambda line: self.stdout.write(line))
        except BenchRefused as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        if digest:
            self.stdout.write(f"digest {data_digest()}")
