from __future__ import annotations

import datetime
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.middleware import remembered
from accounts.nip import format_nip, normalize_nip, validate_nip
from accounts.roles import Acting, Pangkat


class TimeZone(models.TextChoices):
    WIB = "WIB", "WIB (UTC+7)"
    WITA = "WITA", "WITA (UTC+8)"
    WIT = "WIT", "WIT (UTC+9)"


ZONEINFO = {
    TimeZone.WIB: zoneinfo.ZoneInfo("Asia/Jakarta"),
    TimeZone.WITA: zoneinfo.ZoneInfo("Asia/Makassar"),
    TimeZone.WIT: zoneinfo.ZoneInfo("Asia/Jayapura"),
}


class PaperSize(models.TextChoices):
    A4 = "A4", "A4 (210 × 297 mm)"
    F4 = "F4", "F4 (215 × 330 mm)"


class Agency(models.Model):
    """An instansi: a regency, a province, a ministry, or LKPP itself."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama instansi"), max_length=200)
    time_zone = models.CharField(_("zona waktu"), max_length=4, choices=TimeZone.choices, default=TimeZone.WIB)
    is_national = models.BooleanField(
        _("nasional"), default=False, help_text=_("LKPP: perannya berlaku untuk semua instansi.")
    )
    paper_size = models.CharField(_("ukuran kertas"), max_length=2, choices=PaperSize.choices, default=PaperSize.A4,
                                  help_text=_("Untuk lembar SOP dan rekaman kasus (lanskap)."))
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return ZONEINFO[TimeZone(self.time_zone)]


class Role(models.Model):
    """A role people hold, named by a code that SOP definitions use for their lanes.

    Roles are data: the agency administrator adds one (Penyedia, Verifikator, Front Office)
    when a definition needs it. Where it is held decides whose cases its holders act on.
    """

    class Scope(models.TextChoices):
        AGENCY = "agency", _("di dalam instansi")
        NATIONAL = "national", _("nasional (semua instansi)")
        OUTSIDE = "outside", _("pihak luar (diundang per kasus)")

    code = models.SlugField(_("kode"), max_length=40, unique=True,
                            help_text=_("Dipakai definisi SOP sebagai pelaksana (lanes.role), mis. penyedia."))
    name = models.CharField(_("nama peran"), max_length=200)
    scope = models.CharField(_("berlaku"), max_length=10, choices=Scope.choices, default=Scope.AGENCY,
                             help_text=_("Di dalam instansi: bertindak pada kasus instansinya. Nasional: pada kasus "
                                         "semua instansi (mis. PM LKPP). Pihak luar: hanya pada kasus yang "
                                         "mengundangnya."))

    # A national role belongs to one national agency, whose administrator gives it (PM LKPP: LKPP).
    home_agency = models.ForeignKey("Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("instansi pemilik"),
                                    help_text=_("Untuk peran nasional: instansi yang administratornya memberikan "
                                                "peran ini."))

    class Meta:
        verbose_name = _("peran")
        verbose_name_plural = _("peran")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.scope == self.Scope.NATIONAL

    @classmethod
    def name_of(cls, code: str) -> str:
        """The role's name for a code, or the code itself for a role that no longer exists."""
        return cls.objects.filter(code=code).values_list("name", flat=True).first() or code


