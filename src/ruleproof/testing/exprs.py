"""Well-typed random expressions over a scope of names, covering every expression node."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language.types import BOOL, INT, REAL, EnumT, Type
from ruleproof.testing.citizens import Scope

_CMP_OPS: tuple[E.CmpOp, ...] = ("==", "!=", "<", "<=", ">", ">=")


def decimals(lo: int = -40, hi: int = 40) -> st.SearchStrategy[Fraction]:
    return st.builds(
        lambda n, d: Fraction(n, d), st.integers(lo, hi), st.sampled_from([1, 2, 4, 5, 10, 100])
    )


class _Draw:
    """Draws one typed expression by plain recursion over `draw` (cheap to build per scope)."""

    def __init__(self, draw: st.DrawFn, scope: Scope) -> None:
        self.draw = draw
        self.scope = dict(scope)
        self.enums = sorted({t for t in scope.values() if isinstance(t, EnumT)}, key=str)

    def pick(self, n: int) -> int:
        return self.draw(st.integers(0, n - 1))

    def vars_of(self, want: Type) -> list[E.Expr]:
        return [E.Var(n) for n, t in sorted(self.scope.items()) if t == want]

    def leaf(self, want: Type) -> E.Expr:
        names = self.vars_of(want)
        if want == REAL:
            names += self.vars_of(INT)
        use_name: bool = self.draw(st.booleans())
        if names and use_name:
            return self.draw(st.sampled_from(names))
        if want == BOOL:
            return E.BoolLit(self.draw(st.booleans()))
        if want == INT:
            return E.IntLit(self.draw(st.integers(-20, 20)))
        if want == REAL:
            if self.draw(st.booleans()):
                return E.IntLit(self.draw(st.integers(-20, 20)))
            return E.RealLit(self.draw(decimals()))
        assert isinstance(want, EnumT)
        return E.EnumLit(self.draw(st.sampled_from(want.values)))

    def expr(self, want: Type, depth: int) -> E.Expr:
        if depth <= 0 or self.pick(3) == 0:
            return self.leaf(want)
        if want == BOOL:
            return self.boolean(depth - 1)
        if want in (INT, REAL):
            return self.number(want, depth - 1)
        return E.IfElse(
            self.expr(BOOL, depth - 1), self.expr(want, depth - 1), self.expr(want, depth - 1)
        )

    def some(self, want: Type, depth: int, lo: int, hi: int) -> tuple[E.Expr, ...]:
        return tuple(self.expr(want, depth) for _ in range(self.draw(st.integers(lo, hi))))

    def literal(self, want: Type) -> E.Expr:
        if want == REAL and self.draw(st.booleans()):
            return E.RealLit(self.draw(decimals(-8, 8)))
        return E.IntLit(self.draw(st.integers(-5, 5)))

    def number(self, want: Type, d: int) -> E.Expr:
        match self.pick(9):
            case 0:
                return E.Neg(self.expr(want, d))
            case 1:
                op: E.ArithOp = self.draw(st.sampled_from(["+", "-"]))
                return E.Arith(op, self.expr(want, d), self.expr(want, d))
            case 2:
                if self.draw(st.booleans()):
                    return E.Arith("*", self.literal(want), self.expr(want, d))
                return E.Arith("*", self.expr(want, d), self.literal(want))
            case 3:
                return E.IfElse(self.expr(BOOL, d), self.expr(want, d), self.expr(want, d))
            case 4:
                func: E.FuncName = self.draw(st.sampled_from(["min", "max"]))
                return E.Call(func, self.some(want, d, 2, 3))
            case 5:
                return E.Call("abs", (self.expr(want, d),))
            case 6:
                n = self.draw(st.integers(1, 3))
                branches = tuple((self.expr(BOOL, d), self.expr(want, d)) for _ in range(n))
                return E.FirstMatch(branches, self.expr(want, d))
            case _:
                div: E.ArithOp = self.draw(st.sampled_from(["//", "%"]))
                return E.Arith(div, self.expr(INT, d), E.IntLit(self.draw(st.integers(1, 7))))

    def boolean(self, d: int) -> E.Expr:
        match self.pick(10 if self.enums else 8):
            case 0:
                return E.Not(self.expr(BOOL, d))
            case 1:
                return E.And(self.some(BOOL, d, 2, 3))
            case 2:
                return E.Or(self.some(BOOL, d, 2, 3))
            case 3:
                return E.Call("implies", (self.expr(BOOL, d), self.expr(BOOL, d)))
            case 4:
                return E.IfElse(self.expr(BOOL, d), self.expr(BOOL, d), self.expr(BOOL, d))
            case 5:
                n = self.draw(st.integers(1, 2))
                ops = tuple(self.draw(st.sampled_from(_CMP_OPS)) for _ in range(n))
                nums = tuple(
                    self.expr(self.draw(st.sampled_from([INT, REAL])), d) for _ in range(n + 1)
                )
                return E.Compare(ops, nums)
            case 6:
                eq: E.CmpOp = self.draw(st.sampled_from(["==", "!="]))
                return E.Compare((eq,), (self.expr(BOOL, d), self.expr(BOOL, d)))
            case 7:
                prim = self.draw(st.sampled_from([INT, BOOL]))
                return E.In(self.expr(prim, d), self.some(prim, d, 1, 3), self.draw(st.booleans()))
            case 8:
                enum = self.draw(st.sampled_from(self.enums))
                eq = self.draw(st.sampled_from(["==", "!="]))
                return E.Compare((eq,), (self.expr(enum, d), self.expr(enum, d)))
            case _:
                enum = self.draw(st.sampled_from(self.enums))
                options = tuple(
                    E.EnumLit(self.draw(st.sampled_from(enum.values)))
                    for _ in range(self.draw(st.integers(1, 3)))
                )
                return E.In(self.expr(enum, d), options, self.draw(st.booleans()))


@st.composite
def expressions(draw: st.DrawFn, scope: Scope, want: Type, max_depth: int = 3) -> E.Expr:
    """Well-typed expressions of type `want` over `scope` (name → type), at most `max_depth`
    operators deep. `REAL` slots also receive int-typed expressions, as the typecheck allows.
    Linear: `*` has a literal side, `//` and `%` a positive literal divisor."""
    return _Draw(draw, scope).expr(want, max_depth)
