"""Telling people a step is theirs: once per step per person, in the app and by email, and an
email that cannot be sent never turns a saved action into an error."""
import datetime
import smtplib
import socket

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.workflows.driving import act, case_at, run_to_end, start, starter
from tests.workflows.test_views_actions import action_url, form_data
from workflows import engine, states
from workflows.models import Case, Notification, OutgoingEmail
from workflows.outbox import MAX_ATTEMPTS, deliver, queue_email

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that answers but refuses every recipient."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"mailbox unavailable") for m in messages})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2


def test_opening_a_case_tells_the_step_2_pelaksana_once(seed_sops, people, client,
                                                         django_capture_on_commit_callbacks):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    client.force_login(starter(version))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("start_case", args=[version.pk]),
                               {"title": "Update 4.5u2026", **form_data(version.spec.first_step, version.sop.agency)})
    assert response.status_code == 302
    kepala = people["kepala.lpse.ponorogo"]
    assert list(Notification.objects.values_list("user__username", flat=True)) == [kepala.username]
    assert [m.to for m in mail.outbox] == [[kepala.email]]


def test_a_whole_case_tells_each_pelaksana_once_per_step_that_becomes_theirs(seed_sops,
                                                                              django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version)
    answers = ["tidak", "ya"]
    while case.current_step is not None:  # one transaction per action, as in the browser
        with django_capture_on_commit_callbacks(execute=True):
            case = act(case, answers.pop(0) if case.current_step.is_decision else "complete")
    expected = []
    for run in case.step_runs.order_by("pk"):
        holders = engine.lane_holders(case, run.lane_role)
        expected += [(run.pk, a.user.username) for a in holders]
    told = list(Notification.objects.order_by("step_run_id", "user_id").values_list("step_run_id", "user__username"))
    assert told == sorted(expected)
    assert len(told) == len(set(told))
    assert len(mail.outbox) == len(told)


def test_opening_a_notification_marks_it_read(seed_sops, people, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    kepala = people["kepala.lpse.ponorogo"]
    notification = Notification.objects.get(user=kepala)
    client.force_login(kepala)
    assert "1<span class=\"visually-hidden\"> belum dibaca" in client.get(reverse("notifications")).content.decode()
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "belum dibaca" not in client.get(reverse("notifications")).content.decode()
    client.force_login(people["admin.ppe.ponorogo"])  # somebody else's notification is not theirs to open
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404


def test_a_mail_server_that_is_down_does_not_undo_or_fail_the_forward_step(seed_sops, people, client, smtp_down,
                                                                             django_capture_on_commit_callbacks):
    case = case_at(seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version, 4)
    client.force_login(people["helpdesk.kkp"])
    data = form_data(case.current_step, case.agency)
    data["saluran"] = "email"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(case, "complete"), data, follow=True)
    assert response.status_code == 200
    assert "Tersimpan" in response.content.decode()
    case.refresh_from_db()
    assert case.state == states.DONE
    email = OutgoingEmail.objects.get(case=case, to=people["pokja.kkp"].email)
    assert email.status == OutgoingEmail.Status.PENDING and email.attempts == 1
    assert email.next_attempt_at > timezone.now()
    attempt = email.attempt_log.get()
    assert not attempt.ok and "ConnectionRefusedError" in attempt.error


def test_a_refused_email_is_retried_with_backoff_then_shown_to_the_administrator(
        seed_sops, people, client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.workflows.test_notifications.RefusingBackend"
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
        with django_capture_on_commit_callbacks(execute=True):
            act(case, "complete")  # the first attempt runs at once and is refused
        email = OutgoingEmail.objects.get(case=case)
        assert email.attempts == 1 and email.status == OutgoingEmail.Status.PENDING
        assert deliver(email.pk) == "skipped"  # not due again yet: nobody gets it twice
    gaps = []
    when = t0
    for _ in range(MAX_ATTEMPTS - 1):
        email.refresh_from_db()
        gaps.append(email.next_attempt_at - when)
        when = email.next_attempt_at
        with time_machine.travel(when, tick=False):
            outcome = deliver(email.pk)
    assert outcome == "failed"
    assert gaps == sorted(gaps) and gaps[0] == datetime.timedelta(minutes=1)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == MAX_ATTEMPTS
    assert [a.ok for a in email.attempt_log.all()] == [False] * MAX_ATTEMPTS
    assert "SMTPRecipientsRefused" in email.last_error

    client.force_login(people["admin"])
    page = client.get(reverse("my_tasks")).content.decode()
    assert "1 email gagal terkirim" in page
    listing = client.get(reverse("admin:workflows_outgoingemail_changelist") + "?status__exact=failed")
    assert email.to in listing.content.decode()
    client.force_login(people["kepala.lpse.ponorogo"])
    assert "gagal terkirim" not in client.get(reverse("my_tasks")).content.decode()


def test_a_queued_email_left_by_a_killed_worker_is_sent_by_the_sweep(seed_sops, people,
                                                                      django_capture_on_commit_callbacks):
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    with django_capture_on_commit_callbacks(execute=False):  # stored with the action, never handed to a worker
        queue_email(to=people["kepala.lpse.ponorogo"].email, subject="Tugas", body="Langkah 2", case=case)
    mail.outbox.clear()
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))
    assert [m.to for m in mail.outbox] == [["kepala.lpse.ponorogo@demo.lpse.localhost"]]
    assert OutgoingEmail.objects.get(case=case).status == OutgoingEmail.Status.SENT
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1


