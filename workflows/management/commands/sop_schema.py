"""Print the JSON Schema of definition files, or refresh the tables of docs/sop-format.md."""
import json

from django.core.management.base import BaseCommand, CommandError

from workflows.schema import definition_json_schema
from workflows.schema_docs import DOC, render


class Command(BaseCommand):
    help = "JSON Schema definisi SOP (bawaan), atau --markdown: perbarui tabel docs/sop-format.md dari skema."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="Tulis ulang tabel di docs/sop-format.md.")
        parser.add_argument("--check", action="store_true",
                            help="Dengan --markdown: jangan menulis, gagal bila dokumen tidak sesuai skema.")

    def handle(self, *args, markdown=False, check=False, **options):
        if not markdown:
            self.stdout.write(json.dumps(definition_json_schema(), ensure_ascii=False, indent=2))
            return
        text = DOC.read_text(encoding="utf-8")
        fresh = render(text)
        if check:
            if fresh != text:
                raise CommandError(f"{DOC} tidak sesuai skema; jalankan: python manage.py sop_schema --markdown")
            return
        DOC.write_text(fresh, encoding="utf-8")
        self.stdout.write(f"{DOC} diperbarui.")
