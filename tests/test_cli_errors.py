"""Bad input on the command line: the right diagnostic for a mistyped path, and machine-readable
formats that stay valid documents carrying the error (so `check … --format sarif > x.sarif`
never leaves an empty file); `lint --format json|github`."""

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


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "spec").mkdir()
    (tmp_path / "properties").mkdir()
    shutil.copy(CHECK / "small.yaml", tmp_path / "spec" / "small.yaml")
    shutil.copy(CHECK / "small-properties.yaml", tmp_path / "properties" / "small.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_mistyped_spec_path_cannot_be_read(project: Path) -> None:
    code, _, err = run("check", "spec/smal.yaml")
    assert code == 2
    assert "RP006" in err and "cannot read file" in err
    assert "RP603" not in err


def test_missing_default_properties_still_rp603(project: Path) -> None:
    (project / "properties" / "small.yaml").unlink()
    code, _, err = run("check", "spec/small.yaml")
    assert code == 2 and "RP603" in err


BAD_INPUTS = {
    "missing spec": ("spec/smal.yaml",),
    "bad spec": ("spec/broken.yaml", "properties/small.yaml"),
    "bad properties": ("spec/small.yaml", "properties/broken.yaml"),
}


def _break(project: Path) -> None:
    text = (project / "spec" / "small.yaml").read_text(encoding="utf-8")
    (project / "spec" / "broken.yaml").write_text(
        text.replace('when: "listed"', 'when: "listd"'), encoding="utf-8"
    )
    (project / "properties" / "broken.yaml").write_text(
        'properties:\n  - id: x\n    always: "scor >= 0"\n', encoding="utf-8"
    )


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_sarif_on_bad_input_is_a_valid_log(project: Path, case: str) -> None:
    _break(project)
    code, out, err = run("check", *BAD_INPUTS[case], "--format", "sarif")
    assert code == 2 and "error[RP" in err  # the compiler-style message stays on stderr
    log = json.loads(out)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    assert run_["invocations"][0]["executionSuccessful"] is False
    results = run_["results"]
    assert results and all(r["level"] == "error" for r in results)
    assert all(r["ruleId"].startswith("RP") for r in results)


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_json_on_bad_input_carries_the_errors(project: Path, case: str) -> None:
    _break(project)
    code, out, _ = run("check", *BAD_INPUTS[case], "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["format"] == 1 and doc["results"] == []
    assert doc["diagnostics"] and all(e["code"].startswith("RP") for e in doc["diagnostics"])
    first = doc["diagnostics"][0]
    assert set(first) >= {"code", "message", "file", "line", "column", "why", "fix", "severity"}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_junit_on_bad_input_is_valid_with_an_error(project: Path, case: str) -> None:
    from lxml import etree

    _break(project)
    code, out, _ = run("check", *BAD_INPUTS[case], "--format", "junit")
    assert code == 2
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    doc = etree.fromstring(out.encode("utf-8"))
    assert schema.validate(doc), schema.error_log
    assert "<error" in out and 'errors="1"' in out


def test_bad_spec_reports_position_in_sarif(project: Path) -> None:
    _break(project)
    _, out, _ = run("check", "spec/broken.yaml", "properties/small.yaml", "--format", "sarif")
    (res,) = json.loads(out)["runs"][0]["results"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "spec/broken.yaml"
    line = (
        (project / "spec" / "broken.yaml").read_text().splitlines()[loc["region"]["startLine"] - 1]
    )
    assert "listd" in line
    assert "did you mean `listed`?" in res["message"]["text"]


def test_lint_json(project: Path) -> None:
    _break(project)
    code, out, _ = run("lint", "--no-solver", "spec/broken.yaml", "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["file"] == "spec/broken.yaml"
    assert (doc["errors"], doc["warnings"]) == (1, 0)
    (d,) = doc["diagnostics"]
    assert (d["code"], d["severity"], d["file"]) == ("RP201", "error", "spec/broken.yaml")
    assert d["line"] > 1 and d["column"] > 1 and "listed" in d["fix"]
    code, out, _ = run("lint", "--no-solver", "spec/small.yaml", "--format", "json")
    assert code == 0 and json.loads(out)["diagnostics"] == []


def test_lint_github(project: Path) -> None:
    _break(project)
    code, out, _ = run("lint", "--no-solver", "spec/broken.yaml", "--format", "github")
    assert code == 2
    (line,) = out.splitlines()
    assert line.startswith("::error file=spec/broken.yaml,line=")
    assert "title=RP201" in line and "unknown name `listd`" in line


def test_lint_github_escapes(tmp_path: Path) -> None:
    from ruleproof.errors import Diagnostic, Span
    from ruleproof.reporting.diagnostics_out import github_annotations

    d = Diagnostic("RP201", "a%b\nc", Span.point("x,y:z.yaml", 3, 4), fix="f")
    assert github_annotations([d]) == (
        "::error file=x%2Cy%3Az.yaml,line=3,col=4,title=RP201::a%25b%0Ac (fix: f)\n"
    )


def test_lint_json_for_an_unreadable_file(project: Path) -> None:
    code, out, err = run("lint", "spec/nope.yaml", "--format", "json")
    assert code == 2 and "RP006" in err
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["RP006"]
