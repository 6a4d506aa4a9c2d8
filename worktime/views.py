"""The agency administrator's working calendar: hours per weekday, the reminder share, and
the dates that differ (local holidays, decrees, special hours), beside the national
holidays and cuti bersama the application already knows."""
from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.administration import administered_agencies
from worktime.calendar import calendar_for, national_holidays
from worktime.models import DEFAULT_HOURS, CalendarException, WorkCalendar, WorkingHours

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})
BAD_DATE = {"invalid": gettext_lazy("Tanggal tidak dikenali; tulis seperti 2026-11-30.")}
BAD_TIME = {"invalid": gettext_lazy("Jam tidak dikenali; tulis seperti 07:30.")}


class WeekForm(forms.Form):
    """Seven weekdays, each with opening and closing times, or left empty for a day off."""

    reminder_percent = forms.IntegerField(label=gettext_lazy("Pengingat pada (% waktu mutu baku)"), min_value=1,
                                          max_value=99)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, label in WorkingHours.Weekday.choices:
            self.fields[f"opens_{weekday}"] = forms.TimeField(label=_("%(day)s buka") % {"day": label}, widget=TIME,
                                                              required=False, error_messages=BAD_TIME)
            self.fields[f"closes_{weekday}"] = forms.TimeField(label=_("%(day)s tutup") % {"day": label},
                                                               widget=TIME, required=False, error_messages=BAD_TIME)

    def clean(self):
        data = super().clean()
        for weekday, label in WorkingHours.Weekday.choices:
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            if bool(opens) != bool(closes):
                self.add_error(f"closes_{weekday}", _("Isi jam buka dan jam tutup %(day)s, atau kosongkan keduanya "
                                                      "untuk hari libur.") % {"day": label})
            elif opens and closes <= opens:
                self.add_error(f"closes_{weekday}", _("Jam tutup harus sesudah jam buka."))
        if not any(data.get(f"opens_{weekday}") for weekday in range(7)) and not self.errors:
            raise forms.ValidationError(_("Paling sedikit satu hari kerja dalam seminggu."))
        return data

    def week(self) -> dict[int, tuple[datetime.time, datetime.time]]:
        return {weekday: (self.cleaned_data[f"opens_{weekday}"], self.cleaned_data[f"closes_{weekday}"])
                for weekday in range(7) if self.cleaned_data.get(f"opens_{weekday}")}


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["kind", "starts_on", "ends_on", "opens", "closes", "note"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "opens": TIME, "closes": TIME}
        error_messages = {"starts_on": BAD_DATE, "ends_on": BAD_DATE, "opens": BAD_TIME, "closes": BAD_TIME}


def _agency(request, code: str):
    agency = administered_agencies(request.user).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


@login_required
def calendar_edit(request, code: str):
    agency = _agency(request, code)
    stored = WorkCalendar.objects.filter(agency=agency).first()
    current = calendar_for(agency)
    initial = {"reminder_percent": current.reminder_percent}
    for weekday, (opens, closes) in current.week.items():
        initial |= {f"opens_{weekday}": opens, f"closes_{weekday}": closes}
    which = request.POST.get("which") if request.method == "POST" else None
    week_form = WeekForm(request.POST if which == "week" else None, initial=initial, prefix="week")
    exception_form = ExceptionForm(request.POST if which == "exception" else None, prefix="exception")
    if which == "week" and week_form.is_valid():
        with transaction.atomic():
            calendar, _created = WorkCalendar.objects.update_or_create(
                agency=agency, defaults={"reminder_percent": week_form.cleaned_data["reminder_percent"]})
            calendar.hours.all().delete()
            WorkingHours.objects.bulk_create(WorkingHours(calendar=calendar, weekday=d, opens=o, closes=c)
                                             for d, (o, c) in week_form.week().items())
        messages.success(request, _("Jam kerja disimpan; berlaku untuk langkah yang aktif mulai sekarang."))
        return redirect("calendar_edit", agency.code)
    if which == "exception" and exception_form.is_valid():
        calendar, _created = WorkCalendar.objects.get_or_create(agency=agency)
        exception = exception_form.save(commit=False)
        exception.calendar = calendar
        exception.save()
        messages.success(request, _("Tanggal %(note)s dicatat.") % {"note": exception.note})
        return redirect("calendar_edit", agency.code)
    year = timezone.localdate(timezone.now(), agency.tzinfo).year
    holidays = sorted((national_holidays(year) | national_holidays(year + 1)).items())
    if week_form.errors or exception_form.errors:  # the form may be far down the page: say so at the top
        messages.error(request, _("Belum disimpan: periksa isian yang ditandai di bawah."))
    week_rows = [(label, week_form[f"opens_{day}"], week_form[f"closes_{day}"])
                 for day, label in WorkingHours.Weekday.choices]
    return render(request, "worktime/calendar.html", {"week_rows": week_rows,
        "agency": agency, "week_form": week_form, "exception_form": exception_form,
        "exceptions": stored.exceptions.all() if stored else [], "holidays": holidays,
        "defaults": DEFAULT_HOURS, "weekdays": WorkingHours.Weekday.choices,
    }, status=400 if (week_form.errors or exception_form.errors) else 200)


@login_required
@require_POST
def exception_delete(request, code: str, pk: int):
    agency = _agency(request, code)
    exception = get_object_or_404(CalendarException, pk=pk, calendar__agency=agency)
    exception.delete()
    messages.success(request, _("Tanggal %(note)s dihapus dari kalender.") % {"note": exception.note})
    return redirect("calendar_edit", agency.code)
