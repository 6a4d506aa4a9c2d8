"""Effects: named behaviours a definition attaches to a step's action.

Each module of this package defines one effect and registers it (``@register``); adding an
effect is adding one module. Importing the package imports them all.
"""
import importlib
import pkgutil

from workflows.effects.base import EFFECTS, Effect, EffectContext, effect_classes, effects_for, register

_HELPERS = {"base", "messages", "placeholders", "recipients"}
for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _HELPERS:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["EFFECTS", "Effect", "EffectContext", "effect_classes", "effects_for", "register"]
