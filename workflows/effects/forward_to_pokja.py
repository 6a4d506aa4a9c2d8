"""``forward_to_pokja``: the case's announcement to every Pokja Pemilihan of the agency.

A ``notify`` with the role ``pokja``, the announcement's standard wording, a record of who
was told how (Dissemination), and phone confirmations recorded afterwards.
"""
from __future__ import annotations

from itertools import takewhile
from typing import ClassVar, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from pydantic import Field

from workflows.effects.announce import PublishAnnouncement, publishes_announcement
from workflows.effects.base import EffectContext, RoleCode, register, step_effects
from workflows.effects.notify import Notify
from workflows.effects.recipients import EMAIL
from workflows.exceptions import ActionRefused


@register
class ForwardToPokja(Notify):
    """Forward the case's announcement to the Pokja Pemilihan; its pelaksana may then record phone confirmations."""

    label: ClassVar[str] = gettext_lazy("Teruskan pengumuman ke Pokja Pemilihan")

    type: Literal["forward_to_pokja"] = Field(title=gettext_noop("Jenis efek"), description=gettext_noop("`forward_to_pokja`."))
    role: RoleCode | None = Field("pokja", title=gettext_noop("Peran penerima"),
                                  description=gettext_noop("Bawaan `pokja` (Pokja Pemilihan instansi kasus)."))
    channel: str = Field("email", title=gettext_noop("Saluran"),
                         description=gettext_noop("Key input `choice` langkah ini (nilai `email` mengirim email; `surat`, "
                                     "`telepon` hanya dicatat), atau `email` / `in_app` / `both`."))
    subject: str = Field("", title=gettext_noop("Judul pesan"), description=gettext_noop("Kosong: judul baku pengumuman pemeliharaan."))
    body: str = Field("", title=gettext_noop("Isi pesan"), description=gettext_noop("Kosong: isi baku pengumuman pemeliharaan."))

    allows_confirmations = True

    def problems(self, step, earlier):
        problems = super().problems(step, earlier)
        before_on_step = list(takewhile(lambda e: e is not self, step_effects(step)))
        if not any(publishes_announcement(s) for s in earlier) and not any(
                isinstance(e, PublishAnnouncement) for e in before_on_step):
            problems.append(("type", _("tidak ada langkah sebelumnya yang menerbitkan pengumuman "
                                       "(announce_maintenance); tidak ada yang dapat diteruskan.")))
        return problems

    def check(self, ctx: EffectContext) -> None:
        publishing = any(isinstance(e, PublishAnnouncement) for e in ctx.step.effects)
        if not publishing and getattr(ctx.case, "announcement", None) is None:
            raise ActionRefused(_("Kasus ini belum punya pengumuman untuk diteruskan."))
        super().check(ctx)

    def message(self, ctx: EffectContext) -> tuple[str, str]:
        if self.subject and self.body:
            return super().message(ctx)
        from workflows.templatetags.tanggal import tanggal

        case, announcement = ctx.case, ctx.case.announcement
        start = tanggal(announcement.starts_at, case.agency)
        subject = _("[LPSE] Pemeliharaan SPSE %(start)s") % {"start": start}
        body = _(
            "Yth. Pokja Pemilihan,\n\n%(text)s\n\nMulai: %(start)s\nSelesai: %(end)s\n\n"
            "Mohon sesuaikan jadwal paket lelang bila diperlukan.\n\n%(sender)s\n%(unit)s\n"
        ) % {"text": announcement.text, "start": start, "end": tanggal(announcement.ends_at, case.agency),
             "sender": ctx.by.full_name, "unit": case.unit.name}
        return subject, body

    def record(self, ctx: EffectContext, recipients, channel: str) -> None:
        from workflows.models import Dissemination

        now = timezone.now()
        Dissemination.objects.bulk_create([
            Dissemination(case=ctx.case, recipient=person, recipient_name=person.full_name,
                          recipient_contact=person.email if channel == EMAIL else "", channel=channel, at=now,
                          by=ctx.by)
            for person in recipients
        ])
