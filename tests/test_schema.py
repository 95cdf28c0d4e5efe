"""The JSON Schemas for ruleset and property files (shipped in the package for editor
completion) accept every worked file, refuse typical mistakes, and name exactly the keys the
loaders accept."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"


def schema(name: str) -> dict[str, Any]:
    text = files("ruleproof").joinpath("data", f"{name}.schema.json").read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    jsonschema.Draft7Validator.check_schema(doc)
    return doc


def validate(name: str, doc: object) -> None:
    jsonschema.Draft7Validator(schema(name)).validate(doc)


def _load(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SPECS = [
    *sorted((ROOT / "spec").glob("*.yaml")),
    GOLDEN / "check" / "small.yaml",
    GOLDEN / "cli" / "small.yaml",
]
SUITES = [*sorted((ROOT / "properties").glob("*.yaml")), GOLDEN / "check" / "small-properties.yaml"]


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_worked_spec_validates(path: Path) -> None:
    validate("ruleset", _load(path))


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_every_worked_property_file_validates(path: Path) -> None:
    validate("properties", _load(path))


def test_the_scaffold_validates() -> None:
    from ruleproof.commands.scaffold import FILES

    files_ = dict(FILES)
    validate("ruleset", yaml.safe_load(files_["spec/example.yaml"]))
    validate("properties", yaml.safe_load(files_["properties/example.yaml"]))


def test_one_of_groups_and_decimal_scores_validate() -> None:
    doc = {
        "ruleset": "groups",
        "domains": {"finance": "money"},
        "attributes": {"x": {"type": "int", "range": [0, 9], "domain": "finance"}},
        "score": {
            "base": 0.5,
            "range": [0, 10.25],
            "rules": [
                {"id": "a", "when": "x > 1", "add": 1.5},
                {"id": "g", "one_of": [{"id": "g1", "when": "x > 5", "add": 2}]},
            ],
        },
    }
    validate("ruleset", doc)


BAD_SPECS = [
    {"attributes": {}},  # no id
    {"ruleset": "x", "attributes": {"a": {"type": "int"}}},  # int without range
    {"ruleset": "x", "attributes": {"a": {"type": "enum", "values": ["p q", "r"]}}},
    {"ruleset": "x", "attributes": {"a": {"type": "bool", "protected": "yes"}}},
    {"ruleset": "x", "attributes": {"a": {"type": "bool"}}, "scor": {}},
    {"ruleset": "x", "attributes": {"a": {"type": "bool"}}, "score": {"rules": [{"id": "r"}]}},
    {"ruleset": "x", "attributes": {"a": {"type": "bool"}}, "actions": {"f": {"by": "judge"}}},
]


@pytest.mark.parametrize("doc", BAD_SPECS)
def test_mistakes_in_specs_are_refused(doc: object) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate("ruleset", doc)


BAD_PROPS = [
    {"properties": [{"id": "x"}]},  # no kind
    {"properties": [{"id": "x", "always": "a", "tiers_total": {}}]},  # two kinds
    {"properties": [{"id": "x", "monotone": {"in": "a", "output": "score", "direction": "down"}}]},
    {"properties": [{"id": "x", "forall": ["a"]}]},  # no assert
    {"properties": [{"id": "x", "always": "a", "assert": "b"}]},
    {"properties": [{"id": "x", "appeal_path": {"within": 0}}]},
    {"properties": [{"id": "x", "always": "a", "expect": "holds"}]},
]


@pytest.mark.parametrize("doc", BAD_PROPS)
def test_mistakes_in_property_files_are_refused(doc: object) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate("properties", doc)


def test_schemas_name_exactly_the_keys_the_loaders_accept() -> None:
    from ruleproof.language.load_ruleset import names as N
    from ruleproof.language.load_suite.entries import ENTRY_KEYS

    rs = schema("ruleset")
    defs = rs["definitions"]
    assert sorted(rs["properties"]) == sorted(N.TOP_KEYS)
    assert sorted(defs["attribute"]["properties"]) == sorted(N.ATTR_KEYS)
    rule, group = defs["scoreRule"]["oneOf"]
    assert sorted(rule["properties"]) == sorted(N.RULE_KEYS)
    assert sorted(group["properties"]) == sorted(N.GROUP_KEYS)
    assert sorted(group["properties"]["one_of"]["items"]["properties"]) == sorted(N.CASE_KEYS)
    assert sorted(rs["properties"]["tiers"]["items"]["properties"]) == sorted(N.TIER_KEYS)
    sanction = rs["properties"]["sanctions"]["additionalProperties"]
    assert sorted(sanction["properties"]) == sorted(N.SANCTION_KEYS)
    action = rs["properties"]["actions"]["additionalProperties"]
    assert sorted(action["properties"]) == sorted(N.ACTION_KEYS)
    param = action["properties"]["params"]["additionalProperties"]
    assert sorted(param["properties"]) == sorted(N.PARAM_KEYS)
    entry = schema("properties")["definitions"]["entry"]
    assert sorted(entry["properties"]) == sorted(ENTRY_KEYS)


def test_schema_command_prints_them() -> None:
    import io

    from ruleproof.commands.cli import main

    for name in ("ruleset", "properties"):
        out = io.StringIO()
        assert main(["schema", name], out, io.StringIO()) == 0
        assert json.loads(out.getvalue()) == schema(name)
