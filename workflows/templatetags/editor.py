"""One tag for every field of the SOP editor: label, control, help and its message slot,
wired for the live checks (htmx) and for screen readers (aria-describedby, aria-invalid)."""
from django import template

from workflows.draft_editor import field_id, schema_title, slot_id

register = template.Library()


@register.inclusion_tag("workflows/drafts/_field.html", takes_context=True)
def field(context, path: str, label="", value="", kind: str = "text", choices=(), help_text="", reshapes=False,
          rows=3, blank=None):
    """``label``: by default the definition schema's title of the field.
    ``reshapes``: changing it changes the form itself (a step's kind, an input's type,
    a lane), so the change re-renders the editor instead of only checking it."""
    errors = context.get("errors", {}).get(path, [])
    label = label or schema_title(path)
    return {
        "path": path, "id": field_id(path), "slot": slot_id(path), "label": label, "kind": kind,
        "value": "" if value is None else value, "choices": choices, "help_text": help_text, "errors": errors,
        "reshapes": reshapes and context.get("editable"), "rows": rows, "blank": blank,
        "editable": context.get("editable"), "draft": context.get("draft"),
        "autofocus": context.get("focus") == path,
    }


@register.filter
def lines(value) -> str:
    return "\n".join(str(v) for v in value) if isinstance(value, (list, tuple)) else (value or "")


@register.filter
def as_str(value) -> str:
    return "" if value is None else str(value)


@register.inclusion_tag("workflows/drafts/_slot.html", takes_context=True)
def slot(context, path: str):
    """The message place of a part of the form that is not one field (a list, the inputs)."""
    return {"slot": slot_id(path), "errors": context.get("errors", {}).get(path, [])}


@register.simple_tag(name="slot_id")
def slot_id_tag(path: str) -> str:
    return slot_id(path)
