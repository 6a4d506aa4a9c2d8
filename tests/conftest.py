from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import demo_data
from accounts.models import User
from workflows.models import Sop

SOP_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "sops"
SEED_CODES = ("PNG-UPDATE-SPSE", "PNG-AKUN-POKJA", "KALTIM-REG-ADMIN-PPE", "KKP-PENGUMUMAN-PEMELIHARAAN")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class People(dict):
    """The demo people by username."""

    def all_except(self, *usernames: str) -> list[User]:
        return [u for name, u in self.items() if name not in usernames]


@pytest.fixture
def people(db) -> People:
    call_command("load_demo", quiet_logins=True, stdout=open("/dev/null", "w"))
    data = demo_data()
    # The superuser is a demo person too: being superuser must not make anyone a pelaksana.
    names = [p["username"] for p in data["people"]] + [data["administrator"]["username"]]
    return People((u.username, u) for u in User.objects.filter(username__in=names))


@pytest.fixture
def seed_sops(people) -> dict[str, Sop]:
    call_command("import_sop", *sorted(str(p) for p in SOP_DIR.glob("*.yaml")), stdout=open("/dev/null", "w"))
    return {sop.code: sop for sop in Sop.objects.all()}
