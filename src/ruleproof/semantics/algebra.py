"""The semantic rules every interpreter shares, each written once (DESIGN §2).

- `clamp(raw, lo, hi, choose, less)`: the score range — `lo` when the raw score is below it,
  `hi` when above, the raw score otherwise (the typecheck guarantees `lo <= hi`). Written over
  `choose(condition, then, otherwise)` and `less(a, b)`, so the evaluators (`clamp_value`), the
  interval analysis (`clamp_interval`, the image of an interval under this monotone function)
  and the Z3 encoder (with `z3.If`) apply the same definition.
- `first_match(branches, default, choose)`: the value of the first branch whose condition holds
  (tiers, score rule groups), as a fold from the last branch; `first_index` is the same rule for
  concrete conditions evaluated lazily, in order.
- `compare(op, a, b)`: comparisons of values (a bool never equals a number).
- `floordiv`, `floormod`: Python's `//` and `%`; the typecheck allows them only by a positive
  int constant, where SMT-LIB's `div` and `mod` (the encoder's) coincide with them.
- `score_value(total, real)`: the score as its type holds it: an `int` for an int score, a
  `Fraction` for a real one (so a real score that happens to be whole is still a `Fraction`).
- `add_bound`, `hull`: exact arithmetic on interval ends, where `None` is unbounded (never a large
  number standing for infinity).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from ruleproof.language.ruleset import Num, Value

T = TypeVar("T")
Bound = Num | None  # an interval end; None is unbounded on that side
Interval = tuple[Bound, Bound]


def clamp(
    raw: T,
    lo: T | None,
    hi: T | None,
    choose: Callable[[Any, T, T], T],
    less: Callable[[T, T], Any],
) -> T:
    """The score range applied to `raw`: below `lo` gives `lo`, above `hi` gives `hi`."""
    out = raw
    if hi is not None:
        out = choose(less(hi, raw), hi, out)
    if lo is not None:
        out = choose(less(raw, lo), lo, out)
    return out


def _choose(condition: Any, then: T, otherwise: T) -> T:
    return then if condition else otherwise


def _less(a: Num, b: Num) -> bool:
    return a < b


def clamp_value(raw: Num, lo: Num | None, hi: Num | None) -> Num:
    """`clamp` on numbers (the evaluators)."""
    return clamp(raw, lo, hi, _choose, _less)


def clamp_interval(iv: Interval, lo: Num | None, hi: Num | None) -> Interval:
    """The image of `iv` under `clamp_value`: clamp is monotone, so each end maps to its clamp;
    an unbounded end maps to the range's end on that side (or stays unbounded)."""
    a, b = iv
    return (
        lo if a is None else clamp_value(a, lo, hi),
        hi if b is None else clamp_value(b, lo, hi),
    )


def first_match(
    branches: Sequence[tuple[Any, T]], default: T, choose: Callable[[Any, T, T], T]
) -> T:
    """The value of the first branch whose condition holds, else `default` (symbolic form)."""
    out = default
    for condition, value in reversed(branches):
        out = choose(condition, value, out)
    return out


def first_index(conditions: Iterable[Callable[[], Any]]) -> int | None:
    """The index of the first condition that holds, evaluated lazily in order, or None."""
    for i, holds in enumerate(conditions):
        if holds():
            return i
    return None


def compare(op: str, a: Value | None, b: Value | None) -> bool:
    """`a op b` on values: numbers by value, `==` also on text and bools (a bool never equals
    a number, unlike in Python)."""
    if op == "==":
        return a == b and (type(a) is bool) == (type(b) is bool)
    if op == "!=":
        return not compare("==", a, b)
    assert isinstance(a, int | Fraction) and isinstance(b, int | Fraction), (a, b)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def floordiv(x: int, k: int) -> int:
    """Python's `x // k` (k a positive int constant)."""
    return x // k


def floormod(x: int, k: int) -> int:
    """Python's `x % k` (k a positive int constant): in [0, k - 1]."""
    return x % k


def score_value(total: Num, real: bool) -> Num:
    """The score as its declared type holds it (module docstring)."""
    if real:
        return Fraction(total)
    assert not isinstance(total, Fraction) or total.denominator == 1, total
    return int(total)


def add_bound(x: Bound, y: Bound) -> Bound:
    """`x + y` for interval ends of the same side (unbounded stays unbounded)."""
    return None if x is None or y is None else x + y


def hull(*ivs: Interval) -> Interval:
    """The smallest interval containing every one given."""
    los, his = [i[0] for i in ivs], [i[1] for i in ivs]
    return (
        None if any(x is None for x in los) else min(x for x in los if x is not None),
        None if any(x is None for x in his) else max(x for x in his if x is not None),
    )
