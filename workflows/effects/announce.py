"""``announce_maintenance`` (alias ``publish_announcement``): publish the case's announcement."""
from __future__ import annotations

import datetime
from typing import ClassVar, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from pydantic import Field

from workflows.effects.base import Effect, EffectContext, InputKey, register, step_effects
from workflows.effects.placeholders import render, template_problem


@register
class PublishAnnouncement(Effect):
    """Publish a maintenance announcement (public page, Atom, JSON) at least ``min_lead_days`` before it starts."""

    label: ClassVar[str] = gettext_lazy("Terbitkan pengumuman pemeliharaan (halaman publik, Atom, JSON)")

    type: Literal["announce_maintenance", "publish_announcement"] = Field(
        title=gettext_noop("Jenis efek"), description=gettext_noop("`announce_maintenance` atau `publish_announcement` (nama yang sama)."))
    min_lead_days: int = Field(
        ge=0, title=gettext_noop("Minimal hari sebelum mulai"),
        description=gettext_noop("Pengumuman harus tayang sekurang-kurangnya sekian hari sebelum mulai. `0`: boleh untuk "
                    "gangguan yang sudah berlangsung (mulai di masa lalu, selesai di masa depan)."))
    start: InputKey = Field(title=gettext_noop("Input mulai"), description=gettext_noop("Key input `datetime` langkah ini: mulai pemeliharaan."))
    end: InputKey = Field(title=gettext_noop("Input selesai"),
                          description=gettext_noop("Key input `datetime` langkah ini: selesai pemeliharaan (sesudah mulai, "
                                      "di masa depan)."))
    text: InputKey = Field(title=gettext_noop("Input teks"), description=gettext_noop("Key input `text` langkah ini: teks pengumuman."))
    template: str = Field("", title=gettext_noop("Templat teks"),
                          description=gettext_noop("Opsional: teks yang diterbitkan, dengan isian seperti {judul}, {instansi} "
                                      "atau {<key input>}. Kosong: teks input `text` apa adanya."))

    input_params: ClassVar = {"start": ("datetime",), "end": ("datetime",), "text": ("text",)}

    def problems(self, step, earlier):
        problems = super().problems(step, earlier)
        if self.template and (problem := template_problem(self.template, step)):
            problems.append(("template", problem))
        return problems

    def check(self, ctx: EffectContext) -> None:
        from workflows.templatetags.tanggal import tanggal

        start, end = ctx.cleaned.get(self.start), ctx.cleaned.get(self.end)
        if start is None or end is None:
            return
        now = timezone.now()
        errors = {}
        # With a lead time, the start must be far enough ahead; with none, an outage that has
        # already started may still be announced.
        earliest = now + datetime.timedelta(days=self.min_lead_days)
        if self.min_lead_days and start < earliest:
            errors[self.start] = _(
                "Pengumuman harus tayang paling lambat %(days)d hari sebelum pemeliharaan; "
                "mulai paling cepat %(earliest)s."
            ) % {"days": self.min_lead_days, "earliest": tanggal(earliest, ctx.case.agency)}
        if end <= start:
            errors[self.end] = _("Selesai pemeliharaan harus sesudah mulainya.")
        elif end <= now:
            errors[self.end] = _("Selesai pemeliharaan sudah lewat; pengumuman hanya untuk pemeliharaan yang "
                                 "belum selesai.")
        if errors:
            raise ValidationError(errors)

    def apply(self, ctx: EffectContext) -> None:
        from workflows.models import Announcement

        text = render(self.template, ctx) if self.template else ctx.cleaned[self.text]
        # One announcement per case: a step taken again (a loop back) replaces it.
        Announcement.objects.update_or_create(
            case=ctx.case, defaults={"agency": ctx.case.agency, "text": text, "starts_at": ctx.cleaned[self.start],
                                     "ends_at": ctx.cleaned[self.end], "published_by": ctx.by})


def publishes_announcement(step) -> bool:
    return any(isinstance(effect, PublishAnnouncement) for effect in step_effects(step))
