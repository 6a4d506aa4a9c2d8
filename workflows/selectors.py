"""Reads that pages reuse: a person's task inbox, the SOPs they may start, a case's story."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import ZONEINFO, User
from workflows import engine
from workflows.access import is_personal_key, lane_q, may_see_personal, participation_q
from workflows.kelengkapan import missing_items
from workflows.models import Case, Sop, SopVersion, StepRun, parse_specs


def open_runs_for(user: User) -> QuerySet[StepRun]:
    """The waiting steps of every case where ``user`` holds the current step's lane (one per
    case: a case has one open step run, and lane_q joins nothing that could repeat it)."""
    return (StepRun.objects.filter(lane_q(user, prefix="case__", national_role_field="lane_role"), completed_at__isnull=True)
            .select_related("case__agency", "case__sop_version__sop", "assignee")
            .defer("case__sop_version__definition"))  # parsed once a process: parse_specs


@dataclass
class Task:
    run: StepRun
    case: Case
    step: object
    overdue: bool
    due_today: bool
    mine: bool  # taken by, or assigned to, this person


@dataclass
class Inbox:
    tasks: list[Task]  # this page of them: mine first, then the lane's open ones
    waiting: int  # the counters count every task, not only this page's
    due_today: int
    overdue: int
    taken: list[Task]  # the lane's steps a colleague handles: shown (the first TAKEN_SHOWN), not counted
    page: Page | None = None
    taken_more: int = 0  # how many more a colleague handles than are shown


def count_upto(queryset: QuerySet, limit: int) -> tuple[int, bool]:
    """How many rows ``queryset`` holds, counted no further than ``limit`` (a national list
    holds tens of thousands; counting them all cost more than the page): the count, at most
    ``limit``, and whether there are more."""
    counted = queryset.order_by().values("pk")[:limit + 1].count()
    return min(counted, limit), counted > limit


INBOX_PER_PAGE = 50
TAKEN_SHOWN = 50
# The order of a lane's tasks; the partial index ``steprun_lane_due`` holds a national lane in it.
SOONEST_DUE = (F("due_at").asc(nulls_last=True), "activated_at", "pk")


class _MineThenOpen:
    """The inbox's tasks as the paginator slices them: the person's own (taken or assigned)
    first, then the lane's open ones, each read in index order, never sorted whole."""

    def __init__(self, mine: QuerySet[StepRun], mine_count: int, open_: QuerySet[StepRun], total: int):
        self.mine, self.mine_count, self.open, self.total = mine, mine_count, open_, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[StepRun]:
        start, stop = window.start or 0, window.stop
        head = list(self.mine[start:stop]) if start < self.mine_count else []
        rest_start = max(0, start - self.mine_count)
        rest_stop = stop - self.mine_count
        tail = list(self.open[rest_start:rest_stop]) if rest_stop > rest_start else []
        return head + tail


def _due_today_q(now) -> Q:
    """Not yet late, and due before the end of today in the case's agency zone (WIB/WITA/WIT).

    The zone is asked of each case only for the few runs due within a day (a correlated
    EXISTS after the due-time test), so a national lane is not joined to every case."""
    condition = Q(pk__in=[])
    for zone, tzinfo in ZONEINFO.items():
        tomorrow = timezone.localtime(now, tzinfo).date() + datetime.timedelta(days=1)
        in_zone = Exists(Case.objects.filter(pk=OuterRef("case_id"), agency__time_zone=zone))
        condition |= Q(due_at__lt=datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=tzinfo)) & in_zone
    return Q(due_at__gte=now) & condition


def _task(run: StepRun, user: User, now) -> Task:
    case = run.case
    overdue = bool(run.due_at and run.due_at < now)
    # Each task counts once: an overdue step is "terlambat", not also "jatuh tempo hari ini".
    due_today = bool(run.due_at and not overdue and timezone.localtime(run.due_at, case.agency.tzinfo).date()
                     == timezone.localtime(now, case.agency.tzinfo).date())
    return Task(run=run, case=case, step=case.spec.step(run.step_no), overdue=overdue, due_today=due_today,
                mine=run.assignee_id == user.pk)


