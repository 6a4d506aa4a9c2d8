"""The agency administrator's pages: units, staff, their roles, and the shared role list.

Every page is scoped to an agency the person administers (404 for any other, so other
agencies stay invisible); the writes go through accounts.services, which check again.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.administration import (administered_agencies, agency_people, agency_units, assignable_roles,
                                     creatable_scopes, may_edit_person)
from accounts.forms import AssignmentForm, PersonForm, RoleForm, UnitForm, UnitKindForm
from accounts.models import Agency, Role, RoleAssignment, Unit, UnitKind, User
from accounts.services import (person_save, role_create, role_give, role_take_back, unit_kind_create, unit_save)
from workflows.outbox import queue_email


def _agency(request, code: str) -> Agency:
    agency = administered_agencies(request.user).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def _not_an_administrator(request):
    return render(request, "403.html", {"reason": _("Halaman ini untuk administrator instansi. Anda tidak "
                                                    "mengelola instansi mana pun.")}, status=403)


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        form.add_error(field if field in form.fields else None, errors)


def send_password_link(person: User, *, by: User, agency: Agency) -> None:
    """Email the person a link to set their own password (no one else ever knows it)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = settings.SITE_URL.rstrip("/") + reverse("password_set", args=[uid, default_token_generator.make_token(person)])
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    with translation.override(person.language or settings.LANGUAGE_CODE):
        values = {"name": person.full_name, "username": person.username, "agency": agency.name,
                  "by": by.full_name, "link": link, "days": days}
        queue_email(to=person.email, recipient=person, redact=link,
                    subject=_("[LPSE SOP] Akun Anda: atur kata sandi"),
                    body=_("Yth. %(name)s,\n\n%(by)s (%(agency)s) menyiapkan akun Anda di aplikasi SOP LPSE.\n"
                           "Nama pengguna: %(username)s\n\nAtur kata sandi Anda melalui tautan ini (berlaku %(days)d "
                           "hari, sekali pakai):\n%(link)s\n") % values)


@login_required
def agency_home(request):
    agencies = list(administered_agencies(request.user).order_by("name"))
    if not agencies:
        return _not_an_administrator(request)
    if len(agencies) == 1:
        return redirect("agency_detail", agencies[0].code)
    return render(request, "accounts/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request, code: str):
    agency = _agency(request, code)
    here = RoleAssignment.objects.filter(unit__agency=agency).select_related("role", "unit", "user")
    people = (agency_people(agency).prefetch_related(Prefetch("role_assignments", queryset=here, to_attr="here"))
              .order_by("-is_active", "full_name"))
    units = list(agency_units(agency))
    for unit in units:  # who heads each unit now (held; a Plh. shows on the delegation page)
        unit.heads = [a.user for a in here if a.unit_id == unit.pk and a.role_id == unit.kind.head_role_id]
    return render(request, "accounts/agency_detail.html", {"agency": agency, "people": people, "units": units})


@login_required
def person_new(request, code: str):
    agency = _agency(request, code)
    form = PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = person_save(by=request.user, agency=agency, person=form.save(commit=False))
        send_password_link(person, by=request.user, agency=agency)
        messages.success(request, _("Akun %(name)s dibuat; tautan untuk mengatur kata sandi dikirim ke %(email)s. "
                                    "Beri ia peran di bawah.") % {"name": person.full_name, "email": person.email})
        return redirect("agency_person", agency.code, person.pk)
    return render(request, "accounts/person_form.html", {"agency": agency, "form": form},
                  status=400 if form.errors else 200)


@login_required
def person_detail(request, code: str, pk: int):
    agency = _agency(request, code)
    person = get_object_or_404(agency_people(agency), pk=pk)
    editable = may_edit_person(agency, person)
    form = PersonForm(request.POST or None, instance=person) if editable else None
    if request.method == "POST" and form is not None and form.is_valid():
        person_save(by=request.user, agency=agency, person=form.save(commit=False))
        messages.success(request, _("Data %(name)s disimpan.") % {"name": person.full_name})
        return redirect("agency_person", agency.code, person.pk)
    assignment_form = AssignmentForm(roles=assignable_roles(agency), units=agency_units(agency)) if editable else None
    return _person_page(request, agency, person, form, assignment_form, status=400 if form and form.errors else 200)


def _person_page(request, agency, person, form, assignment_form, status=200):
    assignments = (RoleAssignment.objects.filter(user=person, unit__agency=agency).select_related("role", "unit")
                   .order_by("unit__name", "role__name"))
    return render(request, "accounts/person_detail.html", {
        "agency": agency, "person": person, "form": form, "assignment_form": assignment_form,
        "assignments": assignments}, status=status)


@login_required
@require_POST
def person_add_role(request, code: str, pk: int):
    agency = _agency(request, code)
    person = get_object_or_404(agency_people(agency), pk=pk)
    if not may_edit_person(agency, person):
        raise Http404
    form = AssignmentForm(request.POST, roles=assignable_roles(agency), units=agency_units(agency))
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = role_give(by=request.user, agency=agency, person=person, role=data["role"],
                                   unit=data["unit"], acting=data["acting"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s kini %(assignment)s; berlaku mulai sekarang.")
                             % {"name": person.full_name, "assignment": assignment})
            return redirect("agency_person", agency.code, person.pk)
    return _person_page(request, agency, person, PersonForm(instance=person), form, status=400)


@login_required
@require_POST
def assignment_revoke(request, code: str, pk: int):
    agency = _agency(request, code)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "role", "unit__agency"),
                                   pk=pk, unit__agency=agency)
    try:
        role_take_back(by=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Peran %(assignment)s dicabut dari %(name)s; berlaku mulai sekarang.")
                         % {"assignment": assignment, "name": assignment.user.full_name})
    return redirect("agency_person", agency.code, assignment.user_id)


