"""A case keeps the SOP version it started with; a revision only affects new cases."""
import datetime

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import SOP_DIR
from tests.workflows.driving import act, run_to_end, start
from workflows.models import Sop

pytestmark = pytest.mark.django_db


# A Monday 10.00 WIB: one working day later is Tuesday 10.00, a calendar day exactly.
@time_machine.travel(datetime.datetime(2026, 11, 23, 3, 0, tzinfo=datetime.UTC), tick=False)
def test_a_revision_does_not_change_running_or_finished_cases(seed_sops, tmp_path):
    sop = seed_sops["PNG-UPDATE-SPSE"]
    v1 = sop.latest_version
    finished = run_to_end(start(v1, "Update lama"))
    running = act(start(v1, "Update berjalan"), "complete")
    old_text = running.current_step.kegiatan
    old_due = running.step_runs.get(completed_at__isnull=True).due_at

    revised = (SOP_DIR / "ponorogo-pembaharuan-update-spse.yaml").read_text(encoding="utf-8")
    revised = revised.replace('waktu: "1 hari"', 'waktu: "2 hari"').replace(old_text, "Laporan rilis (revisi)")
    path = tmp_path / "revisi.yaml"
    path.write_text(revised, encoding="utf-8")
    call_command("import_sop", str(path), stdout=open("/dev/null", "w"))

    sop = Sop.objects.get(pk=sop.pk)
    v2 = sop.latest_version
    assert v2.number == 2 and v2.spec.step(2).kegiatan == "Laporan rilis (revisi)"

    running.refresh_from_db()
    assert running.sop_version_id == v1.pk
    assert running.current_step.kegiatan == old_text
    running = act(running, "complete")
    nxt = running.step_runs.get(completed_at__isnull=True)
    assert nxt.due_at - nxt.activated_at == datetime.timedelta(days=1)  # v1's waktu, not v2's
    assert old_due is not None

    finished.refresh_from_db()
    assert finished.sop_version_id == v1.pk and finished.step_runs.count() == 5

    fresh = act(start(v2, "Update baru"), "complete")
    due = fresh.step_runs.get(completed_at__isnull=True)
    assert due.due_at - due.activated_at == datetime.timedelta(days=2)


def test_a_stored_version_cannot_be_edited(seed_sops):
    version = seed_sops["PNG-UPDATE-SPSE"].latest_version
    version.source_text = "diubah"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        type(version).objects.filter(pk=version.pk).update(source_text="diubah")
