"""Import-time checks shared by effects: a parameter naming an input of the step."""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def input_problems(effect: Any, step: Any) -> list[tuple[str, str]]:
    """Each parameter of ``effect.input_params`` must name an input of ``step`` of an accepted type."""
    inputs = {i.key: i for i in step.inputs}
    problems = []
    for param, types in effect.input_params.items():
        key = getattr(effect, param, None)
        if not key:
            continue
        found = inputs.get(key)
        if found is None:
            problems.append((param, _("'%(key)s' bukan input langkah ini; tambahkan input '%(key)s' (type: "
                                      "%(types)s) di inputs.") % {"key": key, "types": " / ".join(types)}))
        elif found.type not in types:
            problems.append((param, _("input '%(key)s' bertipe %(type)s; efek %(effect)s butuh input bertipe "
                                      "%(types)s.") % {"key": key, "type": found.type, "effect": effect.type,
                                                       "types": " / ".join(types)}))
    return problems
