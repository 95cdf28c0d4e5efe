"""Expression types and the type rules shared by the ruleset and the property typecheckers.

Types are `BOOL`, `INT`, `REAL`, `EnumT` (a set of allowed names: an enum attribute or the tier
ids) and `StrT` (string literals not yet tied to an enum). `ExprChecker` infers the type of an
expression in an environment of names, appending diagnostics for every problem it sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

import attrs

from ruleproof.errors import Diagnostic, Span, did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M


@attrs.frozen
class Prim:
    name: str

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class EnumT:
    values: tuple[str, ...]
    label: str = attrs.field(default="enum", eq=False)

    def __str__(self) -> str:
        return f"{self.label} ({', '.join(self.values[:6])}{', …' if len(self.values) > 6 else ''})"


@attrs.frozen
class StrT:
    values: frozenset[str]

    def __str__(self) -> str:
        return "text " + ", ".join(f"'{v}'" for v in sorted(self.values))


BOOL = Prim("bool")
INT = Prim("int")
REAL = Prim("real")
Type = Prim | EnumT | StrT


def of_attr_type(t: M.AttrType, label: str) -> Type:
    match t:
        case M.BoolType():
            return BOOL
        case M.IntType():
            return INT
        case M.RealType():
            return REAL
        case M.EnumType(values):
            return EnumT(values, label)


def is_num(t: Type) -> bool:
    return t is INT or t is REAL or (type(t) is Prim and t in (INT, REAL))


def is_constant(e: E.Expr) -> bool:
    return not E.free_vars(e)


# A name resolver gets the Var and returns its type, or None after reporting it itself.
Resolver = Callable[[E.Var], "Type | None"]


class ExprChecker:
    """Infers expression types; problems are appended to `diagnostics`."""

    def __init__(self, resolve: Resolver, diagnostics: list[Diagnostic]) -> None:
        self.resolve = resolve
        self.diagnostics = diagnostics

    def error(self, code: str, message: str, span: Span, why: str = "", fix: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, why, fix))

    def warn(self, code: str, message: str, span: Span, why: str = "", fix: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, why, fix, "warning"))

    def expect(self, e: E.Expr, want: Type, what: str) -> Type | None:
        got = self.check(e)
        if got is None:
            return None
        if got is want:
            return got
        if want == REAL and is_num(got):
            return got
        if got != want:
            self.error(
                "RP202",
                f"{what} must be {want}, but this is {got}",
                e.span,
                fix="write a comparison such as `x > 0`" if want == BOOL else "",
            )
            return None
        return got

    def check(self, e: E.Expr) -> Type | None:
        kind = type(e)  # fast paths for the commonest nodes, with the results of the `match`
        if kind is E.Var:
            return self.resolve(e)  # type: ignore[arg-type]
        if kind is E.IntLit:
            return INT
        if kind is E.BoolLit:
            return BOOL
        if kind is E.Compare:
            return self._compare(e)  # type: ignore[arg-type]
        if kind is E.And or kind is E.Or:
            return self._connective(e.args)  # type: ignore[union-attr]
        match e:
            case E.BoolLit():
                return BOOL
            case E.IntLit():
                return INT
            case E.RealLit():
                return REAL
            case E.EnumLit(value):
                return StrT(frozenset([value]))
            case E.Var():
                return self.resolve(e)
            case E.Neg(arg):
                t = self.check(arg)
                if t is not None and not is_num(t):
                    self.error("RP202", f"unary `-` needs a number, but this is {t}", arg.span)
                    return None
                return t
            case E.Not(arg):
                return BOOL if self.expect(arg, BOOL, "the operand of `not`") else None
            case E.Arith(op, left, right):
                return self._arith(e, op, left, right)
            case E.Compare():
                return self._compare(e)
            case E.And(args) | E.Or(args):
                return self._connective(args)
            case E.IfElse(cond, then, orelse):
                c = self.expect(cond, BOOL, "the condition of `x if c else y`")
                a, b = self.check(then), self.check(orelse)
                if a is None or b is None or c is None:
                    return None
                return self._join(a, b, then, orelse, e.span)
            case E.In(item, options):
                t = self.check(item)
                ok = t is not None
                for o in options:
                    u = self.check(o)
                    if t is None or u is None or not self._comparable(t, u, item, o, o.span):
                        ok = False
                return BOOL if ok else None
            case E.Call(func, args):
                return self._call(e, func, args)
            case E.FirstMatch(branches, default):
                return self._first_match(branches, default, e.span)
            case _:
                assert_never(e)

    def _first_match(
        self, branches: tuple[tuple[E.Expr, E.Expr], ...], default: E.Expr, span: Span
    ) -> Type | None:
        for cond, _ in branches:
            self.expect(cond, BOOL, "the condition of a case")
        out = self.check(default)
        for _, value in branches:
            t = self.check(value)
            if t is None or out is None:
                return None
            out = self._join(out, t, default, value, span)
        return out

    def _compare(self, e: E.Compare) -> Type | None:
        ops, operands = e.ops, e.operands
        types = [self.check(o) for o in operands]
        ok = True
        for i, cmp in enumerate(ops):
            a, b = types[i], types[i + 1]
            if a is None or b is None:
                ok = False
            elif cmp in ("==", "!="):
                ok = self._comparable(a, b, operands[i], operands[i + 1], e.span) and ok
            elif not (is_num(a) and is_num(b)):
                bad = operands[i] if not is_num(a) else operands[i + 1]
                self.error(
                    "RP202",
                    f"`{cmp}` compares numbers, but this is {a if not is_num(a) else b}",
                    bad.span,
                    fix="use `==` or `!=` for bools and enum values",
                )
                ok = False
        return BOOL if ok else None

    def _connective(self, args: tuple[E.Expr, ...]) -> Type | None:
        results = [self.expect(a, BOOL, "an operand of `and`/`or`") for a in args]
        return BOOL if all(r is not None for r in results) else None

    def _arith(self, e: E.Arith, op: str, left: E.Expr, right: E.Expr) -> Type | None:
        a, b = self.check(left), self.check(right)
        if a is None or b is None:
            return None
        for side, t in ((left, a), (right, b)):
            if not is_num(t):
                self.error(
                    "RP202",
                    f"`{op}` needs two numbers, but this is {t}",
                    side.span,
                    why=f"`{op}` is arithmetic",
                    fix="combine conditions with `and`/`or`; count a bool with `(1 if flag else 0)`"
                    if t == BOOL
                    else "",
                )
                return None
        if op in ("//", "%"):
            if a != INT or b != INT:
                self.error(
                    "RP202",
                    f"`{op}` works on ints only",
                    e.span,
                    fix="round with `//` on an int expression",
                )
                return None
            if not (isinstance(right, E.IntLit) and right.value > 0):
                self.error(
                    "RP209",
                    f"`{op}` needs a positive int constant on its right",
                    right.span,
                    why="division by a variable is non-linear and may divide by zero",
                    fix="divide by a literal such as `// 30`",
                )
                return None
            return INT
        if op == "*" and not (is_constant(left) or is_constant(right)):
            self.warn(
                "RP208",
                "multiplication of two variables is non-linear",
                e.span,
                why="the solver may answer `unknown` for properties that need this term",
                fix="multiply by a constant where the rule allows it",
            )
        return INT if a == INT and b == INT else REAL

    def _call(self, e: E.Call, func: str, args: tuple[E.Expr, ...]) -> Type | None:
        if func == "implies":
            ok = [self.expect(a, BOOL, "an argument of `implies`") for a in args]
            return BOOL if all(r is not None for r in ok) else None
        types = [self.check(a) for a in args]
        if any(t is None for t in types):
            return None
        for a, t in zip(args, types, strict=True):
            if t is None or not is_num(t):
                self.error("RP202", f"`{func}` needs numbers, but this is {t}", a.span)
                return None
        return INT if all(t == INT for t in types) else REAL

    def _comparable(self, a: Type, b: Type, ea: E.Expr, eb: E.Expr, span: Span) -> bool:
        if is_num(a) and is_num(b):
            return True
        if a == BOOL and b == BOOL:
            return True
        if isinstance(a, StrT) and isinstance(b, EnumT):
            a, b, ea, eb = b, a, eb, ea
        if isinstance(a, EnumT) and isinstance(b, StrT):
            missing = sorted(b.values - set(a.values))
            if missing:
                hint = did_you_mean(missing[0], a.values)
                self.error(
                    "RP203",
                    f"`{missing[0]}` is not a value of {a.label}",
                    eb.span,
                    why=f"{a.label} takes {', '.join(a.values)}",
                    fix=hint or "",
                )
                return False
            return True
        if isinstance(a, EnumT) and isinstance(b, EnumT):
            if a.values == b.values:
                return True
            self.error("RP202", f"cannot compare {a.label} with {b.label}: different values", span)
            return False
        if isinstance(a, StrT) and isinstance(b, StrT):
            return True
        self.error(
            "RP202", f"cannot compare {a} with {b}", span, fix="compare values of the same type"
        )
        return False

    def _join(self, a: Type, b: Type, ea: E.Expr, eb: E.Expr, span: Span) -> Type | None:
        if is_num(a) and is_num(b):
            return INT if a == INT and b == INT else REAL
        if a == b:
            return a
        if isinstance(a, StrT) and isinstance(b, StrT):
            return StrT(a.values | b.values)
        if (isinstance(a, EnumT) and isinstance(b, StrT | EnumT)) or isinstance(b, EnumT):
            if self._comparable(a, b, ea, eb, span):
                return a if isinstance(a, EnumT) else b
            return None
        self.error("RP202", f"the branches of `x if c else y` differ: {a} and {b}", span)
        return None
