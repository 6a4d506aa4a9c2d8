"""Three weeks of demo cases in the demo agencies (workflows/demo_cases.py), and one SOP draft
waiting for pengesahan, for `make run`.

Safe to run again: once the demo cases exist it creates nothing. Refused in production.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflows.demo_cases import load_demo_cases, load_demo_draft


class Command(BaseCommand):
    help = "Buat kasus demo (tiga minggu terakhir) di instansi demo."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Kasus demo tidak boleh dimuat pada mode produksi.")
        created = load_demo_cases()
        self.stdout.write(f"{created} kasus demo dibuat." if created else "Kasus demo sudah ada; tidak ada yang diubah.")
        if load_demo_draft():
            self.stdout.write("1 draf SOP demo menunggu pengesahan (Susun SOP, kepala.biro.kaltim).")
