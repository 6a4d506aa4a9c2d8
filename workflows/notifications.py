"""Telling people that a step has become theirs. Runs after the transaction commits."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workflows import engine


def notify_current_actors(case_id: int) -> int:
    """Email everyone who may act on the case's current step; returns how many were sent."""
    from workflows.models import Case

    case = Case.objects.select_related("sop_version__sop", "agency").get(pk=case_id)
    step = case.current_step
    if step is None:
        return 0
    run = case.step_runs.filter(completed_at__isnull=True).first()
    due = _("tanpa batas waktu")
    if run and run.due_at:
        local = timezone.localtime(run.due_at, case.agency.tzinfo)
        due = f"{formats.date_format(local, 'l, j F Y H.i')} {case.agency.time_zone}"
    subject = _("[LPSE SOP] Tugas baru: %(title)s") % {"title": case.title}
    body = _(
        "Kasus \"%(title)s\" (%(sop)s) menunggu Anda.\n\n"
        "Langkah %(no)d: %(kegiatan)s\nBatas waktu: %(due)s\n\n%(url)s\n"
    ) % {"title": case.title, "sop": case.spec.name, "no": step.no, "kegiatan": step.kegiatan, "due": due,
         "url": settings.SITE_URL}
    recipients = sorted({a.user.email for a in engine.lane_holders(case, step.lane) if a.user.email})
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
