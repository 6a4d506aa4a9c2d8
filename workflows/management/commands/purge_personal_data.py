"""Remove personal documents whose retention has ended, and say so in each case's history.

    python manage.py purge_personal_data --by admin [--dry-run]

A personal document (workflows.access.is_personal_key: a KTP scan, a Pokja member's SK or
certificate) of a case closed more than RETENTION_DAYS["personal_documents"] days ago loses
its file; the attachment's record (name, SHA-256) stays, as the history does, and a history
row says what was removed, when and by whom. Safe to run again: a file already removed is
skipped. ``--dry-run`` lists what would be removed and changes nothing.
"""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import AGENCY_ADMIN
from workflows.access import is_personal_key
from workflows.models import Case, CaseEvent


class Command(BaseCommand):
    help = "Hapus dokumen pribadi yang masa retensinya habis dan catat penghapusannya di riwayat kasus."

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, metavar="NAMA_PENGGUNA",
                            help="Administrator yang menjalankan penghapusan (tercatat di riwayat).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya tampilkan; tidak menghapus apa pun.")

    def handle(self, *args, by: str, dry_run: bool = False, **options):
        admin = User.objects.filter(username=by, is_active=True).first()
        if admin is None:
            raise CommandError(f"pengguna {by} tidak ada atau tidak aktif.")
        days = settings.RETENTION_DAYS["personal_documents"]
        cutoff = timezone.now() - datetime.timedelta(days=days)
        removed = 0
        for case in Case.objects.filter(closed_at__lt=cutoff).select_related("sop_version").order_by("pk"):
            expired = [a for a in case.attachments.order_by("pk")
                       if is_personal_key(case, a.key) and a.file and a.file.storage.exists(a.file.name)]
            if not expired:
                continue
            labels = ", ".join(f"{a.label} ({a.original_name})" for a in expired)
            self.stdout.write(f"kasus {case.pk}: {labels}")
            if dry_run:
                continue
            with transaction.atomic():
                CaseEvent.objects.create(
                    case=case, at=timezone.now(), actor=admin, role_id=AGENCY_ADMIN, action="retensi",
                    from_state=case.state, to_state=case.state,
                    note=f"Dokumen pribadi dihapus karena masa retensi {days} hari berakhir: {labels}")
                # The files go once the history row is saved; a failed run removes nothing. Printed
                # records hold the same data: their PDFs go too (code and SHA-256 stay verifiable).
                files = [a.file for a in expired] + [r.pdf for r in case.records.exclude(pdf="")]
                transaction.on_commit(lambda files=files: [f.storage.delete(f.name) for f in files])
            removed += len(expired)
        self.stdout.write(f"{removed} dokumen pribadi dihapus." if not dry_run else "Uji coba: tidak ada yang dihapus.")
