"""Browser tests: Playwright drives the Debian Chromium against pytest-django's live server.

Run with `make e2e`. Screenshots of every page go to test-output/e2e/.
"""
import json
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test body are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PASSWORD = "demo-lpse-2026"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (apt-get install chromium); `make e2e` needs it")
    return {"executable_path": CHROMIUM, "args": [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the site's Content Security Policy forbids
    # (rightly); the browser under test lets the test's own script through.
    return {**browser_context_args, "bypass_csp": True}


class Browser:
    """One person at a time in one browser tab, with screenshots and axe checks."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base = base_url
        self.dir = OUTPUT / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.shots = 0
        self.login_checked = False

    def shot(self, label: str) -> None:
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
        self.page.screenshot(path=str(self.dir / f"{self.shots:02d}-{slug}.png"), full_page=True)

    def axe(self, label: str) -> None:
        """Fail on serious or critical accessibility violations of the current page."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        # Serious and critical, plus two landmarks with one name (moderate, but it leaves
        # screen-reader users unable to tell the regions apart).
        bad = [f"{label}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical") or v["id"] == "landmark-unique"]
        assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)

    def go(self, path: str, label: str, check: bool = True) -> None:
        self.page.goto(self.base + path)
        self.shot(label)
        if check:
            self.axe(label)

    def login(self, username: str) -> None:
        # Leave the page first: a request the last page still had in flight (the SOP editor's
        # preview) would otherwise answer after the cookies are cleared and set its person's
        # session again (seen on a slow machine: the signer's pages showed the author).
        self.page.goto("about:blank")
        self.page.context.clear_cookies()
        self.page.goto(self.base + "/masuk/")
        if not self.login_checked:
            self.shot("masuk")
            self.axe("masuk")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", "salah")
            self.page.click("main button[type=submit]")
            assert "kata sandi salah" in self.page.inner_text("main")
            self.shot("kata sandi salah")
            self.axe("kata sandi salah")
            self.login_checked = True
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/tugas/$"))


@pytest.fixture
def browser_for(page, live_server):
    page.set_default_timeout(15000)

    def make(name: str) -> Browser:
        return Browser(page, live_server.url, name)

    return make
