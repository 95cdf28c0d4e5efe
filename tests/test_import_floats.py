"""Exact float facts of the importers, against independent references.

`round_to` against the hardware (struct's float32 packing of a double) and against "nearest,
ties to even" checked by brute force; `at_most` against rounding rationals on both sides of its
cut; `NumericSplit.pieces` against a binary search over all float64 inputs with `goes_left`;
`margin_threshold` against the link computed with 60 digits.
"""

from __future__ import annotations

import decimal
import math
import struct
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ruleproof.importers.floats import (
    at_most,
    decimal_text,
    largest_float,
    next_down,
    next_up,
    round_to,
    shortest_decimal_in,
)
from ruleproof.importers.links import Link, margin_threshold
from ruleproof.importers.splits import ZERO_THRESHOLD, CategoricalSplit, NumericSplit

doubles = st.floats(allow_nan=False, allow_infinity=False)
small = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def _struct32(x: float) -> float:
    try:
        return float(struct.unpack("<f", struct.pack("<f", x))[0])
    except OverflowError:
        return math.copysign(math.inf, x)


@given(doubles)
def test_round_to_32_of_a_double_is_the_hardware_rounding(x: float) -> None:
    assert round_to(32, x) == _struct32(x)
    assert round_to(32, Fraction(x)) == _struct32(x)


@given(st.fractions(min_value=-(10**40), max_value=10**40, max_denominator=10**50))
def test_round_to_is_nearest_with_ties_to_even(q: Fraction) -> None:
    for width in (32, 64):
        f = round_to(width, q)
        if math.isinf(f):
            assert abs(q) >= Fraction(largest_float(width))
            continue
        lo, hi = next_down(width, f), next_up(width, f)
        for g in (lo, hi):
            if math.isfinite(g):
                assert abs(Fraction(f) - q) <= abs(Fraction(g) - q)


def test_round_to_ties_go_to_even_and_overflow_to_infinity() -> None:
    one_up = next_up(32, 1.0)
    tie = (Fraction(1) + Fraction(one_up)) / 2
    assert round_to(32, tie) == 1.0  # 1.0 has the even significand
    assert round_to(32, (Fraction(one_up) + Fraction(next_up(32, one_up))) / 2) == next_up(
        32, one_up
    )
    big = Fraction(largest_float(32)) + Fraction(2) ** 103  # halfway to 2**128
    assert round_to(32, big) == math.inf
    assert round_to(32, big - Fraction(1, 10**9)) == largest_float(32)
    assert round_to(64, -(Fraction(2) ** 1025)) == -math.inf


@given(small, st.sampled_from([32, 64]))
def test_at_most_cut_separates_the_rationals_that_round_below(x: float, width: int) -> None:
    x = round_to(width, x)  # type: ignore[arg-type]
    cut, inclusive = at_most(width, x)  # type: ignore[arg-type]
    assert cut is not None
    eps = Fraction(1, 2**1100)
    assert (round_to(width, cut) <= x) == inclusive  # type: ignore[arg-type]
    assert round_to(width, cut - eps) <= x  # type: ignore[arg-type]
    assert round_to(width, cut + eps) > x  # type: ignore[arg-type]


@given(doubles)
def test_decimal_text_is_the_exact_value(x: float) -> None:
    text = decimal_text(Fraction(x))
    assert "e" not in text.lower()
    assert Fraction(decimal.Decimal(text)) == Fraction(x)


def test_shortest_decimal_in() -> None:
    assert shortest_decimal_in(Fraction(1, 3), Fraction(1, 2)) == Fraction(2, 5)
    assert shortest_decimal_in(Fraction(-7, 3), Fraction(-2)) == Fraction(-23, 10)
    assert shortest_decimal_in(Fraction(0), Fraction(1, 10**9)) == 0


