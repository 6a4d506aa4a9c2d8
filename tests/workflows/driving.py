"""Test helpers that take a case through its SOP as the right people would."""
from __future__ import annotations

from collections import deque

from workflows import engine
from workflows.definitions import END, SopSpec
from workflows.demo_cases import PDF, VALID_NIP, sample_kelengkapan, sample_value  # noqa: F401 - used by tests
from workflows.models import Case, SopVersion
from workflows.services import case_complete_step, case_decide, case_send_back, case_start


def actor(case: Case):
    """Somebody who holds the current step's lane for this case."""
    return engine.lane_holders(case, case.current_step.lane).first().user


def starter(version: SopVersion):
    probe = Case(sop_version=version, agency=version.sop.agency)
    return engine.lane_holders(probe, version.spec.first_step.lane).first().user


def start(version: SopVersion, title: str = "Kasus uji") -> Case:
    return case_start(sop_version=version, title=title, by=starter(version))


def act(case: Case, action: str, by=None, **extra) -> Case:
    """Take ``action`` (complete / ya / tidak / kembali) on the current step with sample kelengkapan."""
    step = case.current_step
    by = by or actor(case)
    if action == "kembali":
        return case_send_back(case_id=case.pk, step=step.no, by=by, reason=extra.get("note", "Perlu diperbaiki"))
    kwargs = {"case_id": case.pk, "step": step.no, "by": by, "note": "Kurang lengkap" if action == "tidak" else "",
              "kelengkapan": sample_kelengkapan(step, answer=action != "tidak"), **extra}
    if action == "complete":
        return case_complete_step(**kwargs)
    return case_decide(answer=action == "ya", **kwargs)


def path_to(spec: SopSpec, target: int) -> list[str]:
    """Shortest list of actions from the first step to ``target`` (BFS over the graph)."""
    first = spec.first_step.no
    came: dict[int, tuple[int, str] | None] = {first: None}
    queue = deque([first])
    while queue:
        no = queue.popleft()
        step = spec.step(no)
        moves = [("ya", step.ya), ("tidak", step.tidak)] if step.is_decision else [("complete", step.next)]
        for action, nxt in moves:
            if nxt != END and nxt not in came:
                came[nxt] = (no, action)
                queue.append(nxt)
    actions, no = [], target
    while came[no] is not None:
        no, action = came[no]
        actions.append(action)
    return actions[::-1]


def case_at(version: SopVersion, step_no: int) -> Case:
    case = start(version)
    for action in path_to(version.spec, step_no):
        case = act(case, action)
    assert case.current_step.no == step_no
    return case


def run_to_end(case: Case, decisions: dict[int, list[str]] | None = None) -> Case:
    """Drive to the end; ``decisions`` gives, per decision step, the answers in order (default ya)."""
    pending = {no: list(answers) for no, answers in (decisions or {}).items()}
    for _ in range(100):
        step = case.current_step
        if step is None:
            return case
        action = (pending.get(step.no) or ["ya"]).pop(0) if step.is_decision else "complete"
        case = act(case, action)
    raise AssertionError("case did not end within 100 actions")
