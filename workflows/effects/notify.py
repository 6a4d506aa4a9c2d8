"""``notify``: tell a role of the agency, or named people, by email and/or in the app."""
from __future__ import annotations

from typing import ClassVar, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from workflows.effects.base import Effect, EffectContext, RoleCode, register
from workflows.effects.placeholders import render, template_problem
from workflows.effects.recipients import CHANNELS, named_people, reachable, role_holders, send
from workflows.exceptions import ActionRefused


@register
class Notify(Effect):
    """Send a message to every holder of a role in the case's agency, or to named people of the agency."""

    label: ClassVar[str] = gettext_lazy("Beri tahu peran atau orang (email / notifikasi aplikasi)")

    type: Literal["notify"] = Field(title=gettext_noop("Jenis efek"), description=gettext_noop("`notify`."))
    role: RoleCode | None = Field(None, title=gettext_noop("Peran penerima"),
                                  description=gettext_noop("Kode peran; semua pemegangnya di instansi kasus diberi tahu. "
                                              "Isi `role` atau `people`, tidak keduanya."))
    people: tuple[str, ...] = Field((), title=gettext_noop("Penerima bernama"),
                                    description=gettext_noop("Daftar nama pengguna (username) orang instansi kasus yang diberi "
                                                "tahu."))
    channel: str = Field("both", title=gettext_noop("Saluran"),
                         description=gettext_noop("`email`, `in_app` (notifikasi di aplikasi) atau `both`; atau key input "
                                     "`choice` langkah ini yang nilainya memilih saluran (nilai lain, mis. "
                                     "`surat`, hanya dicatat)."))
    subject: str = Field(min_length=1, title=gettext_noop("Judul pesan"),
                         description=gettext_noop("Judul email/notifikasi; boleh memuat isian {judul}, {sop}, {instansi}, "
                                     "{langkah}, {pelaksana} dan {<key input>}."))
    body: str = Field(min_length=1, title=gettext_noop("Isi pesan"), description=gettext_noop("Isi pesan, dengan isian yang sama."))

    @model_validator(mode="after")
    def _one_audience(self) -> Notify:
        if bool(self.role) == bool(self.people):
            raise PydanticCustomError("sop", "{message}", {"message": _("isi salah satu: 'role' atau 'people'.")})
        return self

    # -- at import ---------------------------------------------------------------------

    def problems(self, step, earlier):
        problems = super().problems(step, earlier)
        if self.channel not in CHANNELS:
            found = next((i for i in step.inputs if i.key == self.channel), None)
            if found is None or found.type != "choice":
                problems.append(("channel", _("saluran '%(value)s' harus %(channels)s, atau key input choice "
                                              "langkah ini.") % {"value": self.channel,
                                                                 "channels": ", ".join(CHANNELS)}))
        for param in ("subject", "body"):
            text = getattr(self, param)
            if text and (problem := template_problem(text, step)):
                problems.append((param, problem))
        return problems

    # -- when the step is taken ----------------------------------------------------------

    def channel_of(self, ctx: EffectContext) -> str:
        return self.channel if self.channel in CHANNELS else str(ctx.cleaned.get(self.channel) or "")

    def audience(self, ctx: EffectContext) -> list:
        return list(role_holders(ctx.case, self.role) if self.role else named_people(ctx.case, self.people))

    def audience_name(self, ctx: EffectContext) -> str:
        if self.role:
            from accounts.models import Role

            return Role.name_of(self.role)
        return ", ".join(self.people)

    def recipients(self, ctx: EffectContext) -> list:
        """Who this notice reaches; a channel that only records (surat, telepon) reaches the whole audience."""
        channel = self.channel_of(ctx)
        people = self.audience(ctx)
        return reachable(people, channel) if channel in CHANNELS else people

    def check(self, ctx: EffectContext) -> None:
        # A notice nobody receives is refused before anything is stored: the pelaksana must know.
        if not self.recipients(ctx):
            channel = self.channel_of(ctx)
            raise ActionRefused(_(
                "Tidak ada penerima pemberitahuan langkah ini: tidak ada %(who)s di %(agency)s%(how)s. Minta "
                "pengelola instansi memberikan perannya (atau alamat email), lalu kerjakan lagi.") % {
                "who": self.audience_name(ctx), "agency": ctx.case.agency.name,
                "how": _(" yang punya alamat email") if channel == "email" else ""})

    def message(self, ctx: EffectContext) -> tuple[str, str]:
        return render(self.subject, ctx), render(self.body, ctx)

    def apply(self, ctx: EffectContext) -> None:
        channel = self.channel_of(ctx)
        recipients = self.recipients(ctx)
        self.record(ctx, recipients, channel)
        if channel in CHANNELS:
            subject, body = self.message(ctx)
            for person in recipients:
                send(person, ctx.case, channel, subject, body)

    def record(self, ctx: EffectContext, recipients: list[Any], channel: str) -> None:
        """Who was told is the Notification and outbox rows themselves; subclasses may keep more."""
