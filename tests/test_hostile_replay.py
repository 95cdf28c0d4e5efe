"""Corrupted counterexample files, hostile text and floods of keys: `replay`, the pytest plugin,
`explain` and every output format stay exact, bounded and free of raw control characters.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hostile_harness import CITIZEN, SMALL_SPEC, make_project, run_cli

pytest_plugins = ["pytester"]

PAIR = "no-guilt-by-association"  # an `independent` property of the small suite, violated


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose `check` saved its counterexamples; returns the pair file."""
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run_cli(["check", "spec/small.yaml", "--timeout", "20"])[0] == 1
    return tmp_path / "counterexamples" / "small" / f"{PAIR}.json"


def _edit(path: Path, change: dict[str, object]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for key, value in change.items():
        where, _, last = key.rpartition(".")
        target = doc
        for part in where.split(".") if where else []:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    path.write_text(json.dumps(doc), encoding="utf-8")


def _replay(path: Path) -> tuple[int, str, str]:
    return run_cli(["replay", "spec/small.yaml", str(path)])


# -- item 8: a corrupted file is bad input, never "fixed" -----------------------------------


def test_the_saved_pair_still_violates(saved: Path) -> None:
    assert _replay(saved)[0] == 1


def test_a_pair_file_missing_citizen_b_is_not_fixed(saved: Path) -> None:
    _edit(saved, {"counterexample.citizens.b": None})
    code, out, err = _replay(saved)
    assert code == 2 and "error[RP601]" in err and "`b`" in err, out
    assert "fixed" not in out


def test_a_file_without_citizens_is_not_fixed(saved: Path) -> None:
    _edit(saved, {"counterexample.citizens": {}})
    code, _, err = _replay(saved)
    assert code == 2 and "error[RP601]" in err


def test_a_path_file_without_citizens_exits_2(saved: Path) -> None:
    _edit(saved, {"property": "paying-lifts-the-ban", "kind": "appeal_path"})
    _edit(saved, {"counterexample.citizens": {}})
    code, _, err = _replay(saved)
    assert code == 2 and "error[RP601]" in err


@pytest.mark.parametrize("fmt", [True, 1.0, "1"])
def test_a_format_that_only_equals_1_is_refused(saved: Path, fmt: object) -> None:
    _edit(saved, {"format": fmt})
    code, _, err = _replay(saved)
    assert code == 2 and "error[RP601]" in err


# -- item 9: the pytest plugin shows bad files as errors, never as tracebacks ----------------


@pytest.fixture
def plugin_project(pytester: pytest.Pytester) -> pytest.Pytester:
    import os

    make_project(pytester.path)
    cwd = os.getcwd()
    os.chdir(pytester.path)
    try:
        assert run_cli(["check", "spec/small.yaml", "--timeout", "20"])[0] == 1
    finally:
        os.chdir(cwd)
    return pytester


def _no_traceback(result: pytest.RunResult) -> None:
    text = result.stdout.str()
    assert "Traceback" not in text and 'File "' not in text and "site-packages" not in text


def test_plugin_non_utf8_counterexample_file(plugin_project: pytest.Pytester) -> None:
    (plugin_project.path / "counterexamples" / "small" / f"{PAIR}.json").write_bytes(b"{\xff}")
    result = plugin_project.runpytest("counterexamples")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*error[[]RP006[]]*not UTF-8*"])
    _no_traceback(result)


def test_plugin_corrupted_counterexample_file(plugin_project: pytest.Pytester) -> None:
    _edit(plugin_project.path / "counterexamples" / "small" / f"{PAIR}.json", {"format": True})
    result = plugin_project.runpytest("counterexamples")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*error[[]RP601[]]*"])
    _no_traceback(result)


def test_plugin_pair_file_missing_a_citizen(plugin_project: pytest.Pytester) -> None:
    path = plugin_project.path / "counterexamples" / "small" / f"{PAIR}.json"
    _edit(path, {"counterexample.citizens.b": None})
    result = plugin_project.runpytest("counterexamples")
    result.assert_outcomes(passed=1, failed=1)
    _no_traceback(result)


def test_plugin_spec_with_a_5001_digit_integer(plugin_project: pytest.Pytester) -> None:
    spec = plugin_project.path / "spec" / "small.yaml"
    spec.write_text(SMALL_SPEC.replace("base: 1000", f"base: {'9' * 5001}"))
    result = plugin_project.runpytest()
    result.stdout.fnmatch_lines(["*error[[]RP027[]]*"])
    _no_traceback(result)


# -- item 13: explain and a flood of unknown keys --------------------------------------------


def test_explain_with_60000_unknown_keys_is_short(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL_SPEC)
    citizen = json.loads(CITIZEN)
    citizen.update({f"k{i}": i for i in range(60_000)})
    (tmp_path / "c.json").write_text(json.dumps(citizen))
    code, _, err = run_cli(["explain", str(tmp_path / "small.yaml"), str(tmp_path / "c.json")])
    assert code == 2 and err.count("error[RP402]") == 21
    assert "59,980 more unknown attributes" in err and len(err) < 20_000


def test_explain_points_at_each_listed_key(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL_SPEC)
    (tmp_path / "c.json").write_text(CITIZEN.replace("{", '{"dbet": 1,\n "zzz": 2, '))
    code, _, err = run_cli(["explain", str(tmp_path / "small.yaml"), str(tmp_path / "c.json")])
    assert code == 2
    assert "c.json:1:2: error[RP402]: unknown attribute `dbet`" in err
    assert "c.json:2:2: error[RP402]: unknown attribute `zzz`" in err


# -- item 11: control characters are shown escaped, and JUnit stays XML ----------------------

# Enum values may not hold C0 control characters (RP218), but C1 ones and bidirectional-text
# controls are letters to YAML and names to the loader: they must reach no output raw.
ESC_SPEC = (
    SMALL_SPEC.replace(
        "values: [none, buddhist, muslim]", 'values: [none, "b\\u202ex", "m\\x9b\\u2066"]'
    )
    .replace("religion == 'muslim'\", add: -10", "religion == 'b\\u202ex'\", add: -10")
    .replace("religion == 'muslim'\", add: 10", "religion == 'm\\x9b\\u2066'\", add: 7")
)


def _raw_controls(text: str) -> list[str]:
    return sorted(
        c
        for c in set(text)
        if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066"
    )


@pytest.fixture
def esc_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert ESC_SPEC != SMALL_SPEC
    make_project(tmp_path, ESC_SPEC)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_check_output_holds_no_raw_control_characters(esc_project: Path, fmt: str) -> None:
    code, out, err = run_cli(["check", "spec/small.yaml", "--format", fmt, "--no-write"])
    assert code == 1, err
    assert _raw_controls(out) == [] and _raw_controls(err) == []
    if fmt == "junit":
        ET.fromstring(out.encode("utf-8"))  # well-formed XML 1.0
    elif fmt in ("json", "sarif"):
        json.loads(out)
    if fmt != "text":
        return
    assert "\\x9b" in out and "\\u202e" in out  # shown escaped, not dropped


def test_an_unknown_key_cannot_forge_output(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL_SPEC)
    forged = "\x1b[2J\x1b[H\x1b[32mALL PROPERTIES PROVED\x1b[0m"
    citizen = json.loads(CITIZEN)
    citizen[forged] = 1
    (tmp_path / "c.json").write_text(json.dumps(citizen))
    code, out, err = run_cli(["explain", str(tmp_path / "small.yaml"), str(tmp_path / "c.json")])
    assert code == 2 and _raw_controls(out + err) == []
    assert "\\x1b[2J" in err


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_lint_escapes_keys_values_and_source_lines(tmp_path: Path, fmt: str) -> None:
    spec = SMALL_SPEC.replace("title:", '"\\e[2Jtitle\\x07":')
    (tmp_path / "s.yaml").write_text(spec)
    code, out, _ = run_cli(["lint", "--no-solver", "--format", fmt, str(tmp_path / "s.yaml")])
    assert code == 2 and _raw_controls(out) == []
    if fmt == "text":
        assert "\\x1b[2Jtitle\\x07" in out


def test_bad_input_in_junit_is_xml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, SMALL_SPEC.replace("title:", '"\\e[2Jtitle\\x07":'))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "spec/small.yaml", "--format", "junit"])
    assert code == 2 and _raw_controls(out + err) == []
    ET.fromstring(out.encode("utf-8"))


def test_explain_and_replay_text_hold_no_raw_control_characters(esc_project: Path) -> None:
    assert run_cli(["check", "spec/small.yaml"])[0] == 1
    code, out, err = run_cli(["replay", "spec/small.yaml"])
    assert code == 1 and _raw_controls(out + err) == []
    (esc_project / "c.json").write_text(CITIZEN.replace('"none"', '"m\\u009b\\u2066"'))
    code, out, err = run_cli(["explain", "spec/small.yaml", "c.json"])
    assert code == 0 and _raw_controls(out + err) == [] and "m\\x9b\\u2066" in out
