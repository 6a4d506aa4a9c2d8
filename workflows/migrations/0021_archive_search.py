"""The archive's search column and the indexes of its list page.

``archive_text`` is filled for every case already closed (in SQL on PostgreSQL, where an
archive may hold millions of cases; row by row elsewhere). On PostgreSQL the search gets a
trigram GIN index on ``UPPER(archive_text)``, the expression Django's ``icontains`` compares,
so ``%word%`` is answered from the index; SQLite has no trigram index and scans.
"""
from django.conf import settings
from django.db import migrations, models

CLOSED = ("done", "cancelled")

BACKFILL_POSTGRESQL = """
UPDATE workflows_case AS c SET archive_text = concat_ws(E'\\n', c.title, NULLIF(c.cancel_reason, ''), r.notes)
FROM (SELECT c2.id AS case_id,
             string_agg(concat_ws(E'\\n', NULLIF(s.note, ''), NULLIF(s.late_reason, '')), E'\\n' ORDER BY s.id) AS notes
      FROM workflows_case c2 LEFT JOIN workflows_steprun s ON s.case_id = c2.id
      WHERE c2.state IN ('done', 'cancelled') GROUP BY c2.id) AS r
WHERE r.case_id = c.id
"""
TRIGRAM = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS case_archive_text_trgm ON workflows_case USING gin (UPPER(archive_text) gin_trgm_ops);
"""
NO_TRIGRAM = "DROP INDEX IF EXISTS case_archive_text_trgm;"


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL_POSTGRESQL)
        return
    case_model = apps.get_model("workflows", "Case")
    run_model = apps.get_model("workflows", "StepRun")
    closed = case_model.objects.filter(state__in=CLOSED).order_by("pk")
    for case in closed.iterator(chunk_size=500):
        parts = [case.title, case.cancel_reason]
        for note, late_reason in run_model.objects.filter(case=case).order_by("pk").values_list("note", "late_reason"):
            parts += [note, late_reason]
        case.archive_text = "\n".join(p for p in parts if p)
        case.save(update_fields=["archive_text"])


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGRAM)


def no_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRIGRAM)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_sop_author_role'),
        ('workflows', '0020_sop_drafts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='archive_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['agency', 'closed_at', 'id'], name='case_archive_agency_seek'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['closed_at', 'id'], name='case_archive_seek'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, no_trigram_index),
    ]
