from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Unit, UnitKind, User
from accounts.nip import normalize_nip, validate_nip
from accounts.roles import Acting
from accounts.services import delegable_roles


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah. Periksa keduanya lalu coba lagi."),
        "inactive": _("Akun ini tidak aktif. Hubungi administrator LPSE."),
    }


class DelegationForm(forms.Form):
    """Plt./Plh.: a role of a unit the person heads, to someone of the same agency, for dates."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    role = forms.ModelChoiceField(label=_("Peran yang didelegasikan"), queryset=Role.objects.none(),
                                  to_field_name="code", empty_label=None)
    delegate = forms.ModelChoiceField(label=_("Kepada"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Status"), choices=[(Acting.PLH, Acting.PLH.label), (Acting.PLT, Acting.PLT.label)])
    starts_on = forms.DateField(label=_("Mulai"), widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("Tanggal tidak dikenali; tulis seperti 2026-11-30.")})
    ends_on = forms.DateField(label=_("Sampai (termasuk hari itu)"), widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": _("Tanggal tidak dikenali; tulis seperti 2026-11-30.")})
    sk_number = forms.CharField(label=_("Nomor SK"), max_length=100)

    def __init__(self, *args, units, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        codes = set().union(*(delegable_roles(unit, by) for unit in units)) if units else set()
        self.fields["role"].queryset = Role.objects.filter(code__in=codes).order_by("name")
        head_roles = {unit.kind.head_role_id for unit in units} - {None}
        if head_roles:
            self.fields["role"].initial = sorted(head_roles)[0]
        self.fields["delegate"].queryset = (User.objects.filter(
            is_active=True, role_assignments__unit__agency__in=[unit.agency_id for unit in units])
            .distinct().order_by("full_name"))
        self.fields["delegate"].label_from_instance = lambda u: f"{u.full_name}{' · ' + u.jabatan if u.jabatan else ''}"


# -- the agency administrator's forms ---------------------------------------------------------

CODE_WORD = RegexValidator(r"^[a-z][a-z0-9_]{0,39}$",
                           _("Kode hanya boleh huruf kecil, angka dan '_', diawali huruf (mis. verifikator)."))


class PersonForm(forms.ModelForm):
    """A staff member's data; the username only when the account is created."""

    nip = forms.CharField(label=_("NIP"), max_length=30, required=False,
                          help_text=_("18 angka, boleh ditulis dengan spasi."))

    class Meta:
        model = User
        fields = ["username", "full_name", "nip", "pangkat_golongan", "jabatan", "phone", "email", "language",
                  "is_active"]
        labels = {"is_active": _("Akun aktif (dapat masuk)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Tautan untuk mengatur kata sandi dikirim ke alamat ini.")
        self.fields["full_name"].required = True
        if self.instance.pk:
            del self.fields["username"]
        else:
            del self.fields["is_active"]

    def clean_nip(self):
        nip = normalize_nip(self.cleaned_data["nip"])
        if nip:
            validate_nip(nip)
        return nip or None

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna itu sudah dipakai; pilih yang lain."))
        return username


class AssignmentForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Peran"), queryset=Role.objects.none(), empty_label=_("— pilih peran —"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=_("— pilih unit —"))
    acting = forms.ChoiceField(label=_("Status"), choices=Acting.choices, required=False)

    def __init__(self, *args, roles, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
        self.fields["unit"].queryset = units


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["kind", "name"]

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["kind"].queryset = UnitKind.objects.order_by("name")

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        taken = Unit.objects.filter(agency=self.agency, kind=kind).exclude(pk=self.instance.pk).first()
        if taken:
            raise forms.ValidationError(_("%(agency)s sudah punya unit jenis %(kind)s: %(unit)s.")
                                        % {"agency": self.agency.name, "kind": kind.name, "unit": taken.name})
        return kind


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["code", "name", "scope"]

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(CODE_WORD)
        self.fields["scope"].choices = [(value, label) for value, label in Role.Scope.choices if value in scopes]


class UnitKindForm(forms.ModelForm):
    class Meta:
        model = UnitKind
        fields = ["code", "name", "head_role"]
        help_texts = {"head_role": _("Pemegang peran ini mengepalai unit: ia dapat membatalkan kasus dan "
                                     "mendelegasikan peran unitnya.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(CODE_WORD)
        self.fields["head_role"].queryset = Role.objects.filter(scope=Role.Scope.AGENCY).order_by("name")
