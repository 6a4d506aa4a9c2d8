"""SOPs and national templates: the list, one SOP's page, and adopting a template."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from workflows.adoption import adoptable_agencies, adoptions, header_initial, sop_adopt
from workflows.definitions import DefinitionError
from workflows.models import Sop, SopVersion
from workflows.version_diff import diff_specs


def _sops():
    return Sop.objects.select_related("agency", "template").prefetch_related(
        Prefetch("versions", queryset=SopVersion.objects.order_by("-number")))


SOPS_PER_PAGE = 50


@login_required
def sop_list(request):
    """Every agency's SOPs, 50 a page, optionally of one agency; the national templates."""
    listed = (Sop.objects.filter(agency__isnull=False).select_related("agency", "template")
              .annotate(version_count=Count("versions")).order_by("agency__name", "name", "pk"))
    agencies = Agency.objects.filter(sops__isnull=False).distinct().order_by("name")
    code = request.GET.get("instansi", "")
    chosen = agencies.filter(code=code).first() if code.isascii() and 0 < len(code) <= 50 else None
    if chosen is not None:
        listed = listed.filter(agency=chosen)
    templates = (Sop.objects.filter(agency__isnull=True).annotate(version_count=Count("versions"))
                 .order_by("name"))
    return render(request, "workflows/sop_list.html", {
        "page": Paginator(listed, SOPS_PER_PAGE).get_page(request.GET.get("page")), "agencies": agencies,
        "chosen": chosen, "unknown": bool(code) and chosen is None, "templates": templates})


def _page(request, sop: Sop, **extra):
    versions = list(sop.versions.select_related("template_version").order_by("-number"))
    context = {"sop": sop, "versions": versions, "spec": versions[0].spec if versions else None, **extra}
    if sop.template_id and versions:
        follows = versions[0].template_version
        newest = sop.template.latest_version
        context["template_follows"] = follows
        context["template_newer"] = newest if follows and newest and newest.number > follows.number else None
        context["may_adopt"] = adoptable_agencies(request.user, sop.template).filter(pk=sop.agency_id).exists()
    return render(request, "workflows/sop_detail.html", context)


@login_required
def sop_detail(request, agency: str, code: str):
    return _page(request, get_object_or_404(_sops(), agency__code=agency, code=code))


@login_required
def template_detail(request, code: str):
    template = get_object_or_404(_sops(), agency__isnull=True, code=code)
    return _page(request, template, adoptions=adoptions(template),
                 may_adopt=adoptable_agencies(request.user, template).exists())


def _version_diff(request, sop: Sop, number: int):
    """One version beside the one before it, or beside ``?banding=<n>`` of the same SOP."""
    versions = {v.number: v for v in sop.versions.all()}
    version = versions.get(number)
    if version is None:
        raise Http404(_("Versi %(number)d dari SOP ini tidak ada.") % {"number": number})
    context = {"sop": sop, "version": version, "versions": sorted(versions.values(), key=lambda v: v.number)}
    raw = request.GET.get("banding")
    status = 200
    if raw is None or raw == "":
        other = versions.get(number - 1)
    elif not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        other, status = None, 400
        context["problem"] = _("Nomor versi pembanding harus berupa angka, mis. ?banding=1.")
    elif int(raw) == number:
        other, status = None, 400
        context["problem"] = _("Versi pembanding sama dengan versi ini; pilih versi lain.")
    else:
        other = versions.get(int(raw))
        if other is None:
            status = 404
            context["problem"] = _("SOP ini tidak punya versi %(number)s untuk dibandingkan.") % {"number": raw}
    context["other"] = other
    if other is not None:
        old, new = sorted((other, version), key=lambda v: v.number)
        context.update(old=old, new=new, diff=diff_specs(old.spec, new.spec))
    return render(request, "workflows/sop_version_diff.html", context, status=status)


@login_required
def sop_version_diff(request, agency: str, code: str, number: int):
    return _version_diff(request, get_object_or_404(Sop.objects.select_related("agency"), agency__code=agency,
                                                    code=code), number)


@login_required
def template_version_diff(request, code: str, number: int):
    return _version_diff(request, get_object_or_404(Sop.objects.filter(agency__isnull=True), code=code), number)


