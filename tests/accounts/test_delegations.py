"""Plt./Plh. for dates: the delegate acts in the role during the range, both names are
recorded, and before and after nothing; heads delegate and revoke in the browser."""
import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Delegation, Unit
from tests.workflows.driving import act, case_at
from workflows.pdf.case_record import render_case_record
from workflows.selectors import inbox_for

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)  # 09.00 WIB
DAY = datetime.timedelta(days=1)


@pytest.fixture
def plh(people, client):
    """The Kepala LPSE of Ponorogo makes the Admin Agency Plh. Kepala LPSE for Tuesday and Wednesday."""
    client.force_login(people["kepala.lpse.ponorogo"])
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    with time_machine.travel(MONDAY, tick=False):
        response = client.post(reverse("delegations"), {
            "unit": lpse.pk, "role": "kepala_lpse", "delegate": people["admin.agency.ponorogo"].pk, "kind": "plh",
            "starts_on": "2026-11-24", "ends_on": "2026-11-25", "sk_number": "800/123/405.11/2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Delegation.objects.get()


def test_a_plh_acts_in_the_role_only_within_its_dates(seed_sops, people, client, plh):
    rina = people["admin.agency.ponorogo"]
    with time_machine.travel(MONDAY, tick=False):
        case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)  # waits for the Kepala LPSE
        assert inbox_for(rina).waiting == 0
        with pytest.raises(PermissionDenied):
            act(case, "complete", by=rina)
    with time_machine.travel(MONDAY + DAY, tick=False):
        assert [t.case.pk for t in inbox_for(rina).tasks] == [case.pk]
        case = act(case, "complete", by=rina)
        event = case.events.last()
        assert (event.actor, event.acting, event.on_behalf_of) == (rina, "plh", people["kepala.lpse.ponorogo"])
        client.force_login(rina)
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Plh. Kepala LPSE, LPSE Kabupaten Ponorogo<br>menggantikan Sri Wahyuni, S.Kom., M.M." in page
        case = act(case, "complete")  # the Kepala UKPBJ; step 4 is the Kepala LPSE's again
    with time_machine.travel(MONDAY + 3 * DAY, tick=False):  # Thursday: over by itself
        assert inbox_for(rina).waiting == 0
        with pytest.raises(PermissionDenied):
            act(case, "complete", by=rina)
        pdf, _record = render_case_record(case, by=None)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Plh." in text and "menggantikan Sri Wahyuni" in text


def test_revoking_a_delegation_ends_it_on_the_next_request(seed_sops, people, client, plh):
    rina = people["admin.agency.ponorogo"]
    with time_machine.travel(MONDAY + DAY, tick=False):
        case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 2)
        client.force_login(rina)
        assert client.get(reverse("case_action", args=[case.pk, 2, "selesai"])).status_code == 200
        client.force_login(people["kepala.lpse.ponorogo"])
        assert client.post(reverse("delegation_end", args=[plh.pk])).status_code == 302
        client.force_login(rina)
        assert client.get(reverse("case_action", args=[case.pk, 2, "selesai"])).status_code == 403


def test_only_the_head_of_a_unit_delegates_its_roles(seed_sops, people, client):
    client.force_login(people["admin.ppe.ponorogo"])
    assert client.get(reverse("delegations")).status_code == 403
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    data = {"unit": lpse.pk, "role": "kepala_lpse", "delegate": people["admin.ppe.ponorogo"].pk, "kind": "plh",
            "starts_on": "2026-11-24", "ends_on": "2026-11-25", "sk_number": "1"}
    assert client.post(reverse("delegations"), data).status_code == 403
    client.force_login(people["kepala.lpse.kaltim"])  # a head, but of another unit
    response = client.post(reverse("delegations"), data)
    assert response.status_code == 400 and not Delegation.objects.exists()
    client.force_login(people["kepala.lpse.ponorogo"])
    response = client.post(reverse("delegations"), {**data, "ends_on": "2026-11-20"})
    assert response.status_code == 400
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.content.decode()
    assert not Delegation.objects.exists()
    assert "Delegasi" in client.get(reverse("my_tasks")).content.decode()


def test_a_head_delegates_only_the_roles_of_their_own_unit(seed_sops, people, client):
    client.force_login(people["kepala.lpse.ponorogo"])
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    data = {"unit": lpse.pk, "delegate": people["admin.ppe.ponorogo"].pk, "kind": "plh", "starts_on": "2026-11-24",
            "ends_on": "2026-11-25", "sk_number": "1"}
    response = client.post(reverse("delegations"), {**data, "role": "kepala_ukpbj"})  # the UKPBJ's head
    assert response.status_code == 400 and not Delegation.objects.exists()
    from accounts.services import delegation_create
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError, match="Hanya peran kepala unit ini"):
        delegation_create(by=people["kepala.lpse.ponorogo"], unit=lpse, role="kepala_ukpbj",
                          delegate=people["admin.ppe.ponorogo"], kind="plh", starts_on=datetime.date(2026, 11, 24),
                          ends_on=datetime.date(2026, 11, 25), sk_number="1")
    with pytest.raises(ValidationError, match="Penerima delegasi harus pegawai Pemerintah Kabupaten Ponorogo"):
        delegation_create(by=people["kepala.lpse.ponorogo"], unit=lpse, role="kepala_lpse",
                          delegate=people["helpdesk.kkp"], kind="plh", starts_on=datetime.date(2026, 11, 24),
                          ends_on=datetime.date(2026, 11, 25), sk_number="1")


def test_a_plh_head_from_another_unit_sees_the_unit_cases_like_its_head(seed_sops, people, client):
    pokja = people["pokja.ponorogo"]  # of the UKPBJ, not the LPSE
    from accounts.services import delegation_create
    with time_machine.travel(MONDAY, tick=False):
        case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 1)  # an LPSE case waiting for the Admin PPE
        client.force_login(pokja)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
        delegation_create(by=people["kepala.lpse.ponorogo"], unit=Unit.objects.get(agency__code="ponorogo",
                          kind_id="lpse"), role="kepala_lpse", delegate=pokja, kind="plh",
                          starts_on=MONDAY.date(), ends_on=MONDAY.date(), sk_number="1")
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
        assert "Batalkan kasus" in client.get(reverse("case_detail", args=[case.pk])).content.decode()
