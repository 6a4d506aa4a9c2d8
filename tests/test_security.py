"""Accounts, sessions and headers: lockout after repeated failures (explained, lifted by the
administrator), sessions that end, no caching of personal pages, a Content Security Policy
with no inline script, and `check --deploy` clean in production."""
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db
PASSWORD = "demo-lpse-2026"


def login(client, username, password, path=None):
    return client.post(path or reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/masuk/", "/admin/login/"])
def test_five_failures_lock_the_account_with_the_reason_until_the_administrator_lifts_it(people, path):
    client = Client()
    for _ in range(4):
        assert login(client, "kepala.lpse.ponorogo", "salah", path).status_code == 200
    assert login(client, "kepala.lpse.ponorogo", "salah", path).status_code == 429  # the fifth locks
    locked = login(client, "kepala.lpse.ponorogo", PASSWORD, path)  # even the right password now
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Masuk dikunci sementara" in page and "Coba lagi setelah 30 menit" in page
    call_command("axes_reset_username", "kepala.lpse.ponorogo", stdout=open(os.devnull, "w"))
    assert login(Client(), "kepala.lpse.ponorogo", PASSWORD).status_code == 302


def test_failures_from_one_address_lock_that_address_for_every_account(people):
    client = Client(REMOTE_ADDR="10.9.8.7")
    for name in ("a", "b", "c", "d", "e"):
        login(client, f"tidak-ada-{name}", "salah")
    assert login(client, "admin.ppe.ponorogo", PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="10.9.8.8"), "admin.ppe.ponorogo", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(ip_address="10.9.8.7").exists()


def test_the_lock_ends_by_itself_after_the_cool_off(people):
    start = datetime.datetime(2026, 11, 23, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(Client(), "pokja.ponorogo", "salah")
        assert login(Client(), "pokja.ponorogo", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert login(Client(), "pokja.ponorogo", PASSWORD).status_code == 302


def test_a_session_ends_after_thirty_idle_minutes_and_after_twelve_hours(people):
    start = datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        login(client, "admin.ppe.ponorogo", PASSWORD)
        assert client.get(reverse("my_tasks")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("my_tasks")).status_code == 200  # activity keeps it alive
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        ended = client.get(reverse("my_tasks"), follow=True)
        assert ended.redirect_chain[0][0].startswith("/masuk/")
        assert "tidak aktif 30 menit" in ended.content.decode()
    client = Client()
    with time_machine.travel(start, tick=False):
        login(client, "admin.ppe.ponorogo", PASSWORD)
    for hours in range(1, 13):  # busy all day, never idle
        for quarter in range(0, 60, 20):
            with time_machine.travel(start + datetime.timedelta(hours=hours - 1, minutes=quarter), tick=False):
                client.get(reverse("my_tasks"))
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        ended = client.get(reverse("my_tasks"), follow=True)
        assert "sudah berlangsung 12 jam" in ended.content.decode()



def test_pages_opened_within_a_minute_of_each_other_do_not_save_the_session(people):
    """Activity is recorded once a minute, not on every page: a page opened within a minute of
    the last recorded one writes nothing to the session table; one a minute later does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC)
    client = Client()

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_tasks")).status_code == 200
        return sum(q["sql"].startswith(("UPDATE \"django_session\"", "INSERT INTO \"django_session\""))
                   for q in queries.captured_queries)

    with time_machine.travel(start, tick=False):
        login(client, "admin.ppe.ponorogo", PASSWORD)
        assert session_writes() == 1  # the first page records the activity
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert session_writes() == 0
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert session_writes() == 1


def test_personal_pages_are_never_cached_and_carry_a_policy_without_inline_script(people, seed_sops, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    for url in (reverse("my_tasks"), reverse("sop_list"), reverse("notifications")):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
        assert not inline, (url, inline)


def test_check_deploy_is_clean_in_production():
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "APP_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}} | {
        "APP_ENV": "production", "SECRET_KEY": "k" * 30 + "-production-secret-for-the-check-" + "z" * 20,
        "ALLOWED_HOSTS": "lpse.example.go.id", "SITE_URL": "https://lpse.example.go.id"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# -- public endpoints and personal data -------------------------------------------------------

def test_the_json_for_other_sites_is_plain_text(seed_sops, people, client):
    import json

    from tests.workflows.test_views_announcements import NOW, announce
    from tests.workflows.driving import case_at

    with time_machine.travel(NOW, tick=False):
        case = case_at(seed_sops["KKP-PENGUMUMAN-PEMELIHARAAN"].latest_version, 2)
        client.force_login(people["admin.sistem.kkp"])
        announce(client, case, "2026-11-28T08:00", "2026-11-28T14:00",
                 text='SPSE <b>offline</b> <img src=x onerror="alert(1)"> &amp; server baru')
        client.logout()
        data = json.loads(client.get(reverse("announcements_json")).content)
    assert data["format"] == "text/plain"
    item = data["pengumuman"][0]
    assert item["teks"] == "SPSE offline & server baru" and "<" not in item["running_text"]


def test_a_record_pdf_is_rendered_once_per_case_state(seed_sops, people, client):
    from tests.workflows.driving import act, run_to_end, start
    from workflows.models import CaseRecord

    case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")
    client.force_login(people["kepala.lpse.ponorogo"])
    url = reverse("case_record_pdf", args=[case.pk])
    first, again = client.get(url), client.get(url)
    assert first.content == again.content and CaseRecord.objects.filter(case=case).count() == 1
    assert first["X-Verification-Code"] == again["X-Verification-Code"] and "no-store" in first["Cache-Control"]
    run_to_end(case)  # the history moved on: a new record
    assert client.get(url)["X-Verification-Code"] != first["X-Verification-Code"]
    assert CaseRecord.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("text", ["password: Rahasia123", "Sandinya = adm1n2026", "kata sandi adalah Qwerty!9",
                                  "PIN: 123456", "password Rahasia123", "kata sandi baru Rahasia123!",
                                  "pw: Rahasia123", "u/p: pokja1/Rahasia123"])
def test_a_note_that_looks_like_a_credential_is_refused_and_nothing_is_stored(seed_sops, people, client, text):
    from tests.workflows.driving import act, start
    from workflows.models import CaseEvent

    case = act(start(seed_sops["PNG-UPDATE-SPSE"].latest_version), "complete")  # step 2: the Kepala LPSE's
    client.force_login(people["kepala.lpse.ponorogo"])
    before = CaseEvent.objects.count()
    response = client.post(reverse("case_action", args=[case.pk, 2, "selesai"]), {"note": text})
    assert response.status_code == 400
    assert "Jangan menulis kata sandi" in response.content.decode()
    assert CaseEvent.objects.count() == before and text not in str(list(CaseEvent.objects.values_list("note")))


def test_ordinary_notes_about_passwords_pass(seed_sops, people):
    from workflows.kelengkapan import refuse_credentials

    for text in ("Akun dan password dikirim lewat email dinas", "Pengguna wajib mengganti kata sandi",
                 "Sandi dikirim terpisah oleh PM LKPP", "Akun sudah dibuat, password: dikirim lewat WhatsApp",
                 "Status kata sandi: sudah direset oleh Admin Agency", "User ID sudah diserahkan; password: belum",
                 "Kata sandi adalah tanggung jawab masing-masing pengguna", "Reset PIN: Admin PPE Dinas PU",
                 "Password SPSE versi 4.5 wajib 8 karakter", "Login pertama: ganti password di menu Profil"):
        refuse_credentials(text, "Catatan")


def test_behind_the_proxy_failures_count_against_the_real_client(people, settings):
    settings.BEHIND_PROXY = True  # every connection comes from nginx on 127.0.0.1
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    for name in "abcde":
        login(attacker, f"tidak-ada-{name}", "salah")
    assert login(attacker, "admin.ppe.ponorogo", PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.4")
    assert login(colleague, "admin.ppe.ponorogo", PASSWORD).status_code == 302