def _last_left_by_search(split: NumericSplit, lo: float, hi: float) -> float:
    """The greatest float64 in [lo, hi] that goes left, by bisection on the float64 order."""

    def key(v: float) -> int:
        b = int(struct.unpack("<q", struct.pack("<d", v))[0])
        return b if b >= 0 else -(b & 0x7FFFFFFFFFFFFFFF)

    def value(k: int) -> float:
        b = k if k >= 0 else (-k) | (1 << 63)
        return float(struct.unpack("<d", struct.pack("<Q", b))[0])

    a, b = key(lo), key(hi)
    assert split.goes_left(value(a)) and not split.goes_left(value(b))
    while b - a > 1:
        m = (a + b) // 2
        a, b = (m, b) if split.goes_left(value(m)) else (a, m)
    return value(a)


@given(small, st.sampled_from([("<", 32), ("<=", 32), ("<=", 64)]), st.booleans())
def test_numeric_pieces_match_the_decision_rule(
    t: float, kind: tuple[str, int], zero: bool
) -> None:
    op, cast = kind
    t = round_to(32, t) if op == "<" else t
    split = NumericSplit(0, t, op, cast, True, zero, zero and cast == 64)  # type: ignore[arg-type]
    pieces = split.pieces()
    assert pieces[-1][0] == math.inf
    previous = -math.inf
    for end, left in pieces:
        for x in (end, next_down(64, end), next_up(64, previous)):
            if previous < x <= end or (x == end == previous == -math.inf):
                assert split.goes_left(x) == left, (x, end, left)
        previous = end
    if not split.zero_is_missing:
        (end, left), *_ = pieces
        assert left and len(pieces) == 2
        assert end == _last_left_by_search(split, -1e300, 1e300)


def test_lightgbm_missing_rules() -> None:
    none = NumericSplit(0, -1.0, "<=", 64, True, nan_as_zero=True)
    assert none.goes_left(math.nan) is False  # NaN read as 0, and 0 > -1
    zero = NumericSplit(0, 5.0, "<=", 64, False, nan_as_zero=True, zero_is_missing=True)
    assert [zero.goes_left(x) for x in (math.nan, 0.0, ZERO_THRESHOLD, 1e-30, 4.0)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    nan = NumericSplit(0, 5.0, "<=", 64, False)
    assert nan.goes_left(math.nan) is False and nan.goes_left(0.0) is True


def test_categorical_rules() -> None:
    lgb = CategoricalSplit(0, frozenset({0, 3}), frozenset(), "lightgbm", True)
    assert [lgb.goes_left(x) for x in (0.0, -0.5, 3.7, -1.0, math.nan, 4.0)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    xgb = CategoricalSplit(0, frozenset(), frozenset({2}), "xgboost", False)
    assert [xgb.goes_left(x) for x in (2.0, 2.5, 1.0, -3.0, math.nan, 2.0**30)] == [
        False,
        False,
        True,
        True,
        False,
        True,
    ]
    hgb = CategoricalSplit(0, frozenset({1}), frozenset({2}), "sklearn", True)
    assert [hgb.goes_left(x) for x in (1.0, 2.0, 7.0, 1.5, -1.0, math.nan)] == [
        True,
        False,
        True,
        True,
        True,
        True,
    ]


def _link_value(link: Link, m: Fraction) -> decimal.Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        z = decimal.Decimal(m.numerator) / m.denominator * link.scale.numerator
        z = z / link.scale.denominator
        if link.kind == "logistic":
            return 1 / (1 + (-z).exp())
        return z.exp() if link.kind == "exp" else z


@pytest.mark.parametrize(
    ("link", "t"),
    [
        (Link("logistic"), Fraction(7, 10)),
        (Link("logistic"), Fraction(1, 1000)),
        (Link("logistic", Fraction(2)), Fraction(3, 10)),
        (Link("exp"), Fraction(5, 2)),
        (Link("identity", Fraction(1, 3)), Fraction(1, 4)),
    ],
)
@pytest.mark.parametrize("denominator", [2**24, 2**60, 3 * 2**10])
def test_margin_threshold_decides_every_lattice_margin_exactly(
    link: Link, t: Fraction, denominator: int
) -> None:
    theta = margin_threshold(link, t, denominator)
    centre = math.floor(theta * denominator)
    for k in range(centre - 3, centre + 4):
        m = Fraction(k, denominator)
        assert (m > theta) == (_link_value(link, m) > decimal.Decimal(t.numerator) / t.denominator)
