from django.db import migrations


def add_sop_author(apps, schema_editor):
    """Deployments migrated before the role existed get it too (0003 seeds it on new ones)."""
    apps.get_model("accounts", "Role").objects.get_or_create(
        code="penyusun_sop", defaults={"name": "Penyusun SOP", "scope": "agency"})


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_role_home_agency"),
    ]

    operations = [
        migrations.RunPython(add_sop_author, migrations.RunPython.noop),
    ]
