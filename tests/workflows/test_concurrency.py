"""Ten people's browsers completing the same step at the same moment (PostgreSQL)."""
import threading

import pytest
from django.db import connection

from tests.workflows.driving import sample_kelengkapan, start
from workflows.exceptions import StepNotCurrent
from workflows.models import CaseEvent
from workflows.services import case_complete_step

THREADS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_threads_completing_one_step_give_one_success(seed_sops, people):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only meaningful on PostgreSQL")
    case = start(seed_sops["PNG-UPDATE-SPSE"].latest_version)
    admin_ppe = people["admin.ppe.ponorogo"]
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    lock = threading.Lock()

    def worker():
        from django.db import connections

        kelengkapan = sample_kelengkapan(case.current_step)
        try:
            barrier.wait()
            case_complete_step(case_id=case.pk, step=1, by=admin_ppe, kelengkapan=kelengkapan)
            outcome = "ok"
        except StepNotCurrent as exc:
            outcome = exc
        except Exception as exc:  # noqa: BLE001 - any other failure is reported by the assertions
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert results.count("ok") == 1, results
    errors = [r for r in results if r != "ok"]
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, StepNotCurrent) for e in errors), errors
    assert all("Langkah 1 tidak lagi menunggu; kasus kini di langkah 2" in str(e) for e in errors)
    assert CaseEvent.objects.filter(case=case, action="complete").count() == 1
    assert case.step_runs.count() == 2
    assert case.inputs.count() == 2  # the kelengkapan of the one success only
