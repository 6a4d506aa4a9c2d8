"""The header shows each person the parts of the application their roles open, read from
their roles and delegations on every request (accounts.standing), and nothing else."""
import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Delegation, Unit

pytestmark = pytest.mark.django_db

MENU = {"Arsip": "archive_list", "Pemantauan": "monev", "Delegasi": "delegations", "Kelola": "agency_home",
        "Susun SOP": "draft_list"}
TUESDAY = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)  # 09.00 WIB


def menu(client) -> set[str]:
    """The role-dependent links of the header's navigation."""
    page = client.get(reverse("my_tasks"))
    assert page.status_code == 200  # signed in, not sent to the login page
    nav = page.content.decode().split("</nav>", 1)[0]
    return {label for label, name in MENU.items() if f'href="{reverse(name)}"' in nav}


@pytest.mark.parametrize("who, expected", [
    ("admin.ppe.ponorogo", set()),
    ("kepala.lpse.ponorogo", {"Pemantauan", "Delegasi"}),
    ("auditor.bpk", {"Arsip", "Pemantauan"}),
    ("auditor.ponorogo", {"Arsip", "Pemantauan"}),
    ("admin.instansi.ponorogo", {"Delegasi", "Kelola", "Susun SOP"}),
    ("penyusun.sop.kaltim", {"Susun SOP"}),
    ("pm.lkpp", set()),
    ("admin", {"Arsip", "Pemantauan", "Delegasi", "Kelola", "Susun SOP"}),
])
def test_each_person_sees_the_parts_their_roles_open(people, client, who, expected):
    client.force_login(people[who])
    assert menu(client) == expected


def test_a_plh_of_the_head_sees_the_heads_parts_only_while_the_delegation_is_in_force(people, client):
    lpse = Unit.objects.get(agency__code="ponorogo", kind_id="lpse")
    delegation = Delegation.objects.create(
        role_id="kepala_lpse", unit=lpse, delegate=people["admin.ppe.ponorogo"], kind="plh",
        starts_on=datetime.date(2026, 11, 24), ends_on=datetime.date(2026, 11, 24), sk_number="800/1/2026",
        delegated_by=people["kepala.lpse.ponorogo"])
    with time_machine.travel(TUESDAY - datetime.timedelta(days=1), tick=False):
        client.force_login(people["admin.ppe.ponorogo"])
        assert menu(client) == set()
    with time_machine.travel(TUESDAY, tick=False):
        client.force_login(people["admin.ppe.ponorogo"])  # a day later the idle session has ended
        assert menu(client) == {"Pemantauan", "Delegasi"}
        delegation.revoked_at = TUESDAY
        delegation.save(update_fields=["revoked_at"])
        assert menu(client) == set()  # the next request already
