"""A fifth SOP with an outside-party lane (Penyedia), a Verifikator lane and a decision whose
TIDAK ends the procedure: imported and run with no code change; the Penyedia is invited by
email, sees that case only, acts on their lane only, and is printed as who they are."""
import datetime
import io
import re
import textwrap

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role, Unit, User
from accounts.services import role_assign
from tests.workflows.driving import PDF, act, case_at
from workflows import states
from workflows.archive_export import render_case_record
from workflows.models import Case, Invitation, Sop

pytestmark = pytest.mark.django_db

VERIFIKASI = textwrap.dedent("""\
    format: 1
    code: PNG-VERIFIKASI-PENYEDIA
    agency: ponorogo
    unit: lpse
    sheet:
      nama: "VERIFIKASI DOKUMEN PENYEDIA"
    lanes:
      - {role: admin_agency, label: "Admin Agency"}
      - {role: penyedia, label: "Penyedia"}
      - {role: verifikator, label: "Verifikator"}
    steps:
      - no: 1
        kegiatan: "Menerima permohonan verifikasi"
        lane: admin_agency
        waktu: "1 hari"
        next: 2
        inputs:
          - {key: permohonan, label: "Permohonan", type: text}
      - no: 2
        kegiatan: "Mengunggah akta perusahaan"
        lane: penyedia
        waktu: "1 hari"
        next: 3
        inputs:
          - {key: akta, label: "Akta perusahaan", type: document}
      - no: 3
        kegiatan: "Apakah akta sah?"
        lane: verifikator
        kind: decision
        waktu: "1 hari"
        ya: 4
        tidak: end
      - no: 4
        kegiatan: "Menerbitkan tanda terverifikasi"
        lane: verifikator
        waktu: "1 hari"
        next: end
    """)


@pytest.fixture
def verifikasi(people, tmp_path):
    Role.objects.create(code="penyedia", name="Penyedia", scope=Role.Scope.OUTSIDE)
    Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
    verifier = User.objects.create_user("verifikator.ponorogo", full_name="Wahyu Verifikator",
                                        email="verif@demo.lpse.localhost")
    role_assign(user=verifier, role="verifikator", unit=Unit.objects.get(agency__code="ponorogo", kind_id="lpse"))
    path = tmp_path / "verifikasi.yaml"
    path.write_text(VERIFIKASI)
    call_command("import_sop", str(path), stdout=io.StringIO())
    return Sop.objects.get(code="PNG-VERIFIKASI-PENYEDIA").latest_version


def invite(client, case, people, capture, **extra):
    client.force_login(people["admin.agency.ponorogo"])
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("case_invite", args=[case.pk]), {
            "lane_role": "penyedia", "name": "Budi Santoso", "organization": "CV Maju Jaya",
            "email": "budi@majujaya.co.id", "phone": "0812 1111 2222", "npwp": "01.234.567.8-901.000", **extra})
    assert response.status_code == 302
    return re.search(r"/undangan/([\w-]+)/", mail.outbox[-1].body).group(1)


