"""The site's own pages work under its Content Security Policy: the browser reports no
refused script, style or image while a person signs in, opens Tugas saya and a step form
(htmx included). The other browser tests inject axe and so bypass the policy; this one does not."""
import re

import pytest

from tests.e2e.conftest import PASSWORD
from tests.workflows.driving import case_at

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_breaks_its_own_content_security_policy(seed_sops, browser, live_server):
    case = case_at(seed_sops["PNG-AKUN-POKJA"].latest_version, 1)  # a case page to open too
    context = browser.new_context()  # no bypass_csp: the policy as a real browser applies it
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(live_server.url + "/masuk/")
    page.fill("#id_username", "kepala.ukpbj.ponorogo")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/tugas/$"))
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    page.goto(f"{live_server.url}/kasus/mulai/")
    page.click("text=PERMINTAAN AKUN POKJA UKPBJ")
    page.click("button.add-row")  # an htmx request, swapped in under the policy
    page.wait_for_selector("[name='data_pokja-2-nama']")  # even with the rest of the form still empty
    assert page.evaluate("typeof htmx") == "object"
    assert not refused, refused
    context.close()
