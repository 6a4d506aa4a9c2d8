"""Each agency's working calendar: its days and hours, and the dates its administrator
changes (a local holiday, a decree moving a national one, Ramadan hours). National holidays
and cuti bersama come from the ``holidays`` package (worktime.calendar)."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

# Government office hours (Perpres 21/2023 sets 37.5 hours a week): Monday to Thursday
# 07.30-16.00, Friday 07.30-16.30, local time.
DEFAULT_HOURS = {weekday: (datetime.time(7, 30), datetime.time(16, 0)) for weekday in range(4)} | {
    4: (datetime.time(7, 30), datetime.time(16, 30))}
DEFAULT_REMINDER_PERCENT = 75


class WorkCalendar(models.Model):
    """An agency's working week and deadline settings; missing means the defaults."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="work_calendar",
                                  verbose_name=_("instansi"))
    reminder_percent = models.PositiveSmallIntegerField(
        _("pengingat pada (% waktu)"), default=DEFAULT_REMINDER_PERCENT,
        help_text=_("Pelaksana diingatkan setelah bagian waktu mutu baku ini berlalu (1-99)."))

    class Meta:
        verbose_name = _("kalender kerja")
        verbose_name_plural = _("kalender kerja")
        constraints = [models.CheckConstraint(condition=models.Q(reminder_percent__gte=1, reminder_percent__lte=99),
                                              name="reminder_percent_between_1_and_99")]

    def __str__(self) -> str:
        return str(self.agency)


class WorkingHours(models.Model):
    """Hours of one weekday; a weekday without a row is not a working day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Senin")
        TUESDAY = 1, _("Selasa")
        WEDNESDAY = 2, _("Rabu")
        THURSDAY = 3, _("Kamis")
        FRIDAY = 4, _("Jumat")
        SATURDAY = 5, _("Sabtu")
        SUNDAY = 6, _("Minggu")

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    opens = models.TimeField(_("buka"))
    closes = models.TimeField(_("tutup"))

    class Meta:
        verbose_name = _("jam kerja")
        verbose_name_plural = _("jam kerja")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday"], name="one_hours_row_per_weekday"),
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"),
        ]


class CalendarException(models.Model):
    """Dates that differ from the working week and the national holidays."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("libur")
        OPEN = "open", _("hari kerja")
        HOURS = "hours", _("jam kerja khusus")

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="exceptions")
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("sampai"))
    kind = models.CharField(_("jenis"), max_length=6, choices=Kind.choices,
                            help_text=_("Libur: mis. hari jadi daerah. Hari kerja: mis. libur nasional yang dipindah "
                                        "oleh keputusan. Jam kerja khusus: mis. Ramadan (isi jam buka dan tutup)."))
    opens = models.TimeField(_("buka"), null=True, blank=True)
    closes = models.TimeField(_("tutup"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        verbose_name = _("pengecualian kalender")
        verbose_name_plural = _("pengecualian kalender")
        ordering = ["starts_on"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="exception_ends_after_it_starts")]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")})
        if self.kind == self.Kind.HOURS:
            if not (self.opens and self.closes):
                raise ValidationError(_("Jam kerja khusus memerlukan jam buka dan jam tutup."))
            if self.closes <= self.opens:
                raise ValidationError({"closes": _("Jam tutup harus sesudah jam buka.")})
