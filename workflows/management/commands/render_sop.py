"""Render the official PermenPAN-RB SOP sheet of a stored SOP version to a PDF file.

    python manage.py render_sop PNG-UPDATE-SPSE --out sop.pdf
    python manage.py render_sop KALTIM-REG-ADMIN-PPE --version 1 --out registrasi.pdf
    python manage.py render_sop REG-ADMIN-PPE --instansi ponorogo --out registrasi.pdf

A code several agencies share (an adopted national template) needs --instansi, or
--templat for the national template itself.

Read-only: it changes nothing in the database and writes only the file named by --out.
The sheet is drawn by workflows.pdf.sheet, the same code the download view uses.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.pdf.sheet import SheetNotFound, find_sop, find_sop_version, render_sop_sheet


class Command(BaseCommand):
    help = "Cetak lembar SOP (format PermenPAN-RB 35/2012) dari definisi yang tersimpan ke berkas PDF."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version is Django's "show the Django version"; here it is the SOP version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("code", help="Kode SOP, mis. PNG-UPDATE-SPSE.")
        parser.add_argument("--instansi", dest="agency", default=None,
                            help="Kode instansi pemilik SOP, bila kodenya dipakai beberapa instansi.")
        parser.add_argument("--templat", dest="template", action="store_true",
                            help="Cetak templat nasional berkode itu.")
        parser.add_argument("--version", dest="number", type=int, default=None,
                            help="Nomor versi SOP (bawaan: versi terbaru).")
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="Berkas PDF yang ditulis.")

    def handle(self, *args, code: str, number: int | None, out: str, agency: str | None = None,
               template: bool = False, **options):
        try:
            version = find_sop_version(find_sop(code, agency, template), number)
        except SheetNotFound as exc:
            raise CommandError(str(exc)) from None
        pdf = render_sop_sheet(version)
        path = Path(out)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"berkas {out} tidak dapat ditulis ({exc.strerror or exc}).") from None
        self.stdout.write(self.style.SUCCESS(
            f"{version.sop.code} versi {version.number} dicetak ke {path} ({len(pdf) // 1024} KB)."))
