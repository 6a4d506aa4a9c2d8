"""Test helpers that take a case through its SOP as the right people would."""
from __future__ import annotations

import datetime
from collections import deque

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from workflows import engine
from workflows.definitions import END, InputSpec, SopSpec, StepSpec
from workflows.models import Case, SopVersion
from workflows.services import case_complete_step, case_decide, case_send_back, case_start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VALID_NIP = "198802142014041003"


def sample_value(spec: InputSpec, order: int = 0):
    if spec.type == "document":
        return SimpleUploadedFile(f"{spec.key}.pdf", PDF, content_type="application/pdf")
    if spec.type == "text":
        return f"Contoh {spec.label}"
    if spec.type == "datetime":
        # Later inputs get later times, so "selesai" comes after "mulai".
        return timezone.now() + datetime.timedelta(days=4, hours=order)
    if spec.type == "choice":
        return spec.options[0][0]
    if spec.type == "checklist":
        return [value for value, _label in spec.options]
    if spec.type == "nip":
        return VALID_NIP
    if spec.type == "email":
        return "pokja@example.go.id"
    if spec.type == "phone":
        return "0812 3456 7890"
    if spec.type == "pangkat":
        return "III/a"
    if spec.type == "records":
        return [{field.key: sample_value(field) for field in spec.fields}]
    raise AssertionError(spec.type)


def sample_kelengkapan(step: StepSpec, answer: bool = True) -> dict:
    """Valid kelengkapan; for a TIDAK answer every checklist is left unticked."""
    values = {spec.key: sample_value(spec, order) for order, spec in enumerate(step.inputs)}
    if not answer:
        values.update({spec.key: [] for spec in step.inputs if spec.type == "checklist"})
    return values


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
