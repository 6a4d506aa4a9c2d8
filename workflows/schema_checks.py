"""Validating a definition: the schema's per-field rules, then the rules that relate fields,
steps and effects; every problem as a Problem naming the step and the field.

``validate_definition`` is what the importer and the editor call.
"""
from __future__ import annotations

from collections import deque
from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError

from workflows.effects import EFFECTS
from workflows.effects.base import ON_COMPLETE, ON_TIDAK, ON_YA
from workflows.problems import Problem
from workflows.schema import _WORD, DECISION, END, Definition, StepModel

# pydantic's error types in our words; "sop" errors carry our own message.
_MESSAGES = {
    "missing": lambda ctx: _("wajib diisi."),
    "extra_forbidden": lambda ctx: _("kunci tidak dikenal (salah ketik?)."),
    "string_type": lambda ctx: _("harus berupa teks."),
    "string_too_short": lambda ctx: _("wajib diisi."),
    "string_pattern_mismatch": lambda ctx: _("hanya boleh huruf kecil, angka dan '_', diawali huruf."),
    "bool_type": lambda ctx: _("harus true atau false."),
    "bool_parsing": lambda ctx: _("harus true atau false."),
    "int_type": lambda ctx: _("harus berupa bilangan bulat."),
    "int_parsing": lambda ctx: _("harus berupa bilangan bulat."),
    "int_from_float": lambda ctx: _("harus berupa bilangan bulat."),
    "greater_than_equal": lambda ctx: _("harus paling sedikit %(ge)s.") % {"ge": ctx.get("ge")},
    "list_type": lambda ctx: _("harus berupa daftar."),
    "tuple_type": lambda ctx: _("harus berupa daftar."),
    "literal_error": lambda ctx: _("harus salah satu: %(expected)s.") % {"expected": ctx.get("expected")},
    "sop": lambda ctx: ctx["message"],
}
_MISSING = {
    "sheet": lambda: _("wajib diisi dengan kepala SOP (nomor, nama, tanggal, disahkan oleh, ...)."),
    "lanes": lambda: _("wajib berisi paling sedikit satu pelaksana."),
    "steps": lambda: _("wajib berisi paling sedikit satu langkah."),
    "format": lambda: _("format harus %(format)d.") % {"format": 1},
}


def effect_type_message() -> str:
    return _("effect harus berupa {type: ...}; type salah satu: %(choices)s.") % {"choices": ", ".join(EFFECTS)}


def validate_definition(data: Any, source: str) -> tuple[Definition | None, list[Problem]]:
    """The validated definition, or None and every problem found (never an exception)."""
    if not isinstance(data, dict):
        return None, [Problem(source, _("isi berkas harus berupa pemetaan YAML (kunci: nilai)."))]
    raw_steps = data.get("steps") if isinstance(data.get("steps"), list) else []
    context = {"lane_roles": _raw_lane_roles(data)}
    problems: list[Problem] = []
    try:
        model: Definition | None = Definition.model_validate(data, context=context)
    except ValidationError as exc:
        model = None
        problems += [_problem(source, error, raw_steps) for error in exc.errors(include_url=False)]
    problems += _owner_problems(data, source)
    # Steps that are well-formed by themselves are checked further even when another part is not,
    # so that one bad field elsewhere does not hide their problems.
    steps = list(model.steps) if model else _valid_steps(raw_steps, context)
    numbers = {n for n in (_raw_no(s) for s in raw_steps) if n is not None}
    for index, step in enumerate(steps):
        problems += [Problem(source, message, step.no, field)
                     for field, message in step_problems(step, steps[:index], numbers)]
    if model:
        problems += _document_problems(model, source)
        if not problems:
            problems += _graph_problems(model.steps, source)
    return (model if not problems else None), list(dict.fromkeys(problems))


