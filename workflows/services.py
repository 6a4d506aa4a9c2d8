"""Every write to a case goes through one function here.

Each is atomic, locks the case row (``select_for_update``), re-checks permission on the
locked row, stores kelengkapan, the step runs and one history row, and queues what the
worker tells people (workflows.notifications) with the action.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import partial, wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import has_transition_perm

from accounts.models import Role, RoleAssignment, Unit, User
from workflows import engine, ledger, states
from workflows.exceptions import ActionRefused, StepNotCurrent
from workflows.announcements import confirmation_people, confirmation_step
from workflows.archive import archive_text
from workflows.effects import EffectContext, effects_for
from workflows.documents import CleanDocument
from workflows.kelengkapan import KeptDocument, check_decision, clean_kelengkapan, refuse_credentials
from workflows.models import (Attachment, Case, CaseEvent, CaseInput, Dissemination, SopVersion,
                              StepRun)
from workflows.models.announcements import Channel
from workflows.notifications import notify_assignment, queue_step_run_notice
from worktime.calendar import calendar_for


def _chained(service):
    """One transaction, in which every chained row the service writes (history, step runs,
    kelengkapan) is linked onto its case's ledger with one read and one insert."""
    @wraps(service)
    def atomic_and_chained(*args, **kwargs):
        with transaction.atomic(), ledger.batched():
            return service(*args, **kwargs)
    return atomic_and_chained


@_chained
def case_start(*, sop_version: SopVersion, title: str, by: User, note: str = "") -> Case:
    """Open a case of ``sop_version``; its first step waits for the person who started it."""
    _free_text(title=title, note=note)
    agency = sop_version.sop.agency
    if agency is None:
        raise ActionRefused(_("SOP ini templat nasional; templat tidak dijalankan. Adopsi dulu untuk instansi Anda."))
    title = " ".join((title or "").split())  # one line: titles go into email subjects and lists
    if not title:
        raise ValidationError({"title": _("Judul kasus wajib diisi.")})
    unit = Unit.objects.filter(agency=agency, kind_id=sop_version.spec.unit).select_related("kind__head_role").first()
    if unit is None:
        raise ActionRefused(_("%(agency)s belum punya unit %(unit)s untuk menjalankan SOP ini.")
                            % {"agency": agency.name, "unit": sop_version.spec.unit.upper()})
    case = Case(sop_version=sop_version, agency=agency, unit=unit, title=title, started_by=by)
    assignment = _check(case, "start", by)
    case.start()
    _record(case, action="start", assignment=assignment, from_state=states.NEW, note=note)
    return case


@transaction.atomic
def case_open(*, sop_version: SopVersion, title: str, by: User, note: str = "",
              kelengkapan: Mapping[str, Any] | None = None) -> Case:
    """Start a case and do its first step in one go, as the start form does: submitting
    the first step's kelengkapan is doing that step. All or nothing."""
    case = case_start(sop_version=sop_version, title=title, by=by)
    return case_complete_step(case_id=case.pk, step=sop_version.spec.first_step.no, by=by, note=note,
                              kelengkapan=kelengkapan)


@_chained
def case_complete_step(*, case_id: int, step: int, by: User, note: str = "",
                       kelengkapan: Mapping[str, Any] | None = None, late_reason: str = "") -> Case:
    """Finish process step ``step`` with its kelengkapan; the case moves to the next step.

    Past the step's due time, ``late_reason`` (why the mutu baku was not met) is required.
    """
    return _act(case_id, step, "complete", by, note, kelengkapan, late_reason)


@_chained
def case_decide(*, case_id: int, step: int, answer: bool, by: User, note: str = "",
                kelengkapan: Mapping[str, Any] | None = None, late_reason: str = "") -> Case:
    """Answer decision step ``step``: ``answer=True`` takes the YA branch, False the TIDAK branch."""
    return _act(case_id, step, "decide_ya" if answer else "decide_tidak", by, note, kelengkapan, late_reason)


@_chained
def case_send_back(*, case_id: int, step: int, by: User, reason: str) -> Case:
    """Return a disposisi to the step before it, with the reason the head gives."""
    if not (reason or "").strip():
        raise ValidationError({"note": _("Alasan pengembalian wajib diisi.")})
    _free_text(note=reason)
    return _act(case_id, step, "send_back", by, reason.strip(), None)


