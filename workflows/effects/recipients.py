"""Who an effect tells, and telling them: in the app and/or through the outbox."""
from __future__ import annotations

from typing import Any

# Channels an effect sends on; any other value of a channel input (surat, telepon) is only recorded.
EMAIL, IN_APP, BOTH = "email", "in_app", "both"
CHANNELS = (EMAIL, IN_APP, BOTH)


def role_holders(case: Any, role: str):
    """Active people holding ``role`` in a unit of the case's agency."""
    from accounts.models import User

    return User.objects.filter(is_active=True, role_assignments__role_id=role,
                               role_assignments__unit__agency_id=case.agency_id).distinct().order_by("full_name")


def named_people(case: Any, usernames: tuple[str, ...]):
    """The named active people who belong to the case's agency."""
    from accounts.models import User

    return User.objects.filter(is_active=True, username__in=usernames,
                               role_assignments__unit__agency_id=case.agency_id).distinct().order_by("full_name")


def reachable(people: list, channel: str) -> list:
    """Who a notice on ``channel`` actually reaches: by email only those with an address."""
    return [p for p in people if p.email] if channel == EMAIL else list(people)


def send(person: Any, case: Any, channel: str, subject: str, body: str) -> None:
    """One notice: a Notification row and/or an outbox email (sent after commit, never failing the action)."""
    from workflows.models import Notification
    from workflows.outbox import queue_email

    if channel in (IN_APP, BOTH):
        Notification.objects.create(user=person, case=case, message=f"{subject}: {body}"[:500])
    if channel in (EMAIL, BOTH) and person.email:
        queue_email(to=person.email, recipient=person, case=case, subject=subject, body=body)
