"""Check every case's history chain (workflows/ledger.py) and name what was altered.

    python manage.py verify_history            # every case
    python manage.py verify_history --case 42  # one case

Read-only. Exits non-zero when any chain is broken or any row differs from it, naming the
first altered or missing row of each case.
"""
from django.core.management.base import BaseCommand, CommandError

from workflows import ledger
from workflows.models import Case


class Command(BaseCommand):
    help = "Periksa rantai riwayat setiap kasus dan sebutkan baris yang diubah atau hilang."

    def add_arguments(self, parser):
        parser.add_argument("--case", type=int, dest="case_id", help="Nomor kasus; bawaan: semua kasus.")

    def handle(self, *args, case_id=None, **options):
        cases = Case.objects.order_by("pk")
        if case_id is not None:
            cases = cases.filter(pk=case_id)
            if not cases.exists():
                raise CommandError(f"kasus {case_id} tidak ada.")
        broken = 0
        for case in cases.iterator():
            problems = ledger.verify(case)
            if problems:
                broken += 1
                self.stdout.write(self.style.ERROR(f"kasus {case.pk}: {problems[0]}"))
                for problem in problems[1:]:
                    self.stdout.write(f"  juga: {problem}")
        checked = cases.count()
        if broken:
            raise CommandError(f"{broken} dari {checked} kasus riwayatnya tidak utuh.")
        self.stdout.write(self.style.SUCCESS(f"{checked} kasus diperiksa: semua rantai riwayat utuh."))