@transaction.atomic
def case_record_confirmation(*, case_id: int, by: User, recipient_id: int, note: str = "") -> Dissemination:
    """Record that a member of the confirming role (Pokja Pemilihan) confirmed the announcement by phone."""
    case = _locked(case_id)
    step = confirmation_step(case)
    if step is None:
        raise ActionRefused(_("Pengumuman kasus ini belum diteruskan; konfirmasi telepon belum dapat dicatat."))
    if engine.lane_assignment(case, by, step.lane) is None:
        raise PermissionDenied(_("Hanya %(role)s yang mencatat konfirmasi telepon.") % {"role": Role.name_of(step.lane)})
    recipient = confirmation_people(case).filter(pk=recipient_id).first()
    if recipient is None:
        raise ValidationError({"recipient": _("Pilih anggota Pokja Pemilihan instansi ini.")})
    _free_text(note=note)
    return Dissemination.objects.create(case=case, recipient=recipient, recipient_name=recipient.full_name,
                                        recipient_contact=recipient.phone, channel=Channel.TELEPON,
                                        at=timezone.now(), by=by, note=note.strip())


@_chained
def case_cancel(*, case_id: int, by: User, reason: str) -> Case:
    """Cancel an open case; only the head of the case's unit may, and must say why."""
    _free_text(reason=reason)
    case = _locked(case_id)
    reason = (reason or "").strip()
    assignment = _check(case, "cancel", by)
    if not reason:
        raise ValidationError({"reason": _("Alasan pembatalan wajib diisi.")})
    run = case.step_runs.get(completed_at__isnull=True)
    from_state = case.state
    case.cancel()
    case.cancel_reason = reason
    _record(case, action="cancel", assignment=assignment, from_state=from_state, note=reason, run=run)
    return case


@_chained
def case_take_step(*, case_id: int, step: int, by: User) -> StepRun:
    """A holder of the lane takes the waiting step: from now on only they act on it ("Ambil")."""
    case, run = _waiting(case_id, step)
    assignment = engine.lane_assignment(case, by, run.lane_role)
    if assignment is None:
        raise PermissionDenied(engine.refusal(case, "complete", by) or _("Langkah ini bukan bagian Anda."))
    holder = engine.assignee_of(case)
    if holder is not None and holder.pk != by.pk:
        raise ActionRefused(_("Langkah %(no)d sudah diambil %(name)s.") % {"no": step, "name": holder.full_name})
    return _hand_to(case, run, by, action="take", assignment=assignment)


@_chained
def case_assign_step(*, case_id: int, step: int, by: User, to: User, note: str = "") -> StepRun:
    """The head of the case's unit gives the waiting step to one named holder of its lane."""
    case, run = _waiting(case_id, step)
    head = engine.head_assignment(case, by)
    if head is None:
        raise PermissionDenied(_("Hanya kepala %(unit)s yang dapat menugaskan langkah.") % {"unit": case.unit.name})
    if engine.lane_assignment(case, to, run.lane_role) is None:
        raise ValidationError({"to": _("%(name)s tidak memegang peran %(role)s untuk kasus ini.")
                                     % {"name": to.full_name, "role": case.spec.lane_label(run.lane_role)}})
    run = _hand_to(case, run, to, action="assign", assignment=head,
                   note=_("kepada %(name)s") % {"name": to.full_name} + (f": {note.strip()}" if note.strip() else ""))
    transaction.on_commit(partial(notify_assignment, run.pk, by.full_name, note.strip()), robust=True)
    return run


@_chained
def case_release_step(*, case_id: int, step: int, by: User, reason: str) -> StepRun:
    """Whoever holds the step (or the unit's head) hands it back to the lane, saying why."""
    _free_text(reason=reason)
    case, run = _waiting(case_id, step)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Alasan melepas langkah wajib diisi.")})
    assignment = (engine.lane_assignment(case, by, run.lane_role) if run.assignee_id == by.pk
                  else engine.head_assignment(case, by))
    if run.assignee_id is None or assignment is None:
        raise PermissionDenied(_("Langkah ini tidak sedang Anda tangani."))
    return _hand_to(case, run, None, action="release", assignment=assignment, note=reason.strip())


# -- internals -----------------------------------------------------------------------

def _waiting(case_id: int, step_no: int) -> tuple[Case, StepRun]:
    case = _locked(case_id)
    current = case.current_step
    if current is None or current.no != step_no:
        raise StepNotCurrent(_stale_message(case, step_no))
    return case, case.step_runs.select_related("assignee").get(completed_at__isnull=True)


