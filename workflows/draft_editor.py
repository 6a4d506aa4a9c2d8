"""The SOP editor's form: a definition as flat form fields and back, its structural edits,
and where each problem of the schema is shown.

Field names are paths into the definition file's data (``sheet.nama``, ``lanes.0.role``,
``steps.2.inputs.0.type``), so a posted form turns back into exactly the data the importer
reads. Steps are numbered by their order on the form; a reorder or removal renumbers them
and rewrites every ``next``/``ya``/``tidak`` that pointed at them.
"""
from __future__ import annotations

import copy
import re
import typing
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from workflows.definitions import DECISION, END, PROCESS, SHEET_LIST_KEYS, SHEET_TEXT_KEYS, Problem

SIGNER_KEYS = ("jabatan", "nama", "nip")
STEP_TEXT_KEYS = ("kegiatan", "kelengkapan", "output", "keterangan", "question", "tafsiran", "petunjuk")
INPUT_TEXT_KEYS = ("key", "label", "type", "help")
_INDEX = re.compile(r"^(?P<list>lanes|steps|sheet\.lampiran)\.(?P<i>\d{1,3})\.")
_INPUT_INDEX = re.compile(r"^steps\.(?P<s>\d{1,3})\.inputs\.(?P<i>\d{1,3})\.")
_EFFECT_INDEX = re.compile(r"^steps\.(?P<s>\d{1,3})\.effects\.(?P<k>\d{1,2})\.")
_FIELD_INDEX = re.compile(r"\[(\d+)\]")
MAX_ITEMS = 200


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _indexes(post: QueryDict, pattern: re.Pattern, group: str, **match: str) -> list[int]:
    found = set()
    for key in post:
        m = pattern.match(key)
        if m and all(m.group(k) == v for k, v in match.items()):
            found.add(int(m.group(group)))
    return sorted(found)[:MAX_ITEMS]


def _target(raw: str) -> int | str | None:
    raw = (raw or "").strip()
    if raw == END:
        return END
    return int(raw) if raw.isdigit() and len(raw) <= 4 else None


def _pairs(text: str) -> list[dict]:
    """``value | label`` per line (a line without ``|`` is its own value and label)."""
    out = []
    for line in _lines(text):
        value, _sep, label = line.partition("|")
        out.append({"value": value.strip(), "label": (label or value).strip()})
    return out


def _fields(text: str) -> list[dict]:
    """Record fields, ``key | label | type`` per line."""
    out = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (3 - len(parts))
        out.append({"key": parts[0], "label": parts[1], "type": parts[2] or "text", "required": True})
    return out


def pairs_text(options) -> str:
    return "\n".join(f"{o.get('value', '')} | {o.get('label', '')}" for o in options or [] if isinstance(o, dict))


def fields_text(fields) -> str:
    return "\n".join(f"{f.get('key', '')} | {f.get('label', '')} | {f.get('type', '')}"
                     for f in fields or [] if isinstance(f, dict))


# -- effects: their parameters as form fields, from each effect's own model ----------------

@dataclass(frozen=True)
class EffectField:
    """One parameter of an effect on the form: how it is shown and read back."""

    name: str
    label: str
    help: str
    kind: str  # text, textarea, lines, number, select, input, role
    choices: tuple[tuple[str, str], ...] = ()
    input_types: tuple[str, ...] = ()  # kind "input": the step inputs it may name


