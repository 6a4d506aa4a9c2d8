"""The auditors' archive: closed cases in an auditor's scope, and the filters they search them by.

A case is in the archive once it is finished or cancelled (the engine allows no transition
on it any more). Who sees which part of it comes from ``access.audited_agencies``: an
inspektorat auditor sees their agency's cases, a national auditor (BPK) every agency's.
"""
from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import ZONEINFO, Agency, Delegation, RoleAssignment, User
from workflows import states
from accounts.roles import AUDITOR
from workflows.access import audited_agencies
from workflows.forms import QuickSelect
from workflows.models import Case, Sop, SopVersion, StepRun
from workflows.selectors import count_upto


def archive_text(case: Case, finishing: tuple[StepRun, str] | None = None) -> str:
    """What the free-text search of the archive reads for a closed case: its title, the reason
    it was cancelled, and every step's note and late reason (migration 0021 writes the same for
    cases closed before it). ``finishing``: the step run being closed now, and its note, not
    yet saved."""
    parts = [case.title, case.cancel_reason]
    for pk, note, late_reason in case.step_runs.order_by("pk").values_list("pk", "note", "late_reason"):
        if finishing is not None and pk == finishing[0].pk:
            note, late_reason = finishing[1], finishing[0].late_reason
        parts += [note, late_reason]
    return "\n".join(part for part in parts if part)


def may_use_archive(user) -> bool:
    """Auditors (of one agency or national) and the application administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or audited_agencies(user) != set()


def archive_for(user, agencies: set[int] | None | bool = False) -> QuerySet[Case]:
    """Closed cases ``user`` may audit; none for anybody who is not an auditor.
    ``agencies``: what ``audited_agencies(user)`` returned, when the caller already asked."""
    closed = Case.objects.filter(state__in=states.CLOSED)
    if not getattr(user, "is_authenticated", False):
        return closed.none()
    if user.is_superuser:
        return closed
    if agencies is False:
        agencies = audited_agencies(user)
    if agencies is None:
        return closed
    return closed.filter(agency_id__in=agencies)


def audited_scope(user) -> set[int] | None:
    """The agencies of ``user``'s archive; None for every agency (a national auditor, the administrator)."""
    if getattr(user, "is_superuser", False):
        return None
    return audited_agencies(user)


def scope_people(agencies: set[int] | None) -> QuerySet[User]:
    """Who can act on the cases of these agencies: the holders of a role, or of a delegation
    (Plt./Plh.), in one of their units; not their auditors. Read from the (small) role tables,
    never from the step runs, whose number grows with every case. Somebody who acted once but
    holds no role any more is found by name or NIP (``pelaksana_cari``)."""
    roles = RoleAssignment.objects.exclude(role_id=AUDITOR)
    delegations = Delegation.objects.filter(revoked_at__isnull=True)
    if agencies is not None:
        roles = roles.filter(unit__agency_id__in=agencies)
        delegations = delegations.filter(unit__agency_id__in=agencies)
    return User.objects.filter(Q(pk__in=roles.values("user_id")) | Q(pk__in=delegations.values("delegate_id")))


def _late_runs():
    """Step runs of the outer case done after their due time: a deviation from the mutu baku."""
    return StepRun.objects.filter(case=OuterRef("pk"), due_at__isnull=False, completed_at__gt=F("due_at"))


