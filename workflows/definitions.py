"""SOP definition files: read, validate and represent one PermenPAN-RB SOP.

The file format is documented in docs/sop-format.md and typed in ``workflows.schema``.
``parse_definition`` turns a file's text into a ``SopSpec`` or raises ``DefinitionError``
listing every problem with the file, the step and the field it concerns. A ``SopSpec`` is
an immutable, hashable view built from the validated schema model (cheap to keep: a stored
SOP version caches one) and round-trips through ``as_data()``/``SopSpec.from_data()``,
which is how a stored SOP version keeps it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

from workflows.effects import Effect
from workflows.problems import DefinitionError, Problem
from workflows.schema import (ADOPTION_SHEET_KEYS, DECISION, END, FORMAT, INPUT_TYPES, PROCESS, RECORD_FIELD_TYPES,
                              SHEET_LIST_KEYS, SHEET_TEXT_KEYS, Definition, InputModel, StepModel)
from workflows.schema_checks import validate_definition
from workflows.waktu import Waktu

__all__ = [
    "ADOPTION_SHEET_KEYS", "DECISION", "END", "FORMAT", "INPUT_TYPES", "PERSONAL_FIELD_TYPES", "PROCESS",
    "RECORD_FIELD_TYPES", "SHEET_LIST_KEYS", "SHEET_TEXT_KEYS", "DefinitionError", "InputSpec", "Lane", "Problem",
    "SopSpec", "StepSpec", "dump_definition", "parse_definition",
]

# Record fields that make a records input personal data by themselves (UU 27/2022).
PERSONAL_FIELD_TYPES = frozenset({"nip", "email", "phone"})


@dataclass(frozen=True)
class InputSpec:
    key: str
    label: str
    type: str
    required: bool = True
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()
    fields: tuple[InputSpec, ...] = ()
    personal: bool = False  # personal data (a KTP scan): shown only to who needs it for a step

    @property
    def is_personal(self) -> bool:
        return self.personal or (self.type == "records" and any(f.type in PERSONAL_FIELD_TYPES for f in self.fields))

    def as_data(self) -> dict:
        data: dict[str, Any] = {"key": self.key, "label": self.label, "type": self.type, "required": self.required}
        if self.personal:
            data["personal"] = True
        if self.help:
            data["help"] = self.help
        if self.options:
            data["options"] = [{"value": v, "label": label} for v, label in self.options]
        if self.fields:
            data["fields"] = [f.as_data() for f in self.fields]
        return data


@dataclass(frozen=True)
class Lane:
    role: str
    label: str


@dataclass(frozen=True)
class StepSpec:
    no: int
    kegiatan: str
    lane: str
    kind: str
    waktu: Waktu
    kelengkapan: str = ""
    output: str = ""
    keterangan: str = ""
    next: int | str | None = None
    question: str = ""
    ya: int | str | None = None
    tidak: int | str | None = None
    inputs: tuple[InputSpec, ...] = ()
    requires: tuple[str, ...] = ()
    tafsiran: str = ""
    disposisi: bool = False
    petunjuk: str = ""
    # Effects with ``on`` resolved (complete, ya or tidak); frozen pydantic models.
    effects: tuple[Effect, ...] = field(default=(), compare=False)

    @property
    def effect(self) -> dict:
        """The first effect as a mapping ({} without one), as the single ``effect:`` key reads."""
        return self.effects[0].as_data() if self.effects else {}

    @property
    def is_decision(self) -> bool:
        return self.kind == DECISION

    @property
    def targets(self) -> tuple[int | str, ...]:
        return (self.ya, self.tidak) if self.is_decision else (self.next,)

    def as_data(self) -> dict:
        data: dict[str, Any] = {
            "no": self.no, "kegiatan": self.kegiatan, "lane": self.lane, "kind": self.kind,
            "kelengkapan": self.kelengkapan, "waktu": self.waktu.as_data(), "output": self.output,
            "keterangan": self.keterangan, "inputs": [i.as_data() for i in self.inputs],
            "requires": list(self.requires), "tafsiran": self.tafsiran, "disposisi": self.disposisi,
            "petunjuk": self.petunjuk, "effects": [e.as_data() for e in self.effects],
        }
        if self.is_decision:
            data.update(question=self.question, ya=self.ya, tidak=self.tidak)
        else:
            data["next"] = self.next
        return data


@dataclass(frozen=True)
class SopSpec:
    code: str
    agency: str
    unit: str
    sheet: dict
    lanes: tuple[Lane, ...]
    steps: tuple[StepSpec, ...]
    tafsiran: str = ""
    template: bool = False  # a national template (LKPP's standard SOP): no agency, never runs
    _by_no: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_no.update({s.no: s for s in self.steps})

    @property
    def name(self) -> str:
        return self.sheet.get("nama", "")

    @property
    def sheet_unit(self) -> str:
        """Kind of the unit that issues the sheet (its letterhead); by default the one running the cases."""
        return self.sheet.get("unit") or self.unit

    @property
    def first_step(self) -> StepSpec:
        return self.steps[0]

    def step(self, no: int) -> StepSpec:
        return self._by_no[no]

    def lane_label(self, role: str) -> str:
        return next(lane.label for lane in self.lanes if lane.role == role)

    @property
    def personal_keys(self) -> frozenset[str]:
        """Inputs holding personal data: flagged ``personal``, or records of people (NIP, email, phone)."""
        return frozenset(i.key for s in self.steps for i in s.inputs if i.is_personal)

    @property
    def personal_lanes(self) -> frozenset[str]:
        """Lanes whose steps need the personal data (``requires`` one of those inputs)."""
        keys = self.personal_keys
        return frozenset(s.lane for s in self.steps if keys.intersection(s.requires))

    def as_data(self) -> dict:
        owner = {"template": True} if self.template else {"agency": self.agency}
        return {
            "format": FORMAT, "code": self.code, **owner, "unit": self.unit,
            "sheet": self.sheet, "lanes": [{"role": lane.role, "label": lane.label} for lane in self.lanes],
            "steps": [s.as_data() for s in self.steps], "tafsiran": self.tafsiran,
        }

    @classmethod
    def from_data(cls, data: dict, source: str = "<stored>") -> SopSpec:
        """The spec of stored (``as_data()``) or freshly loaded definition data; DefinitionError if invalid."""
        model, problems = validate_definition(data, source)
        if problems or model is None:
            raise DefinitionError(problems)
        return spec_of(model)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. A bare ``no:`` (the step number) stays a string
    key and ``ya``/``tidak``/``yes`` stay text, as a person writing the file expects."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


class _Dumper(yaml.SafeDumper):
    """Writes a definition as a person would: multi-line text as a literal block."""


def _text_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.splitlines()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text_representer)


def dump_definition(data: dict, comment: str = "") -> str:
    """A definition (``SopSpec.as_data()`` or stored data) as the YAML file it reads from."""
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def load_yaml(text: str, source: str) -> Any:
    """A definition file's YAML as data, not yet validated; DefinitionError when it is not YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (baris %(line)d, kolom %(col)d)") % {"line": mark.line + 1, "col": mark.column + 1} if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError([Problem(source, _("YAML tidak valid%(where)s: %(reason)s") % {"where": where, "reason": reason})]) from None


