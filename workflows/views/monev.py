"""Monev pages: the figures with charts, their CSV/XLSX/PDF, and the monitoring form; their
GETs read from the replica when one is configured (lpse_sop/replica.py)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lpse_sop.replica import on_primary, reads_from_replica
from workflows import monev
from workflows.charts import Bar, hbars
from workflows.pdf.render import render_pdf
from workflows.views.responses import refuse, table_download
from worktime.calendar import duration_text


def _filtered(request):
    with on_primary():  # whose cases these are: live, from the primary
        cases = monev.monev_cases(request.user)
    if cases is None:
        return None, refuse(request, _("Monev untuk kepala unit dan auditor."))
    return monev.MonevFilter(request.GET, queryset=cases, user=request.user), None


def _charts(report: monev.SopReport) -> dict:
    rows = report.step_rows
    on_time = [Bar(_("Langkah %(no)d") % {"no": r.no},
                   None if r.figures.share_on_time is None else 100 * r.figures.share_on_time,
                   "—" if r.figures.share_on_time is None else f"{round(100 * r.figures.share_on_time)}%",
                   "neutral" if r.figures.judged_good is None else "good" if r.figures.judged_good else "bad")
               for r in rows]
    durations = []
    for r in rows:
        if r.figures.median is None:
            continue
        durations.append(Bar(_("Langkah %(no)d") % {"no": r.no}, r.figures.median, duration_text(r.figures.median),
                             "bad" if r.figures.mutu_baku is not None and r.figures.median > r.figures.mutu_baku
                             else "good"))
        if r.figures.mutu_baku is not None:
            durations.append(Bar(_("mutu baku"), r.figures.mutu_baku, duration_text(r.figures.mutu_baku),
                                 "reference"))
    longest = max([b.value for b in durations if b.value] or [0])
    on_time_title = _("Tepat waktu per langkah (batas penilaian %(pct)d%%)") % {"pct": monev.THRESHOLD_PERCENT}
    durations_title = _("Median lama pengerjaan dan mutu baku, dalam jam kerja")
    return {
        "on_time_title": on_time_title,
        "on_time": hbars(on_time_title, on_time, maximum=100, marker=100 * monev.THRESHOLD,
                         marker_text=f"{monev.THRESHOLD_PERCENT}%"),
        "durations_title": durations_title,
        "durations": hbars(durations_title, durations, maximum=longest) if durations else "",
    }


def _selection(filterset) -> str:
    """What the figures cover, in words, for the printed report and form."""
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    since, until = data.get("dari"), data.get("sampai")
    if since or until:
        period = _("kasus dimulai %(since)s sampai %(until)s") % {
            "since": since.strftime("%d-%m-%Y") if since else _("awal"),
            "until": until.strftime("%d-%m-%Y") if until else _("hari ini")}
    else:
        period = _("semua kasus")
    parts = [period] + [str(data[key]) for key in ("sop", "instansi") if data.get(key)]
    return " · ".join(parts)


def _nothing_found(filterset) -> tuple[str, str]:
    """Why a valid selection has no case (an SOP of another agency than the one chosen, a
    selection with no case, or no case at all yet), and what to do on the page ("" if
    nothing): the printed report says the first only."""
    data = filterset.form.cleaned_data
    sop, agency = data.get("sop"), data.get("instansi")
    if sop and agency and sop.agency_id != agency.pk:
        return _("SOP “%(sop)s” milik %(owner)s, bukan %(agency)s.") % {
            "sop": sop.name, "owner": sop.agency.name, "agency": agency.name}, _(
            "Pilih SOP instansi itu, atau kosongkan salah satunya.")
    if any(data.get(key) for key in ("sop", "instansi", "dari", "sampai")):
        return _("Tidak ada kasus yang cocok dengan pilihan ini."), _("Ubah atau kosongkan pilihan di atas.")
    return _("Belum ada kasus untuk dimonitor."), ""


def _context(request, filterset) -> dict:
    reports = monev.measure(filterset.qs)
    return {"filter": filterset, "reports": [(report, _charts(report)) for report in reports],
            "threshold": monev.THRESHOLD_PERCENT, "generated_at": timezone.now(),
            "selection": _selection(filterset), "nothing_found": _nothing_found(filterset)}  # (why, what to do)


@login_required
@reads_from_replica
def monev_page(request):
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    # Without figures the page still introduces itself, threshold included.
    empty = {"filter": filterset, "reports": [], "threshold": monev.THRESHOLD_PERCENT}
    if not filterset.is_valid():
        return render(request, "workflows/monev.html", empty, status=400)
    if monev.too_many(filterset.qs):
        return render(request, "workflows/monev.html", empty | {"too_many": _too_many_text()})
    return render(request, "workflows/monev.html", _context(request, filterset))


def _narrow_first(request) -> HttpResponse:
    messages.warning(request, _too_many_text())
    return redirect(f"{reverse('monev')}?{request.GET.urlencode()}" if request.GET else reverse("monev"))


def _too_many_text() -> str:
    return _("Pilihan ini mencakup lebih dari %(cases)s kasus atau %(sops)s SOP. Pilih instansi, SOP atau "
             "periode yang lebih sempit, lalu tampilkan lagi.") % {
        "cases": number_format(monev.MAX_CASES, force_grouping=True), "sops": monev.MAX_SOPS}


def _download(request, kind: str):
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    if not filterset.is_valid():
        return monev_page(request)
    if monev.too_many(filterset.qs):
        return _narrow_first(request)
    if kind != "pdf":
        return table_download(kind, monev.COLUMNS, monev.rows(monev.measure(filterset.qs)), stem="monev",
                              title="Monev", widths=monev.WIDTHS)
    html = render_to_string("pdf/monev.html", _context(request, filterset) | {"by": request.user}, request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monev-{timezone.localtime():%Y%m%d-%H%M}.pdf"'
    return response


@login_required
@reads_from_replica
def monev_csv(request):
    return _download(request, "csv")


@login_required
@reads_from_replica
def monev_xlsx(request):
    return _download(request, "xlsx")


@login_required
@reads_from_replica
def monev_pdf(request):
    return _download(request, "pdf")


class MonitoringForm(forms.Form):
    """The regulation's Formulir Monitoring Pelaksanaan SOP for one SOP: per step the
    judgement, the notes and the action to take; prefilled from the measured runs."""

    pelaksana = forms.CharField(label=gettext_lazy("Dimonitor oleh"), max_length=200)

    def __init__(self, *args, report: monev.SopReport, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("baik", _("berjalan dengan baik")), ("tidak", _("tidak berjalan dengan baik"))]
        for row in report.step_rows:
            good = row.figures.judged_good
            self.fields[f"nilai_{row.no}"] = forms.ChoiceField(
                label=_("Langkah %(no)d: penilaian") % {"no": row.no}, choices=choices, widget=forms.RadioSelect,
                initial=None if good is None else "baik" if good else "tidak", required=False)
            self.fields[f"catatan_{row.no}"] = forms.CharField(
                label=_("Langkah %(no)d: catatan hasil penilaian") % {"no": row.no}, initial=row.note(),
                widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
            self.fields[f"tindakan_{row.no}"] = forms.CharField(
                label=_("Langkah %(no)d: tindakan yang harus diambil") % {"no": row.no},
                widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


@login_required
@require_http_methods(["GET", "POST"])
@reads_from_replica
def monitoring_form(request):
    """GET: the form for the SOP chosen in ``?sop=``; POST: the completed form as PDF (read from
    the primary, as every POST is)."""
    filterset, refusal = _filtered(request)
    if refusal:
        return refusal
    if not filterset.is_valid() or not filterset.form.cleaned_data.get("sop"):
        return render(request, "workflows/monev_form.html", {"filter": filterset, "report": None},
                      status=400 if not filterset.is_valid() else 200)
    if monev.too_many(filterset.qs):
        return _narrow_first(request)
    reports = monev.measure(filterset.qs)
    if not reports:
        return render(request, "workflows/monev_form.html", {"filter": filterset, "report": None, "empty": True})
    report = reports[0]
    form = MonitoringForm(request.POST if request.method == "POST" else None, report=report,
                          initial={"pelaksana": request.user.full_name})
    context = {"filter": filterset, "report": report, "form": form, "threshold": monev.THRESHOLD_PERCENT,
               "selection": _selection(filterset), "signer": request.user,
               "rows": [(row, form[f"nilai_{row.no}"], form[f"catatan_{row.no}"], form[f"tindakan_{row.no}"])
                        for row in report.step_rows]}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filled = [(row, monev.judgement({"baik": True, "tidak": False}.get(data[f"nilai_{row.no}"])),
                   data[f"catatan_{row.no}"], data[f"tindakan_{row.no}"]) for row in report.step_rows]
        html = render_to_string("pdf/monev_form.html", context | {
            "filled": filled, "pelaksana": data["pelaksana"], "generated_at": timezone.now()}, request)
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="formulir-monitoring-{report.sop.code}.pdf"'
        return response
    return render(request, "workflows/monev_form.html", context, status=400 if form.errors else 200)