def with_lateness(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Adds ``late_steps`` (how many step runs were late). A subquery, so other joins cannot inflate it."""
    counted = _late_runs().order_by().values("case").annotate(n=Count("pk")).values("n")
    return cases.annotate(late_steps=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))


STATUS_CHOICES = [(states.DONE, _("Selesai")), (states.CANCELLED, _("Dibatalkan"))]
TIMELINESS_CHOICES = [("tepat", _("Tepat waktu")), ("terlambat", _("Terlambat"))]
# Django has no Indonesian text for an unknown choice; an auditor must read why nothing is shown.
NOT_AVAILABLE = {"invalid_choice": _("Pilihan ini tidak tersedia dalam arsip Anda; pilih dari daftar.")}
BAD_DATE = {"invalid": _("Tanggal tidak dikenali; tulis seperti 2026-11-23 atau pilih dari kalender.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# Past this many options a drop-down is a search instead (ArchiveFilter._shorten_long_lists).
LONG_LIST = 300


def offer_scope_choices(filterset, data, agencies: set[int] | None, *, agency: str, sop: str = "sop") -> None:
    """The SOP and agency choices of a filter over the cases of ``agencies`` (None: every
    agency), from those small tables and never from the cases, so their cost does not grow
    with the cases. A national scope holds every agency's SOPs (2,400: a page of 1 MB): past
    ``LONG_LIST`` the SOP list offers the chosen agency's SOPs only; what is valid stays the
    whole scope."""
    sops = Sop.objects.filter(agency__isnull=False).select_related("agency")  # Sop.__str__ names the agency
    in_scope = Agency.objects.all()
    if agencies is not None:
        sops, in_scope = sops.filter(agency_id__in=agencies), in_scope.filter(pk__in=agencies)
    filterset.filters[sop].queryset = sops.order_by("name", "agency__name")
    filterset.filters[agency].queryset = in_scope.order_by("name")
    agency_field = filterset.form.fields[agency]  # drawn from plain values: a nation is 600 agencies
    agency_field.widget.choices = [("", agency_field.empty_label), *in_scope.order_by("name").values_list("pk", "name")]
    sop_field = filterset.form.fields[sop]
    if not count_upto(sop_field.queryset, LONG_LIST)[1]:
        return
    chosen_agency, chosen = str(data.get(agency) or ""), str(data.get(sop) or "")
    shown = sop_field.queryset.filter(agency_id=int(chosen_agency)) \
        if chosen_agency.isdigit() and len(chosen_agency) < 10 else sop_field.queryset.none()
    if chosen.isdigit() and len(chosen) < 10:
        shown = shown | sop_field.queryset.filter(pk=int(chosen))
    sop_field.widget.choices = [("", sop_field.empty_label)] + [(s.pk, str(s)) for s in shown[:LONG_LIST]]
    sop_field.help_text = _("Pilih instansi dahulu untuk memilih SOP-nya.")


class ArchiveForm(forms.Form):
    # Wide enough for any archive, narrow enough that a day's bounds in WIB/WITA/WIT stay valid datetimes.
    EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)

    def clean(self):
        data = super().clean()
        for name in ("ditutup_dari", "ditutup_sampai"):
            day = data.get(name)
            if day and not self.EARLIEST <= day <= self.LATEST:
                self.add_error(name, _("Tanggal harus antara tahun 1900 dan 2999."))
        start, end = data.get("ditutup_dari"), data.get("ditutup_sampai")
        if start and end and start > end:
            raise forms.ValidationError(_("Tanggal awal periode harus sebelum atau sama dengan tanggal akhirnya."))
        return data


class ArchiveFilter(django_filters.FilterSet):
    """What an auditor narrows the archive by. Bound to the auditor: every list of choices
    (SOP, instansi, pelaksana) is drawn from the cases they may see, nothing else."""

    q = django_filters.CharFilter(label=_("Cari"), method="filter_text", widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("judul, catatan langkah, nama SOP, alasan pembatalan")}))
    sop = django_filters.ModelChoiceFilter(label=_("SOP"), field_name="sop_version__sop", queryset=Sop.objects.none(),
                                           empty_label=_("Semua SOP"), error_messages=NOT_AVAILABLE, widget=QuickSelect)
    agency = django_filters.ModelChoiceFilter(label=_("Instansi"), queryset=Agency.objects.none(),
                                              empty_label=_("Semua instansi"), error_messages=NOT_AVAILABLE, widget=QuickSelect)
    status = django_filters.ChoiceFilter(label=_("Status"), field_name="state", choices=STATUS_CHOICES,
                                         empty_label=_("Semua status"), error_messages=NOT_AVAILABLE)
    ketepatan = django_filters.ChoiceFilter(label=_("Ketepatan waktu"), choices=TIMELINESS_CHOICES,
                                            method="filter_timeliness", empty_label=_("Semua"),
                                            error_messages=NOT_AVAILABLE)
    ditutup_dari = django_filters.DateFilter(label=_("Ditutup dari tanggal"), method="filter_closed_from",
                                             widget=DateInput(), error_messages=BAD_DATE)
    ditutup_sampai = django_filters.DateFilter(label=_("Ditutup sampai tanggal"), method="filter_closed_until",
                                               widget=DateInput(), error_messages=BAD_DATE)
    pelaksana = django_filters.ModelChoiceFilter(label=_("Pelaksana"), queryset=User.objects.none(),
                                                 method="filter_actor", empty_label=_("Semua pelaksana"),
                                                 error_messages=NOT_AVAILABLE, widget=QuickSelect)
    pelaksana_cari = django_filters.CharFilter(label=_("Nama atau NIP pelaksana"), method="filter_actor_text",
                                               widget=forms.TextInput(attrs={"placeholder": _("mis. Sri Wahyuni")}))

    class Meta:
        model = Case
        fields: list[str] = []
        form = ArchiveForm

    def __init__(self, data=None, *, user, request=None):
        # The choices come from the small tables of the auditor's scope (its agencies, their
        # SOPs and people), never from the cases: their cost does not grow with the archive.
        agencies = audited_scope(user)
        self.agencies = agencies
        scope = archive_for(user, agencies)
        super().__init__(data, queryset=scope.select_related("sop_version__sop", "agency"), request=request)
        self.filters["pelaksana"].queryset = scope_people(agencies).order_by("full_name", "pk")
        offer_scope_choices(self, data or {}, agencies, agency="agency")  # builds the form
        self._shorten_people(data or {})

    def _shorten_people(self, data) -> None:
        """Past ``LONG_LIST`` the pelaksana list offers only the chosen person (the name/NIP
        field finds the others); what is valid stays the whole scope."""
        people_field = self.form.fields["pelaksana"]
        if count_upto(people_field.queryset, LONG_LIST)[1]:
            chosen = str(data.get("pelaksana") or "")
            shown = people_field.queryset.filter(pk=int(chosen)) if chosen.isdigit() and len(chosen) < 10 \
                else people_field.queryset.none()
            people_field.widget.choices = [("", people_field.empty_label)] + [(u.pk, str(u)) for u in shown]
            people_field.help_text = _("Terlalu banyak untuk didaftar: cari dengan nama atau NIP di bawah.")

    def filter_queryset(self, queryset):
        # A filter the auditor got wrong must not quietly widen the list: show nothing, and the errors.
        if not self.form.is_valid():
            return queryset.none()
        return with_lateness(super().filter_queryset(queryset)).order_by("-closed_at", "-pk")

    # -- filters ---------------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        """One column (``archive_text``: title, cancellation reason, step notes and late reasons),
        the SOP's name and the case number. Every branch is an index on PostgreSQL (a trigram
        index on the text, the version and the primary key), so the database combines them
        with a bitmap OR instead of reading every case and step run; SQLite scans."""
        text = value.strip()
        if not text:
            return queryset
        # SOPs are few: their matching versions are looked up first, so the condition stays on
        # the case table alone.
        versions = list(SopVersion.objects.filter(sop__name__icontains=text).values_list("pk", flat=True))
        condition = Q(archive_text__icontains=text)
        if versions:
            condition |= Q(sop_version_id__in=versions)
        if text.isascii() and text.isdigit() and len(text) <= 18:  # "No. kasus"; "²" is a digit int() refuses
            condition |= Q(pk=int(text))
        return queryset.filter(condition)

    def filter_timeliness(self, queryset, name, value):
        late = Exists(_late_runs())
        return queryset.filter(late) if value == "terlambat" else queryset.exclude(late)

    def filter_closed_from(self, queryset, name, value):
        return queryset.filter(_closed_on_or_after(value))

    def filter_closed_until(self, queryset, name, value):
        return queryset.exclude(_closed_on_or_after(value + datetime.timedelta(days=1)))

    def filter_actor(self, queryset, name, value):
        return queryset.filter(Exists(StepRun.objects.filter(case=OuterRef("pk"), actor=value)))

    def filter_actor_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        who = Q(actor__full_name__icontains=text)
        digits = re.sub(r"\D", "", text)
        if digits and re.fullmatch(r"[\d\s.]+", text):
            who |= Q(actor__nip__contains=digits)  # NIPs are stored without spaces
        return queryset.filter(Exists(StepRun.objects.filter(who, case=OuterRef("pk"))))


def _closed_on_or_after(day: datetime.date) -> Q:
    """Closed at or after the start of ``day`` in each case's own agency zone (WIB/WITA/WIT),
    the calendar the case page shows its dates in."""
    condition = Q(pk__in=[])
    for zone, tzinfo in ZONEINFO.items():
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tzinfo)
        condition |= Q(agency__time_zone=zone, closed_at__gte=start)
    return condition
