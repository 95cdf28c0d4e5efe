"""Interval analysis: sound bounds on numbers and three-valued truth, without a solver.

`Bounds(ruleset)` over-approximates every possible citizen at once. `num(e)` is an interval
`(lo, hi)` containing the value of a numeric expression for every citizen in range (either end
may be `None`: unbounded); `truth(e)` is `True` / `False` when a bool expression has that value
for *every* such citizen, and `None` when the analysis cannot tell. `assume` is ignored, so both
are over-approximations of the possible citizens: a `True` or `False` is always safe to rely on.
The score's interval is the clamped sum of every rule's contribution interval (`[min(0, lo),
max(0, hi)]` of its `add`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.memo import per_ruleset
from ruleproof.language.ruleset import Num
from ruleproof.semantics.algebra import Interval, add_bound, clamp_interval, floordiv, hull
from ruleproof.semantics.cover import covers

TOP: Interval = (None, None)


def _scale(iv: Interval, k: Num) -> Interval:
    lo, hi = iv
    a = None if lo is None else lo * k
    b = None if hi is None else hi * k
    return (a, b) if k >= 0 else (b, a)


Memo = dict[str, Interval | bool | None]
Contributions = dict[int, tuple[M.ScoreRule, Interval]]  # id(rule) → (rule, its contribution)


@per_ruleset
def _shared(ruleset: M.Ruleset) -> tuple[Memo, Contributions]:
    # Every `Bounds` of one ruleset object shares these (each entry is a fact about it).
    return {}, {}


class Bounds:
    """Memoized interval and truth analysis of one ruleset's names and expressions.

    All instances for one ruleset object share their memo, so building one per use is cheap.
    """

    def __init__(self, ruleset: M.Ruleset) -> None:
        self.ruleset = ruleset
        self.memo, self._contributions = _shared(ruleset)
        self.defines = {d.name: d for d in ruleset.defines}
        self.sanctions = {s.name: s for s in ruleset.sanctions}
        self.types = {a.name: a.type for a in ruleset.attributes}
        self._busy: set[str] = set()

    def contribution(self, r: M.ScoreRule) -> Interval:
        """Bounds on what rule `r` adds to the raw score (0 when it does not fire)."""
        hit = self._contributions.get(id(r))
        if hit is not None and hit[0] is r:
            return hit[1]
        out = self._contribution(r)
        self._contributions[id(r)] = (r, out)
        return out

    def _contribution(self, r: M.ScoreRule) -> Interval:
        t = self.truth(r.when)
        if t is False:
            return (0, 0)
        lo, hi = self.num(r.add)
        if t is True:
            return (lo, hi)
        return (None if lo is None else min(0, lo), None if hi is None else max(0, hi))

    def raw_score(self) -> Interval:
        sc = self.ruleset.score
        assert sc is not None
        lo: Num | None = sc.base
        hi: Num | None = sc.base
        for r in sc.rules:
            clo, chi = self.contribution(r)
            lo, hi = add_bound(lo, clo), add_bound(hi, chi)
        return lo, hi

    def score(self) -> Interval:
        if "score" not in self.memo:
            sc = self.ruleset.score
            assert sc is not None
            self.memo["score"] = clamp_interval(self.raw_score(), sc.lo, sc.hi)
        out = self.memo["score"]
        assert isinstance(out, tuple)
        return out

    # -- names -----------------------------------------------------------------------------
    def _name_num(self, name: str) -> Interval:
        t = self.types.get(name)
        if isinstance(t, M.IntType | M.RealType):
            return (t.lo, t.hi)
        if name == "score" and self.ruleset.score is not None:
            return self.score()
        d = self.defines.get(name)
        if d is not None and name not in self._busy:
            key = f"num:{name}"
            if key not in self.memo:
                self._busy.add(name)
                self.memo[key] = self.num(d.expr)
                self._busy.discard(name)
            out = self.memo[key]
            assert isinstance(out, tuple)
            return out
        return TOP

    def _name_truth(self, name: str) -> bool | None:
        if name in self._busy:
            return None
        key = f"truth:{name}"
        if key in self.memo:
            out = self.memo[key]
            assert out is None or isinstance(out, bool)
            return out
        self._busy.add(name)
        value: bool | None = None
        if name in self.defines:
            value = self.truth(self.defines[name].expr)
        elif name in self.sanctions:
            value = self.truth(self.sanctions[name].when)
        elif name == "sanctioned":
            vals = [self._name_truth(s) for s in self.sanctions]
            value = True if True in vals else (False if all(v is False for v in vals) else None)
        self._busy.discard(name)
        self.memo[key] = value
        return value

    # -- expressions -----------------------------------------------------------------------
    def num(self, e: E.Expr) -> Interval:
        """An interval containing the value of numeric `e` for every citizen in range."""
        match e:
            case E.IntLit(v) | E.RealLit(v):
                return (v, v)
            case E.Var(name, citizen):
                return self._name_num(name) if citizen is None else TOP
            case E.Neg(arg):
                return _scale(self.num(arg), -1)
            case E.Arith(op, left, right):
                return self._arith(op, left, right)
            case E.IfElse(cond, then, orelse):
                return self._choose(
                    self.truth(cond), lambda: self.num(then), lambda: self.num(orelse)
                )
            case E.FirstMatch(branches, default):
                return self._first_match(branches, default)
            case E.Call(func, args):
                return self._call(func, args)
            case E.BoolLit() | E.EnumLit() | E.Not() | E.Compare() | E.And() | E.Or() | E.In():
                return TOP  # not a number
            case _:
                assert_never(e)

    def _arith(self, op: E.ArithOp, left: E.Expr, right: E.Expr) -> Interval:
        if op == "+" or op == "-":
            (a, b) = self.num(left)
            (c, d) = self.num(right) if op == "+" else _scale(self.num(right), -1)
            return (add_bound(a, c), add_bound(b, d))
        if op == "*":
            for lit, other in ((left, right), (right, left)):
                if isinstance(lit, E.IntLit | E.RealLit):
                    return _scale(self.num(other), lit.value)
            return TOP
        if not (isinstance(right, E.IntLit) and right.value > 0):
            return TOP  # the typecheck allows only a positive int constant
        k = right.value
        if op == "//":  # floor division by k > 0 is monotone
            lo, hi = self.num(left)
            return (
                None if lo is None else floordiv(int(lo), k),
                None if hi is None else floordiv(int(hi), k),
            )
        return (0, k - 1)

    def _choose(
        self, t: bool | None, then: Callable[[], Interval], orelse: Callable[[], Interval]
    ) -> Interval:
        """`then if c else orelse` where `t` is what the analysis knows of `c`."""
        if t is True:
            return then()
        if t is False:
            return orelse()
        return hull(then(), orelse())

    def _first_match(
        self, branches: tuple[tuple[E.Expr, E.Expr], ...], default: E.Expr
    ) -> Interval:
        """The hull of every branch value that may be chosen (`algebra.first_match`); the
        default only when the conditions may all fail (`semantics.cover`: the leaves of a tree
        cover every citizen, so its group never adds the 0 of "no case fires")."""
        seen: list[Interval] = []
        live: list[E.Expr] = []
        for cond, value in branches:
            t = self.truth(cond)
            if t is False:
                continue
            seen.append(self.num(value))
            live.append(cond)
            if t is True:
                return hull(*seen)
        if seen and covers(live, self.types):
            return hull(*seen)
        return hull(*seen, self.num(default))

    def _call(self, func: E.FuncName, args: tuple[E.Expr, ...]) -> Interval:
        if func == "implies":
            return TOP
        ivs = [self.num(a) for a in args]
        los, his = [i[0] for i in ivs], [i[1] for i in ivs]
        known_los = [x for x in los if x is not None]
        known_his = [x for x in his if x is not None]
        if func == "min":
            return (
                None if len(known_los) < len(los) else min(known_los),
                min(known_his) if known_his else None,
            )
        if func == "max":
            return (
                max(known_los) if known_los else None,
                None if len(known_his) < len(his) else max(known_his),
            )
        lo, hi = ivs[0]  # abs
        if lo is not None and lo >= 0:
            return (lo, hi)
        if hi is not None and hi <= 0:
            return (-hi, None if lo is None else -lo)
        return (0, None if lo is None or hi is None else max(-lo, hi))

    def truth(self, e: E.Expr) -> bool | None:
        """`True`/`False` when bool `e` has that value for every citizen in range, else None."""
        if type(e) is E.Compare and len(e.ops) == 1:  # the commonest shape, `x OP k`, at once
            x, k = e.operands
            if type(x) is E.Var and x.citizen is None and isinstance(k, E.IntLit | E.RealLit):
                typ = self.types.get(x.name)
                if isinstance(typ, M.IntType | M.RealType):
                    return _cmp(e.ops[0], (typ.lo, typ.hi), (k.value, k.value))
        match e:
            case E.BoolLit(v):
                return v
            case E.Var(name, citizen):
                return self._name_truth(name) if citizen is None else None
            case E.Not(arg):
                t = self.truth(arg)
                return None if t is None else not t
            case E.And(args):
                ts = [self.truth(a) for a in args]
                if False in ts:
                    return False
                return True if all(t is True for t in ts) else None
            case E.Or(args):
                ts = [self.truth(a) for a in args]
                if True in ts:
                    return True
                return False if all(t is False for t in ts) else None
            case E.Call("implies", (p, q)):
                tp, tq = self.truth(p), self.truth(q)
                if tp is False or tq is True:
                    return True
                return False if tp is True and tq is False else None
            case E.Compare(ops, operands):
                return self._compare(ops, operands)
            case E.IfElse(cond, then, orelse):
                return _same(self.truth(cond), lambda: self.truth(then), lambda: self.truth(orelse))
            case E.FirstMatch() | E.In() | E.Call():
                return None  # not analysed: the caller must not rely on it
            case E.IntLit() | E.RealLit() | E.EnumLit() | E.Neg() | E.Arith():
                return None  # not a bool
            case _:
                assert_never(e)

    def _compare(self, ops: tuple[E.CmpOp, ...], operands: tuple[E.Expr, ...]) -> bool | None:
        if not all(self._numeric(o) for o in operands):
            return None
        ivs = [self.num(o) for o in operands]
        ts = [_cmp(op, x, y) for op, x, y in zip(ops, ivs, ivs[1:], strict=False)]
        if False in ts:
            return False
        return True if all(t is True for t in ts) else None

    def _numeric(self, e: E.Expr) -> bool:
        match e:
            case E.IntLit() | E.RealLit() | E.Neg() | E.Arith():
                return True
            case E.Var(name, None):
                t = self.types.get(name)
                if t is not None:
                    return isinstance(t, M.IntType | M.RealType)
                return name == "score" or (
                    name in self.defines and self._numeric(self.defines[name].expr)
                )
            case E.IfElse(_, then, _):
                return self._numeric(then)
            case E.FirstMatch(_, default):
                return self._numeric(default)
            case E.Call("min" | "max" | "abs", _):
                return True
            case _:
                return False


def _same(
    t: bool | None, then: Callable[[], bool | None], orelse: Callable[[], bool | None]
) -> bool | None:
    """The truth of `then if c else orelse` where `t` is what is known of `c`."""
    if t is True:
        return then()
    if t is False:
        return orelse()
    a, b = then(), orelse()
    return a if a is not None and a == b else None


def _cmp(op: str, x: Interval, y: Interval) -> bool | None:
    """Three-valued `x op y` for intervals."""
    (a, b), (c, d) = x, y

    def lt(p: Num | None, q: Num | None) -> bool:  # p < q, with None meaning "unknown end"
        return p is not None and q is not None and p < q

    def le(p: Num | None, q: Num | None) -> bool:
        return p is not None and q is not None and p <= q

    if op == "<":
        return True if lt(b, c) else False if le(d, a) else None
    if op == "<=":
        return True if le(b, c) else False if lt(d, a) else None
    if op == ">":
        return _cmp("<", y, x)
    if op == ">=":
        return _cmp("<=", y, x)
    if op == "==":
        if a is not None and a == b == c == d:
            return True
        return False if lt(b, c) or lt(d, a) else None
    t = _cmp("==", x, y)
    return None if t is None else not t
