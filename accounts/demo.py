"""Loading the demo agencies, units and people from fixtures/demo/people.yaml."""
from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from accounts.models import Agency, Role, Unit, User
from accounts.services import role_assign, seed_vocabulary

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "people.yaml"


def demo_data(path: Path = DEMO_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo(path: Path = DEMO_FILE) -> dict[str, int]:
    """Create or update the demo records; running it again changes nothing.

    Passwords are set only when a person is created, so a demo user who changed theirs keeps it.
    """
    data = demo_data(path)
    seed_vocabulary()  # a flushed test database has lost what the migration seeded
    created = {"agencies": 0, "units": 0, "people": 0}
    units: dict[tuple[str, str], Unit] = {}
    for item in data["agencies"]:
        agency, new = Agency.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "time_zone": item["time_zone"], "is_national": item.get("is_national", False)},
        )
        created["agencies"] += new
        for unit_item in item["units"]:
            unit, new = Unit.objects.update_or_create(agency=agency, kind_id=unit_item["kind"],
                                                      defaults={"name": unit_item["name"]})
            created["units"] += new
            units[(agency.code, unit.kind_id)] = unit
    for code, owner in data.get("national_roles", {}).items():  # e.g. PM LKPP is LKPP's to give
        Role.objects.filter(code=code).update(home_agency=Agency.objects.get(code=owner))
    for person in data["people"]:
        fields = {k: person[k] for k in ("full_name", "nip", "pangkat_golongan", "jabatan", "phone")}
        home = {role["agency"] for role in person["roles"]}  # staff of the one agency they serve
        fields["agency"] = Agency.objects.get(code=home.pop()) if len(home) == 1 else None
        user, new = _person(person["username"], fields, data["password"])
        created["people"] += new
        for role in person["roles"]:
            role_assign(user=user, role=role["role"], unit=units[(role["agency"], role["unit"])],
                        acting=role.get("acting", ""))
    admin = data["administrator"]
    _user, new = _person(admin["username"], {"full_name": admin["full_name"], "is_staff": True, "is_superuser": True},
                         data["password"])
    created["people"] += new
    return created


def _person(username: str, fields: dict, password: str) -> tuple[User, bool]:
    """Create or update one demo account; its password is set only when it is created."""
    fields = {"email": f"{username}@demo.lpse.localhost", **fields}
    user, new = User.objects.update_or_create(username=username, defaults=fields)
    if new:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, new
