"""`ruleproof explain` and `ruleproof lint`: golden outputs, citizen validation, exit codes."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import pytest

import ruleproof
from conftest import GOLDEN, assert_golden
from ruleproof.commands import cli
from ruleproof.errors import InternalError, RulesetError
from ruleproof.language.ruleset import Value
from ruleproof.semantics.citizen import read_citizen

CLI = GOLDEN / "cli"
CITIZEN_CASES = sorted((GOLDEN / "citizens").glob("*.json"))


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, cwd: Path = CLI) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_golden(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["explain", "small.yaml", "citizen.json", "--format", fmt], monkeypatch)
    assert (code, err) == (0, "")
    assert_golden(CLI / f"explain.{'txt' if fmt == 'text' else 'json'}", out)


def test_explain_json_content(monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run(["explain", "small.yaml", "citizen.json", "--format", "json"], monkeypatch)
    doc = json.loads(out)
    assert doc["outcome"] == {"score": 0, "tier": None, "sanctions": ["flight_ban"]}
    assert doc["citizen"]["weight"] == "1/3"
    assert [r["id"] for r in doc["trace"]["rules"]] == ["unpaid", "large-debt"]
    assert doc["trace"]["clamped"] is True
    actions = {a["name"]: a for a in doc["actions"]}
    assert actions["wait"]["enabled"] and actions["wait"]["params"] == {"days": 1}


def test_explain_reports_why_an_action_is_not_enabled(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    citizen = {"debt": 0, "evades": False, "religion": "none", "weight": 0, "days_listed": 0}
    (tmp_path / "c.json").write_text(json.dumps(citizen))
    code, out, _ = run(
        ["explain", str(CLI / "small.yaml"), "c.json", "--format", "json"], monkeypatch, tmp_path
    )
    assert code == 0
    actions = {a["name"]: a for a in json.loads(out)["actions"]}
    assert actions["pay_debt"]["reason"] == "`when` is false: debt > 0 (debt=0)"
    assert actions["request_correction"]["enabled"]
    # waiting with no debt keeps days_listed at 0: enabled
    assert actions["wait"]["enabled"]


@pytest.mark.parametrize("case", CITIZEN_CASES, ids=[c.stem for c in CITIZEN_CASES])
def test_citizen_error_golden(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["explain", "small.yaml", f"../citizens/{case.name}"], monkeypatch)
    assert (code, out) == (2, "")
    assert f"error[{case.stem.split('-')[0]}]" in err
    assert_golden(case.with_suffix(".out"), err)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, Fraction(1, 10)),
        ("1/3", Fraction(1, 3)),
        ("0.25", Fraction(1, 4)),
        (1, Fraction(1)),
        ("-0", Fraction(0)),
        ("1e-3", Fraction(1, 1000)),
    ],
)
def test_real_values_are_exact(value: object, expected: Fraction) -> None:
    r = ruleproof.load(CLI / "small.yaml")
    c = {"debt": 1, "evades": False, "religion": "none", "weight": value, "days_listed": 0}
    assert read_citizen(json.dumps(c), "c.json", r)["weight"] == expected


@pytest.mark.parametrize("bad", [True, "NaN", "1/0", [], None, "0x10"])
def test_bad_real_values_are_rp403(bad: object) -> None:
    r = ruleproof.load(CLI / "small.yaml")
    c = {"debt": 1, "evades": False, "religion": "none", "weight": bad, "days_listed": 0}
    with pytest.raises(RulesetError) as info:
        read_citizen(json.dumps(c), "c.json", r)
    assert [d.code for d in info.value.diagnostics] == ["RP403"]


def test_nan_literal_is_malformed_json() -> None:
    r = ruleproof.load(CLI / "small.yaml")
    text = '{"debt": 1, "evades": false, "religion": "none", "weight": NaN, "days_listed": 0}'
    with pytest.raises(RulesetError) as info:
        read_citizen(text, "c.json", r)
    assert [d.code for d in info.value.diagnostics] == ["RP406"]


def test_lint_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    # the static checks only; the solver-backed warnings are tested in test_lintchecks.py
    assert run(["lint", "--no-solver", "small.yaml"], monkeypatch) == (
        0,
        "small.yaml: 0 errors, 0 warnings\n",
        "",
    )


def test_lint_warnings_exit_0_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["lint", "lint-warn.yaml"], monkeypatch)
    assert (code, err) == (0, "")
    assert_golden(CLI / "lint-warn.out", out)


def test_worked_rulesets_lint_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parent.parent
    for spec in sorted((root / "spec").glob("*.yaml")):
        code, out, _ = run(["lint", str(spec)], monkeypatch)
        assert code == 0, out


def test_missing_file_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(["lint", "nope.yaml"], monkeypatch)
    assert code == 2
    assert err.startswith("nope.yaml:1:1: error[RP006]: cannot read file")


def test_usage_error_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["explain", "only-one-arg.yaml"], monkeypatch)[0] == 2
    assert run(["frobnicate"], monkeypatch)[0] == 2
    assert run(["--help"], monkeypatch)[0] == 0


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (KeyboardInterrupt(), 130, "interrupted"),
        (InternalError("encoder and evaluator disagree"), 70, "This is a bug in ruleproof"),
        (ZeroDivisionError("boom"), 70, "internal error: ZeroDivisionError: boom"),
    ],
)
def test_exceptions_map_to_exit_codes(
    exc: BaseException, code: int, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object) -> int:
        raise exc

    monkeypatch.setitem(cli.COMMANDS, "lint", (cli.COMMANDS["lint"][0], explode))
    got, _, err = run(["lint", "small.yaml"], monkeypatch)
    assert got == code
    assert text in err
    assert "Traceback" not in err


def test_public_api() -> None:
    r = ruleproof.load(CLI / "small.yaml")
    c: dict[str, Value] = {
        "debt": 600,
        "evades": True,
        "religion": "muslim",
        "weight": Fraction(1, 3),
        "days_listed": 10,
    }
    assert r.evaluate(c) == ruleproof.evaluate(r, c)
    assert r.evaluate(c).score == 0
    assert issubclass(ruleproof.RulesetError, ruleproof.RuleproofError)
    assert issubclass(ruleproof.RulesetError, ValueError)
    assert issubclass(ruleproof.InternalError, ruleproof.RuleproofError)
