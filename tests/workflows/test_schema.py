"""The definition schema: every stored shape still reads, the JSON Schema is public, the docs
follow the schema, and bad data only ever raises DefinitionError."""
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflows.definitions import (ADOPTION_SHEET_KEYS, DefinitionError, SopSpec, dump_definition,
                                   parse_definition)
from workflows.schema import definition_json_schema
from workflows.schema_checks import validate_definition

ROOT = Path(__file__).resolve().parent.parent.parent
FILES = sorted((ROOT / "fixtures" / "sops").glob("*.yaml")) + sorted((ROOT / "fixtures" / "templates").glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_fixture_loads_and_round_trips(path):
    spec = parse_definition(path.read_text(encoding="utf-8"), path.name)
    again = SopSpec.from_data(json.loads(json.dumps(spec.as_data())))
    assert again.as_data() == spec.as_data() and again.steps == spec.steps
    assert parse_definition(dump_definition(spec.as_data()), "dumped").as_data() == spec.as_data()


def test_a_stored_definition_of_before_the_schema_still_reads():
    path = ROOT / "fixtures" / "sops" / "kkp-pengumuman-pemeliharaan-spse.yaml"
    data = parse_definition(path.read_text(encoding="utf-8"), "kkp").as_data()
    for step in data["steps"]:  # the shape as_data() produced before effects became a list
        effects = step.pop("effects")
        step["effect"] = {k: v for k, v in effects[0].items() if k != "on" and v not in ("", ())} if effects else {}
    spec = SopSpec.from_data(data)
    assert spec.step(4).effects[0].type == "forward_to_pokja" and spec.step(4).effects[0].on == "complete"
    assert spec.step(2).effect["min_lead_days"] == 3 and spec.step(1).effect == {}


def test_the_editor_gets_problems_with_step_and_field():
    data = {"format": 1, "code": "X-1", "agency": "kkp", "unit": "lpse", "sheet": {"nama": "X"},
            "lanes": [{"role": "helpdesk", "label": "H"}],
            "steps": [{"no": 1, "kegiatan": "K", "lane": "helpdesk", "next": "end",
                       "inputs": [{"key": "a", "label": "A", "type": "pdf"}]}]}
    model, problems = validate_definition(data, "editor")
    assert model is None
    assert [(p.step, p.field) for p in problems] == [(1, "inputs[1].type")]
    assert "type 'pdf' tidak dikenal" in problems[0].message


def test_adoption_keys_come_from_the_schema():
    assert ADOPTION_SHEET_KEYS == ("kop", "nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
                                   "tanggal_pengesahan", "disahkan_oleh")


def test_the_json_schema_is_public_and_titled(client, db):
    response = client.get(reverse("sop_schema"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/schema+json")
    schema = json.loads(response.content)
    assert schema == json.loads(json.dumps(definition_json_schema()))
    step = schema["$defs"]["StepModel"]["properties"]
    assert step["kegiatan"]["title"] == "Kegiatan" and step["kegiatan"]["description"]
    assert "notify" in json.dumps(schema) and "forward_to_pokja" in json.dumps(schema)

    def untitled(node, path="$"):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if not (prop.get("title") and prop.get("description")):
                    yield f"{path}.{name}"
            for key, value in node.items():
                yield from untitled(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from untitled(value, f"{path}[{i}]")
    assert not list(untitled(schema))


def test_the_format_documentation_follows_the_schema():
    call_command("sop_schema", markdown=True, check=True)


yamlish = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.sampled_from(
        ["end", "", "1 hari", "process", "decision", "text", "choice", "records", "notify", "helpdesk", "x{y}",
         "announce_maintenance", "forward_to_pokja", "ya", "tidak", "complete", "kkp", "lpse"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(
        ["format", "code", "agency", "unit", "sheet", "lanes", "steps", "no", "kegiatan", "lane", "kind", "next",
         "ya", "tidak", "inputs", "key", "label", "type", "options", "fields", "effect", "effects", "on", "start",
         "end", "text", "role", "channel", "subject", "body", "waktu", "nama", "requires"]), children, max_size=6),
    max_leaves=30)
good_step = st.fixed_dictionaries({"no": st.integers(1, 3), "kegiatan": st.just("K"), "lane": st.just("helpdesk")},
                                  optional={"next": st.sampled_from([1, 2, "end"]), "kind": yamlish,
                                            "inputs": yamlish, "effect": yamlish, "effects": yamlish,
                                            "waktu": yamlish, "ya": yamlish})
documents = st.fixed_dictionaries(
    {"format": st.just(1), "code": st.just("X-1"), "agency": st.just("kkp"), "unit": st.just("lpse"),
     "sheet": st.just({"nama": "X"}), "lanes": st.just([{"role": "helpdesk", "label": "H"}]),
     "steps": st.lists(good_step, min_size=1, max_size=3)}) | yamlish


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_bad_data_only_ever_raises_definition_error(data):
    try:
        SopSpec.from_data(data, "fuzz")
    except DefinitionError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