def step_problems(step: StepModel, earlier: list[StepModel], numbers: set[int] | None = None) -> list[tuple[str, str]]:
    """(field, message) for what relates the fields of one step: its kind and branches, its
    inputs, its effects. ``earlier``: the steps listed before it; ``numbers``: every step number."""
    out: list[tuple[str, str]] = []
    given = step.model_fields_set
    if step.kind == DECISION:
        if step.ya is None or step.tidak is None:
            out.append(("ya" if step.ya is None else "tidak",
                        _("langkah keputusan wajib punya kedua cabang: 'ya' dan 'tidak'.")))
        if "next" in given:
            out.append(("next", _("langkah keputusan tidak memakai 'next'; gunakan 'ya' dan 'tidak'.")))
    else:
        if step.next is None:
            out.append(("next", _("wajib diisi: nomor langkah berikutnya atau '%(end)s'.") % {"end": END}))
        out += [(key, _("hanya untuk langkah keputusan (kind: decision).")) for key in ("ya", "tidak", "question")
                if key in given]
    if numbers is not None:
        for name in ("next", "ya", "tidak"):
            target = getattr(step, name)
            if isinstance(target, int) and target not in numbers:
                out.append((name, _("langkah %(target)d tidak ada.") % {"target": target}))
    out += _input_problems(step.inputs, "inputs")
    out += _effect_problems(step, earlier)
    return out


