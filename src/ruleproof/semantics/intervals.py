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

from fractions import Fraction

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.memo import per_ruleset

Num = int | Fraction
Interval = tuple[Num | None, Num | None]
TOP: Interval = (None, None)


def _add(x: Num | None, y: Num | None) -> Num | None:
    return None if x is None or y is None else x + y


def _hull(*ivs: Interval) -> Interval:
    los, his = [i[0] for i in ivs], [i[1] for i in ivs]
    return (
        None if None in los else min(lo for lo in los if lo is not None),
        None if None in his else max(hi for hi in his if hi is not None),
    )


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
            lo, hi = _add(lo, clo), _add(hi, chi)
        return lo, hi

    def score(self) -> Interval:
        if "score" not in self.memo:
            sc = self.ruleset.score
            assert sc is not None
            lo, hi = self.raw_score()
            if sc.lo is not None:
                lo = sc.lo if lo is None else max(lo, sc.lo)
                hi = sc.lo if hi is not None and hi < sc.lo else hi
            if sc.hi is not None:
                hi = sc.hi if hi is None else min(hi, sc.hi)
                lo = sc.hi if lo is not None and lo > sc.hi else lo
            self.memo["score"] = (lo, hi)
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
            case E.Var(name, None):
                return self._name_num(name)
            case E.Neg(arg):
                return _scale(self.num(arg), -1)
            case E.Arith("+", left, right):
                (a, b), (c, d) = self.num(left), self.num(right)
                return (_add(a, c), _add(b, d))
            case E.Arith("-", left, right):
                (a, b), (c, d) = self.num(left), _scale(self.num(right), -1)
                return (_add(a, c), _add(b, d))
            case E.Arith("*", left, right):
                for k, other in ((left, right), (right, left)):
                    if isinstance(k, E.IntLit | E.RealLit):
                        return _scale(self.num(other), k.value)
                return TOP
            case E.Arith("//", left, E.IntLit(k)) if k > 0:
                lo, hi = self.num(left)
                return (None if lo is None else lo // k, None if hi is None else hi // k)
            case E.Arith("%", _, E.IntLit(k)) if k > 0:
                return (0, k - 1)
            case E.IfElse(cond, then, orelse):
                t = self.truth(cond)
                if t is True:
                    return self.num(then)
                if t is False:
                    return self.num(orelse)
                return _hull(self.num(then), self.num(orelse))
            case E.Call("min", args):
                ivs = [self.num(a) for a in args]
                los = [i[0] for i in ivs]
                his = [i[1] for i in ivs]
                return (
                    None if None in los else min(los),  # type: ignore[type-var]
                    min(h for h in his if h is not None)
                    if any(h is not None for h in his)
                    else None,
                )
            case E.Call("max", args):
                ivs = [self.num(a) for a in args]
                los = [i[0] for i in ivs]
                his = [i[1] for i in ivs]
                return (
                    max(lo for lo in los if lo is not None)
                    if any(lo is not None for lo in los)
                    else None,
                    None if None in his else max(hi for hi in his if hi is not None),
                )
            case E.Call("abs", (arg,)):
                lo, hi = self.num(arg)
                if lo is not None and lo >= 0:
                    return (lo, hi)
                if hi is not None and hi <= 0:
                    return (-hi, None if lo is None else -lo)
                top = None if lo is None or hi is None else max(-lo, hi)
                return (0, top)
            case _:
                return TOP

    def truth(self, e: E.Expr) -> bool | None:
        """`True`/`False` when bool `e` has that value for every citizen in range, else None."""
        match e:
            case E.BoolLit(v):
                return v
            case E.Var(name, None):
                return self._name_truth(name)
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
                if tp is True and tq is False:
                    return False
                return None
            case E.Compare(ops, operands) if all(self._numeric(o) for o in operands):
                ivs = [self.num(o) for o in operands]
                ts = [_cmp(op, x, y) for op, x, y in zip(ops, ivs, ivs[1:], strict=False)]
                if False in ts:
                    return False
                return True if all(t is True for t in ts) else None
            case _:
                return None

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
            case E.Call("min" | "max" | "abs", _):
                return True
            case _:
                return False


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
