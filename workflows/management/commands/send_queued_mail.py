"""Hand every queued email whose next attempt is due to the background worker again.

Safe to run at any time and as often as wanted (cron every few minutes): an email is sent
at most once per attempt, because each attempt is claimed by a conditional update first.
It matters after a worker was killed mid-send, or where the task backend cannot schedule
retries itself.
"""
from django.core.management.base import BaseCommand

from workflows.outbox import requeue_due


class Command(BaseCommand):
    help = "Kirim ulang email yang menunggu dan sudah waktunya dicoba lagi."

    def handle(self, *args, **options):
        count = requeue_due()
        self.stdout.write(f"{count} email diantrekan untuk dikirim.")
