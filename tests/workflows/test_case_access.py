"""Who may open a case, decided live: its unit, whoever must act on it now, and everyone who
started or acted on it (for good); nobody else."""
import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import Unit

from accounts.services import role_assign, role_revoke
from tests.workflows.driving import act, case_at, run_to_end, start
from workflows.access import may_view

pytestmark = pytest.mark.django_db


def opens(client, person, case) -> int:
    client.force_login(person)
    return client.get(reverse("case_detail", args=[case.pk])).status_code


def test_the_kepala_ukpbj_keeps_seeing_an_update_after_acting_on_it(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3)
    kepala_ukpbj = people["kepala.ukpbj.ponorogo"]  # not LPSE staff: sees it because step 3 waits for them
    assert opens(client, kepala_ukpbj, case) == 200
    case = act(case, "complete", by=kepala_ukpbj)
    assert opens(client, kepala_ukpbj, case) == 200
    case = run_to_end(case)
    assert opens(client, kepala_ukpbj, case) == 200
    pdf = client.get(reverse("case_record_pdf", args=[case.pk]))
    assert pdf.status_code == 200


def test_pm_lkpp_keeps_seeing_a_kaltim_registration_after_answering(seed_sops, people, client):
    case = act(start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version), "complete")
    pm = people["pm.lkpp"]
    assert opens(client, pm, case) == 200
    case = act(case, "tidak", by=pm)
    case = act(case, "complete", by=pm)  # back with the Kepala LPSE of Kaltim
    assert opens(client, pm, case) == 200
    assert not may_view(people["pm.lkpp"], start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version))


def test_the_kepala_lpse_and_admin_agency_keep_seeing_an_akun_pokja_case(seed_sops, people, client):
    case = run_to_end(start(seed_sops["PNG-AKUN-POKJA"].latest_version))
    for username in ("kepala.lpse.ponorogo", "admin.agency.ponorogo", "kepala.ukpbj.ponorogo"):
        assert opens(client, people[username], case) == 200, username


def test_nobody_else_sees_a_case(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3)
    for username in ("kepala.lpse.kaltim", "pokja.ponorogo", "pm.lkpp", "helpdesk.kkp", "auditor.ponorogo"):
        assert opens(client, people[username], case) == 404, username


def test_a_person_appointed_to_the_lane_sees_the_waiting_case_at_once(seed_sops, people, client):
    case = act(start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version), "complete")  # waits for PM LKPP
    newcomer = people["helpdesk.kkp"]  # of another agency: nothing to do with Kaltim until appointed
    assert opens(client, newcomer, case) == 404
    role_assign(user=newcomer, role="pm_lkpp", unit=Unit.objects.get(agency__is_national=True, kind="direktorat"))
    assert opens(client, newcomer, case) == 200
    client.force_login(newcomer)
    assert client.get(reverse("case_action", args=[case.pk, case.current_step.no, "ya"])).status_code == 200


def test_a_person_whose_role_is_revoked_before_acting_loses_the_case(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 3)
    kepala_ukpbj = people["kepala.ukpbj.ponorogo"]
    assert opens(client, kepala_ukpbj, case) == 200
    for assignment in kepala_ukpbj.role_assignments.all():
        role_revoke(assignment=assignment)
    assert opens(client, kepala_ukpbj, case) == 404
    attachment = case.attachments.first()
    assert client.get(reverse("attachment_download", args=[case.pk, attachment.pk])).status_code == 404


def test_an_explicit_grant_lets_a_named_person_read_one_case(seed_sops, people, client):
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
    outsider = people["kepala.lpse.kaltim"]
    assign_perm("workflows.view_case", outsider, case)
    assert opens(client, outsider, case) == 200


def test_kasus_saya_lists_the_cases_a_person_takes_part_in_open_first(seed_sops, people, client):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    done = run_to_end(start(version, "Update yang sudah selesai"))
    waiting = case_at(version, 3)
    other = start(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version, "Registrasi Kaltim")
    client.force_login(people["kepala.ukpbj.ponorogo"])
    page = client.get(reverse("my_cases")).content.decode()
    assert page.index(f'/kasus/{waiting.pk}/"') < page.index(f'/kasus/{done.pk}/"')
    assert "Menunggu Anda" in page
    assert f"/kasus/{other.pk}/" not in page
    client.force_login(people["pokja.ponorogo"])
    assert "belum ikut dalam kasus apa pun" in client.get(reverse("my_cases")).content.decode()


def test_the_locked_transition_rereads_the_persons_roles_not_the_requests_copy(seed_sops, people):
    """The page's access checks read the person's roles once a request (accounts.standing); a
    transition checks them again, live, under the case's lock: a role taken away after the
    request began refuses the step."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import RoleAssignment
    from accounts.standing import held_assignments
    from tests.workflows.driving import act, case_at

    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)  # the Kepala LPSE's disposisi
    kepala = people["kepala.lpse.ponorogo"]
    kepala.request_memo = {}  # as RequestMemoMiddleware gives it for the request
    assert any(a.role_id == "kepala_lpse" for a in held_assignments(kepala))  # the request's copy
    RoleAssignment.objects.filter(user=kepala, role_id="kepala_lpse").delete()  # meanwhile, elsewhere
    with pytest.raises(PermissionDenied):
        act(case, "complete", by=kepala)
