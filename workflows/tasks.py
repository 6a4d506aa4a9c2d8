"""Background tasks (django-tasks; worked by ``manage.py db_worker``, run at once in tests)."""
from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from workflows import archive_export
from workflows.archive import ArchiveFilter
from workflows.models import Case, ExportJob

logger = logging.getLogger(__name__)

CHUNK = 50


@task()
def build_archive_zip(job_id: int) -> None:
    """Render the case record of every case the job's filter selects into one ZIP, with a
    ``daftar.csv`` manifest naming each PDF and its SHA-256.

    The filter is applied again here, for the person who asked, with the rights they hold
    now. Progress (``done`` of ``total``) is saved after every PDF so the progress page moves.
    Safe to deliver twice: only the run that moves the job out of "pending" does the work.
    """
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
            status=ExportJob.Status.RUNNING):
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    user = job.requested_by
    current: Case | None = None
    with translation.override(user.language or "id"):
        try:
            filterset = ArchiveFilter(QueryDict(job.query), user=user)
            ids = list(filterset.qs.values_list("pk", flat=True))
            job.total = len(ids)
            job.save(update_fields=["total"])
            manifest = []
            with tempfile.TemporaryFile() as spool:
                with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    for start in range(0, len(ids), CHUNK):
                        chunk = ids[start:start + CHUNK]
                        cases = {c.pk: c for c in archive_export.for_export(filterset.qs.filter(pk__in=chunk))}
                        for pk in chunk:
                            current = cases[pk]
                            pdf, _record = archive_export.render_case_record(current, by=user)
                            name = archive_export.pdf_name(current)
                            archive.writestr(name, pdf)
                            manifest.append([*archive_export.case_row(current), name, hashlib.sha256(pdf).hexdigest()])
                            job.done += 1
                            ExportJob.objects.filter(pk=job.pk).update(done=job.done)
                    current = None
                    archive.writestr("daftar.csv", archive_export.csv_bytes(archive_export.MANIFEST_COLUMNS, manifest))
                spool.seek(0)
                job.file.save(f"arsip-kasus-{job.pk}.zip", File(spool), save=False)
        except Exception as exc:
            logger.exception("Export job %s failed", job_id)
            job.status = ExportJob.Status.FAILED
            job.error = (_("Rekaman kasus No. %(id)s gagal dibuat: %(error)s") % {"id": current.pk, "error": exc}
                         if current is not None else _("Ekspor gagal: %(error)s") % {"error": exc})
        else:
            job.status = ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "file", "finished_at", "done", "total"])
