"""What changed between two versions of one SOP: header, lanes and steps, side by side.

Pure: works on two ``SopSpec`` and touches no database. ``diff_specs(old, new)`` pairs the
steps of both versions and says, field by field, what was added, removed or changed; the
mutu baku columns (kelengkapan, waktu, output) are flagged so the page can stress them.

Steps are paired in this order:
1. same number and same kegiatan;
2. same kegiatan at another number (the step moved or was renumbered);
3. among what is left, the best of: the same number (always eligible, whatever its text:
   a step rewritten in place reads as *changed*) or a similar kegiatan at another number
   (a step that moved *and* was edited); a same-number pair gets a head start;
4. whatever is still unpaired was added (new) or removed (old).

Only the public attributes of ``SopSpec``/``StepSpec``/``InputSpec`` are read.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"
MUTU_BAKU = ("kelengkapan", "waktu", "output")

# A different-number pair needs kegiatan this similar to count as the same step, moved.
MOVED_SIMILARITY = 0.6
# Same-number pairs win ties and near-ties: "by step number first".
SAME_NUMBER_BONUS = 0.25

SHEET_LABELS = {
    "judul": _("Judul"), "nomor": _("Nomor SOP"), "nama": _("Nama SOP"),
    "tanggal_pembuatan": _("Tanggal pembuatan"), "tanggal_revisi": _("Tanggal revisi"),
    "tanggal_efektif": _("Tanggal efektif"), "tanggal_pengesahan": _("Tanggal pengesahan"),
    "disahkan_oleh.jabatan": _("Disahkan oleh: jabatan"), "disahkan_oleh.nama": _("Disahkan oleh: nama"),
    "disahkan_oleh.nip": _("Disahkan oleh: NIP"), "kop": _("Kop"), "unit": _("Unit penerbit"),
    "dasar_hukum": _("Dasar hukum"), "kualifikasi_pelaksana": _("Kualifikasi pelaksana"),
    "keterkaitan": _("Keterkaitan"), "peralatan_perlengkapan": _("Peralatan/perlengkapan"),
    "peringatan": _("Peringatan"), "pencatatan_pendataan": _("Pencatatan dan pendataan"),
    "penjelasan_singkat": _("Penjelasan singkat"), "tujuan": _("Tujuan"), "definisi": _("Definisi"),
    "judul_tabel": _("Judul tabel"), "lampiran": _("Lampiran"), "tafsiran": _("Tafsiran SOP"),
}
STEP_LABELS = {
    "no": _("Nomor langkah"), "kegiatan": _("Kegiatan"), "lane": _("Pelaksana"), "kind": _("Jenis"),
    "kelengkapan": _("Kelengkapan"), "waktu": _("Waktu"), "output": _("Output"), "keterangan": _("Keterangan"),
    "question": _("Pertanyaan"), "next": _("Langkah berikutnya"), "ya": _("Jika YA"), "tidak": _("Jika TIDAK"),
    "requires": _("Memerlukan"), "disposisi": _("Disposisi"), "petunjuk": _("Petunjuk"), "tafsiran": _("Tafsiran"),
}
# Always shown for a paired step; the others only when they changed.
STEP_CORE = ("kegiatan", "lane", "kelengkapan", "waktu", "output")
INPUT_TYPE_LABELS = {
    "document": _("dokumen"), "text": _("teks"), "datetime": _("tanggal dan jam"), "choice": _("pilihan"),
    "checklist": _("daftar periksa"), "records": _("daftar data"), "nip": _("NIP"), "email": _("email"),
    "phone": _("telepon"), "pangkat": _("pangkat/golongan"),
}


@dataclass(frozen=True)
class Part:
    """A run of words of one side of a changed text; ``changed`` when the other side lacks it."""
    text: str
    changed: bool


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def word_parts(old: str, new: str) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
    """Both texts cut into runs, the words that differ marked, for highlighting inside a cell."""
    a, b = _words(old), _words(new)
    left: list[Part] = []
    right: list[Part] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            _add(left, "".join(a[i1:i2]), op != "equal")
        if j2 > j1:
            _add(right, "".join(b[j1:j2]), op != "equal")
    return tuple(left), tuple(right)


def _add(parts: list[Part], text: str, changed: bool) -> None:
    """Append a run; the spaces around a changed run are not highlighted."""
    if changed:
        core = text.strip()
        if not core:
            changed = False
        else:
            head, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            if head:
                parts.append(Part(head, False))
            parts.append(Part(core, True))
            if tail:
                parts.append(Part(tail, False))
            return
    parts.append(Part(text, changed))


@dataclass(frozen=True)
class FieldDiff:
    """One field of the header or of a step, both sides as display text."""
    name: str
    label: str
    status: str  # same, added, removed, changed
    old: str = ""
    new: str = ""
    mutu_baku: bool = False

    @property
    def changed(self) -> bool:
        return self.status != SAME

    @property
    def parts(self) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
        return word_parts(str(self.old), str(self.new))

    @property
    def old_parts(self) -> tuple[Part, ...]:
        return self.parts[0]

    @property
    def new_parts(self) -> tuple[Part, ...]:
        return self.parts[1]


@dataclass(frozen=True)
class ItemDiff:
    """One entry of a list (a header list, a step's inputs): added, removed, changed or the same."""
    status: str
    old: str = ""
    new: str = ""
    key: str = ""

    @property
    def changed(self) -> bool:
        return self.status != SAME


@dataclass(frozen=True)
class ListDiff:
    """A header list (dasar hukum, peringatan, ...) item by item."""
    name: str
    label: str
    items: tuple[ItemDiff, ...]

    @property
    def changed(self) -> bool:
        return any(i.changed for i in self.items)

    @property
    def has_old(self) -> bool:
        return any(i.status != ADDED for i in self.items)

    @property
    def has_new(self) -> bool:
        return any(i.status != REMOVED for i in self.items)


@dataclass(frozen=True)
class LaneDiff:
    role: str
    status: str  # same, added, removed, changed (relabelled)
    old_label: str = ""
    new_label: str = ""
    old_position: int | None = None
    new_position: int | None = None

    @property
    def changed(self) -> bool:
        return self.status != SAME


@dataclass(frozen=True)
class StepDiff:
    status: str  # same, added, removed, changed
    old_no: int | None
    new_no: int | None
    old_kegiatan: str = ""
    new_kegiatan: str = ""
    fields: tuple[FieldDiff, ...] = ()
    inputs: tuple[ItemDiff, ...] = ()

    @property
    def renumbered(self) -> bool:
        return self.old_no is not None and self.new_no is not None and self.old_no != self.new_no

    @property
    def changed(self) -> bool:
        return self.status != SAME or self.renumbered

    @property
    def no(self) -> int:
        return self.new_no if self.new_no is not None else self.old_no

    @property
    def mutu_baku_changed(self) -> bool:
        return self.status == CHANGED and any(f.mutu_baku and f.changed for f in self.fields)

    @property
    def changed_fields(self) -> tuple[FieldDiff, ...]:
        return tuple(f for f in self.fields if f.changed)

    @property
    def shown_fields(self) -> tuple[FieldDiff, ...]:
        """What the page shows for the step: the core columns, and any other field that changed."""
        return tuple(f for f in self.fields if f.changed or f.name in STEP_CORE)

    @property
    def inputs_changed(self) -> bool:
        return any(i.changed for i in self.inputs)

    @property
    def has_old_inputs(self) -> bool:
        return any(i.status != ADDED for i in self.inputs)

    @property
    def has_new_inputs(self) -> bool:
        return any(i.status != REMOVED for i in self.inputs)


@dataclass(frozen=True)
class SopDiff:
    sheet: tuple[FieldDiff, ...]
    sheet_lists: tuple[ListDiff, ...]
    lanes: tuple[LaneDiff, ...]
    steps: tuple[StepDiff, ...]
    code_changed: bool = False

    def _count(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)

    @property
    def changed_count(self) -> int:
        return self._count(CHANGED)

    @property
    def added_count(self) -> int:
        return self._count(ADDED)

    @property
    def removed_count(self) -> int:
        return self._count(REMOVED)

    @property
    def renumbered_count(self) -> int:
        return sum(1 for s in self.steps if s.renumbered)

    @property
    def mutu_baku_steps(self) -> tuple[int, ...]:
        """Numbers (in the newer version) of the paired steps whose kelengkapan, waktu or output changed."""
        return tuple(s.new_no for s in self.steps if s.mutu_baku_changed)

    @property
    def changed_steps(self) -> tuple[StepDiff, ...]:
        return tuple(s for s in self.steps if s.changed)

    @property
    def unchanged_steps(self) -> tuple[StepDiff, ...]:
        return tuple(s for s in self.steps if not s.changed)

    @property
    def sheet_changes(self) -> tuple[FieldDiff, ...]:
        return tuple(f for f in self.sheet if f.changed)

    @property
    def sheet_list_changes(self) -> tuple[ListDiff, ...]:
        return tuple(d for d in self.sheet_lists if d.changed)

    @property
    def header_change_count(self) -> int:
        return len(self.sheet_changes) + len(self.sheet_list_changes)

    @property
    def header_changed(self) -> bool:
        return bool(self.sheet_changes or self.sheet_list_changes)

    @property
    def lane_changes(self) -> tuple[LaneDiff, ...]:
        return tuple(lane for lane in self.lanes if lane.changed)

    @property
    def is_empty(self) -> bool:
        return not (self.header_changed or self.lane_changes or self.changed_steps)


# -- header -------------------------------------------------------------------------------

def _status(old: Any, new: Any, old_present: bool = True, new_present: bool = True) -> str:
    if old == new:
        return SAME
    if not old_present or old in ("", None):
        return ADDED
    if not new_present or new in ("", None):
        return REMOVED
    return CHANGED


def _text_field(name: str, label, old: Any, new: Any, mutu_baku: bool = False,
                show_old: str | None = None, show_new: str | None = None) -> FieldDiff:
    old_text = "" if old is None else old
    new_text = "" if new is None else new
    return FieldDiff(name=name, label=label, status=_status(old_text, new_text),
                     old=old_text if show_old is None else show_old,
                     new=new_text if show_new is None else show_new, mutu_baku=mutu_baku)


def _as_text(value: Any) -> str:
    """Any header value as one line of text (a lampiran entry, an unexpected mapping)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            text = _as_text(item)
            if text:
                parts.append(f"{key}: {text}")
        return "; ".join(parts)
    if isinstance(value, (list, tuple)):
        return "; ".join(_as_text(v) for v in value if _as_text(v))
    return str(value)


def _list_items(old: list[str], new: list[str]) -> tuple[ItemDiff, ...]:
    items: list[ItemDiff] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            items.extend(ItemDiff(SAME, o, o) for o in old[i1:i2])
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        items.extend(ItemDiff(CHANGED, o, n) for o, n in zip(olds[:paired], news[:paired], strict=True))
        items.extend(ItemDiff(REMOVED, o, "") for o in olds[paired:])
        items.extend(ItemDiff(ADDED, "", n) for n in news[paired:])
    return tuple(items)


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [_as_text(v) for v in value]
    return [_as_text(value)]


def _sheet(old: dict, new: dict, old_tafsiran: str, new_tafsiran: str) -> tuple[tuple[FieldDiff, ...], tuple[ListDiff, ...]]:
    old, new = dict(old or {}), dict(new or {})
    keys = list(SHEET_LABELS)
    keys += sorted(k for k in {*old, *new} if k not in SHEET_LABELS and k != "disahkan_oleh")
    fields: list[FieldDiff] = []
    lists: list[ListDiff] = []
    for key in keys:
        if key == "tafsiran":
            fields.append(_text_field(key, SHEET_LABELS[key], old_tafsiran or "", new_tafsiran or ""))
        elif key.startswith("disahkan_oleh."):
            sub = key.split(".", 1)[1]
            fields.append(_text_field(key, SHEET_LABELS[key], _as_text((old.get("disahkan_oleh") or {}).get(sub)),
                                      _as_text((new.get("disahkan_oleh") or {}).get(sub))))
        elif isinstance(old.get(key), (list, tuple)) or isinstance(new.get(key), (list, tuple)):
            lists.append(ListDiff(key, SHEET_LABELS.get(key, key), _list_items(_as_list(old.get(key)),
                                                                               _as_list(new.get(key)))))
        else:
            fields.append(_text_field(key, SHEET_LABELS.get(key, key), _as_text(old.get(key)), _as_text(new.get(key))))
    return tuple(fields), tuple(lists)


def _lanes(old_lanes, new_lanes) -> tuple[LaneDiff, ...]:
    old = {lane.role: (i, lane.label) for i, lane in enumerate(old_lanes, 1)}
    new = {lane.role: (i, lane.label) for i, lane in enumerate(new_lanes, 1)}
    out: list[LaneDiff] = []
    for role, (position, label) in new.items():
        if role not in old:
            out.append(LaneDiff(role, ADDED, "", label, None, position))
        else:
            before, old_label = old[role]
            out.append(LaneDiff(role, SAME if old_label == label else CHANGED, old_label, label, before, position))
    for role, (position, label) in old.items():
        if role not in new:
            out.append(LaneDiff(role, REMOVED, label, "", position, None))
    return tuple(out)


# -- steps --------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def match_steps(old_steps, new_steps) -> dict[int, int]:
    """Old step number -> new step number for the steps that are the same step in both versions."""
    old_left = {s.no: s for s in old_steps}
    new_left = {s.no: s for s in new_steps}
    pairs: dict[int, int] = {}

    def pair(o: int, n: int) -> None:
        pairs[o] = n
        del old_left[o], new_left[n]

    # 1. Same number, same kegiatan.
    for no in [no for no in old_left if no in new_left]:
        if _norm(old_left[no].kegiatan) == _norm(new_left[no].kegiatan):
            pair(no, no)
    # 2. Same kegiatan at another number: moved or renumbered. Nearest number first when repeated.
    by_text: dict[str, list[int]] = {}
    for no, step in new_left.items():
        by_text.setdefault(_norm(step.kegiatan), []).append(no)
    for o in sorted(old_left):
        candidates = [n for n in by_text.get(_norm(old_left[o].kegiatan), []) if n in new_left]
        if candidates:
            pair(o, min(candidates, key=lambda n: (abs(n - o), n)))
    # 3. What is left: same number always eligible, another number only when the kegiatan is similar.
    scored = []
    for o, old_step in old_left.items():
        for n, new_step in new_left.items():
            similarity = _similarity(old_step.kegiatan, new_step.kegiatan)
            if o == n:
                scored.append((similarity + SAME_NUMBER_BONUS, o, n))
            elif similarity >= MOVED_SIMILARITY:
                scored.append((similarity, o, n))
    for _score, o, n in sorted(scored, key=lambda t: (-t[0], abs(t[1] - t[2]), t[1], t[2])):
        if o in old_left and n in new_left:
            pair(o, n)
    return pairs


def _target_text(target: Any, spec=None) -> str:
    """A next/ya/tidak target as text; a step's kegiatan follows its number, since numbers move."""
    if target is None:
        return ""
    if target == "end":
        return str(_("selesai"))
    text = str(_("langkah %(no)s") % {"no": target})
    kegiatan = next((s.kegiatan for s in getattr(spec, "steps", ()) if s.no == target), "")
    if kegiatan:
        kegiatan = " ".join(kegiatan.split())
        text += f" ({kegiatan[:57] + '...' if len(kegiatan) > 60 else kegiatan})"
    return text


def _kind_text(kind: str) -> str:
    return str({"process": _("proses"), "decision": _("keputusan")}.get(kind, kind))


def _lane_text(spec, role: str) -> str:
    for lane in spec.lanes:
        if lane.role == role:
            return lane.label
    return role


def _flag_text(value: bool) -> str:
    return str(_("ya")) if value else ""


def _waktu_key(waktu) -> tuple:
    return (getattr(waktu, "text", str(waktu)), getattr(waktu, "amount", None), getattr(waktu, "unit", None))


def input_text(item) -> str:
    """One input (kelengkapan item the pelaksana hands in) as one line."""
    kind = str(INPUT_TYPE_LABELS.get(item.type, item.type))
    notes = [kind]
    if not item.required:
        notes.append(str(_("tidak wajib")))
    if item.personal:
        notes.append(str(_("data pribadi")))
    text = f"{item.label} ({', '.join(notes)})"
    if item.options:
        text += ": " + ", ".join(label for _value, label in item.options)
    if item.fields:
        text += ": " + ", ".join(input_text(f) for f in item.fields)
    return text


def _input_key(item) -> tuple:
    return (item.label, item.type, item.required, tuple(item.options), item.personal,
            tuple(_input_key(f) + (f.key,) for f in item.fields))


def _inputs(old_inputs, new_inputs) -> tuple[ItemDiff, ...]:
    old = {i.key: i for i in old_inputs or ()}
    new = {i.key: i for i in new_inputs or ()}
    out: list[ItemDiff] = []
    for key, item in new.items():
        if key not in old:
            out.append(ItemDiff(ADDED, "", input_text(item), key))
        else:
            status = SAME if _input_key(old[key]) == _input_key(item) else CHANGED
            out.append(ItemDiff(status, input_text(old[key]), input_text(item), key))
    out.extend(ItemDiff(REMOVED, input_text(item), "", key) for key, item in old.items() if key not in new)
    return tuple(out)


def _step_fields(old_spec, new_spec, old, new, pairs: dict[int, int]) -> tuple[FieldDiff, ...]:
    """Every compared field of a step present in one or both versions."""
    def get(step, name, default=""):
        return getattr(step, name, default) if step is not None else default

    fields: list[FieldDiff] = []
    for name in ("kegiatan", "lane", "kind", "kelengkapan", "waktu", "output", "keterangan", "question",
                 "next", "ya", "tidak", "requires", "disposisi", "petunjuk", "tafsiran"):
        label = STEP_LABELS[name]
        mutu = name in MUTU_BAKU
        if name == "lane":
            o, n = get(old, "lane"), get(new, "lane")
            status = _status(o, n)
            o_text = _lane_text(old_spec, o) if old is not None else ""
            n_text = _lane_text(new_spec, n) if new is not None else ""
            # A relabelled lane is the same pelaksana: the lanes block says so once.
            fields.append(FieldDiff(name, label, status, o_text, n_text))
        elif name == "kind":
            fields.append(_text_field(name, label, get(old, "kind"), get(new, "kind"),
                                      show_old=_kind_text(get(old, "kind")) if old is not None else "",
                                      show_new=_kind_text(get(new, "kind")) if new is not None else ""))
        elif name == "waktu":
            o, n = get(old, "waktu", None), get(new, "waktu", None)
            ok, nk = (_waktu_key(o) if o is not None else None), (_waktu_key(n) if n is not None else None)
            o_text, n_text = (ok[0] if ok else ""), (nk[0] if nk else "")
            # The same text read another way (an explicit {amount, unit}) is a change too.
            status = SAME if ok == nk else (_status(o_text, n_text) if o_text != n_text else CHANGED)
            fields.append(FieldDiff(name, label, status, o_text, n_text, mutu_baku=True))
        elif name in ("next", "ya", "tidak"):
            o, n = get(old, name, None), get(new, name, None)
            # Compared through the pairing: pointing at the same (renumbered) step is no change.
            mapped = pairs.get(o, o) if isinstance(o, int) else o
            if mapped == n:
                status = SAME
            else:  # o == n can still be a change: the step numbered n is another step now
                status = CHANGED if o is not None and n is not None else _status(o, n)
            fields.append(FieldDiff(name, label, status, _target_text(o, old_spec), _target_text(n, new_spec)))
        elif name == "requires":
            o, n = tuple(get(old, name, ())), tuple(get(new, name, ()))
            fields.append(_text_field(name, label, ", ".join(o), ", ".join(n)))
        elif name == "disposisi":
            o, n = bool(get(old, name, False)), bool(get(new, name, False))
            fields.append(FieldDiff(name, label, SAME if o == n else (ADDED if n else REMOVED),
                                    _flag_text(o), _flag_text(n)))
        else:
            fields.append(_text_field(name, label, get(old, name) or "", get(new, name) or "", mutu_baku=mutu))
    return tuple(fields)


def _step_diff(old_spec, new_spec, old, new, pairs) -> StepDiff:
    fields = _step_fields(old_spec, new_spec, old, new, pairs)
    inputs = _inputs(get_inputs(old), get_inputs(new))
    if old is None:
        status = ADDED
    elif new is None:
        status = REMOVED
    else:
        status = CHANGED if any(f.changed for f in fields) or any(i.changed for i in inputs) else SAME
    return StepDiff(status=status, old_no=old.no if old else None, new_no=new.no if new else None,
                    old_kegiatan=old.kegiatan if old else "", new_kegiatan=new.kegiatan if new else "",
                    fields=fields, inputs=inputs)


def get_inputs(step) -> tuple:
    return tuple(step.inputs) if step is not None else ()


def diff_specs(old, new) -> SopDiff:
    """What changed from ``old`` to ``new`` (two ``SopSpec``, normally versions of one SOP)."""
    pairs = match_steps(old.steps, new.steps)
    old_by_no = {s.no: s for s in old.steps}
    new_to_old = {n: o for o, n in pairs.items()}
    rows: list[StepDiff] = []
    # Removed steps sit after the row of the nearest earlier old step that is still there.
    removed_after: dict[int | None, list] = {}
    anchor = None
    for step in old.steps:
        if step.no in pairs:
            anchor = pairs[step.no]
        else:
            removed_after.setdefault(anchor, []).append(step)
    for step in removed_after.get(None, []):
        rows.append(_step_diff(old, new, step, None, pairs))
    for step in new.steps:
        before = old_by_no.get(new_to_old[step.no]) if step.no in new_to_old else None
        rows.append(_step_diff(old, new, before, step, pairs))
        for gone in removed_after.get(step.no, []):
            rows.append(_step_diff(old, new, gone, None, pairs))
    sheet, sheet_lists = _sheet(old.sheet, new.sheet, getattr(old, "tafsiran", ""), getattr(new, "tafsiran", ""))
    return SopDiff(sheet=sheet, sheet_lists=sheet_lists, lanes=_lanes(old.lanes, new.lanes), steps=tuple(rows),
                   code_changed=getattr(old, "code", None) != getattr(new, "code", None))
