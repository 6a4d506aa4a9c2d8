"""Named side effects a definition can attach to a step (``effect: {type: ..., ...}``).

The engine stays generic: an SOP asks for an effect by name in its definition file, and
the effect checks its parameters at import, the handed-in kelengkapan when the step is
done, and then applies itself inside the step's transaction.
"""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class Effect:
    params: dict[str, type] = {}

    def check_params(self, raw: dict) -> str | None:
        for key, kind in self.params.items():
            if not isinstance(raw.get(key), kind):
                return _("effect %(type)s butuh '%(key)s'.") % {"type": raw.get("type"), "key": key}
        return None

    def validate(self, case, cleaned: dict[str, Any], params: dict) -> None:
        """Raise ValidationError (keyed by input) when the kelengkapan break the effect's rule."""

    def apply(self, case, run, cleaned: dict[str, Any], params: dict, by) -> None:
        """Run inside the transaction of the step; defer mail to on_commit."""


class AnnounceMaintenance(Effect):
    """Publish a maintenance announcement, at least ``min_lead_days`` before it starts."""

    params = {"min_lead_days": int, "start": str, "end": str, "text": str}

    def earliest_start(self, params: dict) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=params["min_lead_days"])

    def validate(self, case, cleaned, params) -> None:
        from workflows.templatetags.tanggal import tanggal

        start, end = cleaned.get(params["start"]), cleaned.get(params["end"])
        if start is None or end is None:
            return
        earliest = self.earliest_start(params)
        errors = {}
        if start < earliest:
            errors[params["start"]] = _(
                "Pengumuman harus tayang paling lambat %(days)d hari sebelum pemeliharaan; "
                "mulai paling cepat %(earliest)s."
            ) % {"days": params["min_lead_days"], "earliest": tanggal(earliest, case.agency)}
        if end <= start:
            errors[params["end"]] = _("Selesai pemeliharaan harus sesudah mulainya.")
        if errors:
            raise ValidationError(errors)

    def apply(self, case, run, cleaned, params, by) -> None:
        from workflows.models import Announcement

        Announcement.objects.create(case=case, agency=case.agency, text=cleaned[params["text"]],
                                    starts_at=cleaned[params["start"]], ends_at=cleaned[params["end"]],
                                    published_by=by)


class ForwardToPokja(Effect):
    """Forward the case's announcement to every Pokja Pemilihan of the agency."""

    params = {"channel": str}

    def apply(self, case, run, cleaned, params, by) -> None:
        from workflows.announcements import forward_announcement

        forward_announcement(case=case, channel=cleaned[params["channel"]], by=by)


EFFECTS: dict[str, Effect] = {
    "announce_maintenance": AnnounceMaintenance(),
    "forward_to_pokja": ForwardToPokja(),
}


def effect_of(step) -> tuple[Effect, dict] | None:
    if not step.effect:
        return None
    return EFFECTS[step.effect["type"]], step.effect
