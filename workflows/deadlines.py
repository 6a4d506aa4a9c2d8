"""Holding people to the mutu baku: reminders before a step is due, an overdue notice when
it is, a daily digest to the head after that, and each head's list of late steps.

``sweep`` is run every few minutes (``manage.py sweep_deadlines``; ``make run`` runs it
beside the server). It finds due work by two indexed columns of the open step runs
(``remind_at``, ``due_at``). Every notice is claimed first, by inserting a DeadlineNotice
row that a unique constraint allows once; the claim and the notices it sends (in-app and
the queued email) commit together. So a sweep run twice, or twice at the same moment,
sends each notice once, and a sweep killed half-way loses nothing: what it did not commit
is claimed again next time.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflows import engine
from workflows.models import DeadlineNotice, StepRun
from workflows.notifications import case_url, tell
from workflows.templatetags.tanggal import tanggal
from worktime.calendar import Calendars

logger = logging.getLogger(__name__)
Kind = DeadlineNotice.Kind


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    digests: int = 0


def open_runs() -> QuerySet[StepRun]:
    return (StepRun.objects.filter(completed_at__isnull=True, case__closed_at__isnull=True)
            .select_related("case__agency", "case__unit__kind", "case__unit__agency", "case__sop_version__sop",
                            "assignee"))


def pelaksana(run: StepRun) -> list:
    """Who the waiting step is waiting for: its assignee, or everyone of its lane."""
    assignee = engine.assignee_of(run.case)
    return [assignee] if assignee else engine.lane_people(run.case, run.lane_role)


def _claimed(**fields) -> bool:
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(**fields)
    except IntegrityError:
        return False  # another sweep sent it, or is sending it now
    return True


def _step_values(run: StepRun) -> dict:
    case = run.case
    step = case.spec.step(run.step_no)
    return {"sop": case.spec.name, "title": case.title, "no": step.no, "kegiatan": step.kegiatan,
            "due": tanggal(run.due_at, case.agency), "url": case_url(case), "unit": case.unit.name}


def _in_language(person):
    return translation.override(person.language or settings.LANGUAGE_CODE)


def _remind(run: StepRun) -> bool:
    with transaction.atomic():
        if not _claimed(step_run=run, kind=Kind.REMINDER):
            return False
        for person in pelaksana(run):
            with _in_language(person):
                values = _step_values(run)
                tell(person, run.case,
                     message=_("Pengingat: langkah %(no)d (%(kegiatan)s) kasus \"%(title)s\" jatuh tempo %(due)s.")
                     % values,
                     subject=_("[LPSE SOP] Pengingat batas waktu: %(title)s") % values,
                     body=_("Langkah %(no)d kasus \"%(title)s\" (%(sop)s) menunggu Anda dan jatuh tempo %(due)s.\n"
                            "Langkah %(no)d: %(kegiatan)s\n\n%(url)s\n") % values)
    return True


def _overdue(run: StepRun) -> bool:
    with transaction.atomic():
        if not _claimed(step_run=run, kind=Kind.OVERDUE):
            return False
        doers = pelaksana(run)
        for person in doers:
            with _in_language(person):
                values = _step_values(run)
                tell(person, run.case,
                     message=_("Terlambat: langkah %(no)d (%(kegiatan)s) kasus \"%(title)s\" melewati batas waktu "
                               "%(due)s. Selesaikan dan sebutkan alasannya.") % values,
                     subject=_("[LPSE SOP] Terlambat: %(title)s") % values,
                     body=_("Langkah %(no)d kasus \"%(title)s\" (%(sop)s) melewati batas waktunya, %(due)s.\n"
                            "Penyimpangan dari mutu baku harus dipertanggungjawabkan: saat menyelesaikan langkah, "
                            "sebutkan alasannya.\n\n%(url)s\n") % values)
        for head in engine.unit_heads(run.case.unit):
            if head in doers:
                continue
            with _in_language(head):
                values = _step_values(run) | {"who": ", ".join(p.full_name for p in doers) or "—"}
                tell(head, run.case,
                     message=_("Terlambat di %(unit)s: langkah %(no)d (%(kegiatan)s) kasus \"%(title)s\", batas "
                               "%(due)s; pelaksana: %(who)s.") % values,
                     subject=_("[LPSE SOP] Terlambat di unit Anda: %(title)s") % values,
                     body=_("Langkah %(no)d kasus \"%(title)s\" (%(sop)s) di %(unit)s melewati batas waktunya, "
                            "%(due)s.\nPelaksana: %(who)s\n\n%(url)s\n") % values)
    return True


def _digests(now) -> int:
    """One digest a day to each head of a unit with steps overdue since before today."""
    sent = 0
    late = [run for run in open_runs().filter(due_at__lte=now).order_by("due_at", "pk")]
    by_unit: dict[int, list[StepRun]] = {}
    for run in late:
        today = timezone.localtime(now, run.case.agency.tzinfo).date()
        if timezone.localtime(run.due_at, run.case.agency.tzinfo).date() < today:
            by_unit.setdefault(run.case.unit_id, []).append(run)
    for runs in by_unit.values():
        unit = runs[0].case.unit
        today = timezone.localtime(now, unit.agency.tzinfo).date()
        for head in engine.unit_heads(unit):
            with transaction.atomic():
                if not _claimed(kind=Kind.DIGEST, recipient=head, unit=unit, day=today):
                    continue
                with _in_language(head):
                    lines = "\n".join(_("- %(title)s, langkah %(no)d (%(kegiatan)s), batas %(due)s") % _step_values(r)
                                      for r in runs)
                    values = {"unit": unit.name, "count": len(runs), "lines": lines,
                              "url": settings.SITE_URL.rstrip("/") + "/terlambat/"}
                    tell(head, runs[0].case,
                         message=_("Ringkasan harian %(unit)s: %(count)d langkah terlambat.") % values,
                         subject=_("[LPSE SOP] Ringkasan keterlambatan %(unit)s: %(count)d langkah") % values,
                         body=_("Langkah yang terlambat di %(unit)s, yang paling lama lebih dulu:\n%(lines)s\n\n"
                                "%(url)s\n") % values)
                sent += 1
    return sent


def sweep(now=None) -> SweepResult:
    """Send what is due now and was not sent yet; safe to run at any time, and concurrently."""
    now = now or timezone.now()
    result = SweepResult()
    for run in open_runs().filter(remind_at__lte=now, due_at__gt=now).exclude(deadline_notices__kind=Kind.REMINDER):
        result.reminders += _remind(run)
    for run in open_runs().filter(due_at__lte=now).exclude(deadline_notices__kind=Kind.OVERDUE):
        result.overdue += _overdue(run)
    result.digests = _digests(now)
    return result


def overdue_in_units(units) -> QuerySet[StepRun]:
    """Every overdue step of ``units``, the oldest due first (Terlambat di unit saya)."""
    return (open_runs().filter(case__unit__in=units, due_at__lte=timezone.now())
            .select_related("actor", "assignee").order_by("due_at", "pk"))


def late_minutes(run: StepRun, calendars: Calendars | None = None) -> float:
    """How late ``run`` is (or was), in the agency's working minutes; pass ``calendars`` when
    asking for many runs, so each agency's calendar is read once."""
    return (calendars or Calendars())(run.case.agency).late_by(run.due_at, run.completed_at)
