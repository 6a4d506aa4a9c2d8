"""Render the record of one case as PDF/A (the same document the case page offers).

    python manage.py render_case 12 --out rekaman.pdf --site-url https://sop.lpse.example.go.id

Each run registers a new record with its own verification code; nothing else changes.
The QR code and the footer lead to the public verification page under --site-url, or
under settings.SITE_URL (set by the deploy); a record whose QR leads to this machine
(the development default http://127.0.0.1:8000) is written with a warning.
"""
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflows.models import Case
from workflows.pdf.case_record import is_local_url, write_case_record


class Command(BaseCommand):
    help = "Cetak rekaman kasus sebagai PDF/A."

    def add_arguments(self, parser):
        parser.add_argument("case_id", type=int)
        parser.add_argument("--out", required=True, metavar="FILE.pdf")
        parser.add_argument("--site-url", default=None, metavar="URL",
                            help="Alamat situs untuk kode QR verifikasi (bawaan: SITE_URL).")

    def handle(self, *args, case_id, out, site_url, **options):
        if site_url is not None and (urlsplit(site_url).scheme not in ("http", "https") or not urlsplit(site_url).hostname):
            raise CommandError(f"--site-url harus alamat http(s) lengkap, mis. https://sop.lpse.example.go.id (bukan '{site_url}').")
        case = Case.objects.select_related("agency", "sop_version__sop").filter(pk=case_id).first()
        if case is None:
            raise CommandError(f"Kasus {case_id} tidak ditemukan.")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"Folder {path.parent} tidak ada.")
        url = site_url or settings.SITE_URL
        if is_local_url(url):
            self.stderr.write(
                f"Peringatan: kode QR rekaman ini menunjuk ke {url}, alamat komputer ini, yang tidak dapat "
                f"dibuka dari rekaman cetak. Beri --site-url atau atur SITE_URL ke alamat situs yang sebenarnya.")
        record = write_case_record(case, path, site_url=site_url)
        self.stdout.write(f"{path}: rekaman kasus {case.pk}, kode verifikasi {record.code}, SHA-256 {record.sha256}")
