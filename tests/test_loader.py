"""Loader: one golden diagnostic per code, fuzzing (load or RulesetError, nothing else), and
hostile inputs (code injection, deep nesting, alias bombs) refused quickly, executing nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN, assert_golden
from ruleproof.commands.cli import main
from ruleproof.errors import RulesetError
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.ruleset import Ruleset
from ruleproof.semantics.evaluate import evaluate

CASES = sorted((GOLDEN / "diagnostics").glob("*.yaml"))

VALID = """\
ruleset: fuzz
attributes:
  debt: {type: int, range: [0, 100]}
  evades: {type: bool}
  religion: {type: enum, values: [none, other], protected: true}
  w: {type: real, range: [0, 0.5]}
assume:
  - "implies(evades, debt > 0)"
define:
  listed: "debt > 0 and evades"
score:
  base: 100
  range: [0, 200]
  rules:
    - {id: unpaid, when: "listed", add: -10}
    - {id: big, when: "debt >= 50", add: "-(debt // 10)"}
tiers:
  - {id: A, when: "score >= 100"}
  - {id: B, when: "True"}
sanctions:
  ban: {when: "listed or tier == 'B'", domain: transport, appeal: [pay]}
actions:
  pay: {by: citizen, when: "debt > 0", set: {debt: 0, evades: false}}
  wait:
    by: time
    params: {days: {type: int, range: [1, 30]}}
    set: {debt: "max(debt - days, 0)"}
