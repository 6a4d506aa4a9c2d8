"""SOP definition files: read, validate and represent one PermenPAN-RB SOP.

The file format is documented in docs/sop-format.md. ``parse_definition`` turns a file's
text into a ``SopSpec`` or raises ``DefinitionError`` listing every problem with the file,
the step and the field it concerns. A ``SopSpec`` is immutable and round-trips through
``as_data()``/``SopSpec.from_data()``, which is how a stored SOP version keeps it.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

from workflows.waktu import UNITS, Waktu, WaktuUnreadable

FORMAT = 1
END = "end"
PROCESS, DECISION = "process", "decision"

INPUT_TYPES = ("document", "text", "datetime", "choice", "checklist", "records")
RECORD_FIELD_TYPES = ("document", "text", "datetime", "choice", "nip", "email", "phone", "pangkat")

SHEET_TEXT_KEYS = (
    "judul", "nomor", "nama", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
    "tanggal_pengesahan", "penjelasan_singkat", "tujuan", "judul_tabel",
)
SHEET_LIST_KEYS = (
    "kop", "dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan",
    "peringatan", "pencatatan_pendataan", "definisi",
)
SHEET_KEYS = frozenset(SHEET_TEXT_KEYS + SHEET_LIST_KEYS + ("disahkan_oleh", "lampiran", "unit"))
TOP_KEYS = frozenset({"format", "code", "agency", "template", "unit", "sheet", "lanes", "steps", "tafsiran"})
# What an agency fills in when it adopts a national template: its own sheet header.
ADOPTION_SHEET_KEYS = ("kop", "nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan",
                       "disahkan_oleh")
STEP_KEYS = frozenset({
    "no", "kegiatan", "lane", "kind", "kelengkapan", "waktu", "output", "keterangan", "next",
    "question", "ya", "tidak", "inputs", "requires", "tafsiran", "disposisi", "petunjuk", "effect",
})
INPUT_KEYS = frozenset({"key", "label", "type", "required", "help", "options", "fields", "personal"})
# Record fields that make a records input personal data by themselves (UU 27/2022).
PERSONAL_FIELD_TYPES = frozenset({"nip", "email", "phone"})
# Role and unit-kind codes: data in the database (accounts.Role, accounts.UnitKind); a
# definition names them and the import checks that they exist.
_WORD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,59}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


@dataclass(frozen=True)
class Problem:
    source: str
    message: str
    step: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.step is not None:
            where.append(_("langkah %(no)s") % {"no": self.step})
        if self.field:
            where.append(_("kolom '%(field)s'") % {"field": self.field})
        return f"{', '.join(where)}: {self.message}"


class DefinitionError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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
    effect: dict = field(default_factory=dict, compare=False)

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
            "petunjuk": self.petunjuk, "effect": self.effect,
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
        return _Reader(source).read(data)


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
    return _Reader(source).read(load_yaml(text, source))


class _Reader:
    """Collects every problem of a definition instead of stopping at the first one."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, message: str, step: int | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(self.source, message, step, field))

    def read(self, data: Any) -> SopSpec:
        if not isinstance(data, dict):
            self.fail(_("isi berkas harus berupa pemetaan YAML (kunci: nilai)."))
            raise DefinitionError(self.problems)
        self._unknown_keys(data, TOP_KEYS)
        if data.get("format") != FORMAT:
            self.fail(_("format harus %(format)d.") % {"format": FORMAT}, field="format")
        code = self._text(data, "code", required=True)
        if code and not _CODE.match(code):
            self.fail(_("kode hanya boleh huruf kapital, angka dan tanda '-' (mis. PNG-UPDATE-SPSE)."), field="code")
        template = data.get("template", False)
        if not isinstance(template, bool):
            self.fail(_("harus true atau false."), field="template")
            template = False
        agency = self._text(data, "agency", required=not template)
        if template and agency:
            self.fail(_("templat nasional tidak dimiliki instansi mana pun; hapus 'agency' (instansi mengisinya "
                        "sendiri saat mengadopsi templat)."), field="agency")
        unit = self._unit_kind(data, "unit", required=True)
        sheet = self._sheet(data.get("sheet"))
        lanes = self._lanes(data.get("lanes"))
        steps = self._steps(data.get("steps"), {lane.role for lane in lanes})
        if steps and not self.problems:
            self._graph(steps)
        if self.problems:
            raise DefinitionError(self.problems)
        return SopSpec(code=code, agency=agency, unit=unit, sheet=sheet, lanes=tuple(lanes), steps=tuple(steps),
                       tafsiran=self._text(data, "tafsiran"), template=template)

    # -- small readers ---------------------------------------------------------------

    def _unknown_keys(self, data: dict, allowed: frozenset, step: int | None = None, prefix: str = "") -> None:
        for key in data:
            if key not in allowed:
                self.fail(_("kunci tidak dikenal (salah ketik?)."), step, f"{prefix}{key}")

    def _text(self, data: dict, key: str, *, required: bool = False, step: int | None = None, prefix: str = "") -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(_("harus berupa teks."), step, f"{prefix}{key}")
            return ""
        if required and not value.strip():
            self.fail(_("wajib diisi."), step, f"{prefix}{key}")
        return value

    def _unit_kind(self, data: dict, key: str, *, required: bool = False, prefix: str = "") -> str:
        value = self._text(data, key, required=required, prefix=prefix)
        if value and not _WORD.match(value):
            self.fail(_("kode jenis unit '%(unit)s' hanya boleh huruf kecil, angka dan '_' (mis. lpse).")
                      % {"unit": value}, field=f"{prefix}{key}")
        return value

    def _sheet(self, sheet: Any) -> dict:
        if not isinstance(sheet, dict):
            self.fail(_("wajib diisi dengan kepala SOP (nomor, nama, tanggal, disahkan oleh, ...)."), field="sheet")
            return {}
        self._unknown_keys(sheet, SHEET_KEYS, prefix="sheet.")
        out: dict[str, Any] = {}
        for key in SHEET_TEXT_KEYS:
            out[key] = self._text(sheet, key, required=key == "nama", prefix="sheet.")
        for key in SHEET_LIST_KEYS:
            value = sheet.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.fail(_("harus berupa daftar teks."), field=f"sheet.{key}")
                value = []
            out[key] = value
        out["unit"] = self._unit_kind(sheet, "unit", prefix="sheet.")
        signer = sheet.get("disahkan_oleh") or {}
        if not isinstance(signer, dict):
            self.fail(_("harus berisi jabatan, nama dan nip."), field="sheet.disahkan_oleh")
            signer = {}
        self._unknown_keys(signer, frozenset({"jabatan", "nama", "nip"}), prefix="sheet.disahkan_oleh.")
        out["disahkan_oleh"] = {k: self._text(signer, k, prefix="sheet.disahkan_oleh.") for k in ("jabatan", "nama", "nip")}
        lampiran = sheet.get("lampiran") or []
        if not isinstance(lampiran, list) or not all(isinstance(item, dict) for item in lampiran):
            self.fail(_("harus berupa daftar {judul, butir, catatan}."), field="sheet.lampiran")
            lampiran = []
        out["lampiran"] = [
            {"judul": self._text(item, "judul", prefix="sheet.lampiran."),
             "butir": [str(b) for b in item.get("butir") or []],
             "catatan": [str(c) for c in item.get("catatan") or []]}
            for item in lampiran
        ]
        return out

    def _lanes(self, lanes: Any) -> list[Lane]:
        if not isinstance(lanes, list) or not lanes:
            self.fail(_("wajib berisi paling sedikit satu pelaksana."), field="lanes")
            return []
        out: list[Lane] = []
        for i, lane in enumerate(lanes, 1):
            where = f"lanes[{i}]"
            if not isinstance(lane, dict):
                self.fail(_("harus berisi role dan label."), field=where)
                continue
            self._unknown_keys(lane, frozenset({"role", "label"}), prefix=f"{where}.")
            role = self._text(lane, "role", required=True, prefix=f"{where}.")
            label = self._text(lane, "label", required=True, prefix=f"{where}.")
            if role and not _WORD.match(role):
                self.fail(_("kode peran '%(role)s' hanya boleh huruf kecil, angka dan '_' (mis. kepala_lpse).")
                          % {"role": role}, field=f"{where}.role")
            elif role in {lane.role for lane in out}:
                self.fail(_("peran '%(role)s' tercantum dua kali.") % {"role": role}, field=f"{where}.role")
            else:
                out.append(Lane(role, label))
        return out

    def _target(self, raw: dict, key: str, no: int) -> int | str | None:
        value = raw.get(key)
        if value is None:
            return None
        if value == END or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self.fail(_("harus nomor langkah atau '%(end)s'.") % {"end": END}, no, key)
        return None

    def _waktu(self, raw: dict, no: int) -> Waktu:
        value = raw.get("waktu", "")
        if value is None:
            value = ""
        if isinstance(value, dict):
            text, amount, unit = value.get("text", ""), value.get("amount"), value.get("unit", "none")
            if unit not in UNITS or (unit != "none") != isinstance(amount, int) or not isinstance(text, str):
                self.fail(_("bentuk {text, amount, unit} tidak valid; unit salah satu: %(units)s.")
                          % {"units": ", ".join(UNITS)}, no, "waktu")
                return Waktu(text=str(text))
            return Waktu(text=text, amount=amount if unit != "none" else None, unit=unit)
        if not isinstance(value, str):
            value = str(value)
        try:
            return Waktu.parse(value)
        except WaktuUnreadable:
            self.fail(_("waktu '%(text)s' tidak terbaca; tulis mis. '1 hari', '10 Menit', '2 jam', "
                        "'3 hari kerja' atau 'N/A'.") % {"text": value}, no, "waktu")
            return Waktu(text=value)

    def _inputs(self, raw: Any, no: int, where: str, allowed_types: tuple[str, ...]) -> tuple[InputSpec, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.fail(_("harus berupa daftar."), no, where)
            return ()
        out: list[InputSpec] = []
        for i, item in enumerate(raw, 1):
            at = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.fail(_("harus berisi key, label dan type."), no, at)
                continue
            self._unknown_keys(item, INPUT_KEYS, no, f"{at}.")
            key = self._text(item, "key", required=True, step=no, prefix=f"{at}.")
            label = self._text(item, "label", required=True, step=no, prefix=f"{at}.")
            kind = self._text(item, "type", required=True, step=no, prefix=f"{at}.")
            if key and not _KEY.match(key):
                self.fail(_("key hanya boleh huruf kecil, angka dan '_', diawali huruf."), no, f"{at}.key")
            if key in {i.key for i in out}:
                self.fail(_("key '%(key)s' dipakai dua kali.") % {"key": key}, no, f"{at}.key")
            if kind and kind not in allowed_types:
                self.fail(_("type '%(type)s' tidak dikenal; pilih salah satu: %(choices)s.")
                          % {"type": kind, "choices": ", ".join(allowed_types)}, no, f"{at}.type")
            options: tuple[tuple[str, str], ...] = ()
            if kind in ("choice", "checklist"):
                raw_options = item.get("options")
                if not isinstance(raw_options, list) or not raw_options or not all(
                    isinstance(o, dict) and o.get("value") and o.get("label") for o in raw_options
                ):
                    self.fail(_("pilihan wajib berupa daftar {value, label}."), no, f"{at}.options")
                else:
                    options = tuple((str(o["value"]), str(o["label"])) for o in raw_options)
            fields: tuple[InputSpec, ...] = ()
            if kind == "records":
                fields = self._inputs(item.get("fields"), no, f"{at}.fields", RECORD_FIELD_TYPES)
                if not fields:
                    self.fail(_("records wajib punya fields."), no, f"{at}.fields")
            required = item.get("required", True)
            if not isinstance(required, bool):
                self.fail(_("harus true atau false."), no, f"{at}.required")
            personal = item.get("personal", False)
            if not isinstance(personal, bool):
                self.fail(_("harus true atau false."), no, f"{at}.personal")
            out.append(InputSpec(key=key, label=label, type=kind, required=bool(required),
                                 help=self._text(item, "help", step=no, prefix=f"{at}."),
                                 options=options, fields=fields, personal=personal is True))
        return tuple(out)

    def _steps(self, raw_steps: Any, lane_roles: set[str]) -> list[StepSpec]:
        if not isinstance(raw_steps, list) or not raw_steps:
            self.fail(_("wajib berisi paling sedikit satu langkah."), field="steps")
            return []
        steps: list[StepSpec] = []
        seen: set[int] = set()
        for index, raw in enumerate(raw_steps, 1):
            if not isinstance(raw, dict):
                self.fail(_("langkah ke-%(i)d harus berupa pemetaan.") % {"i": index}, field="steps")
                continue
            no = raw.get("no")
            if not isinstance(no, int) or isinstance(no, bool) or no < 1:
                self.fail(_("langkah ke-%(i)d: nomor wajib berupa bilangan bulat positif.") % {"i": index}, field="no")
                continue
            if no in seen:
                self.fail(_("nomor langkah %(no)d dipakai lebih dari sekali.") % {"no": no}, no, "no")
                continue
            seen.add(no)
            self._unknown_keys(raw, STEP_KEYS, no)
            kind = raw.get("kind", PROCESS)
            if kind not in (PROCESS, DECISION):
                self.fail(_("jenis harus 'process' atau 'decision'."), no, "kind")
                kind = PROCESS
            lane = self._text(raw, "lane", required=True, step=no)
            if lane and lane not in lane_roles:
                self.fail(_("peran '%(role)s' tidak ada di daftar pelaksana (lanes).") % {"role": lane}, no, "lane")
            step = StepSpec(
                no=no, kind=kind, lane=lane,
                kegiatan=self._text(raw, "kegiatan", required=True, step=no),
                kelengkapan=self._text(raw, "kelengkapan", step=no),
                waktu=self._waktu(raw, no),
                output=self._text(raw, "output", step=no),
                keterangan=self._text(raw, "keterangan", step=no),
                question=self._text(raw, "question", step=no),
                next=self._target(raw, "next", no),
                ya=self._target(raw, "ya", no),
                tidak=self._target(raw, "tidak", no),
                inputs=self._inputs(raw.get("inputs"), no, "inputs", INPUT_TYPES),
                requires=tuple(self._requires(raw.get("requires"), no)),
                tafsiran=self._text(raw, "tafsiran", step=no),
                disposisi=self._flag(raw, "disposisi", no),
                petunjuk=self._text(raw, "petunjuk", step=no),
                effect=self._effect(raw.get("effect"), no),
            )
            if kind == DECISION:
                if step.ya is None or step.tidak is None:
                    self.fail(_("langkah keputusan wajib punya kedua cabang: 'ya' dan 'tidak'."), no,
                              "ya" if step.ya is None else "tidak")
                if "next" in raw:
                    self.fail(_("langkah keputusan tidak memakai 'next'; gunakan 'ya' dan 'tidak'."), no, "next")
            else:
                if step.next is None:
                    self.fail(_("wajib diisi: nomor langkah berikutnya atau '%(end)s'.") % {"end": END}, no, "next")
                for key in ("ya", "tidak", "question"):
                    if key in raw:
                        self.fail(_("hanya untuk langkah keputusan (kind: decision)."), no, key)
            steps.append(step)
        supplied = {i.key for s in steps for i in s.inputs}
        numbers = {s.no for s in steps}
        for step in steps:
            for key in step.requires:
                if key not in supplied:
                    self.fail(_("'%(key)s' tidak diserahkan oleh langkah mana pun (inputs).") % {"key": key}, step.no, "requires")
            for name in ("next", "ya", "tidak"):
                target = getattr(step, name)
                if isinstance(target, int) and target not in numbers:
                    self.fail(_("langkah %(target)d tidak ada.") % {"target": target}, step.no, name)
        return steps

    def _flag(self, raw: dict, key: str, no: int) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.fail(_("harus true atau false."), no, key)
            return False
        return value

    def _effect(self, raw: Any, no: int) -> dict:
        from workflows.effects import EFFECTS

        if raw is None or raw == {}:
            return {}
        if not isinstance(raw, dict) or raw.get("type") not in EFFECTS:
            self.fail(_("effect harus berupa {type: ...}; type salah satu: %(choices)s.")
                      % {"choices": ", ".join(EFFECTS)}, no, "effect")
            return {}
        problem = EFFECTS[raw["type"]].check_params(raw)
        if problem:
            self.fail(problem, no, "effect")
        return dict(raw)

    def _requires(self, raw: Any, no: int) -> list[str]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
            self.fail(_("harus berupa daftar key."), no, "requires")
            return []
        return raw

    def _graph(self, steps: list[StepSpec]) -> None:
        successors = {s.no: [t for t in s.targets if t is not None] for s in steps}
        reached, queue = {steps[0].no}, deque([steps[0].no])
        while queue:
            for target in successors[queue.popleft()]:
                if target != END and target not in reached:
                    reached.add(target)
                    queue.append(target)
        for step in steps:
            if step.no not in reached:
                self.fail(_("tidak ada jalur dari langkah pertama yang sampai ke langkah ini."), step.no, "no")
        finishing = {no for no, targets in successors.items() if END in targets}
        changed = True
        while changed:
            changed = False
            for no, targets in successors.items():
                if no not in finishing and any(t in finishing for t in targets):
                    finishing.add(no)
                    changed = True
        for step in steps:
            if step.no in reached and step.no not in finishing:
                self.fail(_("jalur dari langkah ini tidak pernah sampai ke akhir ('%(end)s').") % {"end": END}, step.no, "next")
