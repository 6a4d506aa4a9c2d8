"""Send the reminders, overdue notices and daily digests that are due (docs: workflows/deadlines.py).

Idempotent and safe to run concurrently: every notice is claimed by a unique row before it
is sent, in the same transaction, so nothing is sent twice and nothing is lost if the run
is killed. ``make run`` runs it every minute beside the server; in production, cron it
every few minutes. ``--loop N`` keeps running it every N seconds, and each round also hands
the email a killed worker left behind back to the queue (as ``send_queued_mail`` does).
"""
import time

from django.core.management.base import BaseCommand

from workflows.deadlines import sweep
from workflows.outbox import requeue_due


class Command(BaseCommand):
    help = "Kirim pengingat, pemberitahuan terlambat dan ringkasan harian yang sudah waktunya."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="DETIK",
                            help="Ulangi terus setiap DETIK detik (untuk pekerja latar).")

    def handle(self, *args, loop: int = 0, **options):
        while True:
            result = sweep()
            self.stdout.write(f"{result.reminders} pengingat, {result.overdue} pemberitahuan terlambat, "
                              f"{result.digests} ringkasan harian dikirim.")
            if not loop:
                return
            requeue_due()
            time.sleep(loop)