def parse_definition(text: str, source: str) -> SopSpec:
    """Parse and validate one definition file's text; ``source`` names it in messages."""
    return SopSpec.from_data(load_yaml(text, source), source)


# -- from the validated schema model ---------------------------------------------------

def spec_of(model: Definition) -> SopSpec:
    """The immutable spec of a validated definition."""
    return SopSpec(code=model.code, agency=model.agency, unit=model.unit, sheet=model.sheet.model_dump(),
                   lanes=tuple(Lane(lane.role, lane.label) for lane in model.lanes),
                   steps=tuple(_step(s) for s in model.steps), tafsiran=model.tafsiran, template=model.template)


def _input(model: InputModel) -> InputSpec:
    return InputSpec(key=model.key, label=model.label, type=model.type, required=model.required, help=model.help,
                     options=tuple((o.value, o.label) for o in model.options or ()),
                     fields=tuple(_input(f) for f in model.fields or ()), personal=model.personal)


def _step(model: StepModel) -> StepSpec:
    declared = ([model.effect] if model.effect is not None else []) + list(model.effects)
    # On a process step an effect runs on completion unless it says otherwise (decisions must say ya/tidak).
    effects = tuple(e if e.on else e.model_copy(update={"on": "complete"}) for e in declared)
    return StepSpec(no=model.no, kegiatan=model.kegiatan, lane=model.lane, kind=model.kind, waktu=model.waktu,
                    kelengkapan=model.kelengkapan, output=model.output, keterangan=model.keterangan,
                    next=model.next, question=model.question, ya=model.ya, tidak=model.tidak,
                    inputs=tuple(_input(i) for i in model.inputs), requires=tuple(model.requires),
                    tafsiran=model.tafsiran, disposisi=model.disposisi, petunjuk=model.petunjuk, effects=effects)