def _input_problems(inputs: list, where: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, spec in enumerate(inputs, 1):
        at = f"{where}[{i}]"
        if spec.key in seen:
            out.append((f"{at}.key", _("key '%(key)s' dipakai dua kali.") % {"key": spec.key}))
        seen.add(spec.key)
        if spec.type in ("choice", "checklist") and not spec.options:
            out.append((f"{at}.options", _("pilihan wajib berupa daftar {value, label}.")))
        if spec.type == "records":
            if not spec.fields:
                out.append((f"{at}.fields", _("records wajib punya fields.")))
            else:
                out += _input_problems(spec.fields, f"{at}.fields")
    return out


def declared_effects(step: StepModel) -> list[tuple[str, Any]]:
    """(field, effect) for the single ``effect`` and each of ``effects``."""
    single = [("effect", step.effect)] if step.effect is not None else []
    return single + [(f"effects[{i}]", effect) for i, effect in enumerate(step.effects, 1)]


def _effect_problems(step: StepModel, earlier: list[StepModel]) -> list[tuple[str, str]]:
    out = []
    for where, effect in declared_effects(step):
        if step.kind == DECISION:
            if effect.on is None:
                out.append((f"{where}.on", _("di langkah keputusan wajib diisi: '%(ya)s' atau '%(tidak)s' (jawaban "
                                             "yang menjalankan efek).") % {"ya": ON_YA, "tidak": ON_TIDAK}))
            elif effect.on == ON_COMPLETE:
                out.append((f"{where}.on", _("langkah keputusan tidak 'complete'; pilih '%(ya)s' atau '%(tidak)s'.")
                            % {"ya": ON_YA, "tidak": ON_TIDAK}))
        elif effect.on in (ON_YA, ON_TIDAK):
            out.append((f"{where}.on", _("'%(on)s' hanya untuk langkah keputusan; langkah proses memakai "
                                         "'%(complete)s'.") % {"on": effect.on, "complete": ON_COMPLETE}))
        out += [(f"{where}.{param}", message) for param, message in effect.problems(step, earlier)]
    return out


def _document_problems(model: Definition, source: str) -> list[Problem]:
    out = []
    seen: set[int] = set()
    for step in model.steps:
        if step.no in seen:
            out.append(Problem(source, _("nomor langkah %(no)d dipakai lebih dari sekali.") % {"no": step.no},
                               step.no, "no"))
        seen.add(step.no)
    supplied = {i.key for s in model.steps for i in s.inputs}
    for step in model.steps:
        out += [Problem(source, _("'%(key)s' tidak diserahkan oleh langkah mana pun (inputs).") % {"key": key},
                        step.no, "requires") for key in step.requires if key not in supplied]
    return out


def _graph_problems(steps: list[StepModel], source: str) -> list[Problem]:
    """Every step is reached from the first, and from every reached step a path reaches ``end``."""
    successors = {s.no: [t for t in ((s.ya, s.tidak) if s.kind == DECISION else (s.next,)) if t is not None]
                  for s in steps}
    reached, queue = {steps[0].no}, deque([steps[0].no])
    while queue:
        for target in successors[queue.popleft()]:
            if target != END and target not in reached:
                reached.add(target)
                queue.append(target)
    out = [Problem(source, _("tidak ada jalur dari langkah pertama yang sampai ke langkah ini."), s.no, "no")
           for s in steps if s.no not in reached]
    finishing = {no for no, targets in successors.items() if END in targets}
    changed = True
    while changed:
        changed = False
        for no, targets in successors.items():
            if no not in finishing and any(t in finishing for t in targets):
                finishing.add(no)
                changed = True
    out += [Problem(source, _("jalur dari langkah ini tidak pernah sampai ke akhir ('%(end)s').") % {"end": END},
                    s.no, "next") for s in steps if s.no in reached and s.no not in finishing]
    return out


def _owner_problems(data: dict, source: str) -> list[Problem]:
    """An SOP belongs to an agency, unless it is a national template, which belongs to none."""
    template, agency = data.get("template") is True, data.get("agency")
    if template and agency:
        return [Problem(source, _("templat nasional tidak dimiliki instansi mana pun; hapus 'agency' (instansi "
                                  "mengisinya sendiri saat mengadopsi templat)."), field="agency")]
    if not template and (agency is None or (isinstance(agency, str) and not agency.strip())):
        return [Problem(source, _("wajib diisi."), field="agency")]
    return []


# -- from pydantic's errors to Problems ---------------------------------------------------

def _raw_no(raw: Any) -> int | None:
    no = raw.get("no") if isinstance(raw, dict) else None
    return no if isinstance(no, int) and not isinstance(no, bool) and no >= 1 else None


def _raw_lane_roles(data: dict) -> set[str]:
    lanes = data.get("lanes") if isinstance(data.get("lanes"), list) else []
    return {lane["role"] for lane in lanes
            if isinstance(lane, dict) and isinstance(lane.get("role"), str) and _WORD.match(lane["role"])}


def _valid_steps(raw_steps: list, context: dict) -> list[StepModel]:
    steps = []
    for raw in raw_steps:
        try:
            steps.append(StepModel.model_validate(raw, context=context))
        except ValidationError:
            continue
    return steps


def _message(error: dict) -> str:
    loc, kind, ctx = error["loc"], error["type"], error.get("ctx") or {}
    if kind in ("union_tag_invalid", "union_tag_not_found", "model_attributes_type") and loc and (
            loc[-1] == "effect" or (len(loc) > 1 and loc[-2] == "effects")):
        return effect_type_message()
    if kind == "missing" and len(loc) == 1 and loc[0] in _MISSING:
        return _MISSING[loc[0]]()
    if kind in _MESSAGES:
        return _MESSAGES[kind](ctx)
    return _("tidak valid.")


def field_path(parts: tuple) -> str:
    """``("inputs", 0, "fields", 2, "type")`` as ``inputs[1].fields[3].type``, without the effect's tag."""
    out = ""
    previous: list = []
    for part in parts:
        after_effect = previous[-1:] == ["effect"] or (len(previous) > 1 and previous[-2] == "effects"
                                                      and isinstance(previous[-1], int))
        if isinstance(part, str) and part in EFFECTS and after_effect:
            previous.append(None)
            continue
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
        previous.append(part)
    return out


def _problem(source: str, error: dict, raw_steps: list) -> Problem:
    loc, message = tuple(error["loc"]), _message(error)
    if len(loc) > 1 and loc[0] == "steps" and isinstance(loc[1], int):
        index = loc[1]
        no = _raw_no(raw_steps[index]) if index < len(raw_steps) else None
        if len(loc) == 2:
            return Problem(source, _("langkah ke-%(i)d harus berupa pemetaan.") % {"i": index + 1}, field="steps")
        if no is None:  # a step without a usable number is named by its place in the table
            return Problem(source, _("langkah ke-%(i)d: %(message)s") % {"i": index + 1, "message": message},
                           field=field_path(loc[2:]))
        return Problem(source, message, no, field_path(loc[2:]))
    return Problem(source, message, field=field_path(loc))
