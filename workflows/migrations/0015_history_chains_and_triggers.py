"""Chain what already exists, then make the history append-only in the database.

Existing rows are chained per case in the order they were written. On PostgreSQL, triggers
then refuse UPDATE and DELETE of the history, kelengkapan, attachment metadata and ledger,
DELETE of step runs, and any UPDATE of a finished step run or of a waiting step run's
fixed columns (who handles it and its completion may still be written once). TRUNCATE,
which the test runner uses to empty tables, is not a row change and is not refused.
"""
from django.db import migrations

from workflows import ledger

GUARDED = ("workflows_caseevent", "workflows_caseinput", "workflows_attachment", "workflows_ledgerentry")

FORWARD = """
CREATE OR REPLACE FUNCTION lpse_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'riwayat kasus hanya dapat ditambah (%% pada %%): buat baris koreksi', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lpse_guard_step_run() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.completed_at IS NOT NULL
     OR NEW.case_id <> OLD.case_id OR NEW.step_no <> OLD.step_no OR NEW.lane_role <> OLD.lane_role
     OR NEW.activated_at <> OLD.activated_at OR NEW.due_at IS DISTINCT FROM OLD.due_at
     OR NEW.remind_at IS DISTINCT FROM OLD.remind_at THEN
    RAISE EXCEPTION 'langkah kasus yang selesai tidak dapat diubah (%% pada %%)', TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
""" + "".join(f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION lpse_refuse_change();
""" for table in GUARDED) + """
CREATE TRIGGER workflows_steprun_guard BEFORE UPDATE OR DELETE ON workflows_steprun
  FOR EACH ROW EXECUTE FUNCTION lpse_guard_step_run();
"""

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n" for table in GUARDED) + """
DROP TRIGGER IF EXISTS workflows_steprun_guard ON workflows_steprun;
DROP FUNCTION IF EXISTS lpse_guard_step_run();
DROP FUNCTION IF EXISTS lpse_refuse_change();
"""


def chain_existing_rows(apps, schema_editor):
    entry = apps.get_model("workflows", "LedgerEntry")
    models = {kind: apps.get_model("workflows", name) for kind, name in (
        ("event", "CaseEvent"), ("steprun", "StepRun"), ("input", "CaseInput"), ("attachment", "Attachment"))}
    stamp = {"event": "at", "steprun": "activated_at", "input": "provided_at", "attachment": "uploaded_at"}
    order = {"steprun": 0, "attachment": 1, "input": 2, "event": 3}  # as the services write them
    for case_id in apps.get_model("workflows", "Case").objects.values_list("pk", flat=True).order_by("pk"):
        rows = [(getattr(row, stamp[kind]), order[kind], row.pk, kind, row)
                for kind, model in models.items() for row in model.objects.filter(case_id=case_id)]
        for _at, _order, _pk, kind, row in sorted(rows, key=lambda r: r[:3]):
            ledger.append(kind, row, entry)


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def no_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0014_history_ledger"),
    ]

    operations = [
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(triggers, no_triggers),
    ]
