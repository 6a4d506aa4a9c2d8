"""Dates as Indonesians write them, in the agency's own zone: "Senin, 23 November 2026 09.30 WITA"."""
import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def tanggal(value: datetime.datetime | None, agency=None) -> str:
    if not value:
        return ""
    tz = agency.tzinfo if agency is not None else timezone.get_current_timezone()
    local = timezone.localtime(value, tz)
    label = agency.time_zone if agency is not None else ""
    return f"{formats.date_format(local, 'l, j F Y')} {local:%H.%M} {label}".rstrip()


@register.filter
def tanggal_input(value: datetime.datetime | None, agency=None) -> str:
    """The value of an <input type="datetime-local"> in the agency's zone."""
    if not value:
        return ""
    tz = agency.tzinfo if agency is not None else timezone.get_current_timezone()
    return timezone.localtime(value, tz).strftime("%Y-%m-%dT%H:%M")


@register.filter
def tanggal_pendek(value: datetime.datetime | None, agency=None) -> str:
    """Compact form for dense tables (the zone is named in the column header): 23-11-2026 09.30."""
    if not value:
        return ""
    tz = agency.tzinfo if agency is not None else timezone.get_current_timezone()
    return timezone.localtime(value, tz).strftime("%d-%m-%Y %H.%M")
