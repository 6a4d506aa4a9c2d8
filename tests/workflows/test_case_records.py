"""What a transition leaves behind: step runs, history, notifications."""
import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.workflows.driving import act, case_at, run_to_end, start
from workflows import states
from workflows.exceptions import ActionRefused, StepNotCurrent
from workflows.models import CaseEvent
from workflows.services import case_cancel, case_complete_step, case_start

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)


def test_each_step_stores_activation_due_completion_actor_and_note(seed_sops, people):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    with time_machine.travel(T0, tick=False):
        case = start(version)
    with time_machine.travel(T0 + datetime.timedelta(hours=3), tick=False):
        case = act(case, "complete", note="Surat LKPP diterima")
    first, second = case.step_runs.order_by("pk")
    assert (first.activated_at, first.due_at) == (T0, T0 + datetime.timedelta(days=1))
    assert first.completed_at == T0 + datetime.timedelta(hours=3)
    assert first.actor == people["admin.ppe.ponorogo"] and first.note == "Surat LKPP diterima"
    assert first.actor_unit.name == "LPSE Kabupaten Ponorogo" and not first.is_late
    assert second.step_no == 2 and second.lane_role == "kepala_lpse" and second.completed_at is None


def test_a_late_step_needs_its_reason_and_is_marked_late(seed_sops):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    with time_machine.travel(T0, tick=False):
        case = start(version)
    with time_machine.travel(T0 + datetime.timedelta(days=1, minutes=1), tick=False):
        with pytest.raises(ValidationError, match="melewati batas waktu mutu baku"):
            act(case, "complete")
        case = act(case, "complete", late_reason="Menunggu jaringan pulih")
    run = case.step_runs.get(step_no=1)
    assert run.is_late and run.late_reason == "Menunggu jaringan pulih"


def test_every_transition_appends_one_history_row(seed_sops, people):
    case = run_to_end(start(seed_sops["PNG-UPDATE-SPSE"].latest_version))
    events = list(case.events.all())
    assert [(e.from_state, e.to_state) for e in events] == [
        ("new", "step-1"), ("step-1", "step-2"), ("step-2", "step-3"), ("step-3", "step-4"),
        ("step-4", "step-5"), ("step-5", "done")]
    assert [(e.actor.username, e.role_id, e.unit.kind_id) for e in events[1:4]] == [
        ("admin.ppe.ponorogo", "admin_ppe", "lpse"), ("kepala.lpse.ponorogo", "kepala_lpse", "lpse"),
        ("kepala.ukpbj.ponorogo", "kepala_ukpbj", "ukpbj")]
    with pytest.raises(TypeError):
        events[0].save()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).delete()


def test_the_next_pelaksana_is_emailed_after_commit(seed_sops, django_capture_on_commit_callbacks):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(case, "complete")
    assert [m.to for m in mail.outbox] == [["kepala.lpse.ponorogo@demo.lpse.localhost"]]
    assert "Langkah 2: Laporan telah tersedia rilis terbaru dari versi SPSE" in mail.outbox[0].body
    assert "WIB" in mail.outbox[0].body


def test_no_email_for_a_refused_action(seed_sops, people, django_capture_on_commit_callbacks):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            case_complete_step(case_id=case.pk, step=1, by=people["admin.ppe.ponorogo"], kelengkapan={})
    assert callbacks == [] and mail.outbox == []
    assert case.step_runs.count() == 1 and case.inputs.count() == 0


def test_missing_kelengkapan_names_every_missing_item(seed_sops, people):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    with pytest.raises(ValidationError) as info:
        case_complete_step(case_id=case.pk, step=1, by=people["admin.ppe.ponorogo"], kelengkapan={"laporan": " "})
    assert info.value.message_dict == {"surat_pemberitahuan": ["Surat Pemberitahuan wajib diisi."],
                                       "laporan": ["Laporan wajib diisi."]}


def test_a_step_cannot_be_taken_twice(seed_sops, people):
    case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    with pytest.raises(StepNotCurrent, match="Langkah 1 tidak lagi menunggu; kasus kini di langkah 2"):
        act(case, "complete", by=people["admin.ppe.ponorogo"], step=1)


def test_the_head_of_the_unit_cancels_with_a_reason(seed_sops, people):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3)
    with pytest.raises(PermissionDenied, match="Hanya Kepala LPSE LPSE Kabupaten Ponorogo"):
        case_cancel(case_id=case.pk, by=people["kepala.ukpbj.ponorogo"], reason="Tidak perlu")
    with pytest.raises(ValidationError):
        case_cancel(case_id=case.pk, by=people["kepala.lpse.ponorogo"], reason="  ")
    case = case_cancel(case_id=case.pk, by=people["kepala.lpse.ponorogo"], reason="Rilis ditarik LKPP")
    assert case.state == states.CANCELLED and case.cancel_reason == "Rilis ditarik LKPP"
    assert case.step_runs.get(step_no=3).outcome == "cancelled"
    assert case.events.last().action == "cancel" and case.events.last().note == "Rilis ditarik LKPP"
    assert list(case.get_available_user_state_transitions(people["kepala.lpse.ponorogo"])) == []
    with pytest.raises(ActionRefused, match="sudah dibatalkan"):
        case_cancel(case_id=case.pk, by=people["kepala.lpse.ponorogo"], reason="Lagi")


def test_a_finished_case_offers_nothing(seed_sops, people):
    case = run_to_end(start(seed_sops["PNG-UPDATE-SPSE"].latest_version))
    for person in people.values():
        assert list(case.get_available_user_state_transitions(person)) == []


def test_only_a_first_step_pelaksana_may_start(seed_sops, people):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    with pytest.raises(PermissionDenied, match="dimulai oleh Admin PPE Pemerintah Kabupaten Ponorogo"):
        case_start(sop_version=version, title="Update", by=people["kepala.lpse.ponorogo"])
    with pytest.raises(PermissionDenied):
        case_start(sop_version=version, title="Update", by=people["admin.ppe.kaltim"])
    with pytest.raises(ValidationError):
        case_start(sop_version=version, title="  ", by=people["admin.ppe.ponorogo"])
    assert version.cases.count() == 0


def test_the_state_cannot_be_set_directly(seed_sops):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    with pytest.raises(AttributeError):
        case.state = states.DONE
