"""What is wrong with a definition, and where: the one error type bad definitions raise."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


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
