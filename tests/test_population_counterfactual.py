"""Representative values stand for every value: each value of the range has one with the same
position relative to every threshold; attributes read in arithmetic are enumerated or refused."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ruleproof.errors import RulesetError
from ruleproof.language.load_ruleset import load_text
from ruleproof.population.counterfactual import _classes, representatives


def _signs(v: Fraction, cuts: set[Fraction]) -> tuple[int, ...]:
    return tuple((v > c) - (v < c) for c in sorted(cuts))


@given(
    st.integers(-50, 50),
    st.integers(0, 60),
    st.sets(st.fractions(-80, 80, max_denominator=4), max_size=6),
)
def test_int_classes_cover_every_value(lo: int, width: int, cuts: set[Fraction]) -> None:
    hi = lo + width
    reps = _classes(Fraction(lo), Fraction(hi), cuts, Fraction(1))
    assert all(r.denominator == 1 and lo <= r <= hi for r in reps)
    have = {_signs(r, cuts) for r in reps}
    assert {_signs(Fraction(v), cuts) for v in range(lo, hi + 1)} == have


@given(st.integers(-300, 300), st.integers(0, 400), st.sets(st.integers(-800, 800), max_size=6))
def test_real_classes_cover_every_value(lo: int, width: int, raw: set[int]) -> None:
    # thresholds and range ends with 2 places, the attribute's scale 3 (as `scales` chooses)
    step = Fraction(1, 1000)
    cuts = {Fraction(c, 100) for c in raw}
    a, b = Fraction(lo, 100), Fraction(lo + width, 100)
    reps = _classes(a, b, cuts, step)
    assert all((r / step).denominator == 1 and a <= r <= b for r in reps)
    values = [a + i * Fraction(1, 200) for i in range(2 * width + 1)]  # a fine grid
    assert {_signs(v, cuts) for v in values} <= {_signs(r, cuts) for r in reps}


SPEC = """
ruleset: r
attributes:
  age: {type: int, range: [0, 120]}
  income: {type: int, range: [0, 1000000]}
  w: {type: real, range: [0, 1]}
  kind: {type: enum, values: [a, b, c]}
score:
  base: 0
  rules:
    - {id: r1, when: "age == 30 or age in [40, 50]", add: 1}
    - {id: r2, when: "18 <= age < 65", add: 2}
    - {id: r3, when: "w > 0.25", add: 1}
    - {id: r4, when: "income > 100", add: "income // 1000"}
"""


def test_representatives_of_a_ruleset() -> None:
    rs = load_text(SPEC)
    assert representatives(rs, "age", 0) == [0, 18, 19, 30, 31, 40, 41, 50, 51, 65, 66]
    assert representatives(rs, "w", 3) == [0, Fraction(1, 4), Fraction(251, 1000)]
    assert representatives(rs, "kind", 0) == ["a", "b", "c"]
    with pytest.raises(RulesetError) as err:
        representatives(rs, "income", 0)
    assert err.value.diagnostics[0].code == "RP704"
