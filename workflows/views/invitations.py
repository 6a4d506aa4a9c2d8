from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workflows.access import case_for_user
from workflows.exceptions import ActionRefused
from workflows.invitations import invitation_accept, invitation_for_token, invitation_send, outside_lanes
from workflows.views.responses import refused_action


class InvitationForm(forms.Form):
    lane_role = forms.ChoiceField(label=gettext_lazy("Sebagai"))
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=200)
    organization = forms.CharField(label=gettext_lazy("Perusahaan/organisasi"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("Email"))
    phone = forms.CharField(label=gettext_lazy("Telepon"), max_length=30, required=False)
    npwp = forms.CharField(label=gettext_lazy("NPWP (bila ada)"), max_length=30, required=False)

    def __init__(self, *args, lanes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lane_role"].choices = [(lane.role, lane.label) for lane in lanes]


@login_required
@require_POST
def invite(request, pk: int):
    case = case_for_user(request.user, pk)
    form = InvitationForm(request.POST, lanes=outside_lanes(case))
    if not form.is_valid():
        messages.error(request, _("Undangan belum terkirim: %(errors)s") % {
            "errors": " ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()
                               if k in form.fields)})
        return redirect("case_detail", case.pk)
    try:
        with refused_action(request, case) as outcome:
            invitation = invitation_send(case_id=case.pk, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("case_detail", case.pk)
    if outcome.response:
        return outcome.response
    messages.success(request, _("Undangan untuk %(name)s dikirim ke %(email)s; tautannya berlaku 7 hari.")
                     % {"name": invitation.name, "email": invitation.email})
    return redirect("case_detail", case.pk)


class AcceptForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Kata sandi"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=gettext_lazy("Ulangi kata sandi"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
        return data


def accept(request, token: str):
    """The link in the invitation email: create the account, then straight to the case."""
    try:
        invitation = invitation_for_token(token)
    except ActionRefused as exc:
        return render(request, "400.html", {"reason": exc.message}, status=410)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, username=form.cleaned_data["username"],
                                     password=form.cleaned_data["password"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ActionRefused as exc:
            return render(request, "400.html", {"reason": exc.message}, status=410)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Akun Anda dibuat. Inilah kasus tempat Anda diundang."))
            return redirect("case_detail", invitation.case_id)
    lane = next((lane.label for lane in invitation.case.spec.lanes if lane.role == invitation.lane_role),
                invitation.lane_role)
    return render(request, "workflows/invitation_accept.html",
                  {"invitation": invitation, "lane": lane, "form": form}, status=400 if form.errors else 200)
