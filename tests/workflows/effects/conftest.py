"""A small KKP SOP around one step's effects: write the step, import, drive."""
import textwrap

import pytest
from django.core.management import call_command

from workflows.definitions import parse_definition
from workflows.models import Sop

HEAD = textwrap.dedent("""\
    format: 1
    code: UJI-EFEK
    agency: kkp
    unit: lpse
    sheet: {nama: "SOP UJI EFEK"}
    lanes:
      - {role: helpdesk, label: "Helpdesk LPSE"}
      - {role: admin_sistem, label: "Administrator Sistem LPSE"}
    steps:
    """)
INPUTS = textwrap.indent(textwrap.dedent("""\
    inputs:
      - {key: uraian, label: "Uraian", type: text}
      - {key: mulai, label: "Mulai", type: datetime}
      - {key: selesai, label: "Selesai", type: datetime}
      - key: saluran
        label: "Saluran"
        type: choice
        options: [{value: email, label: Email}, {value: surat, label: Surat}]
    """), "    ")


def definition(effects: str, *, decision: bool = False, before: str = "") -> str:
    """A definition whose step 2 carries ``effects`` (YAML lines of the step, e.g. ``effect: {...}``)."""
    kind = "kind: decision\n    ya: end\n    tidak: end" if decision else "next: end"
    return (HEAD + before
            + "  - {no: 1, kegiatan: Melapor, lane: helpdesk, next: 2}\n"
            + f"  - no: 2\n    kegiatan: Menangani\n    lane: admin_sistem\n    {kind}\n"
            + INPUTS + textwrap.indent(textwrap.dedent(effects), "    "))


def problems_of(text: str) -> list[str]:
    from workflows.definitions import DefinitionError

    try:
        parse_definition(text, "uji.yaml")
    except DefinitionError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.fixture
def imported(tmp_path, people):
    def load(text: str):
        path = tmp_path / "uji.yaml"
        path.write_text(text, encoding="utf-8")
        call_command("import_sop", str(path), stdout=open("/dev/null", "w"))
        return Sop.objects.get(code="UJI-EFEK").latest_version
    return load
