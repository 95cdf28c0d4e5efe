"""`ruleproof check` and `ruleproof replay`: golden outputs, exit codes, files, jobs."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN, assert_golden
from ruleproof.commands.cli import main

CHECK = GOLDEN / "check"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with spec/small.yaml and properties/small.yaml, as the cwd."""
    (tmp_path / "spec").mkdir()
    (tmp_path / "properties").mkdir()
    shutil.copy(CHECK / "small.yaml", tmp_path / "spec" / "small.yaml")
    shutil.copy(CHECK / "small-properties.yaml", tmp_path / "properties" / "small.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _zero_seconds(text: str) -> str:
    return re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0.0', text)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_golden(fmt: str) -> None:
    # In a fresh process: which of several equally minimal counterexamples the solver picks
    # depends on what it solved before in the same process.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruleproof.commands.cli",
            "check",
            "small.yaml",
            "small-properties.yaml",
            "--format",
            fmt,
            "--no-write",
            "--no-timing",
        ],
        cwd=CHECK,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"},
    )
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert_golden(CHECK / f"small-{fmt}.out", _zero_seconds(proc.stdout.decode("utf-8")))


def test_json_shape(project: Path) -> None:
    code, out, _ = run("check", "spec/small.yaml", "--format", "json", "--no-write")
    doc = json.loads(out)
    assert code == 1
    assert (doc["format"], doc["ruleset"], doc["file"]) == (1, "small", "spec/small.yaml")
    by_id = {r["property"]: r for r in doc["results"]}
    assert list(by_id) == [
        "no-protected-influence",
        "no-guilt-by-association",
        "score-in-range",
        "debtors-get-a",
        "paying-lifts-the-ban",
    ]
    proved = by_id["no-protected-influence"]
    assert proved["status"] == "proved" and "rule faith" in proved["because"]
    assert proved["counterexample"] is None
    bad = by_id["no-guilt-by-association"]
    cex = bad["counterexample"]
    assert set(cex["citizens"]) == {"a", "b"}
    assert cex["citizens"]["a"]["friends_listed"] != cex["citizens"]["b"]["friends_listed"]
    assert set(cex["outcomes"]["a"]) >= {"score", "tier", "sanctions"}
    assert cex["trace"]["a"][0] == "base 1000"
    assert "steps" not in cex
    assert by_id["paying-lifts-the-ban"]["bound"] == 1
    assert by_id["debtors-get-a"]["expect"] == "violated"


def test_default_property_file_and_exit_codes(project: Path) -> None:
    assert run("check", "spec/small.yaml", "--no-write")[0] == 1
    # only expected results: exit 0
    text = (project / "properties" / "small.yaml").read_text()
    doc = '    doc: "Friends on the list lower the score: violated, not expected."'
    fixed = text.replace(doc, "    expect: violated")
    (project / "properties" / "small.yaml").write_text(fixed)
    assert run("check", "spec/small.yaml", "--no-write")[0] == 0


def test_missing_default_property_file(tmp_path: Path) -> None:
    spec = tmp_path / "x.yaml"
    shutil.copy(CHECK / "small.yaml", spec)
    code, out, err = run("check", str(spec))
    assert (code, out) == (2, "")
    assert "error[RP603]" in err and "Traceback" not in err


def test_unknown_exit_code(project: Path) -> None:
    code, out, _ = run(
        "check", "spec/small.yaml", "--rlimit", "1", "--no-write", "--format", "json"
    )
    statuses = {r["status"] for r in json.loads(out)["results"]}
    assert "unknown" in statuses and "violated" not in statuses
    assert code == 3


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("RP201", 'properties:\n  - id: p\n    always: "debtt > 0"\n', "RP201"),
        ("RP503", "properties:\n  - id: p\n", "RP503"),
    ],
)
def test_bad_property_file(project: Path, name: str, text: str, code: str) -> None:
    (project / "bad.yaml").write_text(text)
    rc, out, err = run("check", "spec/small.yaml", "bad.yaml")
    assert (rc, out) == (2, "")
    assert err.startswith("bad.yaml:") and f"error[{code}]" in err
    assert "Traceback" not in err


def test_bad_spec(project: Path) -> None:
    (project / "spec" / "small.yaml").write_text("ruleset: small\nattributes: {x: {type: int}}\n")
    rc, _, err = run("check", "spec/small.yaml")
    assert rc == 2 and err.startswith("spec/small.yaml:") and "Traceback" not in err


def _cli(*argv: str) -> int:
    """Run the console command in a fresh process (as users and CI do)."""
    return subprocess.run(
        [sys.executable, "-m", "ruleproof", *argv], capture_output=True, check=False
    ).returncode


def test_counterexample_files(project: Path) -> None:
    assert _cli("check", "spec/small.yaml") == 1
    folder = project / "counterexamples" / "small"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["debtors-get-a.json", "no-guilt-by-association.json"]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert _cli("check", "spec/small.yaml") == 1  # byte-identical on a re-run
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert run("check", "spec/small.yaml", "--no-write")[0] == 1
    assert b"seconds" not in before["debtors-get-a.json"]
    # --out and --no-write
    assert _cli("check", "spec/small.yaml", "--out", "elsewhere") == 1
    assert (project / "elsewhere" / "small" / "debtors-get-a.json").read_bytes() == before[
        "debtors-get-a.json"
    ]
    shutil.rmtree(folder)
    run("check", "spec/small.yaml", "--no-write")
    assert not folder.exists()


def test_stale_files_are_kept_and_replay_shows_the_fix(project: Path) -> None:
    run("check", "spec/small.yaml")
    target = project / "counterexamples" / "small" / "no-guilt-by-association.json"
    code, out, _ = run("replay", "spec/small.yaml")
    assert code == 1 and "still violates" in out
    spec = project / "spec" / "small.yaml"
    spec.write_text(spec.read_text().replace("add: -50}", "add: 0}"))
    code, out, _ = run("check", "spec/small.yaml", "--format", "json")
    statuses = {r["property"]: r["status"] for r in json.loads(out)["results"]}
    assert statuses["no-guilt-by-association"] == "proved"
    assert target.exists()  # kept as a regression corpus
    code, out, _ = run("replay", "spec/small.yaml", "--format", "json")
    verdicts = {r["property"]: r["verdict"] for r in json.loads(out)["replays"]}
    assert verdicts == {"debtors-get-a": "still violates", "no-guilt-by-association": "fixed"}
    assert code == 0


def test_replay_given_files_and_bad_files(project: Path) -> None:
    run("check", "spec/small.yaml")
    path = "counterexamples/small/debtors-get-a.json"
    assert run("replay", "spec/small.yaml", path)[0] == 0  # expect: violated
    Path("broken.json").write_text('{"format": 1}')
    code, _, err = run("replay", "spec/small.yaml", "broken.json")
    assert code == 2 and "error[RP601]" in err and "Traceback" not in err
    Path("not.json").write_text("{")
    assert run("replay", "spec/small.yaml", "not.json")[0] == 2


def test_jobs_give_the_same_results_in_file_order(project: Path) -> None:
    def results(*extra: str) -> list[tuple[str, str]]:
        out = run("check", "spec/small.yaml", "--format", "json", "--no-write", *extra)[1]
        return [(r["property"], r["status"]) for r in json.loads(out)["results"]]

    assert results("--jobs", "2") == results()


@pytest.mark.parametrize("argv", [["--timeout", "0"], ["--jobs", "0"], ["--rlimit", "-1"]])
def test_bad_options(project: Path, argv: list[str]) -> None:
    assert run("check", "spec/small.yaml", *argv)[0] == 2
