"""Maintenance announcements: forwarding them to the agency's Pokja, and reading them."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import POKJA


def pokja_of(case) -> QuerySet[User]:
    """The active Pokja Pemilihan members of the case's agency."""
    return User.objects.filter(is_active=True, role_assignments__role_id=POKJA,
                               role_assignments__unit__agency_id=case.agency_id).distinct().order_by("full_name")


def announcement_forward_step(case):
    """The step of the case's SOP that forwards its announcement, if it has one."""
    return next((s for s in case.spec.steps if s.effect.get("type") == "forward_to_pokja"), None)


def confirmation_step(case):
    """The forwarding step once it has been reached on a case that is not cancelled: from then
    on its pelaksana may record phone confirmations. None before that."""
    from workflows import states

    step = announcement_forward_step(case)
    if step is None or case.state == states.CANCELLED or not case.step_runs.filter(step_no=step.no).exists():
        return None
    return step


def forward_announcement(*, case, channel: str, by) -> int:
    """Record the forwarding to every Pokja member; by email, send it after commit."""
    from workflows.models import Dissemination
    from workflows.outbox import queue_email
    from workflows.templatetags.tanggal import tanggal

    announcement = getattr(case, "announcement", None)
    if announcement is None:
        return 0
    now = timezone.now()
    members = list(pokja_of(case))
    Dissemination.objects.bulk_create([
        Dissemination(case=case, recipient=m, recipient_name=m.full_name,
                      recipient_contact=m.email if channel == "email" else "", channel=channel, at=now, by=by)
        for m in members
    ])
    if channel == "email":
        subject = _("[LPSE] Pemeliharaan SPSE %(start)s") % {"start": tanggal(announcement.starts_at, case.agency)}
        body = _(
            "Yth. Pokja Pemilihan,\n\n%(text)s\n\nMulai: %(start)s\nSelesai: %(end)s\n\n"
            "Mohon sesuaikan jadwal paket lelang bila diperlukan.\n\n%(sender)s\n%(unit)s\n"
        ) % {"text": announcement.text, "start": tanggal(announcement.starts_at, case.agency),
             "end": tanggal(announcement.ends_at, case.agency), "sender": by.full_name, "unit": case.unit.name}
        for member in members:
            if member.email:
                queue_email(to=member.email, recipient=member, case=case, subject=subject, body=body)
    return len(members)


def current_announcements():
    """Published announcements whose maintenance has not ended yet."""
    from workflows.models import Announcement

    return Announcement.objects.published().filter(ends_at__gte=timezone.now())