def _hand_to(case: Case, run: StepRun, person: User | None, *, action: str, assignment: RoleAssignment,
             note: str = "") -> StepRun:
    """Set who handles the waiting step, and write it in the history (the state stays)."""
    run.assignee = person
    run.save(update_fields=["assignee"])
    _history(case, assignment, at=timezone.now(), action=action, from_state=case.state, note=note)
    return run

def _free_text(**fields: str) -> None:
    """Notes, reasons and titles never carry a password (a credential typed by mistake)."""
    errors = {}
    for field, text in fields.items():
        try:
            refuse_credentials(text or "", FREE_TEXT_LABELS[field])
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


FREE_TEXT_LABELS = {"note": gettext_lazy("Catatan"), "late_reason": gettext_lazy("Alasan keterlambatan"), "reason": gettext_lazy("Alasan"),
                    "title": gettext_lazy("Judul kasus")}


def _locked(case_id: int) -> Case:
    try:
        # The agency's work calendar (if it has its own) comes with the case: no query to learn it has none.
        return (Case.objects.select_for_update(of=("self",))
                .select_related("sop_version__sop", "agency__work_calendar", "unit").get(pk=case_id))
    except Case.DoesNotExist:
        raise ActionRefused(_("Kasus tidak ditemukan.")) from None


def _transition(case: Case, action: str):
    return getattr(case, action)


def _check(case: Case, action: str, by: User) -> RoleAssignment:
    """The role assignment in which ``by`` may take the action now.

    PermissionDenied when ``by`` is not a pelaksana of the action; ActionRefused when they
    are but the case's state does not allow it (closed, wrong kind of step, kelengkapan missing).
    """
    method = _transition(case, action)
    if has_transition_perm(method, by):
        return engine.acting_assignment(case, action, by)
    reason = engine.refusal(case, action, by) or _("Tindakan ini tidak dapat dilakukan sekarang.")
    transition = method._django_fsm.get_transition(case.state)
    if case.is_closed or (transition is not None and transition.has_perm(case, by)):
        raise ActionRefused(reason)
    raise PermissionDenied(reason)


def _act(case_id: int, step_no: int, action: str, by: User, note: str, kelengkapan, late_reason: str = "") -> Case:
    _free_text(note=note, late_reason=late_reason)
    with engine.remembering(_locked(case_id)) as case:
        return _act_on(case, step_no, action, by, note, kelengkapan, late_reason)


def _act_on(case: Case, step_no: int, action: str, by: User, note: str, kelengkapan, late_reason: str) -> Case:
    current = case.current_step
    if current is None or current.no != step_no:
        raise StepNotCurrent(_stale_message(case, step_no))
    assignment = _check(case, action, by)
    cleaned = {} if action == "send_back" else clean_kelengkapan(current, kelengkapan, case.agency.tzinfo)
    if action in ("decide_ya", "decide_tidak"):
        check_decision(current, cleaned, action == "decide_ya", note)
    # The effects declared for this action check the kelengkapan before anything is stored...
    effects = effects_for(current, action)
    for effect in effects:
        effect.check(EffectContext(case=case, step=current, cleaned=cleaned, by=by))
    run = engine.open_run(case)
    if action != "send_back" and run.due_at and timezone.now() > run.due_at:
        if not late_reason.strip():
            raise ValidationError({"late_reason": _(
                "Langkah ini melewati batas waktu mutu baku; tuliskan alasan keterlambatannya.")})
        run.late_reason = late_reason.strip()
    _store_kelengkapan(case, run, cleaned, by)
    # ...and run once it is, inside this transaction (mail waits in the outbox for the commit).
    for effect in effects:
        effect.apply(EffectContext(case=case, step=current, cleaned=cleaned, by=by, run=run))
    from_state = case.state
    _transition(case, action)()
    _record(case, action=action, assignment=assignment, from_state=from_state, note=note, run=run)
    return case


def _stale_message(case: Case, step_no: int) -> str:
    last = case.events.select_related("actor").last()
    if case.is_closed:
        return _("Langkah %(no)d tidak lagi menunggu: kasus sudah %(state)s.") % {
            "no": step_no, "state": _("selesai") if case.state == states.DONE else _("dibatalkan")}
    by = _(" (terakhir dikerjakan oleh %(name)s)") % {"name": last.actor} if last else ""
    return _("Langkah %(no)d tidak lagi menunggu; kasus kini di langkah %(current)d%(by)s. Muat ulang halaman.") % {
        "no": step_no, "current": case.current_step.no, "by": by}


