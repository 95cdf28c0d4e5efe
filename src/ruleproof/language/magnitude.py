"""How long the numbers a ruleset computes can get: a bound on every numeric value's bits.

Literals, ranges and citizen values are at most `DIGITS` digits long, but arithmetic can build
longer numbers (`x * 10**900 * 10**900 * …` written out): Python refuses to turn an int of over
4,300 digits into text, so such a value could not be decoded from the solver's model, printed
or saved. `magnitude_diagnostics(ruleset)` bounds the bits of the numerator and the denominator
of every value of every numeric sub-expression of the expressions whose values are shown or
saved (defines, rules' `add`, what actions set; conditions only compare their numbers), and
refuses (RP027) each such expression with a sub-expression over the digit limit. The bound is
an over-approximation used only to refuse input; it decides no verdict. Rules: a literal has its
own bits; an attribute or param its range ends'; a define its expression's; `score` its clamp
range's, else its base's and rules' plus one bit per doubling of the rule count (a `one_of`
group the larger of its cases); `+` and `-`
one bit more than the larger side (after bringing reals to a common denominator); `*` the sum
of both sides; `//` the left side's; `%` both sides'; `if`, `min`, `max` the larger; `abs` and
`-x` their argument's; booleans and enum values none. Call it on a ruleset that typechecks.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import assert_never

from ruleproof.errors import Diagnostic
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.limits import DIGITS

Bits = tuple[int, int]  # bits of the numerator, of the denominator (0 for ints)
NONE: Bits = (0, 0)
MAX_BITS = int(DIGITS.value / 0.30103)  # a value of more bits may have more digits


def _of_number(v: int | Fraction) -> Bits:
    if isinstance(v, Fraction):
        return abs(v.numerator).bit_length(), (
            v.denominator.bit_length() if v.denominator > 1 else 0
        )
    return abs(v).bit_length(), 0


def _of_type(t: M.AttrType) -> Bits:
    if isinstance(t, M.IntType | M.RealType):
        lo, hi = _of_number(t.lo), _of_number(t.hi)
        return max(lo[0], hi[0]), max(lo[1], hi[1])
    return NONE


def _join(a: Bits, b: Bits) -> Bits:
    return max(a[0], b[0]), max(a[1], b[1])


class _Bounds:
    def __init__(self, ruleset: M.Ruleset) -> None:
        self.ruleset = ruleset
        self.names: dict[str, Bits] = {a.name: _of_type(a.type) for a in ruleset.attributes}
        self.pending = {d.name: d for d in ruleset.defines}
        self.params: dict[str, Bits] = {}
        self.over: E.Expr | None = None  # the first node found over the limit

    def name(self, name: str) -> Bits:
        if name in self.params:
            return self.params[name]
        if name in self.pending:
            d = self.pending.pop(name)
            self.names[name] = self.of(d.expr)
        if name == "score" and "score" not in self.names:
            self.names["score"] = self._score()
        return self.names.get(name, NONE)

    def _score(self) -> Bits:
        score = self.ruleset.score
        if score is None:
            return NONE
        if score.lo is not None and score.hi is not None:
            return _join(_of_number(score.lo), _of_number(score.hi))
        num, den = _of_number(score.base)
        for r in score.rules:
            add = self.of(r.add)
            num, den = max(num + add[1], add[0] + den), den + add[1]
        return num + len(score.rules).bit_length() + 1, den

    def of(self, e: E.Expr) -> Bits:
        bits = self._of(e)
        if self.over is None and (bits[0] > MAX_BITS or bits[1] > MAX_BITS):
            self.over = e
        return bits

    def _of(self, e: E.Expr) -> Bits:
        match e:
            case E.IntLit(value) | E.RealLit(value):
                return _of_number(value)
            case E.BoolLit() | E.EnumLit():
                return NONE
            case E.Var(name):
                return self.name(name)
            case E.Neg(arg):
                return self.of(arg)
            case E.Arith(op, left, right):
                a, b = self.of(left), self.of(right)
                if op in ("+", "-"):
                    return max(a[0] + b[1], b[0] + a[1]) + 1, a[1] + b[1]
                if op == "*":
                    return a[0] + b[0], a[1] + b[1]
                if op == "//":
                    return a[0] + 1, 0
                return a[0] + b[0] + 1, a[1] + b[1]
            case E.IfElse(cond, then, orelse):
                self.of(cond)
                return _join(self.of(then), self.of(orelse))
            case E.Call(_, args):
                out = NONE
                for arg in args:
                    out = _join(out, self.of(arg))
                return out
            case E.FirstMatch(branches, default):
                out = self.of(default)
                for cond, branch in branches:
                    self.of(cond)
                    out = _join(out, self.of(branch))
                return out
            case E.Not() | E.Compare() | E.And() | E.Or() | E.In():
                for c in E.children(e):
                    self.of(c)
                return NONE
            case _:
                assert_never(e)


def _expressions(ruleset: M.Ruleset) -> Iterator[tuple[E.Expr, dict[str, Bits]]]:
    """Every expression whose value is shown, saved or decoded (defines, the score's rules,
    what actions set), with the bits of the params in scope. Conditions only compare their
    numbers, so the numbers in them are never shown."""
    for d in ruleset.defines:
        yield d.expr, {}
    if ruleset.score is not None:
        for r in ruleset.score.rules:
            yield r.add, {}
    for act in ruleset.actions:
        params = {p.name: _of_type(p.type) for p in act.params}
        for s in act.sets:
            yield s.expr, params


def magnitude_diagnostics(ruleset: M.Ruleset, limit: int = 20) -> list[Diagnostic]:
    """RP027 for each expression (at most `limit`) whose values may be over the digit limit."""
    bounds = _Bounds(ruleset)
    out: list[Diagnostic] = []
    for expr, params in _expressions(ruleset):
        bounds.params = params
        bounds.over = None
        bounds.of(expr)
        if bounds.over is not None:
            out.append(
                DIGITS.exceeded(
                    bounds.over.span,
                    "this arithmetic can build a number of more digits",
                    why="numbers are exact: products of long constants grow without bound, "
                    "and a number too long cannot be shown or saved",
                )
            )
            if len(out) >= limit:
                break
    return out
