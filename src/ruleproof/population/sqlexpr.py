"""Rule-language expressions → portable SQL text (the subset DuckDB and Spark SQL agree on).

`SqlExpr(ranges, lookup).compile(e)` gives a `Val`: SQL text and what it holds (`bool`, `num`
with its exact `NumType`, or `str` for enum values and tier ids, `nullable` when it may be the
tier of a citizen no tier matches, which is SQL NULL). Invariant: the text of a `num` has
exactly the SQL type `t.sql()`, so no engine's implicit widening rules ever decide a result;
every operand is cast to a type chosen here from sound intervals, and the operation's own result
is cast to its interval's type. With those types no step overflows or rounds:

- `+ - *`, unary `-`, `abs`, `min`, `max` run in BIGINT when every value fits in 64 bits, else
  in DECIMAL with at most 38 digits (an operation that would need more raises `Unrepresentable`);
- `x // k` is `FLOOR(DOUBLE(x) / DOUBLE(k))`, exact while `|x| + k <= 2^53` (beyond that it
  raises `Unrepresentable`: neither engine has a portable exact integer division); `x % k` is
  `((x % k) + k) % k` on BIGINT (both engines' `%` truncates like C);
- comparisons cast both sides to one type; `==` on a nullable tier is `IS NOT DISTINCT FROM`
  (Python's `None == 'A'` is false, `None == None` true), and `in` expands to such comparisons;
- enum and tier literals are SQL strings; characters that the two dialects escape differently
  (quote, backslash) are written with `chr()`.

This is one more interpreter of the expression IR; the differential tests tie it to
`ruleproof.semantics.evaluate` on both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Literal, assert_never

import attrs

from ruleproof.errors import UNKNOWN_SPAN
from ruleproof.language import expr as E
from ruleproof.population.numtypes import (
    EXACT_DOUBLE,
    INT64_MAX,
    MAX_DIGITS,
    NumType,
    Ranges,
    Unrepresentable,
    const,
    hull,
)

Kind = Literal["bool", "num", "str"]
_SAFE = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:;/()+*&%$#@!?=<>~^|[]{}"
)


@attrs.frozen
class Val:
    text: str
    kind: Kind
    t: NumType | None = None
    nullable: bool = False

    @property
    def num(self) -> NumType:
        assert self.t is not None, self
        return self.t


Lookup = Callable[[E.Var], Val]


def num_literal(v: int | Fraction, t: NumType | None = None) -> Val:
    """A numeric literal of type `t` (default: its own exact type)."""
    t = t or const(v)
    f = Fraction(v)
    if t.is_bigint:
        return Val(f"CAST({f.numerator} AS BIGINT)", "num", t)
    from ruleproof.language.values import fraction_text

    return Val(f"CAST('{fraction_text(f)}' AS {t.sql()})", "num", t)


def str_literal(s: str) -> str:
    """A SQL string literal both dialects read as `s`."""
    if all(ch in _SAFE or ord(ch) > 127 for ch in s):
        return f"'{s}'"
    parts: list[str] = []
    run = ""
    for ch in s:
        if ch in _SAFE or ord(ch) > 127:
            run += ch
        else:
            if run:
                parts.append(f"'{run}'")
                run = ""
            parts.append(f"chr({ord(ch)})")
    if run:
        parts.append(f"'{run}'")
    return parts[0] if len(parts) == 1 else f"concat({', '.join(parts)})"


def cast(v: Val, t: NumType) -> str:
    """The text of numeric `v` as SQL type `t.sql()` (no cast when it already is)."""
    want = t.sql()
    return v.text if v.num.sql() == want else f"CAST({v.text} AS {want})"


def _dec(v: Val, t: NumType) -> str:
    want = t.decimal_sql()
    return v.text if v.num.sql() == want else f"CAST({v.text} AS {want})"


def _typed(text: str, engine_type: str, res: NumType) -> Val:
    want = res.sql()
    return Val(text if engine_type == want else f"CAST({text} AS {want})", "num", res)


class SqlExpr:
    """Compiles expressions of one ruleset; names are resolved by `lookup`."""

    def __init__(self, ranges: Ranges, lookup: Lookup) -> None:
        self.ranges = ranges
        self.lookup = lookup

    def compile(self, e: E.Expr) -> Val:
        """SQL for a well-typed expression; raises `Unrepresentable` (with the span of the
        innermost expression from a file that needs too much)."""
        try:
            return self._compile(e)
        except Unrepresentable as exc:
            if exc.span is None and e.span != UNKNOWN_SPAN:
                exc.span = e.span
            raise

    def _compile(self, e: E.Expr) -> Val:
        match e:
            case E.BoolLit(v):
                return Val("TRUE" if v else "FALSE", "bool")
            case E.IntLit(v) | E.RealLit(v):
                return num_literal(v)
            case E.EnumLit(v):
                return Val(str_literal(v), "str")
            case E.Var():
                return self.lookup(e)
            case E.Neg(arg):
                return self._unary("-", self.compile(arg), self.ranges.of(e))
            case E.Not(arg):
                return Val(f"(NOT {self.compile(arg).text})", "bool")
            case E.Arith(op, left, right):
                return self._arith(op, self.compile(left), self.compile(right), self.ranges.of(e))
            case E.Compare(ops, operands):
                vals = [self.compile(o) for o in operands]
                parts = [
                    self._compare(op, a, b) for op, a, b in zip(ops, vals, vals[1:], strict=False)
                ]
                return Val(parts[0] if len(parts) == 1 else f"({' AND '.join(parts)})", "bool")
            case E.And(args):
                return Val(f"({' AND '.join(self.compile(a).text for a in args)})", "bool")
            case E.Or(args):
                return Val(f"({' OR '.join(self.compile(a).text for a in args)})", "bool")
            case E.IfElse(cond, then, orelse):
                return self._ifelse(self.compile(cond), self.compile(then), self.compile(orelse))
            case E.In(item, options, negated):
                found = self._in(self.compile(item), [self.compile(o) for o in options])
                return Val(f"(NOT {found})" if negated else found, "bool")
            case E.Call(func, args):
                return self._call(e, func, [self.compile(a) for a in args])
            case E.FirstMatch(branches, default):
                pairs = [(self.compile(c), self.compile(v)) for c, v in branches]
                return self._first_match(pairs, self.compile(default))
            case _:
                assert_never(e)

    def _unary(self, op: str, a: Val, res: NumType) -> Val:
        work = hull(a.num, res)
        fn = "-" if op == "-" else "ABS"
        if work.is_bigint:
            return _typed(f"({fn}({cast(a, work)}))", "BIGINT", res)
        return _typed(f"({fn}({_dec(a, work)}))", "?", res)

    def _arith(self, op: E.ArithOp, a: Val, b: Val, res: NumType) -> Val:
        match op:
            case "+" | "-":
                work = hull(a.num, b.num, res)
                if work.is_bigint:
                    return _typed(f"({cast(a, work)} {op} {cast(b, work)})", "BIGINT", res)
                if work.precision + 1 > MAX_DIGITS:
                    raise Unrepresentable(f"`{op}` on values in this range needs over 38 digits")
                return _typed(f"({_dec(a, work)} {op} {_dec(b, work)})", "?", res)
            case "*":
                if res.is_bigint and a.num.is_bigint and b.num.is_bigint:
                    return _typed(f"({a.text} * {b.text})", "BIGINT", res)
                if a.num.precision + b.num.precision + 1 > MAX_DIGITS:
                    raise Unrepresentable("a product here needs over 38 digits")
                return _typed(f"({_dec(a, a.num)} * {_dec(b, b.num)})", "?", res)
            case "//":
                k = b.num.lo
                if max(abs(a.num.lo), abs(a.num.hi)) + k > EXACT_DOUBLE:
                    raise Unrepresentable(
                        "`//` is exact in portable SQL only while |x| + divisor <= 2^53"
                    )
                text = f"FLOOR(CAST({a.text} AS DOUBLE) / CAST({k} AS DOUBLE))"
                return _typed(f"CAST({text} AS BIGINT)", "BIGINT", res)
            case "%":
                k = b.num.lo
                if not a.num.is_bigint or k >= INT64_MAX // 2:
                    raise Unrepresentable("`%` is exact in portable SQL only on 64-bit ints")
                kk = f"CAST({k} AS BIGINT)"
                return _typed(f"((({a.text} % {kk}) + {kk}) % {kk})", "BIGINT", res)
            case _:
                assert_never(op)

    def _compare(self, op: E.CmpOp, a: Val, b: Val) -> str:
        sql_op = {"==": "=", "!=": "<>"}.get(op, op)
        if a.kind == "num":
            work = hull(a.num, b.num)
            return f"({cast(a, work)} {sql_op} {cast(b, work)})"
        if a.kind == "str" and (a.nullable or b.nullable):
            distinct = "IS NOT DISTINCT FROM" if op == "==" else "IS DISTINCT FROM"
            return f"({a.text} {distinct} {b.text})"
        return f"({a.text} {sql_op} {b.text})"

    def _in(self, item: Val, options: list[Val]) -> str:
        if item.kind == "str" and (item.nullable or any(o.nullable for o in options)):
            return "(" + " OR ".join(self._compare("==", item, o) for o in options) + ")"
        if item.kind == "num":
            work = hull(item.num, *(o.num for o in options))
            inner = ", ".join(cast(o, work) for o in options)
            return f"({cast(item, work)} IN ({inner}))"
        return f"({item.text} IN ({', '.join(o.text for o in options)}))"

    def _ifelse(self, c: Val, a: Val, b: Val) -> Val:
        if a.kind == "num":
            work = hull(a.num, b.num)
            text = f"(CASE WHEN {c.text} THEN {cast(a, work)} ELSE {cast(b, work)} END)"
            return Val(text, "num", work)
        text = f"(CASE WHEN {c.text} THEN {a.text} ELSE {b.text} END)"
        return Val(text, a.kind, None, a.nullable or b.nullable)

    def _first_match(self, branches: list[tuple[Val, Val]], default: Val) -> Val:
        """A first-match `CASE` (`algebra.first_match`): the first branch that holds."""
        if default.kind == "num":
            work = hull(default.num, *(v.num for _, v in branches))
            whens = " ".join(f"WHEN {c.text} THEN {cast(v, work)}" for c, v in branches)
            return Val(f"(CASE {whens} ELSE {cast(default, work)} END)", "num", work)
        whens = " ".join(f"WHEN {c.text} THEN {v.text}" for c, v in branches)
        nullable = default.nullable or any(v.nullable for _, v in branches)
        return Val(f"(CASE {whens} ELSE {default.text} END)", default.kind, None, nullable)

    def _call(self, e: E.Call, func: E.FuncName, args: list[Val]) -> Val:
        match func:
            case "implies":
                return Val(f"((NOT {args[0].text}) OR {args[1].text})", "bool")
            case "abs":
                return self._unary("abs", args[0], self.ranges.of(e))
            case "min" | "max":
                work = hull(*(a.num for a in args))
                fn = "LEAST" if func == "min" else "GREATEST"
                text = f"{fn}({', '.join(cast(a, work) for a in args)})"
                return _typed(text, work.sql(), self.ranges.of(e))
            case _:
                assert_never(func)
