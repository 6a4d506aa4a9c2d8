"""Render the record of one case as PDF/A (the same document the case page offers).

Each run registers a new record with its own verification code; nothing else changes.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.models import Case
from workflows.pdf.case_record import write_case_record


class Command(BaseCommand):
    help = "Cetak rekaman kasus sebagai PDF/A."

    def add_arguments(self, parser):
        parser.add_argument("case_id", type=int)
        parser.add_argument("--out", required=True, metavar="FILE.pdf")

    def handle(self, *args, case_id, out, **options):
        case = Case.objects.select_related("agency", "sop_version__sop").filter(pk=case_id).first()
        if case is None:
            raise CommandError(f"Kasus {case_id} tidak ditemukan.")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"Folder {path.parent} tidak ada.")
        record = write_case_record(case, path)
        self.stdout.write(f"{path}: rekaman kasus {case.pk}, kode verifikasi {record.code}, SHA-256 {record.sha256}")
