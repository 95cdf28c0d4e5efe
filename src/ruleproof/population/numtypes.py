"""Exact SQL number types for the portable subset, chosen from sound value ranges.

A `NumType` is a closed interval `[lo, hi]` of exact rationals and a decimal `scale` (how many
digits after the point every value of it needs). Its SQL type is `BIGINT` when the scale is 0 and
the interval fits in 64 bits, else `DECIMAL(p, s)` with the fewest digits that hold the interval.
Nothing wider than `DECIMAL(38, s)` exists in the subset both DuckDB and Spark SQL agree on: a
value that needs more raises `Unrepresentable`, and the compiler turns that into an error that
names the expression. The `Ranges` analysis gives every numeric expression of a ruleset its
`NumType`: interval arithmetic over the attributes' declared ranges (every in-range citizen, so
`assume` is ignored and the result is a sound over-approximation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

import attrs

from ruleproof.errors import Span
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M

MAX_DIGITS = 38
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
EXACT_DOUBLE = 2**53  # every integer of magnitude up to this is exact in an IEEE double


class Unrepresentable(ValueError):
    """A value needs more than the portable SQL subset offers (said in `args[0]`); `span` is
    where, once an enclosing expression from a file has caught it."""

    span: Span | None = None


def decimal_places(v: Fraction) -> int | None:
    """How many digits after the point `v` needs, or None when it is no finite decimal."""
    d = v.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    return max(twos, fives) if d == 1 else None


def _int_digits(v: Fraction) -> int:
    return len(str(abs(v.numerator) // v.denominator))


@attrs.frozen
class NumType:
    lo: Fraction
    hi: Fraction
    scale: int

    @property
    def is_bigint(self) -> bool:
        return self.scale == 0 and self.lo >= INT64_MIN and self.hi <= INT64_MAX

    @property
    def precision(self) -> int:
        return self.scale + max(_int_digits(self.lo), _int_digits(self.hi), 1)

    def sql(self) -> str:
        """The SQL type; raises `Unrepresentable` beyond DECIMAL(38)."""
        if self.is_bigint:
            return "BIGINT"
        p = self.precision
        if p > MAX_DIGITS:
            raise Unrepresentable(
                f"values in [{_text(self.lo)}, {_text(self.hi)}] with {self.scale} decimal "
                f"places need {p} digits; DECIMAL holds {MAX_DIGITS}"
            )
        return f"DECIMAL({p},{self.scale})"

    def decimal_sql(self) -> str:
        """This interval as a DECIMAL type (never BIGINT); raises `Unrepresentable`."""
        p = self.precision
        if p > MAX_DIGITS:
            self.sql()
        return f"DECIMAL({p},{self.scale})"


def _text(v: Fraction) -> str:
    from ruleproof.language.values import fraction_text

    return fraction_text(v)


def hull(*types: NumType) -> NumType:
    """The smallest type holding every value of each of `types`."""
    return NumType(min(t.lo for t in types), max(t.hi for t in types), max(t.scale for t in types))


def const(v: int | Fraction) -> NumType:
    f = Fraction(v)
    s = decimal_places(f)
    if s is None:
        raise Unrepresentable(f"{f} has no finite decimal form")
    return NumType(f, f, s)


def _corners(a: NumType, b: NumType) -> list[Fraction]:
    return [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]


class Ranges:
    """The `NumType` of every numeric expression of one ruleset (memoized per name).

    `attribute_scale(name)` gives the scale of a real attribute's column. Names resolve to the
    attributes' ranges, the defines' expressions and the score's clamped interval; `extra`
    resolves anything else (e.g. citizens of a property) and may return None.
    """

    def __init__(
        self,
        ruleset: M.Ruleset,
        attribute_scale: Callable[[str], int],
        score_type: Callable[[], NumType] | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.attribute_scale = attribute_scale
        self.score_type = score_type
        self.memo: dict[str, NumType] = {}

    def name(self, name: str) -> NumType:
        hit = self.memo.get(name)
        if hit is not None:
            return hit
        out = self._name(name)
        self.memo[name] = out
        return out

    def _name(self, name: str) -> NumType:
        if name in self.ruleset.attribute_index:
            t = self.ruleset.attribute(name).type
            if isinstance(t, M.IntType):
                return NumType(Fraction(t.lo), Fraction(t.hi), 0)
            if isinstance(t, M.RealType):
                return NumType(t.lo, t.hi, self.attribute_scale(name))
            raise AssertionError(name)
        if name == "score" and self.score_type is not None:
            return self.score_type()
        d = self.ruleset.define(name)
        if d is None:
            raise AssertionError(f"`{name}` is not numeric")
        return self.of(d.expr)

    def of(self, e: E.Expr) -> NumType:
        """The type of numeric expression `e`."""
        match e:
            case E.IntLit(v) | E.RealLit(v):
                return const(v)
            case E.Var(name):
                return self.name(name)
            case E.Neg(arg):
                t = self.of(arg)
                return NumType(-t.hi, -t.lo, t.scale)
            case E.Arith("+" | "-" as op, left, right):
                a, b = self.of(left), self.of(right)
                if op == "+":
                    return NumType(a.lo + b.lo, a.hi + b.hi, max(a.scale, b.scale))
                return NumType(a.lo - b.hi, a.hi - b.lo, max(a.scale, b.scale))
            case E.Arith("*", left, right):
                a, b = self.of(left), self.of(right)
                c = _corners(a, b)
                return NumType(min(c), max(c), a.scale + b.scale)
            case E.Arith("//", left, right):
                a, k = self.of(left), self.of(right)
                return NumType(Fraction(a.lo // k.lo), Fraction(a.hi // k.lo), 0)
            case E.Arith("%", _, right):
                return NumType(Fraction(0), self.of(right).lo - 1, 0)
            case E.Arith():
                raise AssertionError(e)
            case E.IfElse(_, then, orelse):
                return hull(self.of(then), self.of(orelse))
            case E.FirstMatch(branches, default):
                return hull(self.of(default), *(self.of(v) for _, v in branches))
            case E.Call("min" | "max" as f, args):
                ts = [self.of(a) for a in args]
                pick = min if f == "min" else max
                return NumType(
                    pick(t.lo for t in ts), pick(t.hi for t in ts), max(t.scale for t in ts)
                )
            case E.Call("abs", (arg,)):
                t = self.of(arg)
                if t.lo >= 0:
                    return t
                if t.hi <= 0:
                    return NumType(-t.hi, -t.lo, t.scale)
                return NumType(Fraction(0), max(-t.lo, t.hi), t.scale)
            case _:
                raise AssertionError(f"not a numeric expression: {e}")


def sum_type(terms: Iterable[NumType], start: NumType) -> NumType:
    """The type of `start + Σ terms`."""
    lo, hi, s = start.lo, start.hi, start.scale
    for t in terms:
        lo, hi, s = lo + t.lo, hi + t.hi, max(s, t.scale)
    return NumType(lo, hi, s)
