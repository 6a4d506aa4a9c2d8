"""The base of every effect and the registry the definition schema reads.

An effect is a named behaviour with typed parameters, declared on a step of a definition
(``effect: {type: ...}`` or ``effects: [{type: ..., on: ...}]``). Its parameter model is the
effect itself: a frozen pydantic model whose fields the definition schema (and so the JSON
Schema, the editor and the documentation) reads. At import ``problems`` checks the
parameters against the step's inputs; when the step is taken, ``check`` may refuse the
handed-in kelengkapan before anything is stored and ``apply`` runs inside the step's
transaction afterwards.

This module must not import models, engine or services at module level: the schema imports
it, and the models import the schema.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, get_args

from django.utils.translation import gettext_noop
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from typing import Annotated

# When an effect runs: on completing a process step, or on the YA / TIDAK answer of a decision.
ON_COMPLETE, ON_YA, ON_TIDAK = "complete", "ya", "tidak"
On = Literal["complete", "ya", "tidak"]
ACTION_ON = {"complete": ON_COMPLETE, "decide_ya": ON_YA, "decide_tidak": ON_TIDAK}

EFFECTS: dict[str, type[Effect]] = {}

# Parameter types: the key of an input of the step; the code of a role (accounts.Role).
InputKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
RoleCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


@dataclass(frozen=True)
class EffectContext:
    """What an effect sees when its step is taken."""

    case: Any  # workflows.models.Case
    step: Any  # workflows.definitions.StepSpec
    cleaned: Mapping[str, Any]  # the step's kelengkapan, cleaned
    by: Any  # the acting user
    run: Any = None  # the StepRun being completed (None while checking)


class Effect(BaseModel):
    """One effect declared on a step. Subclasses declare ``type`` as a Literal of their name(s)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str = Field(title=gettext_noop("Jenis efek"), description=gettext_noop("Nama efek yang dijalankan."))
    on: On | None = Field(
        None, title=gettext_noop("Saat"),
        description=gettext_noop("Kapan efek berjalan: `complete` (langkah proses selesai; bawaan di langkah proses), "
                    "`ya` atau `tidak` (jawaban langkah keputusan; wajib di langkah keputusan)."))

    # Parameters that name an input of the step, and the input types each accepts.
    # What the SOP editor calls it, in the user's language.
    label: ClassVar[str] = ""
    input_params: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    # The step's pelaksana may record phone confirmations once the step has been reached.
    allows_confirmations: ClassVar[bool] = False

    # -- at import ---------------------------------------------------------------------

    def problems(self, step: Any, earlier: Sequence[Any]) -> list[tuple[str, str]]:
        """(parameter, message) for each parameter that does not fit the step. ``step`` and
        ``earlier`` (the steps listed before it) are schema step models."""
        from workflows.effects.messages import input_problems

        return input_problems(self, step)

    # -- when the step is taken ----------------------------------------------------------

    def check(self, ctx: EffectContext) -> None:
        """Raise ValidationError (keyed by input) or ActionRefused when the action must not happen."""

    def apply(self, ctx: EffectContext) -> None:
        """Do the effect inside the step's transaction; mail goes through the outbox."""

    def as_data(self) -> dict:
        return self.model_dump(mode="json")


def effect_names(cls: type[Effect]) -> tuple[str, ...]:
    return get_args(cls.model_fields["type"].annotation)


def register(cls: type[Effect]) -> type[Effect]:
    """Class decorator: make the effect known under every name its ``type`` Literal lists."""
    for name in effect_names(cls):
        if name in EFFECTS and EFFECTS[name] is not cls:
            raise RuntimeError(f"effect {name!r} registered twice")
        EFFECTS[name] = cls
    return cls


def effect_classes() -> list[type[Effect]]:
    """Each registered effect class once, in registration order."""
    return list(dict.fromkeys(EFFECTS.values()))


def effects_for(step: Any, action: str) -> list[Effect]:
    """The effects of ``step`` that run on ``action`` (complete, decide_ya, decide_tidak)."""
    on = ACTION_ON.get(action)
    return [effect for effect in step.effects if effect.on == on]


def step_effects(step: Any) -> list[Effect]:
    """Every effect a step declares: a schema step model's single ``effect`` and its ``effects``
    list, or a StepSpec's ``effects``."""
    single = getattr(step, "effect", None)
    return ([single] if isinstance(single, Effect) else []) + list(getattr(step, "effects", ()) or ())
