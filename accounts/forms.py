from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Unit, User
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

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        codes = set().union(*(delegable_roles(unit) for unit in units)) if units else set()
        self.fields["role"].queryset = Role.objects.filter(code__in=codes).order_by("name")
        head_roles = {unit.kind.head_role_id for unit in units}
        if head_roles:
            self.fields["role"].initial = sorted(head_roles)[0]
        self.fields["delegate"].queryset = (User.objects.filter(
            is_active=True, role_assignments__unit__agency__in=[unit.agency_id for unit in units])
            .distinct().order_by("full_name"))
        self.fields["delegate"].label_from_instance = lambda u: f"{u.full_name}{' · ' + u.jabatan if u.jabatan else ''}"
