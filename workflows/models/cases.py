from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Agency, Role, Unit
from accounts.roles import Acting
from workflows import engine, states
from workflows.definitions import SopSpec, StepSpec
from workflows.documents import stored_name
from workflows.models.ledger import Chained
from workflows.models.sops import AppendOnlyQuerySet, SopVersion


class Case(ConcurrentTransitionMixin, models.Model):
    """One run of one SOP version in one agency.

    ``state`` moves only through the transitions below; which of them exist in a state
    comes from the step graph of ``sop_version`` (see workflows.engine). Call the
    services in workflows.services, never the transitions directly: they lock the row,
    re-check permission, store kelengkapan and history, and notify after commit.
    """

    sop_version = models.ForeignKey(SopVersion, on_delete=models.PROTECT, related_name="cases",
                                    verbose_name=_("versi SOP"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("instansi"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit"))
    title = models.CharField(_("judul"), max_length=300)
    state = FSMField(_("status"), default=states.NEW, protected=True, max_length=50)
    # Lane role of the current step ("" when closed): lets inboxes find cases by role in SQL.
    current_role = models.CharField(max_length=40, blank=True, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="started_cases",
                                   verbose_name=_("dimulai oleh"))
    started_at = models.DateTimeField(_("dimulai pada"), auto_now_add=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    # What the archive's free-text search reads, written once when the case closes (a closed
    # case and its step runs never change): title, cancellation reason, step notes and late
    # reasons. One column, so one trigram index answers the search (see workflows.archive).
    archive_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["agency", "state"]),
            # The archive lists newest closed first and pages by (closed_at, id): an agency's
            # auditor walks the first index, a national auditor the second.
            models.Index(fields=["agency", "closed_at", "id"], name="case_archive_agency_seek"),
            models.Index(fields=["closed_at", "id"], name="case_archive_seek"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def spec(self) -> SopSpec:
        return self.sop_version.spec

    @property
    def current_step(self) -> StepSpec | None:
        no = states.step_no(self.state)
        return self.spec.step(no) if no is not None else None

    @property
    def is_closed(self) -> bool:
        return self.state in states.CLOSED

    # -- transitions: targets come from the step graph; guards live in engine ------------

    @transition(field=state, source=states.NEW, target=RETURN_VALUE(), permission=engine.may_start)
    def start(self) -> str:
        return states.of_step(self.spec.first_step.no)

    @transition(field=state, source="*", target=RETURN_VALUE(),
                conditions=[engine.at_process_step, engine.kelengkapan_present], permission=engine.may_act)
    def complete(self) -> str:
        return engine.state_after(self, self.current_step.next)

    @transition(field=state, source="*", target=RETURN_VALUE(),
                conditions=[engine.at_decision_step, engine.kelengkapan_present], permission=engine.may_act)
    def decide_ya(self) -> str:
        return engine.state_after(self, self.current_step.ya)

    @transition(field=state, source="*", target=RETURN_VALUE(),
                conditions=[engine.at_decision_step, engine.kelengkapan_present], permission=engine.may_act)
    def decide_tidak(self) -> str:
        return engine.state_after(self, self.current_step.tidak)

    @transition(field=state, source="*", target=RETURN_VALUE(),
                conditions=[engine.can_send_back], permission=engine.may_act)
    def send_back(self) -> str:
        return states.of_step(engine.previous_step_no(self))

    @transition(field=state, source="*", target=states.CANCELLED,
                conditions=[engine.is_open], permission=engine.may_cancel)
    def cancel(self) -> None:
        pass


class StepRun(Chained):
    """One activation of a step in a case (a loop activates a step again). Once completed it
    never changes (a database trigger refuses it on PostgreSQL)."""

    ledger_kind = "steprun"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="step_runs")
    step_no = models.PositiveSmallIntegerField(_("langkah"))
    lane_role = models.CharField(_("pelaksana"), max_length=40)  # a Role code
    activated_at = models.DateTimeField(_("aktif sejak"))
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    # When the pelaksana is reminded (a share of the allowed working time); the deadline sweep
    # finds due work by these two columns (workflows.deadlines).
    remind_at = models.DateTimeField(_("pengingat pada"), null=True, blank=True)
    # Taken by, or assigned to, one holder of the lane: then only they act on it. One person
    # per activation, so a column rather than a permission row; the inbox filters on it.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_step_runs", verbose_name=_("ditangani oleh"))
    completed_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="step_runs", verbose_name=_("dikerjakan oleh"))
    actor_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_acting = models.CharField(max_length=3, choices=Acting.choices, blank=True)
    # Acting under a delegation (Plt./Plh.): the official the actor stood in for.
    actor_on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("atas nama"))
    outcome = models.CharField(_("hasil"), max_length=20, blank=True)  # complete | ya | tidak | kembali | cancelled
    note = models.TextField(_("catatan"), blank=True)
    # A step done after its due time is a deviation from the mutu baku: the pelaksana says why.
    late_reason = models.TextField(_("alasan keterlambatan"), blank=True)

    class Meta:
        verbose_name = _("langkah kasus")
        verbose_name_plural = _("langkah kasus")
        ordering = ["activated_at", "pk"]
        constraints = [
            # At most one open activation per case: the current step.
            models.UniqueConstraint(fields=["case"], condition=models.Q(completed_at__isnull=True),
                                    name="one_open_step_run_per_case"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(completed_at__isnull=True), name="open_runs_by_due"),
            models.Index(fields=["remind_at"], condition=models.Q(completed_at__isnull=True),
                         name="open_runs_by_reminder"),
            # The waiting step of a case, for inboxes and their counters: a national inbox (PM
            # LKPP) joins thousands of cases to their one open run (178 -> 113 ms at 100k cases).
            models.Index(fields=["case"], condition=models.Q(completed_at__isnull=True), name="steprun_waiting"),
            # The deviation register, newest first: a national one finds its page of 50 by
            # walking this from the newest step (165 ms sorting 52,000 deviations without it).
            models.Index(fields=["activated_at", "id"], name="steprun_activated"),
            # A lane's waiting steps in the inbox's order (workflows.selectors.SOONEST_DUE): a
            # national inbox reads its page of 50 from here instead of sorting every task, and
            # its counters from the index alone (PM LKPP at 100k cases: 25 -> 0.4 ms).
            # (PostgreSQL sorts an ascending index's NULLs last, as SOONEST_DUE wants.)
            models.Index(fields=["lane_role", "due_at", "activated_at", "id"], include=["assignee", "case"],
                         condition=models.Q(completed_at__isnull=True), name="steprun_lane_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case} / {self.step_no}"

    @property
    def is_late(self) -> bool:
        return bool(self.due_at and self.completed_at and self.completed_at > self.due_at)

    @property
    def is_overdue(self) -> bool:
        """Still open and already past its due time."""
        from django.utils import timezone

        return bool(self.due_at and not self.completed_at and timezone.now() > self.due_at)


class Attachment(Chained):
    """A file handed in as kelengkapan. Kept with its SHA-256 for the record."""

    ledger_kind = "attachment"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    step_run = models.ForeignKey(StepRun, on_delete=models.PROTECT, related_name="attachments")
    key = models.CharField(max_length=120)
    label = models.CharField(max_length=300)
    file = models.FileField(upload_to=stored_name)  # a random name: the person's file name is data
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CaseInput(Chained):
    """One kelengkapan item handed in with a step; documents point at their Attachment."""

    ledger_kind = "input"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="inputs")
    step_run = models.ForeignKey(StepRun, on_delete=models.PROTECT, related_name="inputs")
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=300)
    type = models.CharField(max_length=20)
    value = models.JSONField()
    provided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kelengkapan")
        verbose_name_plural = _("kelengkapan")
        ordering = ["provided_at", "pk"]

    def __str__(self) -> str:
        return self.label


class CaseEvent(Chained):
    """The append-only history: one row per transition."""

    ledger_kind = "event"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("waktu"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("oleh"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, to_field="code", db_column="role", related_name="+",
                             verbose_name=_("sebagai"))
    # None for an outside party, who acts for their own organisation, not a unit of an agency.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    acting = models.CharField(max_length=3, choices=Acting.choices, blank=True)
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("atas nama"))
    action = models.CharField(_("tindakan"), max_length=20)
    from_state = models.CharField(_("dari"), max_length=50)
    to_state = models.CharField(_("ke"), max_length=50)
    note = models.TextField(_("catatan"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat")
        verbose_name_plural = _("riwayat")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.action} {self.from_state} -> {self.to_state}"

    @property
    def action_label(self) -> str:
        return str(states.ACTION_LABELS.get(self.action, self.action))

    @property
    def from_label(self) -> str:
        return states.label(self.from_state)

    @property
    def to_label(self) -> str:
        return states.label(self.to_state)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("History rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("History rows are append-only.")