def inbox_for(user: User, page=1) -> Inbox:
    """One page of tasks (INBOX_PER_PAGE), soonest due first (no due time last), with the
    dashboard counters over all of them. The same number of queries for 10 tasks or 2,000:
    the counters are one aggregate, the page one query (a bad ``page`` gives the last page)."""
    now = timezone.now()
    runs = open_runs_for(user)
    lane = runs.filter(Q(assignee__isnull=True) | Q(assignee=user))
    counts = lane.aggregate(waiting=Count("pk"), mine=Count("pk", filter=Q(assignee=user)),
                            overdue=Count("pk", filter=Q(due_at__lt=now)),
                            due_today=Count("pk", filter=_due_today_q(now)))
    paginator = Paginator(_MineThenOpen(runs.filter(assignee=user).order_by(*SOONEST_DUE), counts["mine"],
                                        runs.filter(assignee__isnull=True).order_by(*SOONEST_DUE),
                                        counts["waiting"]), INBOX_PER_PAGE)
    tasks_page = paginator.get_page(page)
    others = list(runs.exclude(assignee__isnull=True).exclude(assignee=user).order_by(*SOONEST_DUE)[:TAKEN_SHOWN + 1])
    parse_specs({run.case.sop_version for run in [*tasks_page, *others]})
    taken = [_task(run, user, now) for run in others]
    return Inbox(tasks=[_task(run, user, now) for run in tasks_page], waiting=counts["waiting"],
                 due_today=counts["due_today"], overdue=counts["overdue"], taken=taken[:TAKEN_SHOWN],
                 page=tasks_page, taken_more=len(taken) - TAKEN_SHOWN if len(taken) > TAKEN_SHOWN else 0)


def cases_of(user: User) -> QuerySet[Case]:
    """The cases ``user`` takes part in, open ones first, newest first within each."""
    return (Case.objects.filter(participation_q(user)).select_related("sop_version__sop", "agency")
            .defer("sop_version__definition")  # the page calls parse_specs
            .order_by(F("closed_at").desc(nulls_first=True), "-started_at", "-pk"))


def waiting_for(user: User, cases) -> set[int]:
    """Which of ``cases`` wait for ``user`` now."""
    return set(Case.objects.filter(lane_q(user), pk__in=[c.pk for c in cases]).values_list("pk", flat=True))


def may_start(version: SopVersion, user: User) -> bool:
    """Whether ``user`` may start a case of ``version`` (in the SOP's own agency)."""
    return engine.may_start(Case(sop_version=version, agency=version.sop.agency), user)


def startable_versions(user: User) -> list[SopVersion]:
    """The version in force of every SOP whose first step ``user`` may take."""
    latest_first = Prefetch("versions", queryset=SopVersion.objects.select_related("sop__agency").order_by("-number"))
    sops = (Sop.objects.filter(agency__isnull=False).select_related("agency").prefetch_related(latest_first)
            .order_by("agency__name", "name"))
    in_force = [version for sop in sops if (version := _in_force(sop.versions.all(), sop.agency))]
    return [version for version in in_force if may_start(version, user)]


def _in_force(versions_newest_first, agency) -> SopVersion | None:
    """The newest of the prefetched versions already effective today in the agency's zone."""
    today = timezone.localtime(timezone.now(), agency.tzinfo).date()
    return next((v for v in versions_newest_first if v.effective_from is None or v.effective_from <= today), None)


def last_refusal(case: Case) -> dict | None:
    """The latest TIDAK decision while the case still loops back to it: what was missing, and why."""
    if case.is_closed:
        return None
    runs = list(case.step_runs.filter(outcome__in=["ya", "tidak"]).select_related("actor").order_by("-pk")[:1])
    if not runs or runs[0].outcome != "tidak":
        return None
    run = runs[0]
    step = case.spec.step(run.step_no)
    values = {i.key: i.value for i in run.inputs.all()}
    return {"run": run, "step": step, "missing": missing_items(step, values), "note": run.note}


def last_return(case: Case) -> dict | None:
    """The return that brought the current step back, while that step still waits: who, when, why."""
    if case.is_closed:
        return None
    runs = list(case.step_runs.select_related("actor").order_by("-pk")[:2])
    if len(runs) < 2 or runs[0].completed_at or runs[1].outcome != "kembali":
        return None
    back = runs[1]
    return {"run": back, "step": case.spec.step(back.step_no), "by": back.actor, "at": back.completed_at,
            "reason": back.note, "role": case.spec.lane_label(back.lane_role)}


def previous_values(case: Case, step_no: int, viewer=None) -> dict:
    """What the latest finished run of step ``step_no`` handed in (key -> stored value), to
    prefill a redo of that step; empty the first time the step runs. Personal data only for a
    ``viewer`` who may see it (a colleague redoing the step types it again)."""
    run = case.step_runs.filter(step_no=step_no, completed_at__isnull=False).order_by("-pk").first()
    values = {item.key: item.value for item in run.inputs.all()} if run else {}
    if values and viewer is not None and not may_see_personal(viewer, case):
        values = {key: value for key, value in values.items() if key not in case.spec.personal_keys}
    return values


