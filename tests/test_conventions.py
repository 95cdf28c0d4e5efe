"""What users of ruff and pytest expect from a command line: `--version`, `-k`/`--select`,
`--quiet`, configuration in `[tool.ruleproof]` of pyproject.toml, `ruleproof rule CODE`,
`--sarif FILE`, and counterexamples written next to the spec's project."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN
from ruleproof.commands.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHECK = GOLDEN / "check"
IDS = [
    "no-protected-influence",
    "no-guilt-by-association",
    "score-in-range",
    "debtors-get-a",
    "paying-lifts-the-ban",
]


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


def _ids(out: str) -> list[str]:
    return [r["property"] for r in json.loads(out)["results"]]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = run("--version")
    printed = out + capsys.readouterr().out
    assert code == 0
    assert printed.strip() == f"ruleproof {version('ruleproof')}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "score-in-range"], ["score-in-range"]),
        (["--select", "score-in-range,debtors-get-a"], ["score-in-range", "debtors-get-a"]),
        (["--select", "no-*"], ["no-protected-influence", "no-guilt-by-association"]),
        (["-k", "guilt"], ["no-guilt-by-association"]),
        (["-k", "no and not guilt"], ["no-protected-influence"]),
        (["-k", "range or (paying and ban)"], ["score-in-range", "paying-lifts-the-ban"]),
        (["-k", "independent"], ["no-protected-influence", "no-guilt-by-association"]),
        (["-k", "GUILT"], ["no-guilt-by-association"]),
        (["--select", "no-*", "-k", "protected"], ["no-protected-influence"]),
    ],
)
def test_select_and_k(project: Path, args: list[str], expected: list[str]) -> None:
    _, out, err = run("check", "spec/small.yaml", "--format", "json", "--no-write", *args)
    assert _ids(out) == expected, err


@pytest.mark.parametrize(
    "args", [["--select", "nope"], ["-k", "zzz"], ["-k", "a and"], ["-k", "(a"]]
)
def test_select_nothing_or_bad_expression_is_exit_2(project: Path, args: list[str]) -> None:
    code, _, err = run("check", "spec/small.yaml", "--no-write", *args)
    assert code == 2 and "RP604" in err


def test_quiet_shows_only_what_fails(project: Path) -> None:
    code, full, _ = run("check", "spec/small.yaml", "--no-write", "--no-timing")
    qcode, quiet, _ = run("check", "spec/small.yaml", "--no-write", "--no-timing", "-q")
    assert code == qcode == 1
    assert "no-guilt-by-association" in quiet  # violated against expectation
    assert "score-in-range" in full and "score-in-range" not in quiet
    assert quiet.rstrip().splitlines()[-1] == full.rstrip().splitlines()[-1]
    _, ok, _ = run("check", "spec/small.yaml", "--no-write", "-q", "--select", "score-in-range")
    assert ok.strip() == "1 proved; all as expected"


def test_sarif_file_besides_the_report(project: Path) -> None:
    code, out, _ = run("check", "spec/small.yaml", "--no-write", "--sarif", "out/x.sarif")
    assert code == 1 and out.startswith("ruleset small")
    log = json.loads((project / "out" / "x.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_pyproject_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "rules"\n\n[tool.ruleproof]\n'
        'spec = "spec/small.yaml"\nformat = "json"\ntimeout = 20\n'
        'select = ["score-in-range", "debtors-get-a"]\nout = "found"\n',
        encoding="utf-8",
    )
    sub = project / "properties"
    code, out, err = run("check")
    assert code == 0, err
    assert _ids(out) == ["score-in-range", "debtors-get-a"]
    assert (project / "found" / "small" / "debtors-get-a.json").is_file()
    # the command line wins over the file
    code, out, _ = run("check", "--format", "text", "--select", "score-in-range", "--no-write")
    assert code == 0 and out.startswith("ruleset small")
    # found from a subdirectory too, with paths relative to pyproject.toml
    import os

    os.chdir(sub)
    code, out, err = run("check", "--no-write")
    assert code == 0, err
    assert _ids(out) == ["score-in-range", "debtors-get-a"]


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("timeot = 3", "did you mean `timeout`?"),
        ('timeout = "x"', "`timeout`"),
        ('format = "xml"', "`format`"),
        ("jobs = 0", "`jobs`"),
        ("rlimit = 5000000000", "`rlimit`"),
        ("select = 3", "`select`"),
        ("[broken", "TOML"),
    ],
)
def test_bad_configuration_is_exit_2(project: Path, toml: str, needle: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.ruleproof]\n{toml}\n", encoding="utf-8")
    code, _, err = run("check", "spec/small.yaml", "--no-write")
    assert code == 2 and "RP605" in err and needle in err, err


def test_rule_explains_a_code() -> None:
    code, out, _ = run("rule", "RP201")
    assert code == 0
    assert out.startswith("RP201 — unknown name")
    assert "fix" in out.lower()
    code, out, _ = run("rule", "rp201")
    assert code == 0 and out.startswith("RP201")
    code, _, err = run("rule", "RP999")
    assert code == 2 and "RP999" in err


def test_rule_knows_every_documented_code() -> None:
    text = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code_ in re.findall(r"^### (RP\d{3}) — ", text, flags=re.M):
        status, out, _ = run("rule", code_)
        assert status == 0 and out.startswith(code_)


def test_packaged_diagnostics_are_the_docs() -> None:
    packaged = ROOT / "src" / "ruleproof" / "data" / "diagnostics.md"
    assert packaged.read_bytes() == (ROOT / "docs" / "diagnostics.md").read_bytes(), (
        "copy docs/diagnostics.md to src/ruleproof/data/diagnostics.md"
    )


def test_counterexamples_go_next_to_the_specs_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = tmp_path / "proj"
    (proj / "spec").mkdir(parents=True)
    (proj / "properties").mkdir()
    shutil.copy(CHECK / "small.yaml", proj / "spec" / "small.yaml")
    shutil.copy(CHECK / "small-properties.yaml", proj / "properties" / "small.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, _ = run("check", str(proj / "spec" / "small.yaml"))
    assert code == 1
    assert (proj / "counterexamples" / "small" / "no-guilt-by-association.json").is_file()
    assert not (elsewhere / "counterexamples").exists()
    # --out says otherwise
    code, _, _ = run("check", str(proj / "spec" / "small.yaml"), "--out", "mine")
    assert (elsewhere / "mine" / "small" / "no-guilt-by-association.json").is_file()


def test_spec_outside_a_project_writes_next_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(CHECK / "small.yaml", tmp_path / "small.yaml")
    shutil.copy(CHECK / "small-properties.yaml", tmp_path / "props.yaml")
    monkeypatch.chdir(tmp_path)
    code, _, _ = run("check", "small.yaml", "props.yaml")
    assert code == 1
    assert (tmp_path / "counterexamples" / "small" / "no-guilt-by-association.json").is_file()
