"""`make run` shows three weeks of work: the demo cases load once, through the services, and
give the inbox, the deviation register and Monev something to show."""
import pytest
from django.core.management import CommandError, call_command

from workflows import deviations, monev
from workflows.models import Case

pytestmark = pytest.mark.django_db


def test_demo_cases_load_once_and_fill_the_registers(seed_sops, people, capsys):
    call_command("load_demo_cases")
    call_command("load_demo_cases")
    out = capsys.readouterr().out
    assert "9 kasus demo dibuat." in out and "Kasus demo sudah ada" in out
    assert Case.objects.filter(title__startswith="Demo: ").count() == 9
    head = people["kepala.lpse.ponorogo"]
    register = list(deviations.describe(deviations.register_for(head)))
    reasons = {d.reason for d in register}
    assert "Kepala LPSE dinas luar kota" in reasons and "Laporan rilis belum dilampirkan" in reasons
    assert any(d.kinds == ["terlambat"] and d.run.completed_at is None for d in register)  # still overdue
    names = [report.spec.name for report in monev.measure(monev.monev_cases(head))]
    assert "PEMBAHARUAN UPDATE SPSE" in names


def test_demo_cases_are_refused_in_production(settings, seed_sops):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="tidak boleh dimuat pada mode produksi"):
        call_command("load_demo_cases")
    assert not Case.objects.exists()