def test_a_title_typed_with_line_breaks_cannot_break_the_email_or_later_actions(
        seed_sops, people, client, django_capture_on_commit_callbacks):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    client.force_login(starter(version))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("start_case", args=[version.pk]),
                    {"title": "Update\r\nBcc: semua@example.com\r\n\r\nisi palsu",
                     **form_data(version.spec.first_step, version.sop.agency)})
    case = Case.objects.get()
    assert case.title == "Update Bcc: semua@example.com isi palsu"
    assert mail.outbox[0].subject == "[LPSE SOP] Tugas baru: Update Bcc: semua@example.com isi palsu"
    assert mail.outbox[0].bcc == []
    client.force_login(people["kepala.lpse.ponorogo"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(case, "complete"), form_data(case.current_step, case.agency))
    assert response.status_code == 302
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2


def test_a_notification_for_a_step_a_colleague_took_says_so_instead_of_a_404(seed_sops, people, client,
                                                                              django_capture_on_commit_callbacks):
    from accounts.models import Unit, User
    from accounts.services import role_assign

    colleague = User.objects.create_user("pm2.lkpp", email="pm2@lkpp.go.id", full_name="Rina Lestari")
    role_assign(user=colleague, role="pm_lkpp", unit=Unit.objects.get(agency__is_national=True, kind="direktorat"))
    case = start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version)
    with django_capture_on_commit_callbacks(execute=True):
        case = act(case, "complete")  # both PMs are told
    case = act(case, "ya", by=people["pm.lkpp"])
    while case.current_step is not None:  # the rest of the PM's lane is done by the first PM
        case = act(case, "complete", by=people["pm.lkpp"] if case.current_step.lane == "pm_lkpp" else None)
    notification = Notification.objects.get(user=colleague)
    client.force_login(colleague)
    response = client.get(reverse("notification_open", args=[notification.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications")
    assert "sudah dikerjakan orang lain" in response.content.decode()


def test_a_returned_step_is_announced_as_returned_with_the_reason(seed_sops, people,
                                                                   django_capture_on_commit_callbacks):
    from workflows.services import case_send_back

    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_send_back(case_id=case.pk, step=2, by=people["kepala.lpse.ponorogo"], reason="Jadwal belum ada")
    notice = Notification.objects.get(user=people["admin.ppe.ponorogo"], step_run__completed_at__isnull=True)
    assert "dikembalikan kepada Anda oleh Sri Wahyuni, S.Kom., M.M.: Jadwal belum ada" in notice.message
    assert mail.outbox[0].subject == "[LPSE SOP] Dikembalikan: Kasus uji"
    assert "Alasan: Jadwal belum ada" in mail.outbox[0].body


def test_notices_of_a_step_are_read_once_it_is_done_or_its_case_is_opened(seed_sops, people, client,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    kepala = people["kepala.lpse.ponorogo"]
    assert kepala.notifications.filter(read_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the finished step's notices
        case = act(case, "complete", by=kepala)  # done without following the notice
    assert kepala.notifications.filter(read_at__isnull=True).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        case = act(case, "complete")  # step 4 is the Kepala LPSE's again
    assert kepala.notifications.filter(read_at__isnull=True).count() == 1
    client.force_login(kepala)
    client.get(reverse("case_detail", args=[case.pk]))
    assert kepala.notifications.filter(read_at__isnull=True).count() == 0


def test_the_badge_counts_unread_notices_up_to_99_then_says_99_plus(seed_sops, people, client,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    kepala = people["kepala.lpse.ponorogo"]
    client.force_login(kepala)
    Notification.objects.bulk_create([Notification(user=kepala, case=case, message=f"Pemberitahuan {i}")
                                      for i in range(98)])
    assert "99<span class=\"visually-hidden\"> belum dibaca" in client.get(reverse("notifications")).content.decode()
    Notification.objects.create(user=kepala, case=case, message="Yang keseratus")
    assert "99+<span class=\"visually-hidden\"> belum dibaca" in client.get(reverse("notifications")).content.decode()


@pytest.fixture
def database_queue(settings):
    """The task queue as deployed: a table of this database, worked by db_worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_steps_notice_is_queued_with_the_step_so_no_killed_worker_can_lose_it(seed_sops, people,
                                                                                 database_queue):
    """With the queue in the database, the task that tells the next pelaksana is written in
    the transition's own transaction: it is there before the commit (nothing is left for an
    on-commit callback that a worker killed in between would never run), and a transition
    that is refused leaves no task behind."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from workflows.models import StepRun

    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    queued = DBTaskResult.objects.filter(task_path="workflows.notifications.notify_step_run_later")
    before = queued.count()
    with transaction.atomic():
        finished = case.step_runs.get(completed_at__isnull=True)
        case = act(case, "complete")
        activated = StepRun.objects.get(case=case, completed_at__isnull=True)
        assert queued.count() == before + 1
        assert queued.latest("enqueued_at").args_kwargs["args"] == [activated.pk, finished.pk]
    with pytest.raises(PermissionDenied), transaction.atomic():  # an auditor is no pelaksana
        act(case, "complete", by=people["auditor.bpk"])
    assert queued.count() == before + 1