def handover(case: Case, viewer=None) -> tuple[dict | None, list[dict]]:
    """For the form of the waiting step, from one read of the case story:

    - what the step before handed in (kelengkapan, note, files): what a head approves or
      returns, what a checker checks; None after a return (``last_return`` shows that);
    - everything else the case holds so far, the latest of each item in sheet order: e.g. the
      Kepala UKPBJ's perintah for the Admin PPE who carries it out two steps later.
    """
    if case.is_closed:
        return None, []
    story = case_story(case, viewer)
    runs = sorted(((row["step"], item) for row in story["rows"] for item in row["runs"]),
                  key=lambda pair: pair[1]["run"].pk)
    done = [item | {"step": step} for step, item in runs if item["run"].completed_at]
    previous = done[-1] if done and done[-1]["run"].outcome != "kembali" else None
    latest = {entry["key"]: entry for _step, item in runs for entry in item["inputs"]}
    order = [spec.key for step in case.spec.steps for spec in step.inputs]
    shown = {entry["key"] for entry in (previous or {}).get("inputs", [])}
    return previous, [latest[key] for key in order if key in latest and key not in shown]


def _display(spec, value, case, attachments) -> dict:
    """One kelengkapan value as the case page shows it."""
    from django.utils.dateparse import parse_datetime

    from workflows.templatetags.tanggal import tanggal

    item = {"key": spec.key, "label": spec.label, "text": "", "attachment": None, "rows": None}
    if spec.type == "document" and isinstance(value, dict):
        item["attachment"] = attachments.get(value.get("attachment"))
        item["text"] = value.get("name", "")
    elif spec.type == "datetime" and value:
        item["text"] = tanggal(parse_datetime(value), case.agency)
    elif spec.type == "choice":
        item["text"] = dict(spec.options).get(value, value)
    elif spec.type == "checklist":
        item["text"] = ", ".join(label for v, label in spec.options if v in (value or [])) or "—"
    elif spec.type == "records":
        item["rows"] = [[_display(sub, row.get(sub.key), case, attachments) for sub in spec.fields]
                        for row in value or []]
    else:
        item["text"] = value
    return item


def case_story(case: Case, viewer=None) -> dict:
    """Everything the case page and the case record show, read in a fixed number of queries.

    With ``viewer``, personal data (access.may_see_personal) is left out for someone who does
    not need it: the item is listed, its values are not."""
    spec = case.spec
    hidden = spec.personal_keys if viewer is not None and not may_see_personal(viewer, case) else frozenset()
    runs = list(case.step_runs.select_related("actor", "actor_unit", "actor_on_behalf_of").order_by("pk"))
    attachments = {a.pk: a for a in case.attachments.select_related("uploaded_by")
                   if not (hidden and is_personal_key(case, a.key))}
    step_of_run = {r.pk: r.step_no for r in runs}
    inputs_by_run: dict[int, list] = {}
    for item in case.inputs.order_by("pk"):
        step = spec.step(step_of_run[item.step_run_id])
        input_spec = next((i for i in step.inputs if i.key == item.key), None)
        if input_spec is not None:
            shown = ({"key": input_spec.key, "label": input_spec.label, "hidden": True} if input_spec.key in hidden
                     else _display(input_spec, item.value, case, attachments))
            inputs_by_run.setdefault(item.step_run_id, []).append(shown)
    # A run whose work a head sent back is the run just before the head's "kembali" run.
    returned_by = {runs[i - 1].pk: r for i, r in enumerate(runs) if r.outcome == "kembali" and i > 0}
    current = case.current_step
    rows = []
    for step in spec.steps:
        step_runs = [{"run": r, "inputs": inputs_by_run.get(r.pk, []), "returned_by": returned_by.get(r.pk)}
                     for r in runs if r.step_no == step.no]
        finished = [r["run"] for r in step_runs if r["run"].completed_at]
        if current is not None and current.no == step.no:
            status = "current"
        elif finished and (finished[-1].outcome == "kembali" or finished[-1].pk in returned_by):
            status = "returned"  # its latest outcome is a return, not an approval
        elif finished:
            status = "done"
        else:
            status = "pending"
        rows.append({"step": step, "runs": step_runs, "status": status, "lane_label": spec.lane_label(step.lane),
                     "lanes": [lane.role == step.lane for lane in spec.lanes]})
    return {
        "rows": rows, "lanes": spec.lanes, "attachments": list(attachments.values()),
        "events": list(case.events.select_related("actor", "unit", "role", "on_behalf_of")),
        "disseminations": list(case.disseminations.select_related("recipient", "by")),
        "announcement": getattr(case, "announcement", None),
    }
