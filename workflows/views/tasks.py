from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from workflows.access import headed_units_now
from workflows.deadlines import late_minutes, overdue_in_units, pelaksana
from workflows.forms import StepForm
from workflows.models import SopVersion, parse_specs
from workflows.selectors import cases_of, inbox_for, may_start, startable_versions, waiting_for
from workflows.services import case_open
from workflows.views.responses import record_rows, refuse, refused_action, title_field
from worktime.calendar import Calendars, duration_text


@login_required
def my_tasks(request):
    inbox = inbox_for(request.user, request.GET.get("page"))
    return render(request, "workflows/tasks.html", {"inbox": inbox, "page": inbox.page})


@login_required
def overdue_in_my_units(request):
    """Terlambat di unit saya: every overdue step of the units this person heads, oldest first."""
    units = list(headed_units_now(request.user))
    if not units:
        return refuse(request, _("Halaman ini untuk kepala unit: Anda tidak mengepalai unit mana pun hari ini."))
    page = Paginator(overdue_in_units(units), 50).get_page(request.GET.get("page"))
    calendars = Calendars()
    rows = [{"run": run, "step": run.case.spec.step(run.step_no), "late": duration_text(late_minutes(run, calendars)),
             "who": pelaksana(run)} for run in page]
    return render(request, "workflows/overdue.html", {"page": page, "rows": rows, "units": units})


@login_required
def my_cases(request):
    page = Paginator(cases_of(request.user), 25).get_page(request.GET.get("page"))
    parse_specs(case.sop_version for case in page)
    return render(request, "workflows/my_cases.html", {"page": page, "waiting": waiting_for(request.user, page)})


@login_required
def start_list(request):
    return render(request, "workflows/start_list.html", {"versions": startable_versions(request.user)})


@login_required
def start_case(request, version_id: int):
    version = get_object_or_404(SopVersion.objects.select_related("sop__agency"), pk=version_id)
    if version.sop.is_template or version != version.sop.version_in_force():
        raise Http404  # cases start on the version of an agency SOP in force today only
    if not may_start(version, request.user):
        return refuse(request, _("SOP ini tidak dapat Anda mulai: langkah pertamanya dikerjakan oleh peran lain."))
    step = version.spec.first_step
    form = StepForm(request.POST or None, request.FILES or None, step=step, rows=record_rows(request),
                    user=request.user)
    title_field(form)
    if request.method == "POST" and "add_row" not in request.POST and form.is_valid():
        try:
            with refused_action(request) as outcome:
                case = case_open(sop_version=version, title=form.cleaned_data["title"], by=request.user,
                                 note=form.cleaned_data["note"], kelengkapan=form.kelengkapan())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if outcome.response:
                return outcome.response
            form.discard_staged()
            messages.success(request, _("Kasus \"%(title)s\" dimulai; langkah %(no)d selesai.") % {
                "title": case.title, "no": step.no})
            return redirect("case_detail", case.pk)
    if request.method == "POST":
        form.stage_uploads()
    status = 400 if form.errors else 200
    if "add_row" in request.POST:  # "Tambah baris" is no refusal: a row more, no messages yet
        form.clear_errors()
        status = 200
    return render(request, "workflows/start_case.html", {"version": version, "step": step, "form": form},
                  status=status)