def effect_fields(cls) -> list[EffectField]:
    """The editable parameters of an effect class (everything but ``type`` and ``on``), read
    from its pydantic fields: titles and descriptions are the schema's own."""
    out = []
    for name, info in cls.model_fields.items():
        if name in ("type", "on"):
            continue
        annotation = info.annotation
        args = typing.get_args(annotation)
        # The schema is written in Indonesian; its texts are marked for the catalog (gettext_noop).
        label = _(info.title) if info.title else name
        help_text = _(info.description).replace("`", "") if info.description else ""
        if name in cls.input_params:
            out.append(EffectField(name, label, help_text, "input", input_types=tuple(cls.input_params[name])))
        elif name == "role":
            out.append(EffectField(name, label, help_text, "role"))
        elif typing.get_origin(annotation) is typing.Literal:
            out.append(EffectField(name, label, help_text, "select", tuple((a, a) for a in args)))
        elif annotation is int:
            out.append(EffectField(name, label, help_text, "number"))
        elif typing.get_origin(annotation) in (tuple, list):
            out.append(EffectField(name, label, help_text, "lines"))
        elif name in ("body", "template"):
            out.append(EffectField(name, label, help_text, "textarea"))
        else:
            out.append(EffectField(name, label, help_text, "text"))
    return out


def _effect_from_post(get, prefix: str) -> dict | None:
    from workflows.effects import EFFECTS

    kind = get(prefix + "type").strip()
    cls = EFFECTS.get(kind)
    if cls is None:
        return None
    effect: dict[str, Any] = {"type": kind}
    if get(prefix + "on"):
        effect["on"] = get(prefix + "on")
    for f in effect_fields(cls):
        raw = get(prefix + f.name)
        if f.kind == "lines":
            if _lines(raw):
                effect[f.name] = _lines(raw)
        elif f.kind == "number":
            if raw.strip():
                effect[f.name] = int(raw) if raw.strip().isdigit() and len(raw.strip()) <= 6 else raw.strip()
        elif raw.strip():  # blank: the effect's default (or the schema says it is required)
            effect[f.name] = raw if f.kind == "textarea" else raw.strip()
    return effect


def data_from_post(post: QueryDict, previous: dict) -> dict:
    """The definition the posted editor form describes. What the form does not edit (each
    step's effects, a waktu given as an explicit reading) is carried over from ``previous``."""
    get = lambda key: post.get(key, "")  # noqa: E731
    old_steps = previous.get("steps") if isinstance(previous.get("steps"), list) else []
    data: dict[str, Any] = {"format": previous.get("format", 1), "code": get("code").strip().upper(),
                            "agency": previous.get("agency", ""), "unit": get("unit").strip()}
    sheet: dict[str, Any] = {key: get(f"sheet.{key}") for key in SHEET_TEXT_KEYS}
    sheet.update({key: _lines(get(f"sheet.{key}")) for key in SHEET_LIST_KEYS})
    sheet["unit"] = get("sheet.unit").strip()
    sheet["disahkan_oleh"] = {key: get(f"sheet.disahkan_oleh.{key}").strip() for key in SIGNER_KEYS}
    sheet["lampiran"] = [{"judul": get(f"sheet.lampiran.{i}.judul"), "butir": _lines(get(f"sheet.lampiran.{i}.butir")),
                          "catatan": _lines(get(f"sheet.lampiran.{i}.catatan"))}
                         for i in _indexes(post, _INDEX, "i", list="sheet.lampiran")]
    data["sheet"] = sheet
    data["lanes"] = [{"role": get(f"lanes.{i}.role").strip(), "label": get(f"lanes.{i}.label")}
                     for i in _indexes(post, _INDEX, "i", list="lanes")]
    steps = []
    for position, i in enumerate(_indexes(post, _INDEX, "i", list="steps")):
        p = f"steps.{i}."
        old = old_steps[i] if i < len(old_steps) and isinstance(old_steps[i], dict) else {}
        kind = DECISION if get(p + "kind") == DECISION else PROCESS
        step: dict[str, Any] = {"no": position + 1, "kegiatan": get(p + "kegiatan"), "lane": get(p + "lane"),
                                "kind": kind}
        for key in ("kelengkapan", "output", "keterangan", "tafsiran", "petunjuk"):
            step[key] = get(p + key)
        waktu = get(p + "waktu")
        old_waktu = old.get("waktu")
        step["waktu"] = old_waktu if isinstance(old_waktu, dict) and old_waktu.get("text") == waktu else waktu
        if kind == DECISION:
            step.update(question=get(p + "question"), ya=_target(get(p + "ya")), tidak=_target(get(p + "tidak")))
        else:
            step["next"] = _target(get(p + "next"))
        step["disposisi"] = get(p + "disposisi") == "on"
        step["requires"] = [k for k in post.getlist(p + "requires") if k][:MAX_ITEMS]
        inputs = []
        for j in _indexes(post, _INPUT_INDEX, "i", s=str(i)):
            q = f"{p}inputs.{j}."
            item: dict[str, Any] = {key: get(q + key).strip() for key in INPUT_TEXT_KEYS}
            item["required"] = get(q + "required") == "on"
            item["personal"] = get(q + "personal") == "on"
            if item["type"] in ("choice", "checklist"):
                item["options"] = _pairs(get(q + "options"))
            if item["type"] == "records":
                item["fields"] = _fields(get(q + "fields"))
            if not item["help"]:
                item.pop("help")
            inputs.append(item)
        step["inputs"] = inputs
        effects = [_effect_from_post(get, f"{p}effects.{k}.") for k in _indexes(post, _EFFECT_INDEX, "k", s=str(i))]
        step["effects"] = [e for e in effects if e]
        steps.append(step)
    data["steps"] = steps
    data["tafsiran"] = get("tafsiran")
    return data


