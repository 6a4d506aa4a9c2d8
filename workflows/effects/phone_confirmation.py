"""``record_phone_confirmation``: once the step is reached, its pelaksana may record that
members of a role confirmed by phone (``services.case_record_confirmation``)."""
from __future__ import annotations

from typing import ClassVar, Literal

from django.utils.translation import gettext_lazy, gettext_noop

from pydantic import Field

from workflows.effects.base import Effect, RoleCode, register


@register
class RecordPhoneConfirmation(Effect):
    """Let the step's pelaksana record phone confirmations of the role's members on the case page."""

    label: ClassVar[str] = gettext_lazy("Izinkan pencatatan konfirmasi telepon")

    type: Literal["record_phone_confirmation"] = Field(title=gettext_noop("Jenis efek"), description=gettext_noop("`record_phone_confirmation`."))
    role: RoleCode = Field("pokja", title=gettext_noop("Peran yang mengonfirmasi"),
                           description=gettext_noop("Kode peran yang anggotanya (di instansi kasus) dapat dicatat konfirmasinya."))

    allows_confirmations = True