@login_required
@require_POST
def person_send_link(request, code: str, pk: int):
    agency = _agency(request, code)
    person = get_object_or_404(agency_people(agency), pk=pk)
    if not may_edit_person(agency, person) or not person.email:
        raise Http404
    send_password_link(person, by=request.user, agency=agency)
    messages.success(request, _("Tautan untuk mengatur kata sandi dikirim ke %(email)s.") % {"email": person.email})
    return redirect("agency_person", agency.code, person.pk)


@login_required
def unit_edit(request, code: str, pk: int | None = None):
    agency = _agency(request, code)
    unit = get_object_or_404(Unit, pk=pk, agency=agency) if pk else Unit(agency=agency)
    form = UnitForm(request.POST or None, instance=unit, agency=agency)
    if request.method == "POST" and form.is_valid():
        unit = unit_save(by=request.user, agency=agency, unit=form.save(commit=False))
        messages.success(request, _("Unit %(unit)s disimpan.") % {"unit": unit.name})
        return redirect("agency_detail", agency.code)
    return render(request, "accounts/unit_form.html", {"agency": agency, "form": form, "unit": unit},
                  status=400 if form.errors else 200)


@login_required
def vocabulary(request):
    """The roles and unit kinds every agency shares: listed, and new ones added."""
    if not administered_agencies(request.user).exists():
        return _not_an_administrator(request)
    scopes = creatable_scopes(request.user)
    which = request.POST.get("which") if request.method == "POST" else None
    role_form = RoleForm(request.POST if which == "role" else None, scopes=scopes, prefix="role")
    kind_form = UnitKindForm(request.POST if which == "kind" else None, prefix="kind")
    form = {"role": role_form, "kind": kind_form}.get(which)
    if form is not None and form.is_valid():
        try:
            if which == "role":
                created = role_create(by=request.user, role=form.save(commit=False))
            else:
                created = unit_kind_create(by=request.user, kind=form.save(commit=False))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s (kode %(code)s) ditambahkan; definisi SOP kini dapat memakainya.")
                             % {"name": created.name, "code": created.code})
            return redirect("agency_vocabulary")
    return render(request, "accounts/vocabulary.html", {
        "roles": Role.objects.order_by("name"), "kinds": UnitKind.objects.select_related("head_role").order_by("name"),
        "role_form": role_form, "kind_form": kind_form,
    }, status=400 if form is not None and form.errors else 200)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The emailed link: the person chooses their own password (once; the link then expires)."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi disimpan. Silakan masuk."))
        return response
