"""The agency administrator manages units, staff, roles and delegations of one agency in the
app, without the superuser; every change counts on the next request, and nothing reaches
another agency."""
import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Delegation, Role, RoleAssignment, Unit, UnitKind, User
from tests.workflows.driving import case_at
from workflows.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, people):
    client.force_login(people["admin.instansi.ponorogo"])
    return client


def _new_person(admin_client, **extra):
    data = {"username": "wulan.ponorogo", "full_name": "Wulan Sari, S.Kom.", "nip": "19950412 202012 2 003",
            "pangkat_golongan": "III/a", "jabatan": "Pranata Komputer Ahli Pertama", "phone": "0812 1111 2222",
            "email": "wulan@ponorogo.go.id", "language": "id", **extra}
    return admin_client.post(reverse("agency_person_new", args=["ponorogo"]), data)


def test_it_is_for_agency_administrators_only(client, people):
    assert client.get(reverse("agency_home")).status_code == 302  # anonymous: to the login page
    client.force_login(people["kepala.lpse.ponorogo"])
    response = client.get(reverse("agency_home"))
    assert response.status_code == 403 and "administrator instansi" in response.content.decode()
    assert client.get(reverse("agency_detail", args=["ponorogo"])).status_code == 404
    client.force_login(people["admin.instansi.ponorogo"])
    assert client.get(reverse("agency_home")).url == reverse("agency_detail", args=["ponorogo"])
    page = client.get(reverse("agency_detail", args=["ponorogo"])).content.decode()
    assert "Sri Wahyuni, S.Kom., M.M." in page and "LPSE Kabupaten Ponorogo" in page
    assert "Kalimantan Timur" not in page and "Kelola" in page
    assert client.get(reverse("agency_detail", args=["kaltim"])).status_code == 404


def test_a_new_person_sets_their_own_password_from_the_emailed_link(admin_client):
    response = _new_person(admin_client)
    person = User.objects.get(username="wulan.ponorogo")
    assert response.status_code == 302 and response.url == reverse("agency_person", args=["ponorogo", person.pk])
    assert person.agency.code == "ponorogo" and person.nip == "199504122020122003"
    assert not person.has_usable_password()
    email = OutgoingEmail.objects.get(to="wulan@ponorogo.go.id")
    assert "wulan.ponorogo" in email.body and "Yuni Astuti" in email.body
    path = urlsplit(re.search(r"http\S+/sandi/\S+/", email.body).group(0)).path
    client = Client()
    form_page = client.get(path, follow=True)
    assert "Atur kata sandi" in form_page.content.decode() and "wulan.ponorogo" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
                       {"new_password1": "Sandi-baru-2026!", "new_password2": "Sandi-baru-2026!"}, follow=True)
    assert "Kata sandi disimpan" in done.content.decode()
    signed_in = client.post(reverse("login"), {"username": "wulan.ponorogo", "password": "Sandi-baru-2026!"})
    assert signed_in.status_code == 302 and signed_in.url == reverse("my_tasks")
    client.logout()
    again = client.get(path, follow=True).content.decode()
    assert "sudah dipakai atau kedaluwarsa" in again


def test_a_taken_username_or_a_bad_nip_is_a_message_and_stores_nothing(admin_client):
    response = _new_person(admin_client, username="Kepala.LPSE.Ponorogo", nip="12345")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nama pengguna itu sudah dipakai" in page and "NIP" in page
    assert not User.objects.filter(full_name="Wulan Sari, S.Kom.").exists()
    assert not OutgoingEmail.objects.exists()


def test_a_role_given_or_taken_away_counts_on_the_next_request(admin_client, people, seed_sops):
    _new_person(admin_client)
    wulan = User.objects.get(username="wulan.ponorogo")
    case = case_at(seed_sops["PNG-UPDATE-SPSE"].latest_version, 5)  # waits for the Admin PPE
    client = Client()
    client.force_login(wulan)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    response = admin_client.post(reverse("agency_person_add_role", args=["ponorogo", wulan.pk]),
                                 {"role": Role.objects.get(code="admin_ppe").pk, "unit": lpse.pk, "acting": ""})
    assert response.status_code == 302
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert case.title in client.get(reverse("my_tasks")).content.decode()
    assignment = RoleAssignment.objects.get(user=wulan)
    admin_client.post(reverse("agency_assignment_revoke", args=["ponorogo", assignment.pk]))
    assert not RoleAssignment.objects.filter(user=wulan).exists()
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404


def test_national_and_outside_roles_are_not_handed_out_by_an_agency(admin_client, people):
    Role.objects.create(code="penyedia", name="Penyedia", scope=Role.Scope.OUTSIDE)
    dimas = people["admin.ppe.ponorogo"]
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    for code in ("pm_lkpp", "penyedia"):
        response = admin_client.post(reverse("agency_person_add_role", args=["ponorogo", dimas.pk]),
                                     {"role": Role.objects.get(code=code).pk, "unit": lpse.pk, "acting": ""})
        assert response.status_code == 400
    assert list(RoleAssignment.objects.filter(user=dimas).values_list("role_id", flat=True)) == ["admin_ppe"]


