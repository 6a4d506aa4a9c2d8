"""Email that never turns a saved action into an error.

``queue_email`` writes an OutgoingEmail row inside the caller's transaction (so the email
exists exactly when the action does) and, once that commits, hands its id to the background
worker. ``deliver`` makes one attempt, records its outcome, and on failure schedules the
next with backoff; after the last attempt the email is marked failed, which the
administrator sees in the admin and in a banner. ``python manage.py send_queued_mail``
re-queues whatever is due (after a worker was killed, or where the task backend cannot
schedule a retry itself).
"""
from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from workflows.models import EmailAttempt, OutgoingEmail

logger = logging.getLogger(__name__)

# Wait before attempt 2, 3, 4, 5; after the fifth failure the email is given up as failed.
BACKOFF = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=5), datetime.timedelta(minutes=30),
           datetime.timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
SUBJECT_MAX = 200


def header_safe(value: str, limit: int = SUBJECT_MAX) -> str:
    """One line, whatever was typed: CR, LF and other whitespace runs become one space."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def queue_email(*, to: str, subject: str, body: str, recipient=None, case=None, redact: str = "") -> OutgoingEmail:
    """Store the email now; the worker sends it after the current transaction commits.

    ``redact``: a secret in the body (an invitation link) kept only until the email is sent.
    """
    email = OutgoingEmail.objects.create(to=to, subject=header_safe(subject), body=body, recipient=recipient,
                                         case=case, next_attempt_at=timezone.now(), redact=redact)
    transaction.on_commit(partial(_enqueue, email.pk), robust=True)
    return email


def _enqueue(email_id: int, run_after: datetime.datetime | None = None) -> None:
    if run_after is None:
        deliver_email.enqueue(email_id)
    elif deliver_email.get_backend().supports_defer:
        deliver_email.using(run_after=run_after).enqueue(email_id)
    # Otherwise ``send_queued_mail`` picks the email up when it is due.


@task()
def deliver_email(email_id: int) -> str:
    return deliver(email_id)


def deliver(email_id: int) -> str:
    """One attempt at sending; returns what happened ("sent", "retry", "failed" or "skipped")."""
    now = timezone.now()
    email = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING).first()
    if email is None or (email.next_attempt_at and email.next_attempt_at > now):
        return "skipped"
    attempt = email.attempts + 1
    if attempt > MAX_ATTEMPTS:  # the worker died during the last attempt
        OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED, **_forget_secret(email))
        return "failed"
    # Claim this attempt; a second delivery of the same task finds the counter moved and stops.
    # ``next_attempt_at`` doubles as a lease: if the worker dies while sending, the email is due again then.
    lease = now + BACKOFF[min(attempt, len(BACKOFF)) - 1]
    claimed = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.PENDING,
                                           attempts=email.attempts).update(attempts=F("attempts") + 1,
                                                                           next_attempt_at=lease)
    if not claimed:
        return "skipped"
    retry_at = lease if attempt < MAX_ATTEMPTS else None
    try:
        EmailMessage(subject=header_safe(email.subject), body=email.body, from_email=settings.DEFAULT_FROM_EMAIL,
                     to=[email.to]).send(fail_silently=False)
    except Exception as exc:  # whatever the mail server or the network does, the email stays recorded
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Email %s to %s failed (attempt %s of %s): %s", email.pk, email.to, attempt, MAX_ATTEMPTS,
                       error)
        EmailAttempt.objects.create(email=email, at=timezone.now(), ok=False, error=error)
        status = OutgoingEmail.Status.PENDING if retry_at else OutgoingEmail.Status.FAILED
        OutgoingEmail.objects.filter(pk=email.pk).update(status=status, last_error=error, next_attempt_at=retry_at,
                                                         **({} if retry_at else _forget_secret(email)))
        if retry_at:
            _enqueue(email.pk, retry_at)
            return "retry"
        return "failed"
    EmailAttempt.objects.create(email=email, at=timezone.now(), ok=True)
    body = email.body.replace(email.redact, "[…]") if email.redact else email.body
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.SENT, sent_at=timezone.now(),
                                                     next_attempt_at=None, body=body, redact="")
    return "sent"


def _forget_secret(email: OutgoingEmail) -> dict:
    """A link that will not be delivered is not kept either: whoever needs it asks for a new one."""
    if not email.redact:
        return {}
    return {"body": email.body.replace(email.redact, _("[tautan dihapus karena email gagal terkirim; minta tautan "
                                                       "baru]")), "redact": ""}


def requeue_due(now: datetime.datetime | None = None) -> int:
    """Hand every pending email whose attempt is due to the worker again; returns how many."""
    now = now or timezone.now()
    ids = list(OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
               .values_list("pk", flat=True))
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def retry_failed(queryset) -> int:
    """The administrator's "send again": failed emails get a fresh round of attempts."""
    ids = list(queryset.filter(status=OutgoingEmail.Status.FAILED).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(status=OutgoingEmail.Status.PENDING, attempts=0,
                                                    next_attempt_at=timezone.now())
    for pk in ids:
        transaction.on_commit(partial(_enqueue, pk), robust=True)
    return len(ids)
