"""`check --format sarif` and `--format junit` validate against their published schemas."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import GOLDEN
from ruleproof.commands.cli import main

SCHEMAS = Path(__file__).parent / "schemas"
CHECK = GOLDEN / "check"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "spec").mkdir()
    (tmp_path / "properties").mkdir()
    shutil.copy(CHECK / "small.yaml", tmp_path / "spec" / "small.yaml")
    shutil.copy(CHECK / "small-properties.yaml", tmp_path / "properties" / "small.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(fmt: str, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(
        ["check", "spec/small.yaml", "--format", fmt, "--no-write", *extra], out, io.StringIO()
    )
    return code, out.getvalue()


def test_sarif_validates_and_locates_findings(project: Path) -> None:
    code, text = check("sarif")
    assert code == 1
    log = json.loads(text)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "no-protected-influence",
        "no-guilt-by-association",
        "score-in-range",
        "debtors-get-a",
        "paying-lifts-the-ban",
    ]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"no-guilt-by-association", "debtors-get-a"}  # proved: no finding
    finding = results["no-guilt-by-association"]
    assert finding["level"] == "error" and "suppressions" not in finding
    loc = finding["locations"][0]["physicalLocation"]
    props_text = (project / "properties" / "small.yaml").read_text().splitlines()
    assert loc["artifactLocation"]["uri"] == "properties/small.yaml"
    assert "no-guilt-by-association" in props_text[loc["region"]["startLine"] - 1]
    related = finding["relatedLocations"]
    spec_lines = (project / "spec" / "small.yaml").read_text().splitlines()
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == [
        "spec/small.yaml"
    ]
    assert "id: friends" in spec_lines[related[0]["physicalLocation"]["region"]["startLine"] - 1]
    documented = results["debtors-get-a"]
    assert documented["suppressions"][0]["kind"] == "inSource"
    assert {r["message"]["text"].split(" ")[0] for r in documented["relatedLocations"]} == {
        "rule",
        "sanction",
    }


def test_sarif_unknown_is_a_warning(project: Path) -> None:
    code, text = check("sarif", "--rlimit", "1")
    log = json.loads(text)
    levels = {r["level"] for r in log["runs"][0]["results"]}
    assert code == 3 and levels == {"warning"}


def _validate_junit(text: str) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    doc = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(doc), schema.error_log


def test_junit_validates(project: Path) -> None:
    code, text = check("junit")
    assert code == 1
    _validate_junit(text)
    from xml.etree import ElementTree as ET

    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == [
        "no-protected-influence",
        "no-guilt-by-association",
        "score-in-range",
        "debtors-get-a",
        "paying-lifts-the-ban",
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "1", "0")
    failure = cases["no-guilt-by-association"].find("failure")
    assert failure is not None and "friends_listed" in (failure.text or "")
    assert cases["debtors-get-a"].find("failure") is None  # expect: violated
    assert cases["no-guilt-by-association"].get("file") == "properties/small.yaml"


def test_junit_unknown_is_an_error(project: Path) -> None:
    code, text = check("junit", "--rlimit", "1")
    _validate_junit(text)
    assert code == 3 and "<error" in text and "<failure" not in text
