"""Reads that pages reuse: a person's task inbox, the SOPs they may start, a case's story."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from workflows import engine
from workflows.access import is_personal_key, lane_q, may_see_personal, participation_q
from workflows.kelengkapan import missing_items
from workflows.models import Case, Sop, SopVersion, StepRun


def open_runs_for(user: User) -> QuerySet[StepRun]:
    """The waiting steps of every case where ``user`` holds the current step's lane."""
    return (StepRun.objects.filter(lane_q(user, prefix="case__"), completed_at__isnull=True)
            .select_related("case__agency", "case__sop_version__sop", "assignee").distinct())


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
    tasks: list[Task]  # mine first, then the lane's open ones
    waiting: int
    due_today: int
    overdue: int
    taken: list[Task]  # the lane's steps a colleague handles: shown, not counted


def inbox_for(user: User) -> Inbox:
    """Tasks soonest-due first (no due time last), with the dashboard counters."""
    now = timezone.now()
    tasks, taken = [], []
    for run in open_runs_for(user):
        case = run.case
        local_today = timezone.localtime(now, case.agency.tzinfo).date()
        overdue = bool(run.due_at and run.due_at < now)
        # Each task counts once: an overdue step is "terlambat", not also "jatuh tempo hari ini".
        due_today = bool(run.due_at and not overdue
                         and timezone.localtime(run.due_at, case.agency.tzinfo).date() == local_today)
        task = Task(run=run, case=case, step=case.spec.step(run.step_no), overdue=overdue, due_today=due_today,
                    mine=run.assignee_id == user.pk)
        (taken if run.assignee_id not in (None, user.pk) else tasks).append(task)
    far = timezone.now().replace(year=9999)
    tasks.sort(key=lambda t: (not t.mine, t.run.due_at or far, t.run.activated_at))
    return Inbox(tasks=tasks, waiting=len(tasks), due_today=sum(t.due_today for t in tasks),
                 overdue=sum(t.overdue for t in tasks), taken=taken)


def cases_of(user: User) -> QuerySet[Case]:
    """The cases ``user`` takes part in, open ones first, newest first within each."""
    return (Case.objects.filter(participation_q(user)).select_related("sop_version__sop", "agency")
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
    runs = list(case.step_runs.filter(outcome__in=["ya", "tidak"]).order_by("-pk")[:1])
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
