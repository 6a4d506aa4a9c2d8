"""The roles people hold in a unit, and where each role is held."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KEPALA_UKPBJ = "kepala_ukpbj", _("Kepala UKPBJ")
    KEPALA_LPSE = "kepala_lpse", _("Kepala LPSE")
    ADMIN_PPE = "admin_ppe", _("Admin PPE")
    ADMIN_AGENCY = "admin_agency", _("Admin Agency")
    ADMIN_SISTEM = "admin_sistem", _("Administrator Sistem LPSE")
    HELPDESK = "helpdesk", _("Helpdesk LPSE")
    PM_LKPP = "pm_lkpp", _("PM Direktorat e-Procurement LKPP")
    POKJA = "pokja", _("Pokja Pemilihan")
    AUDITOR = "auditor", _("Auditor")


# Roles held in LKPP's national unit: they act on cases of every agency.
NATIONAL_ROLES = frozenset({Role.PM_LKPP})


class UnitKind(models.TextChoices):
    LPSE = "lpse", _("LPSE")
    UKPBJ = "ukpbj", _("UKPBJ")
    BIRO_PBJ = "biro_pbj", _("Biro PBJ")
    DIREKTORAT = "direktorat", _("Direktorat (nasional)")
    INSPEKTORAT = "inspektorat", _("Inspektorat")


# Who heads a unit of each kind: the person who may cancel the unit's cases.
HEAD_ROLE = {
    UnitKind.LPSE: Role.KEPALA_LPSE,
    UnitKind.UKPBJ: Role.KEPALA_UKPBJ,
    UnitKind.BIRO_PBJ: Role.KEPALA_UKPBJ,
}


class Pangkat(models.TextChoices):
    """Pangkat/golongan of civil servants (PP 99/2000)."""

    I_A = "I/a", "Juru Muda (I/a)"
    I_B = "I/b", "Juru Muda Tingkat I (I/b)"
    I_C = "I/c", "Juru (I/c)"
    I_D = "I/d", "Juru Tingkat I (I/d)"
    II_A = "II/a", "Pengatur Muda (II/a)"
    II_B = "II/b", "Pengatur Muda Tingkat I (II/b)"
    II_C = "II/c", "Pengatur (II/c)"
    II_D = "II/d", "Pengatur Tingkat I (II/d)"
    III_A = "III/a", "Penata Muda (III/a)"
    III_B = "III/b", "Penata Muda Tingkat I (III/b)"
    III_C = "III/c", "Penata (III/c)"
    III_D = "III/d", "Penata Tingkat I (III/d)"
    IV_A = "IV/a", "Pembina (IV/a)"
    IV_B = "IV/b", "Pembina Tingkat I (IV/b)"
    IV_C = "IV/c", "Pembina Utama Muda (IV/c)"
    IV_D = "IV/d", "Pembina Utama Madya (IV/d)"
    IV_E = "IV/e", "Pembina Utama (IV/e)"


class Acting(models.TextChoices):
    """A role held as the official holder, or as a stand-in for an absent head."""

    DEFINITIVE = "", _("Definitif")
    PLT = "plt", _("Plt. (Pelaksana Tugas)")
    PLH = "plh", _("Plh. (Pelaksana Harian)")