# -- structural edits ---------------------------------------------------------------------

def _renumber(data: dict, order: list[int | None]) -> dict:
    """Steps in a new order: ``order`` lists old indexes (None: a new blank step). Every
    target naming a step is rewritten to its new number; one naming a removed step is cleared."""
    steps = data.get("steps") or []
    new_no = {steps[old].get("no"): pos + 1 for pos, old in enumerate(order) if old is not None}

    def moved(target):
        if target == END or target is None:
            return target
        return new_no.get(target)

    out = []
    for pos, old in enumerate(order):
        step = copy.deepcopy(steps[old]) if old is not None else {}
        step["no"] = pos + 1
        for key in ("next", "ya", "tidak"):
            if key in step:
                step[key] = moved(step[key])
        out.append(step)
    return {**data, "steps": out}


def _blank_step(data: dict, kind: str) -> dict:
    lanes = data.get("lanes") or [{}]
    step = {"kegiatan": "", "lane": lanes[-1].get("role", "") if isinstance(lanes[-1], dict) else "", "kind": kind,
            "kelengkapan": "", "waktu": "", "output": "", "keterangan": "", "inputs": [], "requires": []}
    if kind == DECISION:
        step.update(question="", ya=None, tidak=None)
    else:
        step["next"] = END
    return step


@dataclass(frozen=True)
class Edit:
    """The outcome of a structural edit: the new data and the field to put the cursor in."""

    data: dict
    focus: str = ""


def step_effects(step: dict) -> list[dict]:
    """A step's effects as a list, whether the file wrote ``effect`` or ``effects``."""
    effects = [e for e in step.get("effects") or [] if isinstance(e, dict)]
    single = step.get("effect")
    return ([single] if isinstance(single, dict) and single else []) + effects