def test_another_agency_stays_out_of_reach(admin_client, people):
    kaltim_person = people["admin.ppe.kaltim"]
    kaltim_assignment = RoleAssignment.objects.get(user=kaltim_person)
    kaltim_unit = Unit.objects.get(agency__code="kaltim", kind_id="lpse")
    assert admin_client.get(reverse("agency_person", args=["ponorogo", kaltim_person.pk])).status_code == 404
    assert admin_client.get(reverse("agency_person", args=["kaltim", kaltim_person.pk])).status_code == 404
    assert admin_client.post(reverse("agency_assignment_revoke", args=["ponorogo", kaltim_assignment.pk])
                             ).status_code == 404
    assert admin_client.get(reverse("agency_unit", args=["ponorogo", kaltim_unit.pk])).status_code == 404
    dimas = people["admin.ppe.ponorogo"]  # a Ponorogo person given a Kaltim unit by a forged form
    response = admin_client.post(reverse("agency_person_add_role", args=["ponorogo", dimas.pk]),
                                 {"role": Role.objects.get(code="kepala_lpse").pk, "unit": kaltim_unit.pk})
    assert response.status_code == 400 and RoleAssignment.objects.filter(user=dimas).count() == 1
    assert RoleAssignment.objects.filter(pk=kaltim_assignment.pk).exists()


def test_the_administrator_keeps_their_own_role(admin_client, people):
    own = RoleAssignment.objects.get(user=people["admin.instansi.ponorogo"])
    page = admin_client.post(reverse("agency_assignment_revoke", args=["ponorogo", own.pk]), follow=True)
    assert "tidak dapat mencabut peran administrator Anda sendiri" in page.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_roles_and_unit_kinds_are_added_in_the_browser(admin_client):
    response = admin_client.post(reverse("agency_vocabulary"), {
        "which": "role", "role-code": "verifikator", "role-name": "Verifikator", "role-scope": "agency"})
    assert response.status_code == 302 and Role.objects.get(code="verifikator").scope == "agency"
    national = admin_client.post(reverse("agency_vocabulary"), {
        "which": "role", "role-code": "pengawas", "role-name": "Pengawas", "role-scope": "national"})
    assert national.status_code == 400 and not Role.objects.filter(code="pengawas").exists()
    bad = admin_client.post(reverse("agency_vocabulary"), {
        "which": "role", "role-code": "Front Office", "role-name": "Front Office", "role-scope": "agency"})
    assert bad.status_code == 400 and "huruf kecil" in bad.content.decode()
    admin_client.post(reverse("agency_vocabulary"), {
        "which": "role", "role-code": "sekda", "role-name": "Sekretaris Daerah", "role-scope": "agency"})
    response = admin_client.post(reverse("agency_vocabulary"), {
        "which": "kind", "kind-code": "setda", "kind-name": "Sekretariat Daerah", "kind-head_role": "sekda"})
    assert response.status_code == 302 and UnitKind.objects.get(code="setda").head_role_id == "sekda"
    response = admin_client.post(reverse("agency_unit_new", args=["ponorogo"]),
                                 {"kind": "setda", "name": "Sekretariat Daerah Kabupaten Ponorogo"})
    assert response.status_code == 302
    assert Unit.objects.filter(agency__code="ponorogo", kind_id="setda").exists()
    twice = admin_client.post(reverse("agency_unit_new", args=["ponorogo"]), {"kind": "lpse", "name": "LPSE kedua"})
    assert twice.status_code == 400 and "sudah punya unit jenis LPSE" in twice.content.decode()


def test_the_administrator_delegates_in_any_unit_of_the_agency(admin_client, people):
    ukpbj = Unit.objects.get(agency__code="ponorogo", kind_id="ukpbj")
    response = admin_client.post(reverse("delegations"), {
        "unit": ukpbj.pk, "role": "kepala_ukpbj", "delegate": people["pokja.ponorogo"].pk, "kind": "plh",
        "starts_on": "2026-12-07", "ends_on": "2026-12-09", "sk_number": "800/77/405.11/2026"})
    assert response.status_code == 302, response.content.decode()[:3000]
    delegation = Delegation.objects.get()
    assert delegation.on_behalf_of == people["kepala.ukpbj.ponorogo"]
    assert delegation.delegated_by == people["admin.instansi.ponorogo"]
    kaltim = Unit.objects.get(agency__code="kaltim", kind_id="lpse")
    response = admin_client.post(reverse("delegations"), {
        "unit": kaltim.pk, "role": "kepala_lpse", "delegate": people["pokja.ponorogo"].pk, "kind": "plh",
        "starts_on": "2026-12-07", "ends_on": "2026-12-09", "sk_number": "1"})
    assert response.status_code == 400 and Delegation.objects.count() == 1


