"""Maintenance announcements: who may confirm them by phone, and reading them.

Publishing and forwarding are effects (workflows/effects/announce.py, forward_to_pokja.py).
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import POKJA
from workflows.effects.recipients import role_holders


def pokja_of(case) -> QuerySet[User]:
    """The active Pokja Pemilihan members of the case's agency."""
    return role_holders(case, POKJA)


def _confirmation_effect(case):
    """(step, effect) of the first step of the case's SOP that lets its pelaksana record phone confirmations."""
    for step in case.spec.steps:
        for effect in step.effects:
            if effect.allows_confirmations:
                return step, effect
    return None, None


def announcement_forward_step(case):
    """The step of the case's SOP after which phone confirmations are recorded, if it has one."""
    return _confirmation_effect(case)[0]


def confirmation_people(case) -> QuerySet[User]:
    """Whose phone confirmation may be recorded: the confirming role's members in the case's agency."""
    _step, effect = _confirmation_effect(case)
    return role_holders(case, effect.role) if effect is not None else User.objects.none()


def confirmation_step(case):
    """The confirming step once it has been reached on a case that is not cancelled: from then
    on its pelaksana may record phone confirmations. None before that."""
    from workflows import states

    step = announcement_forward_step(case)
    if step is None or case.state == states.CANCELLED or not case.step_runs.filter(step_no=step.no).exists():
        return None
    return step


def current_announcements():
    """Published announcements whose maintenance has not ended yet."""
    from workflows.models import Announcement

    return Announcement.objects.published().filter(ends_at__gte=timezone.now())
