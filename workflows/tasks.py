"""Background tasks (django-tasks; worked by ``manage.py db_worker``, run at once in tests).

Exports are made by workflows.exports.build_export; email by workflows.outbox.deliver_email.
"""
from __future__ import annotations

from django_tasks import task

from workflows import exports


@task()
def build_archive_zip(job_id: int) -> None:
    """A ZIP of case records queued before build_export made every kind of export: the
    worker finds a queued task by this name."""
    exports.run_export(job_id)
