"""The page of what a revision changed, in Chromium: desktop and phone width, axe-clean."""
import pytest

from tests.conftest import SOP_DIR
from workflows.sop_import import sop_import

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_revision_is_read_side_by_side_and_stacked_on_a_phone(seed_sops, browser_for):
    text = (SOP_DIR / "ponorogo-pembaharuan-update-spse.yaml").read_text(encoding="utf-8")
    sop_import(text=text.replace('waktu: "1 hari"', 'waktu: "2 hari"', 1).replace('nomor: ""', 'nomor: "027/1/2026"'),
               source_name="revisi.yaml")
    b = browser_for("version-diff")
    b.login("kepala.lpse.ponorogo")
    b.go("/sop/ponorogo/PNG-UPDATE-SPSE/", "halaman sop dengan dua versi")
    b.page.click("text=perubahan dari versi 1")
    b.page.wait_for_url("**/versi/2/perubahan/")
    b.shot("perubahan versi 2")
    b.axe("perubahan versi 2")
    assert "mutu baku berubah di langkah 1" in b.page.inner_text(".diff-summary")
    b.page.set_viewport_size({"width": 390, "height": 844})
    b.go("/sop/ponorogo/PNG-UPDATE-SPSE/versi/2/perubahan/", "perubahan versi 2 di ponsel")
    assert b.page.evaluate("document.documentElement.scrollWidth") <= 390
    b.go("/sop/ponorogo/PNG-UPDATE-SPSE/versi/1/perubahan/", "versi pertama")
    assert "tidak ada pembanding" in b.page.inner_text("main")
