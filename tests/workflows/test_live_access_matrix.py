"""Every role change in the middle of a case takes effect on the next request, both ways.

For each change (appointment, revocation, delegation start and end, assignment and its
release, outside-party invitation and its expiry), every URL that takes a case id is requested as the
person concerned before and after, and must answer as the live rule says: a page to read
(200) or not found (404); a step to act on (200), refused with the reason (403), or not found.
"""
import datetime
import hashlib

import pytest
import time_machine
from django.urls import URLPattern, get_resolver, reverse

from accounts.models import Delegation, Role, RoleAssignment, Unit, User
from accounts.services import role_assign, role_revoke
from tests.workflows.driving import case_at
from tests.workflows.test_outside_parties import VERIFIKASI
from workflows.invitations import invitation_accept, invitation_send
from workflows.models import Invitation
from workflows.sop_import import sop_import
from workflows.services import case_assign_step, case_release_step

pytestmark = pytest.mark.django_db

# Every URL of the app that takes a case id, and what it needs: to read the case, or to act on it.
READ = {"case_detail", "case_record_pdf", "attachment_download"}
ACT = {"case_action"}
WRITE_ONLY = {"step_handle", "case_cancel", "case_invite", "record_confirmation"}  # POST forms, covered elsewhere


def case_url_names() -> set[str]:
    names = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLPattern):
                if "<int:pk>" in str(p.pattern) and str(p.pattern).startswith("kasus/"):
                    names.add(p.name)
            else:
                walk(p.url_patterns)
    walk(get_resolver().url_patterns)
    return names


def test_every_case_url_is_in_the_matrix():
    assert case_url_names() == READ | ACT | WRITE_ONLY


def answers(client, person, case) -> dict[str, int]:
    client.force_login(person)
    attachment = case.attachments.first()
    urls = {"case_detail": reverse("case_detail", args=[case.pk]),
            "case_record_pdf": reverse("case_record_pdf", args=[case.pk]),
            "attachment_download": reverse("attachment_download", args=[case.pk, attachment.pk]),
            "case_action": reverse("case_action", args=[case.pk, case.current_step.no,
                                                        "ya" if case.current_step.is_decision else "selesai"])}
    assert set(urls) == READ | ACT
    return {name: client.get(url).status_code for name, url in urls.items()}


NONE = {"case_detail": 404, "case_record_pdf": 404, "attachment_download": 404, "case_action": 404}
READS = {"case_detail": 200, "case_record_pdf": 200, "attachment_download": 200, "case_action": 403}
ACTS = {**READS, "case_action": 200}


def test_appointment_and_revocation(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)  # waits for the Kepala LPSE of Ponorogo
    newcomer = people["helpdesk.kkp"]
    assert answers(client, newcomer, case) == NONE
    role_assign(user=newcomer, role="kepala_lpse", unit=Unit.objects.get(agency__code="ponorogo", kind_id="lpse"))
    assert answers(client, newcomer, case) == ACTS
    role_revoke(assignment=RoleAssignment.objects.get(user=newcomer, role_id="kepala_lpse"))
    assert answers(client, newcomer, case) == NONE


def test_delegation_start_and_end(seed_sops, people, client):
    monday = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(monday, tick=False):
        case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
        delegate = people["helpdesk.kkp"]
        Delegation.objects.create(role_id="kepala_lpse", unit=Unit.objects.get(agency__code="ponorogo", kind_id="lpse"),
                                  delegate=delegate, kind="plh", starts_on=datetime.date(2026, 11, 24),
                                  ends_on=datetime.date(2026, 11, 24), sk_number="1",
                                  delegated_by=people["kepala.lpse.ponorogo"])
        assert answers(client, delegate, case) == NONE
    with time_machine.travel(monday + datetime.timedelta(days=1), tick=False):
        assert answers(client, delegate, case) == ACTS
    with time_machine.travel(monday + datetime.timedelta(days=2), tick=False):
        assert answers(client, delegate, case) == NONE


