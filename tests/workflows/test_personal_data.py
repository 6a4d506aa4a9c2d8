"""Personal data (UU 27/2022): the Pokja members' NIP, phone, email and scans are for the head
and the pelaksana who creates the accounts, not for every member of the unit; every opening
of a personal document is logged and the agency administrator reads the log."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.workflows.driving import case_at
from workflows.models import DocumentAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_for_pokja(seed_sops):
    return case_at(seed_sops["PNG-AKUN-POKJA"].latest_version, 4)  # the Pokja sends the accounts


def as_(people, username) -> Client:
    client = Client()
    client.force_login(people[username])
    return client


def test_a_peer_pokja_member_sees_that_the_data_exists_but_not_the_data(waiting_for_pokja, people):
    case = waiting_for_pokja
    scan = case.attachments.filter(key__startswith="data_pokja").first()
    member = case.inputs.get(key="data_pokja").value[0]
    peer = as_(people, "pokja2.ponorogo")
    page = peer.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "data pribadi: hanya untuk kepala unit" in page and member["nip"] not in page
    assert member["email"] not in page and member["telepon"] not in page
    assert peer.get(reverse("attachment_download", args=[case.pk, scan.pk])).status_code == 403
    record = peer.get(reverse("case_record_pdf", args=[case.pk]))
    assert record.status_code == 200 and member["nip"].encode() not in record.content
    assert not DocumentAccess.objects.exists()


@pytest.mark.parametrize("who", ["kepala.ukpbj.ponorogo", "admin.agency.ponorogo", "kepala.lpse.ponorogo"])
def test_the_head_and_the_account_maker_see_it_and_each_download_is_logged(waiting_for_pokja, people, who):
    case = waiting_for_pokja
    scan = case.attachments.filter(key__startswith="data_pokja").first()
    member = case.inputs.get(key="data_pokja").value[0]
    client = as_(people, who)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert member["nip"] in page or " ".join((member["nip"][:8], member["nip"][8:14])) in page
    assert client.get(reverse("attachment_download", args=[case.pk, scan.pk])).status_code == 200
    access = DocumentAccess.objects.get()
    assert (access.user, access.attachment) == (people[who], scan)
    log = as_(people, "admin.instansi.ponorogo").get(reverse("document_accesses", args=["ponorogo"]))
    assert people[who].full_name in log.content.decode() and scan.label in log.content.decode()
    assert as_(people, "admin.instansi.kaltim").get(reverse("document_accesses", args=["ponorogo"])).status_code == 404


def test_a_document_flagged_personal_is_hidden_from_the_unit_and_shown_to_the_checker(seed_sops, people):
    case = case_at(seed_sops["KALTIM-REG-ADMIN-PPE"].latest_version, 2)  # PM LKPP checks the files
    ktp = case.attachments.get(key="ktp_admin_ppe")
    assert as_(people, "admin.ppe.kaltim").get(reverse("attachment_download", args=[case.pk, ktp.pk])).status_code == 403
    assert as_(people, "pm.lkpp").get(reverse("attachment_download", args=[case.pk, ktp.pk])).status_code == 200


def test_a_record_printed_with_personal_data_is_not_served_to_a_peer_when_the_printer_loses_the_role(
        waiting_for_pokja, people):
    from accounts.models import RoleAssignment

    case = waiting_for_pokja
    member = case.inputs.get(key="data_pokja").value[0]
    head = people["kepala.ukpbj.ponorogo"]
    printed = as_(people, "kepala.ukpbj.ponorogo").get(reverse("case_record_pdf", args=[case.pk]))
    RoleAssignment.objects.filter(user=head, role_id="kepala_ukpbj").delete()  # moved to another post
    peer = as_(people, "pokja2.ponorogo").get(reverse("case_record_pdf", args=[case.pk]))
    assert peer["X-Verification-Code"] != printed["X-Verification-Code"]
    assert member["email"].encode() not in peer.content


def test_redoing_a_step_does_not_prefill_a_colleagues_personal_data(seed_sops, people):
    """A returned step is redone by whoever holds its lane then: personal data is typed again by
    someone who may not see it, not shown to them prefilled."""
    from workflows.access import may_see_personal
    from workflows.selectors import previous_values

    case = case_at(seed_sops["PNG-AKUN-POKJA"].latest_version, 2)
    peer = people["pokja2.ponorogo"]
    assert not may_see_personal(peer, case)
    assert "data_pokja" in previous_values(case, 1) and "data_pokja" not in previous_values(case, 1, peer)
    assert "data_pokja" in previous_values(case, 1, people["kepala.ukpbj.ponorogo"])
