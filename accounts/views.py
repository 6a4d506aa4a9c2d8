from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import DelegationForm, LoginForm
from accounts.models import Delegation
from accounts.services import delegating_units, delegation_create, delegation_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person keeps the choice on their profile."""
    language = request.POST.get("language")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def delegations(request):
    """Plt./Plh. of the units this person heads or administers: the list, a form to delegate,
    and revoking."""
    units = delegating_units(request.user)
    if not units and not request.user.delegations.exists():
        return render(request, "403.html", {"reason": _("Halaman delegasi untuk kepala unit dan administrator "
                                                        "instansi. Anda tidak mengepalai unit mana pun.")}, status=403)
    form = DelegationForm(request.POST or None, units=units, by=request.user) if units else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            delegation = delegation_create(by=request.user, unit=data["unit"], role=data["role"].code,
                                           delegate=data["delegate"], kind=data["kind"], starts_on=data["starts_on"],
                                           ends_on=data["ends_on"], sk_number=data["sk_number"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Delegasi %(delegation)s dicatat.") % {"delegation": delegation})
            return redirect("delegations")
    listed = (Delegation.objects.filter(Q(unit__in=units) | Q(delegate=request.user))
              .select_related("role", "unit__agency", "delegate", "on_behalf_of", "delegated_by"))
    return render(request, "accounts/delegations.html", {"form": form, "delegations": listed, "units": units},
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def delegation_end(request, pk: int):
    delegation = get_object_or_404(Delegation.objects.filter(unit__in=delegating_units(request.user)), pk=pk)
    delegation_revoke(delegation=delegation, by=request.user)
    messages.success(request, _("Delegasi %(delegation)s dicabut; berakhir saat ini juga.") % {"delegation": delegation})
    return redirect("delegations")
