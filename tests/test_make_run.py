"""`make run HOST=...`: the links in emails and on printed records point where the server listens."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dry_run(*args: str, **env: str) -> str:
    """The commands `make run` would run (make -n runs nothing)."""
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          check=True).stdout


def test_site_url_follows_host():
    commands = dry_run("HOST=127.0.0.1:8101")
    assert "SITE_URL=http://127.0.0.1:8101 " in commands and "runserver 127.0.0.1:8101" in commands
    assert "db_worker" in commands and ":8000" not in commands


def test_a_site_url_set_in_the_environment_is_kept():
    commands = dry_run("HOST=0.0.0.0:8101", SITE_URL="https://lpse.example.go.id")
    assert "SITE_URL=https://lpse.example.go.id " in commands and "runserver 0.0.0.0:8101" in commands