def _store_kelengkapan(case: Case, run: StepRun, cleaned: dict[str, Any], by: User) -> None:
    specs = {spec.key: spec for spec in case.spec.step(run.step_no).inputs}
    uploads: list[tuple[Attachment, dict]] = []
    items = [CaseInput(case=case, step_run=run, key=key, label=specs[key].label, type=specs[key].type,
                       value=_stored(case, run, key, specs[key].label, value, by, uploads), provided_by=by)
             for key, value in cleaned.items()]
    # One INSERT for the step's uploaded files and one for all its kelengkapan, each row still
    # linked onto the case's ledger (Chained.create_all), files first.
    for attachment, reference in zip(Attachment.create_all([a for a, _ in uploads]), (r for _, r in uploads)):
        reference["attachment"] = attachment.pk
    CaseInput.create_all(items)


def _stored(case: Case, run: StepRun, key: str, label: str, value: Any, by: User,
            uploads: list[tuple[Attachment, dict]]) -> Any:
    """JSON for a cleaned value; documents become Attachment rows referenced by id (an
    uploaded file's row is added to ``uploads``, its id filled in once it is inserted)."""
    if isinstance(value, KeptDocument):
        if value.attachment.case_id != case.pk:
            raise ValidationError({key: _("Berkas itu bukan milik kasus ini.")})
        return {"attachment": value.attachment.pk, "name": value.attachment.original_name,
                "sha256": value.attachment.sha256}
    if isinstance(value, CleanDocument):
        attachment = Attachment(case=case, step_run=run, key=key, label=label, original_name=value.name,
                                content_type=value.content_type, size=value.size, sha256=value.sha256, uploaded_by=by)
        attachment.file.save(value.name, value.file, save=False)
        reference = {"attachment": None, "name": value.name, "sha256": value.sha256}
        uploads.append((attachment, reference))
        return reference
    if isinstance(value, list) and all(isinstance(row, dict) for row in value) and value:
        return [{k: _stored(case, run, f"{key}[{i}].{k}", label, v, by, uploads) for k, v in row.items()}
                for i, row in enumerate(value, 1)]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _history(case: Case, assignment: RoleAssignment, *, at, action: str, from_state: str, note: str) -> CaseEvent:
    """One history row: who acted, in which role and unit (none for an invited outside party),
    and for whom when they stood in by delegation."""
    delegation = getattr(assignment, "delegation", None)
    return CaseEvent.objects.create(
        case=case, at=at, actor=assignment.user, role_id=assignment.role_id,
        unit=assignment.unit if assignment.unit_id else None, acting=assignment.acting,
        on_behalf_of=delegation.on_behalf_of if delegation else None, action=action, from_state=from_state,
        to_state=case.state, note=note)


OUTCOMES = {"complete": "complete", "decide_ya": "ya", "decide_tidak": "tidak", "send_back": "kembali",
            "cancel": "cancelled"}


def _record(case: Case, *, action: str, assignment: RoleAssignment, from_state: str, note: str,
            run: StepRun | None = None) -> None:
    """Save the moved case, close the finished step run, open the next, write history,
    and notify the next pelaksana once the transaction commits."""
    now = timezone.now()
    step = case.current_step
    case.current_role = step.lane if step else ""
    if case.is_closed:
        case.closed_at = now
        # Into the archive: what its search reads, written once with the case (the finishing
        # step's note is not saved yet, so it is handed over).
        case.archive_text = archive_text(case, finishing=(run, note) if run is not None else None)
    case.save()
    event = _history(case, assignment, at=now, action=action, from_state=from_state, note=note)
    if run is not None:
        run.completed_at = now
        run.actor = event.actor
        run.actor_unit = event.unit
        run.actor_acting = event.acting
        run.actor_on_behalf_of = event.on_behalf_of
        run.outcome = OUTCOMES[action]
        run.note = note
        run.save()
    if step is not None:
        calendar = calendar_for(case.agency)
        due = calendar.due(step.waktu, now)
        activated = StepRun.objects.create(case=case, step_no=step.no, lane_role=step.lane, activated_at=now,
                                           due_at=due, remind_at=calendar.reminder(step.waktu, now, due))
    # Notices (the finished step's read, the activated step's sent) are queued for the worker with the action.
    if step is not None or run is not None:
        queue_step_run_notice(activated.pk if step is not None else None, run.pk if run is not None else None)