def apply_op(data: dict, op: str, choice: str = "") -> Edit:
    """One button of the editor: add/remove/move a lane, step, decision, input, effect or
    lampiran. ``choice``: the effect type picked beside "Tambah perilaku"."""
    data = copy.deepcopy(data)
    parts = op.split(":")
    name, args = parts[0], [int(a) for a in parts[1:] if a.isdigit() and len(a) <= 3]
    steps = data.setdefault("steps", [])
    lanes = data.setdefault("lanes", [])
    sheet = data.setdefault("sheet", {})
    if name == "add_lane" and len(lanes) < 12:
        lanes.append({"role": "", "label": ""})
        return Edit(data, f"lanes.{len(lanes) - 1}.role")
    if name == "remove_lane" and args and args[0] < len(lanes):
        lanes.pop(args[0])
        return Edit(data, "add_lane")
    if name in ("add_step", "add_decision") and len(steps) < MAX_ITEMS:
        kind = DECISION if name == "add_decision" else PROCESS
        if steps and steps[-1].get("kind", PROCESS) == PROCESS and steps[-1].get("next") == END:
            steps[-1]["next"] = len(steps) + 1  # the step that ended the procedure now leads to the new one
        steps.append({"no": len(steps) + 1, **_blank_step(data, kind)})
        return Edit(data, f"steps.{len(steps) - 1}.kegiatan")
    if name == "remove_step" and args and args[0] < len(steps):
        order = [i for i in range(len(steps)) if i != args[0]]
        return Edit(_renumber(data, order), "add_step")
    if name in ("step_up", "step_down") and args and args[0] < len(steps):
        i = args[0]
        j = i - 1 if name == "step_up" else i + 1
        if 0 <= j < len(steps):
            order = list(range(len(steps)))
            order[i], order[j] = order[j], order[i]
            return Edit(_renumber(data, order), f"op-{name}-{j}")
        return Edit(data, f"steps.{i}.kegiatan")
    if name == "add_input" and args and args[0] < len(steps):
        inputs = steps[args[0]].setdefault("inputs", [])
        inputs.append({"key": "", "label": "", "type": "document", "required": True})
        return Edit(data, f"steps.{args[0]}.inputs.{len(inputs) - 1}.label")
    if name == "remove_input" and len(args) == 2 and args[0] < len(steps):
        inputs = steps[args[0]].get("inputs") or []
        if args[1] < len(inputs):
            inputs.pop(args[1])
        return Edit(data, f"op-add_input-{args[0]}")
    if name == "add_effect" and args and args[0] < len(steps):
        from workflows.effects import EFFECTS

        step = steps[args[0]]
        if choice not in EFFECTS:
            return Edit(data, f"steps.{args[0]}.new_effect")
        effects = step_effects(step)
        step.pop("effect", None)
        effects.append({"type": choice, "on": "ya" if step.get("kind") == DECISION else "complete"})
        step["effects"] = effects
        return Edit(data, f"steps.{args[0]}.effects.{len(effects) - 1}.on")
    if name == "remove_effect" and len(args) == 2 and args[0] < len(steps):
        step = steps[args[0]]
        effects = step_effects(step)
        if args[1] < len(effects):
            effects.pop(args[1])
        step.pop("effect", None)
        step["effects"] = effects
        return Edit(data, f"steps.{args[0]}.new_effect")
    if name == "add_lampiran":
        lampiran = sheet.setdefault("lampiran", [])
        lampiran.append({"judul": "", "butir": [], "catatan": []})
        return Edit(data, f"sheet.lampiran.{len(lampiran) - 1}.judul")
    if name == "remove_lampiran" and args and args[0] < len(sheet.get("lampiran") or []):
        sheet["lampiran"].pop(args[0])
        return Edit(data, "op-add_lampiran")
    return Edit(data)


# -- problems beside their fields -----------------------------------------------------------

GENERAL = "umum"


def _field_path(field: str) -> str:
    """``inputs[2].fields[1].type`` -> ``inputs.1.fields`` (a record's fields are one text box)."""
    path = _FIELD_INDEX.sub(lambda m: f".{int(m.group(1)) - 1}", field)
    path = re.sub(r"^(inputs\.\d+\.fields)\..*$", r"\1", path)
    path = re.sub(r"^(inputs\.\d+\.options)\..*$", r"\1", path)
    return path


