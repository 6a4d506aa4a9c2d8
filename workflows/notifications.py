"""Telling people that a step has become theirs: in the app and by email, after commit."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows import engine
from workflows.templatetags.tanggal import tanggal


def notify_current_actors(case_id: int) -> int:
    """Notify everyone who may act on the case's current step; returns how many people."""
    from workflows.models import Case, Notification

    case = Case.objects.select_related("sop_version__sop", "agency").get(pk=case_id)
    step = case.current_step
    if step is None:
        return 0
    run = case.step_runs.filter(completed_at__isnull=True).first()
    due = tanggal(run.due_at, case.agency) if run and run.due_at else _("tanpa batas waktu")
    people = sorted({a.user for a in engine.lane_holders(case, step.lane)}, key=lambda u: u.pk)
    message = _("%(sop)s — \"%(title)s\": langkah %(no)d (%(kegiatan)s) menunggu Anda.") % {
        "sop": case.spec.name, "title": case.title, "no": step.no, "kegiatan": step.kegiatan}
    Notification.objects.bulk_create([Notification(user=u, case=case, message=message[:500]) for u in people])
    subject = _("[LPSE SOP] Tugas baru: %(title)s") % {"title": case.title}
    body = _(
        "Kasus \"%(title)s\" (%(sop)s) menunggu Anda.\n\n"
        "Langkah %(no)d: %(kegiatan)s\nBatas waktu: %(due)s\n\n%(url)s\n"
    ) % {"title": case.title, "sop": case.spec.name, "no": step.no, "kegiatan": step.kegiatan, "due": due,
         "url": settings.SITE_URL.rstrip("/") + reverse("case_detail", args=[case.pk])}
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in people if u.email]
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(people)
