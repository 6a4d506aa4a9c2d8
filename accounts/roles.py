"""Vocabularies fixed by law: pangkat/golongan and acting status. Roles and unit kinds are
data (accounts.models.Role, UnitKind), seeded by migration accounts.0003."""
from django.db import models
from django.utils.translation import gettext_lazy as _

# Every deployment starts with these (migration accounts.0003, and load_demo after a test
# database was flushed); the administrator adds more in the browser.
SEED_ROLES = (  # code, name, where held
    ("kepala_ukpbj", "Kepala UKPBJ", "agency"),
    ("kepala_lpse", "Kepala LPSE", "agency"),
    ("admin_ppe", "Admin PPE", "agency"),
    ("admin_agency", "Admin Agency", "agency"),
    ("admin_sistem", "Administrator Sistem LPSE", "agency"),
    ("helpdesk", "Helpdesk LPSE", "agency"),
    ("pm_lkpp", "PM Direktorat e-Procurement LKPP", "national"),
    ("pokja", "Pokja Pemilihan", "agency"),
    ("auditor", "Auditor", "agency"),
    ("admin_instansi", "Administrator Instansi", "agency"),
    ("penyusun_sop", "Penyusun SOP", "agency"),
)
SEED_UNIT_KINDS = (  # code, name, head role
    ("lpse", "LPSE", "kepala_lpse"),
    ("ukpbj", "UKPBJ", "kepala_ukpbj"),
    ("biro_pbj", "Biro PBJ", "kepala_ukpbj"),
    ("direktorat", "Direktorat (nasional)", None),
    ("inspektorat", "Inspektorat", None),
)
# Codes the application itself relies on; every other role is the administrator's data.
AUDITOR = "auditor"
POKJA = "pokja"
# Manages the agency's units, people, role assignments and delegations in the app. Not SPSE's
# "Admin Agency" (admin_agency), who manages user accounts inside SPSE itself.
AGENCY_ADMIN = "admin_instansi"
# Writes SOP drafts of the agency in the browser (workflows.authoring); the person named in
# a draft's "Disahkan Oleh" ratifies it, whatever their roles.
SOP_AUTHOR = "penyusun_sop"


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