# -- from the security review: each was a way around the agency boundary ---------------------

def test_a_head_cannot_make_administrators_by_delegation(client, people):
    client.force_login(people["kepala.lpse.ponorogo"])
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    page = client.get(reverse("delegations")).content.decode()
    assert 'value="admin_instansi"' not in page
    response = client.post(reverse("delegations"), {
        "unit": lpse.pk, "role": "admin_instansi", "delegate": people["admin.ppe.ponorogo"].pk, "kind": "plh",
        "starts_on": "2026-12-07", "ends_on": "2026-12-07", "sk_number": "1"})
    assert response.status_code == 400 and not Delegation.objects.exists()


def test_the_administrator_role_is_given_to_others_only_and_not_by_a_plh(admin_client, people):
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    role = Role.objects.get(code="admin_instansi").pk
    own = people["admin.instansi.ponorogo"]
    response = admin_client.post(reverse("agency_person_add_role", args=["ponorogo", own.pk]),
                                 {"role": role, "unit": Unit.objects.get(agency__code="ponorogo", kind_id="ukpbj").pk})
    assert response.status_code == 400 and RoleAssignment.objects.filter(user=own).count() == 1
    dimas = people["admin.ppe.ponorogo"]
    Delegation.objects.create(role_id="admin_instansi", unit=lpse, delegate=dimas, kind="plh",
                              starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2040, 1, 1), sk_number="1",
                              delegated_by=own)
    plh = Client()
    plh.force_login(dimas)
    assert plh.get(reverse("agency_detail", args=["ponorogo"])).status_code == 200  # a Plh. administers
    response = plh.post(reverse("agency_person_add_role", args=["ponorogo", people["pokja.ponorogo"].pk]),
                        {"role": role, "unit": lpse.pk})
    assert response.status_code == 400 and "tidak oleh Plt./Plh." in response.content.decode()
    assert not RoleAssignment.objects.filter(user=people["pokja.ponorogo"], role_id="admin_instansi").exists()


def test_a_person_who_also_serves_another_agency_is_not_edited_here(admin_client, people):
    dimas = people["admin.ppe.ponorogo"]
    RoleAssignment.objects.create(user=dimas, role_id="admin_instansi",
                                  unit=Unit.objects.get(agency__code="kaltim", kind_id="lpse"))
    page = admin_client.get(reverse("agency_person", args=["ponorogo", dimas.pk])).content.decode()
    assert "Simpan data" not in page and "Kirim tautan atur kata sandi" not in page
    admin_client.post(reverse("agency_person", args=["ponorogo", dimas.pk]),
                      {"full_name": dimas.full_name, "email": "attacker@evil.example", "language": "id"})
    assert admin_client.post(reverse("agency_person_send_link", args=["ponorogo", dimas.pk])).status_code == 404
    dimas.refresh_from_db()
    assert dimas.email != "attacker@evil.example"
    assert not OutgoingEmail.objects.filter(to="attacker@evil.example").exists()


def test_a_national_role_is_given_only_by_the_agency_that_owns_it(people):
    pm = Role.objects.get(code="pm_lkpp")
    assert pm.home_agency.code == "lkpp"
    for agency_code, unit_kind, allowed in (("bpk", "inspektorat", False), ("lkpp", "direktorat", True)):
        unit = Unit.objects.get(agency__code=agency_code, kind_id=unit_kind)
        admin = User.objects.create(username=f"admin.{agency_code}", full_name=f"Admin {agency_code}",
                                    agency=unit.agency)
        RoleAssignment.objects.create(user=admin, role_id="admin_instansi", unit=unit)
        staff = User.objects.create(username=f"staf.{agency_code}", full_name=f"Staf {agency_code}",
                                    agency=unit.agency)
        client = Client()
        client.force_login(admin)
        response = client.post(reverse("agency_person_add_role", args=[agency_code, staff.pk]),
                               {"role": pm.pk, "unit": unit.pk})
        assert (response.status_code == 302) is allowed
        assert RoleAssignment.objects.filter(user=staff, role_id="pm_lkpp").exists() is allowed


def test_an_empty_form_says_what_is_missing(admin_client):
    response = admin_client.post(reverse("agency_person_new", args=["ponorogo"]), {})
    assert response.status_code == 400 and "Periksa isian yang ditandai" in response.content.decode()


def test_a_password_link_that_cannot_be_delivered_is_not_kept(admin_client, settings):
    from workflows.outbox import MAX_ATTEMPTS, deliver

    settings.EMAIL_BACKEND = "tests.workflows.test_notifications.RefusingBackend"
    _new_person(admin_client)
    email = OutgoingEmail.objects.get(to="wulan@ponorogo.go.id")
    assert "/sandi/" in email.body
    for _ in range(MAX_ATTEMPTS + 1):
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)
        deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "/sandi/" not in email.body and "minta tautan baru" in email.body and not email.redact
