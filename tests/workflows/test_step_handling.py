"""Take, assign and hand back a waiting step: then only one holder of the lane acts on it,
the inbox shows mine apart from the lane's, and the history records each move."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.workflows.driving import act, case_at
from workflows.exceptions import ActionRefused
from workflows.models import Notification
from workflows.selectors import inbox_for
from workflows.services import case_assign_step, case_release_step, case_take_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def pokja_step(seed_sops):
    """An Akun Pokja case at step 4, which waits for either Pokja member of Ponorogo."""
    return case_at(seed_sops["PNG-AKUN-POKJA"].latest_version, 4)


def test_a_holder_takes_the_step_and_the_other_holder_is_told_who_has_it(pokja_step, people, client):
    bayu, lestari = people["pokja.ponorogo"], people["pokja2.ponorogo"]
    client.force_login(bayu)
    response = client.post(reverse("step_handle", args=[pokja_step.pk, 4, "ambil"]), follow=True)
    assert "Langkah 4 kini Anda tangani." in response.content.decode()
    with pytest.raises(PermissionDenied, match="Langkah 4 sedang ditangani Bayu Setiawan, S.T.; minta ia melepasnya"):
        act(pokja_step, "complete", by=lestari)
    assert [t.mine for t in inbox_for(bayu).tasks] == [True]
    lestari_inbox = inbox_for(lestari)
    assert lestari_inbox.waiting == 0 and [t.case.pk for t in lestari_inbox.taken] == [pokja_step.pk]
    with pytest.raises(ActionRefused, match="sudah diambil Bayu Setiawan"):
        case_take_step(case_id=pokja_step.pk, step=4, by=lestari)
    assert pokja_step.events.last().action == "take" and pokja_step.events.last().actor == bayu
    act(pokja_step, "complete", by=bayu)


def test_the_head_assigns_the_step_to_a_named_holder(pokja_step, people, client, django_capture_on_commit_callbacks):
    bayu, lestari, head = people["pokja.ponorogo"], people["pokja2.ponorogo"], people["kepala.ukpbj.ponorogo"]
    client.force_login(bayu)
    assert client.post(reverse("step_handle", args=[pokja_step.pk, 4, "tugaskan"]),
                       {"to": lestari.pk}).status_code == 403  # not the head
    client.force_login(head)
    page = client.get(reverse("case_detail", args=[pokja_step.pk])).content.decode()
    assert 'name="to"' in page and "Lestari Handayani" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("step_handle", args=[pokja_step.pk, 4, "tugaskan"]),
                    {"to": lestari.pk, "note": "Lestari yang memegang data akun"})
    assert Notification.objects.filter(user=lestari, message__contains="ditugaskan kepada Anda oleh Drs. Agus").exists()
    with pytest.raises(PermissionDenied):
        act(pokja_step, "complete", by=bayu)
    event = pokja_step.events.last()
    assert (event.action, event.actor, event.note) == ("assign", head,
                                                       "kepada Lestari Handayani, S.E.: Lestari yang memegang data akun")
    with pytest.raises(ValidationError, match="tidak memegang peran Pokja"):
        case_assign_step(case_id=pokja_step.pk, step=4, by=head, to=people["admin.ppe.ponorogo"])
    act(pokja_step, "complete", by=lestari)


def test_handing_a_step_back_opens_it_to_the_lane_again(pokja_step, people):
    bayu, lestari = people["pokja.ponorogo"], people["pokja2.ponorogo"]
    case_take_step(case_id=pokja_step.pk, step=4, by=bayu)
    with pytest.raises(ValidationError, match="Alasan melepas langkah wajib diisi"):
        case_release_step(case_id=pokja_step.pk, step=4, by=bayu, reason=" ")
    with pytest.raises(PermissionDenied):
        case_release_step(case_id=pokja_step.pk, step=4, by=lestari, reason="Saya ambil alih")
    case_release_step(case_id=pokja_step.pk, step=4, by=bayu, reason="Sedang dinas luar")
    assert pokja_step.events.last().note == "Sedang dinas luar"
    assert inbox_for(lestari).waiting == 1
    act(pokja_step, "complete", by=lestari)


def test_a_step_nobody_took_stays_open_to_every_holder(pokja_step, people):
    assert all(inbox_for(people[u]).waiting == 1 for u in ("pokja.ponorogo", "pokja2.ponorogo"))
    act(pokja_step, "complete", by=people["pokja2.ponorogo"])


def test_a_step_held_by_someone_who_lost_the_role_is_the_lanes_again(pokja_step, people):
    from accounts.services import role_revoke

    bayu, lestari = people["pokja.ponorogo"], people["pokja2.ponorogo"]
    case_take_step(case_id=pokja_step.pk, step=4, by=bayu)
    for assignment in bayu.role_assignments.filter(role_id="pokja"):
        role_revoke(assignment=assignment)
    case_take_step(case_id=pokja_step.pk, step=4, by=lestari)
    act(pokja_step, "complete", by=lestari)