def problem_slot(problem: Problem, data: dict) -> str:
    """The form field a problem belongs beside, or ``umum`` for the list above the form."""
    field = problem.field or ""
    if problem.step is not None:
        steps = data.get("steps") if isinstance(data.get("steps"), list) else []
        index = next((i for i, s in enumerate(steps) if isinstance(s, dict) and s.get("no") == problem.step), None)
        if index is None:
            return GENERAL
        path = _field_path(field) if field else "kegiatan"
        if path == "no":
            path = "kegiatan"
        elif path.startswith("effect.") or path == "effect":  # a file's single effect is the form's first
            path = "effects.0" + path[len("effect"):] if path != "effect" else "effects"
        return f"steps.{index}.{path}"
    if field.startswith("lanes"):
        return _field_path(field) if "." in field else "lanes"
    if field.startswith("sheet.lampiran"):
        return "sheet.lampiran"
    if field.startswith("sheet.") or field in ("code", "unit", "tafsiran"):
        return field
    if field == "steps":
        return "steps"
    return GENERAL


def slots(data: dict) -> list[str]:
    """Every place on the form a message can show, in form order."""
    out = [GENERAL, "code", "unit", "sheet.unit"]
    out += [f"sheet.{key}" for key in SHEET_TEXT_KEYS + SHEET_LIST_KEYS]
    out += [f"sheet.disahkan_oleh.{key}" for key in SIGNER_KEYS] + ["sheet.lampiran", "lanes"]
    lanes = data.get("lanes") if isinstance(data.get("lanes"), list) else []
    for i in range(len(lanes)):
        out += [f"lanes.{i}.role", f"lanes.{i}.label"]
    out.append("steps")
    steps = data.get("steps") if isinstance(data.get("steps"), list) else []
    for i, step in enumerate(steps):
        p = f"steps.{i}."
        out += [p + key for key in STEP_TEXT_KEYS + ("lane", "kind", "waktu", "next", "ya", "tidak", "requires",
                                                     "disposisi", "inputs", "effects", "new_effect")]
        inputs = step.get("inputs") if isinstance(step, dict) and isinstance(step.get("inputs"), list) else []
        for j in range(len(inputs)):
            out += [f"{p}inputs.{j}.{key}" for key in INPUT_TEXT_KEYS + ("options", "fields", "required", "personal")]
        out += _effect_slots(step, p) if isinstance(step, dict) else []
    out.append("tafsiran")
    return out


def _effect_slots(step: dict, prefix: str) -> list[str]:
    from workflows.effects import EFFECTS

    out = []
    for k, effect in enumerate(step_effects(step)):
        cls = EFFECTS.get(effect.get("type"))
        names = ["type", "on"] + ([f.name for f in effect_fields(cls)] if cls else [])
        out += [f"{prefix}effects.{k}"] + [f"{prefix}effects.{k}.{name}" for name in names]
    return out


def problems_by_slot(problems: list[Problem], data: dict) -> dict[str, list[str]]:
    known = set(slots(data))
    out: dict[str, list[str]] = {}
    for problem in problems:
        slot = problem_slot(problem, data)
        if slot in known and slot != GENERAL:
            out.setdefault(slot, []).append(problem.message)
        else:  # above the form, saying where
            out.setdefault(GENERAL, []).append(str(problem))
    return out


def _model_in(annotation):
    """The pydantic model an annotation holds (directly, or inside a list/tuple/Optional)."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := _model_in(arg)) is not None:
            return found
    return None


def schema_title(path: str) -> str:
    """The schema's own title of a form field (``steps.2.inputs.0.key`` -> InputModel.key),
    in the user's language: the definition schema names the editor's fields."""
    from workflows.schema import Definition

    model, title = Definition, ""
    for part in path.split("."):
        if part.isdigit():
            continue
        info = model.model_fields.get(part) if model is not None else None
        if info is None:
            return ""
        title, model = info.title or part, _model_in(info.annotation)
    return _(title) if title else ""


def slot_id(path: str) -> str:
    return "e-" + path.replace(".", "-")


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")