def test_an_invited_penyedia_takes_their_lane_of_one_case_only(verifikasi, people, client,
                                                                 django_capture_on_commit_callbacks):
    case = case_at(verifikasi, 2)
    other = case_at(verifikasi, 2)
    token = invite(client, case, people, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["budi@majujaya.co.id"]
    assert "password" not in mail.outbox[-1].body.lower()
    client.logout()
    page = client.get(reverse("invitation_accept", args=[token])).content.decode()
    assert "sebagai <strong>Penyedia</strong>" in page
    response = client.post(reverse("invitation_accept", args=[token]),
                           {"username": "budi.majujaya", "password": "Rahasia-Kuat-2026", "password_again": "x"})
    assert response.status_code == 400 and "Kedua kata sandi tidak sama." in response.content.decode()
    response = client.post(reverse("invitation_accept", args=[token]), {
        "username": "budi.majujaya", "password": "Rahasia-Kuat-2026", "password_again": "Rahasia-Kuat-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    budi = User.objects.get(username="budi.majujaya")
    assert (budi.nip, budi.organization) == (None, "CV Maju Jaya")
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("case_detail", args=[other.pk])).status_code == 404
    assert "Mengunggah akta perusahaan" in client.get(reverse("my_tasks")).content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(reverse("case_action", args=[case.pk, 2, "selesai"]),
                           {"akta": SimpleUploadedFile("akta.pdf", PDF, "application/pdf"), "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_step.no == 3
    assert client.get(reverse("case_action", args=[case.pk, 3, "tidak"])).status_code == 403  # the Verifikator's
    case = act(case, "tidak", by=User.objects.get(username="verifikator.ponorogo"))
    assert case.state == states.DONE  # TIDAK ends the procedure
    pdf, _record = render_case_record(case, by=people["auditor.ponorogo"])
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Budi Santoso" in text and "CV Maju Jaya" in text and "Penyedia" in text


def test_an_invitation_link_expires_and_is_used_once(verifikasi, people, client, django_capture_on_commit_callbacks):
    case = case_at(verifikasi, 2)
    token = invite(client, case, people, django_capture_on_commit_callbacks)
    client.logout()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(reverse("invitation_accept", args=[token]))
        assert response.status_code == 410 and "sudah kedaluwarsa" in response.content.decode()
    assert client.get(reverse("invitation_accept", args=["bukan-token"])).status_code == 410
    data = {"username": "budi", "password": "Rahasia-Kuat-2026", "password_again": "Rahasia-Kuat-2026"}
    assert client.post(reverse("invitation_accept", args=[token]), data).status_code == 302
    client.logout()
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410 and "sudah diterima" in response.content.decode()
    assert Invitation.objects.get().token_sha256 != token  # only the digest is stored


def test_only_the_starter_or_the_current_pelaksana_invites(verifikasi, people, client):
    case = case_at(verifikasi, 2)
    client.force_login(people["kepala.lpse.kaltim"])
    assert client.post(reverse("case_invite", args=[case.pk]), {}).status_code == 404  # cannot see the case
    client.force_login(people["kepala.lpse.ponorogo"])  # sees it (LPSE staff) but neither started nor acts
    response = client.post(reverse("case_invite", args=[case.pk]), {
        "lane_role": "penyedia", "name": "X", "organization": "PT X", "email": "x@x.co.id"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert Case.objects.get(pk=case.pk).current_step.no == 2


def test_one_acceptance_per_lane_and_none_after_the_case_closed(verifikasi, people, client,
                                                                django_capture_on_commit_callbacks):
    from workflows.services import case_cancel

    case = case_at(verifikasi, 2)
    first = invite(client, case, people, django_capture_on_commit_callbacks)
    second = invite(client, case, people, django_capture_on_commit_callbacks, email="lain@majujaya.co.id")
    client.logout()
    data = {"password": "Rahasia-Kuat-2026", "password_again": "Rahasia-Kuat-2026"}
    assert client.post(reverse("invitation_accept", args=[first]), {"username": "budi", **data}).status_code == 302
    client.logout()
    response = client.post(reverse("invitation_accept", args=[second]), {"username": "lain", **data})
    assert response.status_code == 410 and "Orang lain sudah menerima" in response.content.decode()
    other = case_at(verifikasi, 2)
    third = invite(client, other, people, django_capture_on_commit_callbacks)
    case_cancel(case_id=other.pk, by=people["kepala.lpse.ponorogo"], reason="Permohonan ditarik")
    client.logout()
    response = client.post(reverse("invitation_accept", args=[third]), {"username": "ketiga", **data})
    assert response.status_code == 410 and "sudah ditutup" in response.content.decode()
    assert not User.objects.filter(username__in=["lain", "ketiga"]).exists()


def test_a_username_is_checked_and_the_link_is_not_kept_once_sent(verifikasi, people, client,
                                                                   django_capture_on_commit_callbacks):
    from workflows.models import OutgoingEmail

    case = case_at(verifikasi, 2)
    token = invite(client, case, people, django_capture_on_commit_callbacks)
    sent = OutgoingEmail.objects.get(to="budi@majujaya.co.id")
    assert sent.status == OutgoingEmail.Status.SENT and token not in sent.body and "/undangan/" not in sent.body
    client.logout()
    response = client.post(reverse("invitation_accept", args=[token]), {
        "username": "budi santoso/<x>", "password": "Rahasia-Kuat-2026", "password_again": "Rahasia-Kuat-2026"})
    assert response.status_code == 400 and not User.objects.filter(username__startswith="budi").exists()
