"""Evaluator semantics (DESIGN §2), checked against plain Python with Hypothesis."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.ruleset import Ruleset, Value
from ruleproof.language.values import fraction_text
from ruleproof.semantics.evaluate import eval_expr, evaluate, holds, in_domain, step


def ev(text: str, **values: Value) -> Value | None:
    from ruleproof.language.exprparse import Origin, parse_expr

    return eval_expr(parse_expr(text, Origin("t", 1, 1)), lambda v: values[v.name])


@given(st.integers(-1000, 1000), st.integers(1, 50))
def test_floor_division_and_modulo_follow_python(x: int, k: int) -> None:
    assert ev(f"x // {k}", x=x) == x // k
    assert ev(f"x % {k}", x=x) == x % k
    assert ev(f"(x // {k}) * {k} + x % {k}", x=x) == x


def test_negative_floor_division_examples() -> None:
    assert ev("-7 // 2") == -4
    assert ev("-7 % 2") == 1
    assert ev("x // 3", x=-1) == -1


@given(st.fractions(max_denominator=50), st.fractions(max_denominator=50))
def test_reals_are_exact(a: Fraction, b: Fraction) -> None:
    assert ev("a + b", a=a, b=b) == a + b
    assert ev("0.1 * 3 == 0.3") is True
    assert ev("a * 0.5", a=a) == a / 2


@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_min_max_abs_chain(a: int, b: int, c: int) -> None:
    assert ev("min(a, b, c)", a=a, b=b, c=c) == min(a, b, c)
    assert ev("max(a, b)", a=a, b=b) == max(a, b)
    assert ev("abs(a - b)", a=a, b=b) == abs(a - b)
    assert ev("a < b <= c", a=a, b=b, c=c) == (a < b <= c)
    assert ev("a in [b, c]", a=a, b=b, c=c) == (a in (b, c))


def score_ruleset(base: int, lo: int, hi: int) -> Ruleset:
    return load_text(
        f"""
ruleset: clamp
attributes:
  x: {{type: int, range: [-1000, 1000]}}
  flag: {{type: bool}}
score:
  base: {base}
  range: [{lo}, {hi}]
  rules:
    - {{id: plus-x, when: "flag", add: "x"}}
    - {{id: halve, when: "x < 0", add: "x // 2"}}
"""
    )


@settings(max_examples=60)
@given(
    st.integers(-100, 100),
    st.integers(-300, 300),
    st.integers(0, 300),
    st.integers(-1000, 1000),
    st.booleans(),
)
def test_score_is_clamped_sum_of_firing_rules(
    base: int, lo: int, width: int, x: int, flag: bool
) -> None:
    r = score_ruleset(base, lo, lo + width)
    raw = base + (x if flag else 0) + (x // 2 if x < 0 else 0)
    out = evaluate(r, {"x": x, "flag": flag})
    assert out.score == min(max(raw, lo), lo + width)
    assert out.trace.raw_score == raw
    assert out.trace.clamped == (raw != out.score)
    assert [f.id for f in out.trace.rules] == (["plus-x"] if flag else []) + (
        ["halve"] if x < 0 else []
    )


TIERS = load_text(
    """
ruleset: tiers
attributes:
  s: {type: int, range: [0, 100]}
tiers:
  - {id: A, when: "s >= 80"}
  - {id: B, when: "s >= 50"}
  - {id: C, when: "s >= 20 and s < 90"}
sanctions:
  flagged: {when: "tier == 'C' or tier not in ['A', 'B', 'C']"}
  uncovered: {when: "tier != 'A' and tier != 'B' and tier != 'C'"}
"""
)


@given(st.integers(0, 100))
def test_first_matching_tier_wins_and_none_when_uncovered(s: int) -> None:
    out = evaluate(TIERS, {"s": s})
    expected = "A" if s >= 80 else "B" if s >= 50 else "C" if s >= 20 else None
    assert out.tier == expected
    # With no tier, every `tier == X` is false and every `tier != X` true.
    assert ("uncovered" in out.sanctions) == (expected is None)
    assert ("flagged" in out.sanctions) == (expected in ("C", None))


ACTIONS = load_text(
    """
ruleset: actions
attributes:
  a: {type: int, range: [0, 10]}
  b: {type: int, range: [0, 10]}
  open: {type: bool}
assume:
  - "implies(open, a <= b)"
actions:
  swap: {by: citizen, set: {a: b, b: a}}
  bump: {by: citizen, when: "a < 10", set: {a: "a + 1"}}
  add:
    by: time
    params: {k: {type: int, range: [1, 5]}}
    set: {b: "b + k"}
"""
)


@given(st.integers(0, 10), st.integers(0, 10), st.booleans())
def test_set_is_simultaneous_and_assume_can_disable(a: int, b: int, opened: bool) -> None:
    c: dict[str, Value] = {"a": a, "b": b, "open": opened}
    assume(in_domain(ACTIONS, c) is None)
    swap = ACTIONS.action("swap")
    assert swap is not None
    new, why = step(ACTIONS, swap, c, {})
    if opened and a != b:
        # swapping would break `open implies a <= b`
        assert new is None and "assume #1" in why
    else:
        assert new == {"a": b, "b": a, "open": opened}


@given(st.integers(0, 10), st.integers(0, 10), st.integers(-2, 8))
def test_action_leaving_a_range_is_not_enabled(a: int, b: int, k: int) -> None:
    c: dict[str, Value] = {"a": a, "b": b, "open": False}
    add = ACTIONS.action("add")
    assert add is not None
    new, why = step(ACTIONS, add, c, {"k": k})
    if not 1 <= k <= 5:
        assert new is None and why.startswith("param")
    elif b + k > 10:
        assert new is None and "outside" in why
    else:
        assert new == {**c, "b": b + k}


def test_when_false_reason_names_values() -> None:
    bump = ACTIONS.action("bump")
    assert bump is not None
    new, why = step(ACTIONS, bump, {"a": 10, "b": 10, "open": False}, {})
    assert new is None
    assert why == "`when` is false: a < 10 (a=10)"


def test_in_domain_reports_range_and_assume() -> None:
    assert in_domain(ACTIONS, {"a": 11, "b": 0, "open": False}) == "`a` = 11 is outside int[0, 10]"
    assert in_domain(ACTIONS, {"a": 5, "b": 1, "open": True}) == (
        "assume #1 `implies(open, a <= b)` does not hold"
    )
    assert in_domain(ACTIONS, {"a": 1, "b": 5, "open": True}) is None


def test_holds_reads_defines_lazily() -> None:
    r = load_text(
        "ruleset: d\nattributes:\n  x: {type: int, range: [0, 9]}\n"
        'define:\n  big: "double > 10"\n  double: "x * 2"\n'
    )
    assert holds(r, E.Var("big"), {"x": 6})
    assert not holds(r, E.Var("big"), {"x": 5})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 4), "0.25"),
        (Fraction(-1, 3), "-1/3"),
        (Fraction(7), "7"),
        (Fraction(-1, 20), "-0.05"),
        (Fraction(1, 10000), "0.0001"),
    ],
)
def test_fraction_text(value: Fraction, text: str) -> None:
    assert fraction_text(value) == text
    assert Fraction(text) == value
