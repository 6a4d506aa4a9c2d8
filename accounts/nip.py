"""NIP (Nomor Induk Pegawai): the 18-digit number of an Indonesian civil servant.

Layout: birth date ``yyyymmdd`` + appointment (TMT CPNS) ``yyyymm`` + sex ``1``/``2``
+ sequence ``nnn``. Written with spaces on paper ("19720528 200502 1 001"); stored as
18 digits.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MIN_APPOINTMENT_AGE = 18


def normalize_nip(value: str) -> str:
    """Drop the spaces, dots and dashes people type between the NIP's parts."""
    return re.sub(r"[\s.\-]", "", value or "")


def validate_nip(value: str) -> None:
    """Raise ValidationError saying exactly which part of the NIP is wrong."""
    nip = normalize_nip(value)
    if not nip.isdigit():
        raise ValidationError(_("NIP hanya boleh berisi angka."), code="nip_digits")
    if len(nip) != 18:
        raise ValidationError(
            _("NIP harus 18 angka; yang diisi %(count)d angka.") % {"count": len(nip)},
            code="nip_length",
        )
    try:
        birth = datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("8 angka pertama NIP (%(part)s) bukan tanggal lahir yang ada (tttt bb hh).") % {"part": nip[0:8]},
            code="nip_birth_date",
        ) from None
    today = timezone.localdate()
    if birth.year < 1940 or birth > today:
        raise ValidationError(
            _("Tanggal lahir pada NIP (%(part)s) tidak masuk akal.") % {"part": nip[0:8]},
            code="nip_birth_date",
        )
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Angka 9-14 NIP (%(part)s) harus tahun dan bulan pengangkatan; bulan %(month)02d tidak ada.")
            % {"part": nip[8:14], "month": month},
            code="nip_appointment",
        )
    if (year, month) > (today.year, today.month):
        raise ValidationError(
            _("Bulan pengangkatan pada NIP (%(part)s) belum terjadi.") % {"part": nip[8:14]},
            code="nip_appointment",
        )
    if (year, month) < (birth.year + MIN_APPOINTMENT_AGE, birth.month):
        raise ValidationError(
            _("Pengangkatan pada NIP (%(part)s) terjadi sebelum pegawai berusia %(age)d tahun.")
            % {"part": nip[8:14], "age": MIN_APPOINTMENT_AGE},
            code="nip_appointment",
        )
    if nip[14] not in "12":
        raise ValidationError(
            _("Angka ke-15 NIP adalah jenis kelamin: 1 (pria) atau 2 (wanita), bukan %(digit)s.") % {"digit": nip[14]},
            code="nip_sex",
        )
    if nip[15:18] == "000":
        raise ValidationError(_("Tiga angka terakhir NIP (nomor urut) tidak boleh 000."), code="nip_sequence")


def format_nip(nip: str) -> str:
    """Print a NIP as it is written on official documents: 19720528 200502 1 001."""
    nip = normalize_nip(nip)
    if len(nip) != 18:
        return nip
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"
