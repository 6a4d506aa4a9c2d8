"""Where a person stands today: the roles they hold and the roles they act in by delegation
(Plt./Plh.), read once a request.

The header, the access checks, the administration and authoring pages all ask; each used
to read the role assignments again in its own shape (seven statements on every page). They
now read them here, in one statement, kept in the request's memo
(accounts.middleware.RequestMemoMiddleware). Outside a request (the worker, services called
directly) every call reads live. Nothing is copied between requests: a role given or taken
away counts on the next one.
"""
from __future__ import annotations

from typing import NamedTuple

from accounts.middleware import remembered
from accounts.models import Delegation, RoleAssignment


class Standing(NamedTuple):
    """A role ``user`` holds in a unit, or acts in there by delegation."""

    role_id: str
    scope: str  # Role.Scope: where the role is held
    unit_id: int
    agency_id: int
    heads_unit: bool  # the role is the head role of the unit's kind
    delegated: bool


def is_active_person(user) -> bool:
    """Signed in with an account that is not deactivated."""
    return getattr(user, "is_authenticated", False) and user.is_active


def held_assignments(user, *, live: bool = False) -> list[RoleAssignment]:
    """``user``'s own role assignments, with their role, unit, unit kind and agency (none for
    someone signed out or deactivated), in a fixed order. ``live``: read now, not the
    request's copy (the engine's checks under a case's lock)."""
    if not is_active_person(user):
        return []

    def read() -> list[RoleAssignment]:
        return list(user.role_assignments.select_related("role", "unit__agency", "unit__kind")
                    .order_by("unit__agency__name", "role", "pk"))

    return read() if live else list(remembered(user, "held_assignments", read))


def standings(user) -> list[Standing]:
    """Every role ``user`` holds or acts in by a delegation in force today."""
    if not is_active_person(user):
        return []

    def read() -> list[Standing]:
        held = [Standing(a.role_id, a.role.scope, a.unit_id, a.unit.agency_id,
                         a.role_id == a.unit.kind.head_role_id, False) for a in held_assignments(user)]
        return held + [Standing(d.role_id, d.role.scope, d.unit_id, d.unit.agency_id,
                                d.role_id == d.unit.kind.head_role_id, True)
                       for d in Delegation.objects.in_force_for(user)]

    return list(remembered(user, "standings", read))


def headed_unit_keys(user, *, delegated: bool = True) -> list[tuple[int, int]]:
    """(unit, agency) of each unit ``user`` heads today: by their own assignment, and (unless
    ``delegated`` is False) as Plt./Plh. of the head."""
    return sorted({(s.unit_id, s.agency_id) for s in standings(user)
                   if s.heads_unit and (delegated or not s.delegated)})


def agencies_in_role(user, role: str) -> set[int]:
    """The agencies where ``user`` holds ``role`` or acts in it today."""
    return {s.agency_id for s in standings(user) if s.role_id == role}
