"""seed_bench (workflows/bench_data.py): bulk national data that the application takes for its own."""
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from workflows import bench_data, ledger, states
from workflows.definitions import parse_definition
from workflows.models import Attachment, Case, CaseEvent, LedgerEntry, Notification, StepRun

pytestmark = pytest.mark.django_db


def _seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_bench", stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def seeded(seed_sops):
    return _seed(agencies=3, cases=60, seed=7)


def test_every_state_of_every_sop_is_there(seeded):
    assert "workflows_case" in seeded and "total" in seeded
    by_sop = Counter(Case.objects.values_list("sop_version__sop__code", "state"))
    for code in ("PNG-UPDATE-SPSE", "PNG-AKUN-POKJA", "KALTIM-REG-ADMIN-PPE", "KKP-PENGUMUMAN-PEMELIHARAAN"):
        version = Case.objects.filter(sop_version__sop__code=code).first().sop_version
        wanted = {states.DONE, states.CANCELLED} | {states.of_step(step.no) for step in version.spec.steps}
        assert wanted <= {state for (sop, state) in by_sop if sop == code}, code
    # Kaltim's TIDAK -> 3 -> 4 -> 2 loop, returned disposisi, late steps with their reason.
    assert CaseEvent.objects.filter(action="decide_tidak").exists()
    assert StepRun.objects.filter(outcome="kembali").exists()
    late = [run for run in StepRun.objects.exclude(due_at=None).exclude(completed_at=None) if run.is_late]
    assert late and all(run.late_reason for run in late if run.outcome in ("complete", "ya", "tidak"))
    assert Notification.objects.exists() and Attachment.objects.exists()


def test_the_engine_invariants_hold_for_every_case(seeded):
    for case in Case.objects.select_related("sop_version"):
        events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
        assert events[0].action == "start" and events[-1].to_state == case.state, case.pk
        for before, after in zip(events, events[1:]):
            assert before.to_state == after.from_state or after.action in ("take", "assign", "release"), case.pk
        open_runs = list(StepRun.objects.filter(case=case, completed_at=None))
        if case.is_closed:
            assert case.closed_at and not open_runs and case.current_role == ""
            assert case.closed_at == events[-1].at
        else:
            assert case.closed_at is None and len(open_runs) == 1
            assert open_runs[0].step_no == states.step_no(case.state)
            assert case.current_role == open_runs[0].lane_role == case.current_step.lane
        for run in StepRun.objects.filter(case=case).exclude(completed_at=None):
            assert run.completed_at >= run.activated_at and run.actor_id and run.outcome
        if case.state == states.CANCELLED:
            assert case.cancel_reason


def test_history_chains_verify(seeded):
    sample = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for pk in sample:
        assert ledger.verify(Case.objects.get(pk=pk)) == [], pk
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    assert "semua rantai riwayat utuh" in out.getvalue()
    # The chain is the one the services write: a later action through them chains on.
    assert LedgerEntry.objects.count() > Case.objects.count() * 3


def test_a_step_done_through_the_services_chains_onto_seeded_history(seeded):
    from workflows import engine
    from workflows.demo_cases import sample_kelengkapan
    from workflows.services import case_complete_step

    case = next(c for c in Case.objects.filter(state__startswith="step-").order_by("pk")
                if not c.current_step.is_decision and not c.current_step.disposisi)
    run = case.step_runs.get(completed_at=None)
    by = engine.lane_holders(case, run.lane_role).first().user
    case_complete_step(case_id=case.pk, step=run.step_no, by=by, kelengkapan=sample_kelengkapan(case.current_step),
                       late_reason="Terlambat (uji)")
    assert ledger.verify(Case.objects.get(pk=case.pk)) == []


def test_same_seed_same_data(seed_sops):
    digests = []
    for seed in (11, 11, 12):
        with transaction.atomic():
            bench_data.seed_bench(agencies=2, cases=25, seed=seed)
            digests.append(bench_data.data_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1] != digests[2]


def test_seed_definitions_are_what_importing_the_rewritten_text_stores():
    for name, text, definition in bench_data.seed_texts():
        rewritten = bench_data._rewritten(text, "kab-contoh")
        assert parse_definition(rewritten, name).as_data() == bench_data.definition_for(definition, "kab-contoh")


def test_refuses_production_and_a_database_with_cases(seeded, settings):
    with pytest.raises(CommandError, match="kasus"):
        _seed(agencies=1, cases=1)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="produksi"):
        _seed(agencies=1, cases=1, force=True)
    settings.PRODUCTION = False
    before = Case.objects.count()
    _seed(agencies=1, cases=5, seed=3, force=True)
    assert Case.objects.count() == before + 5


def test_closed_cases_carry_the_text_the_archive_searches(seeded):
    from workflows.archive import archive_text
    from workflows.models import Case

    closed = list(Case.objects.filter(closed_at__isnull=False))
    assert closed and all(case.archive_text == archive_text(case) for case in closed)
    assert not Case.objects.filter(closed_at__isnull=True).exclude(archive_text="").exists()


def test_the_reference_agency_holds_the_same_cases_at_every_size(seed_sops):
    """The bench compares one agency's pages at 1,000 and 100,000 cases: its cases must be
    the same ones whatever the size of the nation around it."""
    held = []
    for cases in (120, 200):
        with transaction.atomic():
            bench_data.seed_bench(agencies=10, cases=cases, seed=5, reference_cases=40)
            reference = bench_data.reference_agency()
            held.append(list(Case.objects.filter(agency=reference).order_by("started_at", "title").values_list(
                "sop_version__sop__code", "title", "state", "started_at", "closed_at", "unit__name")))
            runs = StepRun.objects.filter(case__agency=reference)
            held.append(sorted(runs.values_list("step_no", "activated_at", "completed_at", "outcome")))
            assert Case.objects.exclude(agency=reference).count() == cases - 40
            transaction.set_rollback(True)
    assert reference.name == "Pemerintah Provinsi Aceh"
    assert len(held[0]) == 40 and held[0] == held[2] and held[1] == held[3]
