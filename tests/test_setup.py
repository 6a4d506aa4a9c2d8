"""Settings modes and the set-up commands that `make run` calls."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Agency, RoleAssignment, Unit, User

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "APP_ENV"}}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_real_secret_key():
    boot = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='lpse_sop.settings'; django.setup()"
    result = run_python(boot, APP_ENV="production")
    assert result.returncode != 0 and "real SECRET_KEY" in result.stderr
    result = run_python(boot, APP_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="lpse.example.go.id")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_demo_people_are_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="tidak boleh dimuat pada mode produksi"):
        call_command("load_demo", quiet_logins=True)
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_loading_demo_data_twice_changes_nothing(people):
    before = (list(User.objects.values_list("username", "password", "nip")), Agency.objects.count(),
              Unit.objects.count(), RoleAssignment.objects.count())
    call_command("load_demo", quiet_logins=True, stdout=open(os.devnull, "w"))
    after = (list(User.objects.values_list("username", "password", "nip")), Agency.objects.count(),
             Unit.objects.count(), RoleAssignment.objects.count())
    assert before == after


@pytest.mark.django_db
def test_every_demo_nip_is_valid_and_every_role_is_held_in_a_unit(people):
    for user in people.all_except("admin"):
        user.full_clean(exclude=["password"])
        assert user.role_assignments.exists()
    assert people["admin"].is_superuser and not people["admin"].role_assignments.exists()
    assert people["kepala.lpse.ponorogo"].role_assignments.filter(unit__name="LPSE Kabupaten Ponorogo").exists()