def _only_sop(code: str) -> Sop:
    """The one SOP (or template) with ``code``; 404 when several agencies share it."""
    found = list(Sop.objects.select_related("agency").filter(code=code)[:2])
    if len(found) != 1:
        raise Http404
    return found[0]


@login_required
def sop_by_code(request, code: str):
    """``/sop/<code>/`` from before codes were per agency."""
    return redirect(_only_sop(code))


@login_required
def sop_sheet_by_code(request, code: str):
    """``/sop/<code>/lembar.pdf`` from before codes were per agency, its ``?versi=`` kept."""
    target = _only_sop(code).sheet_url()
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


class AdoptionForm(forms.Form):
    """The agency's own sheet header for the template it adopts."""

    agency = forms.ModelChoiceField(label=gettext_lazy("Instansi"), queryset=Agency.objects.none(), empty_label=None)
    kop = forms.CharField(label=gettext_lazy("Kop (satu baris per baris kop)"), widget=forms.Textarea(attrs={"rows": 3}))
    nomor = forms.CharField(label=gettext_lazy("Nomor SOP"), max_length=200)
    tanggal_pembuatan = forms.CharField(label=gettext_lazy("Tanggal pembuatan"), max_length=100)
    tanggal_revisi = forms.CharField(label=gettext_lazy("Tanggal revisi"), max_length=100, required=False)
    tanggal_efektif = forms.CharField(label=gettext_lazy("Tanggal efektif"), max_length=100, required=False)
    tanggal_pengesahan = forms.CharField(label=gettext_lazy("Tanggal pengesahan"), max_length=100, required=False)
    jabatan = forms.CharField(label=gettext_lazy("Disahkan oleh: jabatan"), max_length=200)
    nama = forms.CharField(label=gettext_lazy("Disahkan oleh: nama"), max_length=200)
    nip = forms.CharField(label=gettext_lazy("Disahkan oleh: NIP"), max_length=30, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    @classmethod
    def initial_from(cls, header: dict) -> dict:
        signer = header.get("disahkan_oleh") or {}
        return {**{k: v for k, v in header.items() if isinstance(v, str)}, "kop": "\n".join(header.get("kop") or []),
                "jabatan": signer.get("jabatan", ""), "nama": signer.get("nama", ""), "nip": signer.get("nip", "")}

    def header(self) -> dict:
        data = self.cleaned_data
        return {"kop": [line.strip() for line in data["kop"].splitlines() if line.strip()],
                **{key: data[key].strip() for key in ("nomor", "tanggal_pembuatan", "tanggal_revisi",
                                                      "tanggal_efektif", "tanggal_pengesahan")},
                "disahkan_oleh": {key: data[key].strip() for key in ("jabatan", "nama", "nip")}}


@login_required
def template_adopt(request, code: str):
    """An agency administrator adopts the template's latest version with the agency's header."""
    template = get_object_or_404(Sop.objects.filter(agency__isnull=True), code=code)
    version = template.latest_version
    agencies = adoptable_agencies(request.user, template)
    if version is None or not agencies.exists():
        raise PermissionDenied(_("Templat diadopsi oleh administrator instansi."))
    raw = request.GET.get("instansi", "")
    chosen = agencies.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
    chosen = chosen or agencies.first()
    initial = {"agency": chosen, **AdoptionForm.initial_from(header_initial(version, chosen))}
    form = AdoptionForm(request.POST if request.method == "POST" else None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            adopted, created = sop_adopt(template_version=version, agency=agency, header=form.header(),
                                         by=request.user)
        except DefinitionError as exc:
            form.add_error(None, [p.message for p in exc.problems])
        else:
            if created:
                messages.success(request, _("%(agency)s kini memakai %(sop)s versi %(number)d, dari templat versi "
                                            "%(template)d.") % {"agency": agency.name, "sop": adopted.sop.name,
                                                                "number": adopted.number, "template": version.number})
            else:
                messages.info(request, _("Tidak ada yang berubah: %(agency)s sudah memakai templat versi ini dengan "
                                         "kepala SOP yang sama.") % {"agency": agency.name})
            return redirect(adopted.sop)
    return render(request, "workflows/template_adopt.html", {"template": template, "version": version, "form": form},
                  status=400 if form.errors else 200)
