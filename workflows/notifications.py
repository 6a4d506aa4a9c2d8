"""Telling people that a step has become theirs: in the app and by email.

``notify_step_run`` runs in the background worker (``notify_step_run_later``), queued with
the action: working out who may act and writing their notices and emails is kept
out of the transition and out of the request. It tells each pelaksana of a step
activation once, whoever asks how often: the services ask for every activation, and an
activation already closed again in the same transaction (the first step of a case opened
and done in one go) tells nobody.
"""
from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend

from workflows import engine
from workflows.models import Notification, StepRun
from workflows.outbox import queue_email
from workflows.selectors import last_return
from workflows.templatetags.tanggal import tanggal


def case_url(case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("case_detail", args=[case.pk])


def tell(person, case, *, message: str, subject: str, body: str, step_run=None) -> None:
    """One notice in the app and, when the person has an address, one email."""
    Notification.objects.create(user=person, case=case, step_run=step_run, message=message[:500])
    if person.email:
        queue_email(to=person.email, recipient=person, case=case, subject=subject, body=body)


def _values(case, step, **extra) -> dict:
    return {"sop": case.spec.name, "title": case.title, "no": step.no, "kegiatan": step.kegiatan,
            "url": case_url(case), **extra}


def notify_assignment(run_id: int, by_name: str, note: str) -> None:
    """Tell the person a head assigned a waiting step to."""
    run = StepRun.objects.select_related("case__sop_version__sop", "case__agency", "assignee").get(pk=run_id)
    person, case = run.assignee, run.case
    if person is None or run.completed_at:
        return
    with transaction.atomic(), translation.override(person.language or settings.LANGUAGE_CODE):
        values = _values(case, case.spec.step(run.step_no), by=by_name, note=note or "—")
        tell(person, case,
              message=_("%(sop)s — \"%(title)s\": langkah %(no)d (%(kegiatan)s) ditugaskan kepada Anda oleh "
                        "%(by)s.") % values,
              subject=_("[LPSE SOP] Ditugaskan kepada Anda: %(title)s") % values,
              body=_("Langkah %(no)d kasus \"%(title)s\" (%(sop)s) ditugaskan kepada Anda oleh %(by)s.\n"
                     "Catatan: %(note)s\n\nLangkah %(no)d: %(kegiatan)s\n\n%(url)s\n") % values)


@task()
def notify_step_run_later(run_id: int | None, finished_id: int | None = None) -> int:
    if finished_id is not None:
        close_step_run_notices(finished_id)
    return notify_step_run(run_id) if run_id is not None else 0


def queue_step_run_notice(run_id: int | None, finished_id: int | None = None) -> None:
    """Queue, as one task for the worker, what a transition tells people: the notices of the
    step it finished are done with, the pelaksana of the step it activated are told (safe to
    run twice). Call inside the transition's transaction.

    Where the task queue is a table of this database (django-tasks-db, as deployed) the task
    is written in that transaction: it is committed with the transition or not at all, so a
    worker killed between the commit and the queueing loses no notice, and the queueing costs
    no transaction of its own. A queue elsewhere (the tests' immediate backend runs the task at
    once) gets it after the commit, where it can never fail the saved action."""
    queued = partial(notify_step_run_later.enqueue, run_id, finished_id)
    if isinstance(notify_step_run_later.get_backend(), DatabaseBackend):
        queued()
    else:
        transaction.on_commit(queued, robust=True)


def close_step_run_notices(run_id: int) -> int:
    """The finished step ``run_id`` no longer waits for anyone: its unread notices are read."""
    return Notification.objects.filter(step_run_id=run_id, read_at__isnull=True).update(read_at=timezone.now())


def notify_step_run(run_id: int) -> int:
    """Notify everyone who may act on the waiting step ``run_id`` and has not been told yet;
    returns how many people were told now."""
    run = (StepRun.objects.select_related("case__sop_version__sop", "case__agency")
           .filter(pk=run_id, completed_at__isnull=True).first())
    if run is None:
        return 0
    case = run.case
    step = case.spec.step(run.step_no)
    told = set(Notification.objects.filter(step_run=run).values_list("user_id", flat=True))
    returned = last_return(case)  # a step that comes back after a head returned it says so, with who and why
    people = [person for person in engine.lane_people(case, step.lane) if person.pk not in told]
    with transaction.atomic():
        for person in people:
            with translation.override(person.language or settings.LANGUAGE_CODE):
                due = tanggal(run.due_at, case.agency) if run.due_at else _("tanpa batas waktu")
                values = _values(case, step, due=due)
                if returned:
                    values |= {"by": returned["by"].full_name, "reason": returned["reason"]}
                    tell(person, case, step_run=run,
                          message=_("%(sop)s — \"%(title)s\": langkah %(no)d (%(kegiatan)s) dikembalikan kepada "
                                    "Anda oleh %(by)s: %(reason)s") % values,
                          subject=_("[LPSE SOP] Dikembalikan: %(title)s") % values,
                          body=_("Langkah %(no)d kasus \"%(title)s\" (%(sop)s) dikembalikan kepada Anda oleh "
                                 "%(by)s.\nAlasan: %(reason)s\n\nLangkah %(no)d: %(kegiatan)s\nBatas waktu: %(due)s"
                                 "\n\n%(url)s\n") % values)
                else:
                    tell(person, case, step_run=run,
                          message=_("%(sop)s — \"%(title)s\": langkah %(no)d (%(kegiatan)s) menunggu Anda.") % values,
                          subject=_("[LPSE SOP] Tugas baru: %(title)s") % values,
                          body=_("Kasus \"%(title)s\" (%(sop)s) menunggu Anda.\n\n"
                                 "Langkah %(no)d: %(kegiatan)s\nBatas waktu: %(due)s\n\n%(url)s\n") % values)
    return len(people)
