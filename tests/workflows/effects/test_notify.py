"""notify: a role or named people, by email and/or in the app; refused when nobody would receive it."""
import pytest

from tests.workflows.driving import act, case_at
from tests.workflows.effects.conftest import definition, problems_of
from workflows.exceptions import ActionRefused
from workflows.models import Notification, OutgoingEmail

pytestmark = pytest.mark.django_db

NOTIFY = 'effect: {type: notify, role: %s, channel: %s, subject: "Gangguan: {judul}", body: "%s"}\n'


def test_an_unknown_placeholder_or_channel_is_refused_at_import(people):
    assert problems_of(definition(NOTIFY % ("kepala_lpse", "email", "{pelaksana}: {uraian} {mulai}"))) == []
    unknown = problems_of(definition(NOTIFY % ("kepala_lpse", "email", "{nomor_tiket}")))
    assert any("langkah 2, kolom 'effect.body': isian {nomor_tiket} tidak dikenal" in p for p in unknown), unknown
    channel = problems_of(definition(NOTIFY % ("kepala_lpse", "uraian", "x")))
    assert any("kolom 'effect.channel'" in p for p in channel), channel
    neither = problems_of(definition('effect: {type: notify, subject: "a", body: "b"}\n'))
    assert any("kolom 'effect': isi salah satu: 'role' atau 'people'" in p for p in neither), neither


def test_on_must_fit_the_kind_of_step(people):
    on_decision = problems_of(definition(NOTIFY % ("kepala_lpse", "email", "x"), decision=True))
    assert any("langkah 2, kolom 'effect.on': di langkah keputusan wajib diisi" in p for p in on_decision)
    complete = problems_of(definition(NOTIFY.replace("type: notify,", "type: notify, on: complete,")
                                      % ("kepala_lpse", "email", "x"), decision=True))
    assert any("kolom 'effect.on': langkah keputusan tidak 'complete'" in p for p in complete), complete
    ya_on_process = problems_of(definition(NOTIFY.replace("type: notify,", "type: notify, on: ya,")
                                           % ("kepala_lpse", "email", "x")))
    assert any("kolom 'effect.on': 'ya' hanya untuk langkah keputusan" in p for p in ya_on_process)


def test_in_app_and_email_reach_every_holder(imported, people):
    case = case_at(imported(definition(NOTIFY % ("kepala_lpse", "both", "{pelaksana}: {uraian}"))), 2)
    act(case, "complete")
    head = people["kepala.lpse.kkp"]
    notice = Notification.objects.get(user=head, step_run__isnull=True)
    assert notice.message.startswith("Gangguan: Kasus uji: ")
    email = OutgoingEmail.objects.get(recipient=head)
    assert email.subject == "Gangguan: Kasus uji" and "Contoh Uraian" in email.body


def test_a_decision_runs_only_the_effects_of_its_answer(imported, people):
    text = definition("effects:\n  - {type: notify, on: ya, role: kepala_lpse, channel: email, subject: YA, "
                      "body: ya}\n  - {type: notify, on: tidak, role: kepala_lpse, channel: email, subject: TIDAK, "
                      "body: tidak}\n", decision=True)
    act(case_at(imported(text), 2), "tidak")
    assert list(OutgoingEmail.objects.filter(recipient=people["kepala.lpse.kkp"])
                .values_list("subject", flat=True)) == ["TIDAK"]


def test_nobody_to_tell_refuses_the_step_naming_the_role(imported):
    case = case_at(imported(definition(NOTIFY % ("admin_agency", "email", "x"))), 2)
    with pytest.raises(ActionRefused, match="Admin Agency"):
        act(case, "complete")
    assert case.step_runs.count() == 2 and not OutgoingEmail.objects.filter(subject__startswith="Gangguan").exists()


def test_named_people_of_the_agency(imported, people):
    text = definition('effect: {type: notify, people: [kepala.lpse.kkp, kepala.lpse.ponorogo], channel: in_app, '
                      'subject: "S", body: "B"}\n')
    act(case_at(imported(text), 2), "complete")
    assert list(Notification.objects.filter(step_run__isnull=True).values_list("user__username", flat=True)) == [
        "kepala.lpse.kkp"]  # someone of another agency is never told


def test_a_role_the_deployment_lacks_is_refused_at_import(imported):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="langkah 2, kolom 'effect.role': peran 'juru_sita' tidak dikenal"):
        imported(definition(NOTIFY % ("juru_sita", "email", "x")))
