"""Message templates of effects: ``{judul}``, ``{sop}``, ``{instansi}``, ``{langkah}``,
``{pelaksana}`` and ``{<input key>}`` for the step's text, choice and datetime inputs."""
from __future__ import annotations

import string
from typing import Any

from django.utils.translation import gettext as _

CASE_PLACEHOLDERS = {
    "judul": "judul kasus", "sop": "nama SOP", "instansi": "nama instansi", "langkah": "kegiatan langkah ini",
    "pelaksana": "nama pelaksana yang mengerjakan langkah",
}
INPUT_TYPES = ("text", "choice", "datetime")


def known_placeholders(step: Any) -> set[str]:
    return set(CASE_PLACEHOLDERS) | {i.key for i in step.inputs if i.type in INPUT_TYPES}


def template_problem(template: str, step: Any) -> str | None:
    """Why ``template`` cannot be rendered for ``step``: bad braces or an unknown placeholder."""
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return _("kurung kurawal tidak berpasangan; tulis {nama} untuk isian, {{ dan }} untuk kurung itu sendiri.")
    known = known_placeholders(step)
    for name in names:
        if name not in known:
            return _("isian {%(name)s} tidak dikenal; yang dapat dipakai: %(known)s.") % {
                "name": name, "known": ", ".join("{%s}" % k for k in sorted(known))}
    return None


def render(template: str, ctx: Any) -> str:
    """The template filled in for the case and the step's kelengkapan."""
    from workflows.templatetags.tanggal import tanggal

    case, step = ctx.case, ctx.step
    values: dict[str, str] = {"judul": case.title, "sop": case.spec.name, "instansi": case.agency.name,
                              "langkah": step.kegiatan, "pelaksana": ctx.by.full_name}
    for spec in step.inputs:
        value = ctx.cleaned.get(spec.key)
        if spec.type == "datetime" and value is not None:
            values[spec.key] = tanggal(value, case.agency)
        elif spec.type == "choice":
            values[spec.key] = dict(spec.options).get(value, value or "")
        elif spec.type == "text":
            values[spec.key] = value or ""
    return string.Formatter().vformat(template, (), values)
