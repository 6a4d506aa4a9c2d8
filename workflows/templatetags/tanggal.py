"""Dates as Indonesians write them, in the agency's own zone: "Senin, 23 November 2026 09.30 WITA"."""
import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


def _local(value: datetime.datetime, agency) -> datetime.datetime:
    return timezone.localtime(value, agency.tzinfo if agency is not None else timezone.get_current_timezone())


@register.filter
def tanggal(value: datetime.datetime | None, agency=None) -> str:
    if not value:
        return ""
    local = _local(value, agency)
    label = agency.time_zone if agency is not None else ""
    return f"{formats.date_format(local, 'l, j F Y')} {local:%H.%M} {label}".rstrip()


@register.filter
def tanggal_pendek(value: datetime.datetime | None, agency=None) -> str:
    """Compact form for dense tables (the zone is named in the column header): 23-11-2026 09.30."""
    return _local(value, agency).strftime("%d-%m-%Y %H.%M") if value else ""


@register.filter
def bacaan(waktu) -> str:
    """How the application counts a step's waktu: "1 hari kerja", "30 menit kerja"."""
    from worktime.calendar import reading

    return reading(waktu)


@register.filter
def durasi(minutes) -> str:
    """Working minutes in words: "2 jam 15 menit"."""
    from worktime.calendar import duration_text

    return duration_text(minutes) if minutes is not None else "—"
