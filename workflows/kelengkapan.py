"""Kelengkapan handed in with a step: checked against the step's ``inputs``, then stored.

``clean_kelengkapan`` raises one ValidationError keyed by input (``data_pokja[2].nip`` for
a field of the second record) so a form can put each message next to its field.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import datetime_re, parse_datetime
from django.utils.translation import gettext as _

from accounts.nip import normalize_nip, validate_nip
from accounts.roles import Pangkat
from workflows.definitions import InputSpec, StepSpec
from workflows.documents import clean_document

TEXT_MAX = 5000
# "password: Rahasia123", "sandinya = abc123", "kata sandi baru Qwerty!9", "PIN: 123456": a
# credential typed into a note would be stored and shown to everyone who reads the case. A
# word after the keyword ("password: dikirim lewat WhatsApp") is a sentence, not a secret.
_CREDENTIAL = re.compile(
    r"\b(?P<word>password|passwd|pasword|pswd|pwd|pw|pass|kata\s*sandi|kata\s*kunci|sandi|pin)(?:nya)?"
    r"(?:\s+(?:baru|awal|sementara|akun\s+\S+))?\s*(?::|=|adalah|ialah|->)?\s*(?P<token>[^\s,;]+)", re.IGNORECASE)
_USER_PASS = re.compile(r"\bu(?:ser)?\s*/\s*p(?:ass(?:word)?)?\s*[:=]\s*\S+/\S+", re.IGNORECASE)


def _looks_secret(word: str, token: str) -> bool:
    token = token.strip(".!?\"'()[]")
    if word.lower() == "pin":
        return token.isdigit() and len(token) >= 4
    letters, digits = any(c.isalpha() for c in token), any(c.isdigit() for c in token)
    mixed = any(c.isupper() for c in token) and any(c.islower() for c in token) and not token.istitle()
    return len(token) >= 6 and ((letters and digits) or (mixed and not token.isalpha()))


def refuse_credentials(text: str, label: str) -> None:
    """No password in any free text: the hand-over step records channel and time only."""
    if text and (_USER_PASS.search(text) or any(_looks_secret(m["word"], m["token"])
                                                 for m in _CREDENTIAL.finditer(text))):
        raise ValidationError(_("%(label)s tampak memuat kata sandi. Jangan menulis kata sandi di aplikasi ini: "
                                "serah terima akun dicatat pada langkah serah terima (saluran dan waktu), tanpa "
                                "kata sandinya.") % {"label": label})
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{6,22}$")


@dataclass(frozen=True)
class KeptDocument:
    """A document handed in on an earlier run of the step, kept for the redo unless replaced."""

    attachment: Any  # workflows.models.Attachment of the same case


def clean_kelengkapan(step: StepSpec, submitted: Mapping[str, Any] | None, tz: datetime.tzinfo) -> dict[str, Any]:
    """The step's inputs, cleaned. Missing required items and bad values are all reported."""
    submitted = submitted or {}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    known = {spec.key for spec in step.inputs}
    for key in submitted:
        if key not in known:
            errors.setdefault(key, []).append(_("Langkah %(no)d tidak meminta '%(key)s'.") % {"no": step.no, "key": key})
    for spec in step.inputs:
        _clean_into(spec, submitted.get(spec.key), spec.key, tz, cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, tuple)) and not value)


def _clean_into(spec: InputSpec, raw: Any, where: str, tz, cleaned: dict, errors: dict) -> None:
    if spec.type == "checklist" and _is_empty(raw):
        cleaned[spec.key] = []  # nothing ticked is an answer, not a missing item
        return
    if _is_empty(raw):
        if spec.required:
            errors.setdefault(where, []).append(_("%(label)s wajib diisi.") % {"label": spec.label})
        return
    try:
        cleaned[spec.key] = _clean_value(spec, raw, where, tz, errors)
    except ValidationError as exc:
        errors.setdefault(where, []).extend(exc.messages)


