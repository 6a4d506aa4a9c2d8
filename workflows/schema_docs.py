"""The key tables of docs/sop-format.md, generated from the schema (``manage.py sop_schema --markdown``).

Each table sits between ``<!-- schema:<name> -->`` and ``<!-- /schema:<name> -->``; the prose
around them is written by hand and kept.
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from workflows.effects import Effect, effect_classes
from workflows.effects.base import effect_names
from workflows.schema import Definition, InputModel, LaneModel, Sheet, Signer, StepModel

DOC = Path(__file__).resolve().parent.parent / "docs" / "sop-format.md"


def _type(schema: dict) -> str:
    """A short reading of a property's JSON Schema type."""
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "anyOf" in schema:
        return " \\| ".join(dict.fromkeys(_type(s) for s in schema["anyOf"] if s.get("type") != "null"))
    if "$ref" in schema:
        return "pemetaan"
    kind = schema.get("type")
    if kind == "array":
        return f"daftar {_type(schema.get('items', {}))}".strip()
    return {"string": "teks", "integer": "bilangan bulat", "boolean": "true/false", "object": "pemetaan",
            "number": "angka"}.get(kind, "")


def table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> str:
    properties = model.model_json_schema()["properties"]
    rows = ["| kunci | wajib | jenis | arti |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        prop = properties.get(name, {})
        required = "ya" if field.is_required() else "tidak"
        meaning = f"**{field.title}**. {field.description or ''}".replace("\n", " ").replace("|", "\\|").strip()
        rows.append(f"| `{name}` | {required} | {_type(prop)} | {meaning} |")
    return "\n".join(rows)


def effects_section() -> str:
    parts = ["Kunci yang dimiliki setiap efek:", "", table(Effect)]
    for cls in effect_classes():
        names = " / ".join(f"`{n}`" for n in effect_names(cls))
        parts += ["", f"**{names}**: {(cls.__doc__ or '').strip()}", "", table(cls, skip=("type", "on"))]
    return "\n".join(parts)


def sections() -> dict[str, str]:
    return {"top": table(Definition), "sheet": table(Sheet), "signer": table(Signer), "lanes": table(LaneModel),
            "steps": table(StepModel), "inputs": table(InputModel), "effects": effects_section()}


def render(text: str) -> str:
    """``text`` (the document) with every generated section replaced by the current schema's."""
    for name, body in sections().items():
        pattern = re.compile(rf"(<!-- schema:{name} -->\n).*?(<!-- /schema:{name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise ValueError(f"marker <!-- schema:{name} --> missing in the document")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text
