"""forward_to_pokja: notify the Pokja of the case's announcement, recorded as Disseminations."""
import pytest

from tests.workflows.driving import act, case_at
from tests.workflows.effects.conftest import definition, problems_of
from workflows.announcements import confirmation_step
from workflows.models import Dissemination, OutgoingEmail

pytestmark = pytest.mark.django_db

ANNOUNCE = ("effects:\n  - {type: announce_maintenance, min_lead_days: 0, start: mulai, end: selesai, text: uraian}\n"
            "  - {type: forward_to_pokja, channel: saluran}\n")


def test_forwarding_needs_an_announcement_published_before(people):
    assert problems_of(definition(ANNOUNCE)) == []
    alone = problems_of(definition("effect: {type: forward_to_pokja, channel: saluran}\n"))
    assert any("langkah 2, kolom 'effect.type': tidak ada langkah sebelumnya yang menerbitkan pengumuman" in p
               for p in alone), alone


def test_the_pokja_is_told_by_email_and_may_confirm_by_phone(imported, people):
    case = case_at(imported(definition(ANNOUNCE)), 2)
    assert confirmation_step(case).no == 2
    act(case, "complete")
    pokja = people["pokja.kkp"]
    row = Dissemination.objects.get(case=case)
    assert (row.recipient, row.channel, row.recipient_contact) == (pokja, "email", pokja.email)
    assert OutgoingEmail.objects.get(recipient=pokja).subject.startswith("[LPSE] Pemeliharaan SPSE ")