def _clean_value(spec: InputSpec, raw: Any, where: str, tz, errors: dict) -> Any:
    if spec.type == "document":
        return raw if isinstance(raw, KeptDocument) else clean_document(raw, spec.label)
    if spec.type == "text":
        text = str(raw).strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(_("%(label)s paling panjang %(max)d karakter.") % {"label": spec.label, "max": TEXT_MAX})
        refuse_credentials(text, spec.label)
        return text
    if spec.type == "datetime":
        return _clean_datetime(raw, spec.label, tz)
    if spec.type == "choice":
        allowed = dict(spec.options)
        if str(raw) not in allowed:
            raise ValidationError(_("Pilihan untuk %(label)s tidak dikenal; pilih: %(choices)s.")
                                  % {"label": spec.label, "choices": ", ".join(allowed.values())})
        return str(raw)
    if spec.type == "checklist":
        ticked = [str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw])]
        allowed = dict(spec.options)
        if unknown := [v for v in ticked if v not in allowed]:
            raise ValidationError(_("Butir %(items)s tidak ada di daftar %(label)s.")
                                  % {"items": ", ".join(unknown), "label": spec.label})
        return [value for value, _label in spec.options if value in ticked]
    if spec.type == "nip":
        validate_nip(str(raw))
        return normalize_nip(str(raw))
    if spec.type == "email":
        validate_email(str(raw).strip())
        return str(raw).strip()
    if spec.type == "phone":
        if not _PHONE.match(str(raw).strip()):
            raise ValidationError(_("%(label)s bukan nomor telepon yang valid (mis. 0352 481737 atau +62 812 3456 7890).")
                                  % {"label": spec.label})
        return str(raw).strip()
    if spec.type == "pangkat":
        if str(raw) not in Pangkat.values:
            raise ValidationError(_("%(label)s harus salah satu dari I/a sampai IV/e.") % {"label": spec.label})
        return str(raw)
    if spec.type == "records":
        if not isinstance(raw, (list, tuple)) or not all(isinstance(r, Mapping) for r in raw):
            raise ValidationError(_("%(label)s harus berisi satu baris data atau lebih.") % {"label": spec.label})
        rows = []
        for i, record in enumerate(raw, 1):
            row: dict[str, Any] = {}
            for field in spec.fields:
                _clean_into(field, record.get(field.key), f"{where}[{i}].{field.key}", tz, row, errors)
            rows.append(row)
        return rows
    raise ValidationError(_("Jenis isian '%(type)s' tidak dikenal.") % {"type": spec.type})


# Offsets in use anywhere on Earth; anything wider is a typing mistake, not a zone.
OFFSET_MIN, OFFSET_MAX = datetime.timedelta(hours=-12), datetime.timedelta(hours=14)
# As the archive filters: wide enough for any SOP, narrow enough that zone conversions stay valid.
YEAR_MIN, YEAR_MAX = 1900, 2999


def _clean_datetime(raw: Any, label: str, tz) -> datetime.datetime:
    """A real moment: every text that is not one becomes a ValidationError saying why."""
    if isinstance(raw, datetime.datetime):
        value = raw
    else:
        text = str(raw).strip()
        _check_offset(text, label)
        try:
            value = parse_datetime(text)
        except ValueError:  # well formed, but no such day, hour or zone (30 February, 25.00)
            raise ValidationError(_("%(label)s: tanggal atau jam itu tidak ada di kalender "
                                    "(mis. 30 Februari atau pukul 25.00).") % {"label": label}) from None
        if value is None:
            raise ValidationError(_("%(label)s bukan tanggal dan jam yang valid.") % {"label": label})
    offset = value.utcoffset()
    if offset is not None and not OFFSET_MIN <= offset <= OFFSET_MAX:
        _bad_offset(label, _format_offset(offset))
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(_("%(label)s harus antara tahun %(min)d dan %(max)d.")
                              % {"label": label, "min": YEAR_MIN, "max": YEAR_MAX})
    if timezone.is_naive(value):
        # A time typed without a zone is in the agency's own zone (WIB/WITA/WIT).
        value = timezone.make_aware(value, tz)
    return value


def _check_offset(text: str, label: str) -> None:
    """An offset such as +99:00 or -05:99 is named as the mistake before the date is parsed."""
    match = datetime_re.match(text)
    zone = match and match["tzinfo"]
    if not zone or zone == "Z":
        return
    hours, minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
    offset = datetime.timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    if minutes >= 60 or not OFFSET_MIN <= offset <= OFFSET_MAX:
        _bad_offset(label, zone)


def _format_offset(offset: datetime.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _bad_offset(label: str, zone: str):
    raise ValidationError(_("%(label)s: zona waktu %(zone)s tidak ada; pakai antara -12:00 dan +14:00, "
                            "atau tulis tanpa zona agar dipakai zona instansi.") % {"label": label, "zone": zone})


def check_decision(step: StepSpec, cleaned: dict[str, Any], answer: bool, note: str) -> None:
    """A checklist on a decision step: YA needs every item ticked; TIDAK names what is missing."""
    for spec in step.inputs:
        if spec.type != "checklist":
            continue
        missing = [label for value, label in spec.options if value not in cleaned.get(spec.key, [])]
        if answer and missing:
            raise ValidationError({spec.key: _("Untuk menjawab YA semua butir harus ada; belum ada: %(items)s.")
                                   % {"items": ", ".join(missing)}})
        if not answer and not missing:
            raise ValidationError({spec.key: _("Semua butir dicentang; hapus centang butir yang kurang "
                                                "atau jawab YA.")})
        if not answer and not note.strip():
            raise ValidationError({"note": _("Tuliskan kekurangannya pada catatan.")})


def missing_items(step: StepSpec, value: dict[str, Any]) -> list[str]:
    """Labels of the checklist items left unticked in a stored decision."""
    return [label for spec in step.inputs if spec.type == "checklist"
            for v, label in spec.options if v not in value.get(spec.key, [])]