class UnitKind(models.Model):
    """A kind of unit (LPSE, UKPBJ, Biro PBJ, ...) and the role that heads such a unit: the
    person who may cancel the unit's cases."""

    code = models.SlugField(_("kode"), max_length=40, unique=True,
                            help_text=_("Dipakai definisi SOP sebagai unit pemilik (unit), mis. lpse."))
    name = models.CharField(_("nama jenis unit"), max_length=200)
    head_role = models.ForeignKey(Role, on_delete=models.PROTECT, to_field="code", null=True, blank=True,
                                  related_name="+", verbose_name=_("peran kepala unit"))

    class Meta:
        verbose_name = _("jenis unit")
        verbose_name_plural = _("jenis unit")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit within an agency (its LPSE, UKPBJ or Biro PBJ; LKPP's directorate)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("instansi"))
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, to_field="code", db_column="kind",
                             related_name="units", verbose_name=_("jenis"))
    name = models.CharField(_("nama unit"), max_length=200)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("unit")
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="unique_unit_kind_per_agency")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person: LPSE staff, a head, a PM LKPP, a Pokja member or an auditor."""

    full_name = models.CharField(
        _("nama lengkap"), max_length=200, help_text=_("Dengan gelar akademik, mis. Drs. Sugeng Riyadi, M.Si.")
    )
    nip = models.CharField(
        _("NIP"), max_length=18, unique=True, null=True, blank=True, validators=[validate_nip],
        help_text=_("18 angka, boleh ditulis dengan spasi."),
    )
    pangkat_golongan = models.CharField(_("pangkat/golongan"), max_length=5, choices=Pangkat.choices, blank=True)
    jabatan = models.CharField(_("jabatan"), max_length=200, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    # Outside parties (a Penyedia's staff) have no NIP: they are known by their organisation.
    organization = models.CharField(_("perusahaan/organisasi"), max_length=200, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=30, blank=True)
    # The agency whose administrator manages this account (its staff); none for outside parties.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
                               verbose_name=_("instansi"))
    language = models.CharField(_("bahasa"), max_length=5, choices=[("id", "Bahasa Indonesia"), ("en", "English")],
                                default="id")

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        self.nip = normalize_nip(self.nip) or None

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip) if self.nip else ""


class RoleAssignment(models.Model):
    """A person holds a role in a unit. The same role elsewhere is a different assignment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("pengguna"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, to_field="code", db_column="role",
                             related_name="assignments", verbose_name=_("peran"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("unit"))
    acting = models.CharField(_("status"), max_length=3, choices=Acting.choices, blank=True, default=Acting.DEFINITIVE)

    class Meta:
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")
        ordering = ["unit__agency__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_role_per_user_unit")]

    def __str__(self) -> str:
        prefix = f"{self.get_acting_display().split(' ')[0]} " if self.acting else ""
        return f"{prefix}{self.role.name}, {self.unit}"


class DelegationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> DelegationQuerySet:
        """Delegations in force on ``day`` (a date in the agency's own zone)."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True)

    def in_force_for(self, user) -> list[Delegation]:
        """The delegations in force for ``user`` today, each in its own agency's zone (read once
        a request: see accounts.middleware.RequestMemoMiddleware)."""
        def read() -> list[Delegation]:
            recent = timezone.now().date() - datetime.timedelta(days=1)  # a coarse cut; each zone is checked below
            return [d for d in self.filter(delegate=user, delegate__is_active=True, revoked_at__isnull=True,
                                           ends_on__gte=recent).select_related("role", "unit__agency", "unit__kind")
                    if d.is_active_now()]

        return list(remembered(user, "delegations", read))


class Delegation(models.Model):
    """A role of a unit handed to a person for a date range (Plt./Plh.), by SK.

    During the range the delegate acts in the role as if they held it, and the history,
    case page and record print "Plh. Kepala LPSE" with both names. Before and after, nothing:
    it ends by itself, or earlier when revoked.
    """

    role = models.ForeignKey(Role, on_delete=models.PROTECT, to_field="code", related_name="delegations",
                             verbose_name=_("peran"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("unit"))
    delegate = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations",
                                 verbose_name=_("yang menerima delegasi"))
    on_behalf_of = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("pejabat yang digantikan"))
    kind = models.CharField(_("status"), max_length=3, choices=[(Acting.PLT, Acting.PLT.label),
                                                               (Acting.PLH, Acting.PLH.label)], default=Acting.PLH)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("sampai"))
    sk_number = models.CharField(_("nomor SK"), max_length=100)
    delegated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("oleh"))
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegasi (Plt./Plh.)")
        verbose_name_plural = _("delegasi (Plt./Plh.)")
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="delegation_ends_after_it_starts")]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' ')[0]} {self.role.name}, {self.unit}: {self.delegate}"

    def as_assignment(self) -> RoleAssignment:
        """The delegate's standing in the role, shaped like a role assignment (never saved)."""
        assignment = RoleAssignment(user=self.delegate, role=self.role, unit=self.unit, acting=self.kind)
        assignment.delegation = self
        return assignment

    def is_active_now(self) -> bool:
        """In force today, in the zone of the unit's agency."""
        today = timezone.localtime(timezone.now(), self.unit.agency.tzinfo).date()
        return self.revoked_at is None and self.starts_on <= today <= self.ends_on
