"""Import SOP definition files (docs/sop-format.md) as new immutable SOP versions.

Safe to run again: a file whose text is already stored is reported and skipped. A bad
file stores nothing and the command exits non-zero naming the file, the step and the field.
``--check`` validates without storing anything.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workflows.definitions import DefinitionError, parse_definition
from workflows.sop_import import reference_problems, sop_import, unheld_lanes


class Command(BaseCommand):
    help = "Validasi dan simpan berkas definisi SOP sebagai versi baru."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--check", action="store_true", help="Hanya validasi; tidak menyimpan apa pun.")

    def handle(self, *args, files, check=False, **options):
        failures = []
        for name in files:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                failures.append(f"{name}: berkas tidak dapat dibaca ({exc.__class__.__name__}: {exc}).")
                continue
            try:
                if check:
                    spec = parse_definition(text, name)
                    if problems := reference_problems(spec, name):
                        raise DefinitionError(problems)
                    self.stdout.write(f"{name}: valid ({spec.code}, {len(spec.steps)} langkah).")
                    for warning in unheld_lanes(spec):
                        self.stdout.write(self.style.WARNING(f"{name}: PERINGATAN: {warning}"))
                    continue
                with transaction.atomic():
                    version, created = sop_import(text=text, source_name=name)
            except DefinitionError as exc:
                failures.extend(str(p) for p in exc.problems)
                continue
            if created:
                self.stdout.write(self.style.SUCCESS(
                    f"{name}: disimpan sebagai {version.sop.code}{' (templat nasional)' if version.sop.is_template else ''} "
                    f"versi {version.number} "
                    f"({len(version.spec.steps)} langkah)."))
            else:
                self.stdout.write(f"{name}: tidak berubah ({version.sop.code} versi {version.number}).")
        if failures:
            raise CommandError("berkas definisi ditolak, tidak ada yang disimpan dari berkas ini:\n" + "\n".join(failures))