def test_assignment_and_release(seed_sops, people, client):
    case = case_at(seed_sops["PNG-AKUN-POKJA"].latest_version, 4)  # waits for either Pokja member
    bayu, lestari, head = people["pokja.ponorogo"], people["pokja2.ponorogo"], people["kepala.ukpbj.ponorogo"]
    assert answers(client, bayu, case) == ACTS and answers(client, lestari, case) == ACTS
    case_assign_step(case_id=case.pk, step=4, by=head, to=lestari)
    assert answers(client, bayu, case) == READS and answers(client, lestari, case) == ACTS
    case_release_step(case_id=case.pk, step=4, by=lestari, reason="Cuti")
    assert answers(client, bayu, case) == ACTS


def test_outside_party_invitation(seed_sops, people, client):
    Role.objects.create(code="penyedia", name="Penyedia", scope=Role.Scope.OUTSIDE)
    Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
    version, _created = sop_import(text=VERIFIKASI, source_name="verifikasi.yaml")
    case, other = case_at(version, 2), case_at(version, 2)  # both wait for the Penyedia
    invitation_send(case_id=case.pk, lane_role="penyedia", by=people["admin.agency.ponorogo"], name="Budi",
                    organization="CV Uji", email="budi@example.co.id")
    Invitation.objects.filter(case=case).update(token_sha256=hashlib.sha256(b"token-matriks").hexdigest())
    budi = invitation_accept(token="token-matriks", username="budi", password="Rahasia-Kuat-2026")
    client.force_login(budi)
    assert [client.get(reverse(name, args=[case.pk, *extra])).status_code
            for name, extra in (("case_detail", []), ("case_action", [2, "selesai"]))] == [200, 200]
    assert [client.get(reverse(name, args=[other.pk, *extra])).status_code
            for name, extra in (("case_detail", []), ("case_action", [2, "selesai"]))] == [404, 404]
    User.objects.filter(pk=budi.pk).update(is_active=False)  # the account closed: nothing any more
    client.force_login(User.objects.get(pk=budi.pk))
    assert client.get(reverse("case_detail", args=[case.pk])).status_code in (302, 404)


def test_outside_party_invitation_expiry(seed_sops, people, client):
    """Accepted a second before it expires, the link gives the case; a second after, it gives
    nothing, and whoever follows it sees no case URL at all."""
    Role.objects.create(code="penyedia", name="Penyedia", scope=Role.Scope.OUTSIDE)
    Role.objects.create(code="verifikator", name="Verifikator", scope=Role.Scope.AGENCY)
    version, _created = sop_import(text=VERIFIKASI, source_name="verifikasi.yaml")
    sent = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)
    accept = {"username": "", "password": "Rahasia-Kuat-2026", "password_again": "Rahasia-Kuat-2026"}
    cases = {}
    with time_machine.travel(sent, tick=False):
        for who in ("budi", "citra"):
            cases[who] = case_at(version, 2)
            invitation_send(case_id=cases[who].pk, lane_role="penyedia", by=people["admin.agency.ponorogo"],
                            name=who.title(), organization="CV Uji", email=f"{who}@example.co.id")
            Invitation.objects.filter(case=cases[who]).update(
                token_sha256=hashlib.sha256(f"token-{who}".encode()).hexdigest())
    urls = {who: [reverse("case_detail", args=[case.pk]), reverse("case_action", args=[case.pk, 2, "selesai"])]
            for who, case in cases.items()}
    with time_machine.travel(sent + datetime.timedelta(days=7, seconds=-1), tick=False):
        assert [client.get(url).status_code for url in urls["budi"]] == [302, 302]  # to the login page
        response = client.post(reverse("invitation_accept", args=["token-budi"]), {**accept, "username": "budi"})
        assert response.status_code == 302
        assert [client.get(url).status_code for url in urls["budi"]] == [200, 200]
        assert [client.get(url).status_code for url in urls["citra"]] == [404, 404]
    client.logout()
    with time_machine.travel(sent + datetime.timedelta(days=7, seconds=1), tick=False):
        assert client.get(reverse("invitation_accept", args=["token-citra"])).status_code == 410
        response = client.post(reverse("invitation_accept", args=["token-citra"]), {**accept, "username": "citra"})
        assert response.status_code == 410 and not User.objects.filter(username="citra").exists()
        assert [client.get(url).status_code for url in urls["citra"]] == [302, 302]
        client.force_login(User.objects.get(username="budi"))  # accepted in time: keeps the case
        assert [client.get(url).status_code for url in urls["budi"]] == [200, 200]