"""


def run_lint(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(path.parent)
    code = main(["lint", path.name])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_diagnostic(
    case: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run_lint(case, monkeypatch, capsys)
    expected_code = case.stem.split("-")[0]
    assert f"[{expected_code}]" in output
    assert code == (0 if expected_code in ("RP208", "RP220") else 2)  # warnings
    assert_golden(case.with_suffix(".out"), output)


def test_every_ruleset_code_has_a_golden_case() -> None:
    from ruleproof.limits import LIMITS
    from test_diagnostics_doc import codes_in_src

    limits = {lim.code for lim in LIMITS}  # some have a golden case, all have tests of their own
    have = {c.stem.split("-")[0] for c in CASES} - limits
    # RP007 (diff) and RP008 (init) are about commands, not ruleset files: test_diff.py and
    # test_init.py cover them.
    wanted = {c for c in codes_in_src() if c[2] in "012"} - {"RP007", "RP008"} - limits
    assert wanted == have


def test_valid_example_loads() -> None:
    assert isinstance(load_text(VALID), Ruleset)


@settings(max_examples=150)
@given(st.text(max_size=300))
def test_arbitrary_text_loads_or_raises_ruleset_error(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except RulesetError as exc:
        assert exc.diagnostics
        assert all(d.span.file == "fuzz.yaml" for d in exc.diagnostics)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        insert = draw(
            st.one_of(
                st.just(""),
                st.sampled_from(
                    [
                        "-",
                        ":",
                        "{",
                        "}",
                        "[",
                        "]",
                        "'",
                        '"',
                        "\n  ",
                        " ",
                        "#",
                        "&a",
                        "*a",
                        "!!str",
                        "not ",
                        "(",
                        ")",
                        "0",
                        "-1",
                        ".5",
                        "debt",
                        "score",
                        "tier",
                        "//",
                        "%",
                        "True",
                        "==",
                        "in [",
                        "ban",
                        "pay",
                        "int",
                        "bool",
                        "real",
                        "enum",
                        "range",
                        "when",
                        "add",
                        "set",
                    ]
                ),
                st.text(max_size=4),
            )
        )
        text = text[:i] + insert + text[j:]
    return text


@settings(max_examples=300)
@given(mutated())
def test_mutated_ruleset_loads_or_raises_ruleset_error(text: str) -> None:
    try:
        ruleset = load_text(text, "m.yaml")
    except RulesetError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            d.render(text)  # rendering never fails either
    else:
        assert isinstance(ruleset, Ruleset)


HOSTILE = {
    "injection": GOLDEN / "diagnostics" / "RP102-code-injection.yaml",
    "deep-parentheses": GOLDEN / "diagnostics" / "RP026-deep-parentheses.yaml",
    "alias-bomb": GOLDEN / "diagnostics" / "RP023-alias-bomb.yaml",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_refused_quickly(name: str, tmp_path: Path) -> None:
    marker = Path("/tmp/ruleproof-pwned")
    if marker.exists():
        marker.unlink()
    text = HOSTILE[name].read_text()
    start = time.perf_counter()
    with pytest.raises(RulesetError) as info:
        load_text(text, "hostile.yaml")
    assert time.perf_counter() - start < 2.0
    assert info.value.diagnostics[0].code in {"RP023", "RP102", "RP026"}
    assert not marker.exists(), "an expression was executed"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_exits_2_via_cli(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(HOSTILE[name])]) == 2
    out = capsys.readouterr().out
    assert "error[RP" in out
    assert "Traceback" not in out


def test_hostile_input_exits_2_via_console_script(tmp_path: Path) -> None:
    import subprocess
    import sys

    citizen = tmp_path / "c.json"
    citizen.write_text("{}")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruleproof.commands.cli",
            "explain",
            str(HOSTILE["injection"]),
            str(citizen),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 2
    assert "error[RP102]" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "text",
    [
        "+".join(["1"] * 1500),
        "not " * 1500 + "x",
        "-" * 1500 + "x",
        "x if c else " * 1000 + "y",
    ],
    ids=["long-sum", "not-chain", "neg-chain", "ifelse-chain"],
)
def test_deep_operator_chains_are_rp707_not_recursion_error(text: str) -> None:
    # Regression: these used to escape the parser as RecursionError.
    yaml = f'ruleset: d\nattributes:\n  x: {{type: bool}}\nsanctions:\n  s: {{when: "{text}"}}\n'
    with pytest.raises(RulesetError) as info:
        load_text(yaml)
    assert info.value.diagnostics[0].code == "RP026"


@pytest.mark.parametrize("reverse", [False, True])
def test_long_define_chain_is_rp707_not_recursion_error(reverse: bool) -> None:
    # Regression: a 3,000-long chain of defines overflowed the stack (typecheck for a reversed
    # order, the evaluator always).
    lines = ['  d0: "a"'] + [f'  d{i}: "d{i - 1} + 1"' for i in range(1, 3000)]
    if reverse:
        lines.reverse()
    yaml = (
        "ruleset: chain\nattributes:\n  a: {type: int, range: [0, 5]}\ndefine:\n"
        + "\n".join(lines)
        + '\nscore:\n  rules:\n    - {id: r, add: "d2999"}\n'
    )
    with pytest.raises(RulesetError) as info:
        load_text(yaml)
    assert [d.code for d in info.value.diagnostics] == ["RP026"]


def test_a_short_define_chain_still_loads_and_evaluates() -> None:
    lines = ['  d0: "a"'] + [f'  d{i}: "d{i - 1} + 1"' for i in range(1, 40)]
    yaml = (
        "ruleset: chain\nattributes:\n  a: {type: int, range: [0, 5]}\ndefine:\n"
        + "\n".join(reversed(lines))
        + '\nscore:\n  rules:\n    - {id: r, add: "d39"}\n'
    )
    assert evaluate(load_text(yaml), {"a": 2}).score == 41


def test_limits_collect_all_structural_errors() -> None:
    text = (
        "ruleset: Bad Id\nattributes:\n  x: {type: int, range: [3, 1]}\n  y: {type: bool, wat: 1}\n"
    )
    with pytest.raises(RulesetError) as info:
        load_text(text)
    assert sorted(d.code for d in info.value.diagnostics) == ["RP204", "RP211", "RP213"]
