"""A compiled evaluator: the IR turned once into Python closures, for validation and sampling.

`compile_ruleset(ruleset)` returns a `Compiled` whose `outputs(citizen)` gives the score, the tier
and the sorted sanctions of one citizen, `holds(expr, citizen)` a bool expression's value, and
`evaluate(citizen)` the full `Outcome` with its trace (the trace is what costs: it builds one
record per firing rule). The score rules are evaluated in bulk (`RuleTable`): `attr OP literal`
conditions are grouped per attribute and settled by one bisection each.

The semantics are exactly `ruleproof.semantics.evaluate`'s, which stays the reference; a
differential test keeps the two in agreement. No `eval`, no generated source: each node becomes a
closure, with the common shapes (`attr OP literal`, `not attr`) specialised.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from functools import partial
from itertools import accumulate
from typing import Any, assert_never

from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Num
from ruleproof.semantics.algebra import (
    clamp_value,
    compare,
    first_index,
    floordiv,
    floormod,
    score_value,
)
from ruleproof.semantics.outcome import Outcome, RuleFiring, SanctionWhy, Trace
from ruleproof.semantics.ruletable import RuleTable, build_firings

Env = dict[str, Any]
Fn = Callable[[Env], Any]

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": floordiv,
    "%": floormod,
}
_MISSING = object()


def _numeric_literal(e: E.Expr) -> bool:
    return isinstance(e, E.IntLit | E.RealLit)


class _Compiler:
    def __init__(self, ruleset: M.Ruleset) -> None:
        self.ruleset = ruleset
        self.numeric = {
            a.name for a in ruleset.attributes if isinstance(a.type, M.IntType | M.RealType)
        }
        self.attributes = {a.name for a in ruleset.attributes}
        self.types = {a.name: a.type for a in ruleset.attributes}
        self.derived: dict[str, Fn] = {}

    def var(self, name: str) -> Fn:
        derived = self.derived

        def read(env: Env) -> Any:
            v = env.get(name, _MISSING)
            if v is _MISSING:
                if name in env["__active__"]:
                    raise InternalError(f"cycle through `{name}` reached the evaluator")
                env["__active__"].add(name)
                v = env[name] = derived[name](env)
                env["__active__"].discard(name)
            return v

        return read

    def expr(self, e: E.Expr) -> Fn:
        match e:
            case E.BoolLit(v) | E.IntLit(v) | E.RealLit(v) | E.EnumLit(v):
                return lambda env: v
            case E.Var(name):
                return self.var(name)
            case E.Neg(arg):
                f = self.expr(arg)
                return lambda env: -f(env)
            case E.Not(E.Var(name, None)) if name in self.attributes:
                return lambda env: not env[name]
            case E.Not(arg):
                f = self.expr(arg)
                return lambda env: not f(env)
            case E.Arith(op, left, right):
                fn, lf, rf = _OPS[op], self.expr(left), self.expr(right)
                return lambda env: fn(lf(env), rf(env))
            case E.Compare((op,), (E.Var(name, None), lit)) if (
                name in self.numeric and _numeric_literal(lit) and op not in ("==", "!=")
            ):
                fn, k = _OPS[op], lit.value  # type: ignore[union-attr]
                return lambda env: fn(env[name], k)  # numbers: `algebra.compare` is `<` etc.
            case E.Compare(ops, operands):
                fs = [self.expr(o) for o in operands]
                if len(ops) == 1:
                    op, lf, rf = ops[0], fs[0], fs[1]
                    return lambda env: compare(op, lf(env), rf(env))
                pairs = list(zip(ops, range(len(ops)), strict=True))

                def chain(env: Env) -> bool:
                    vals = [f(env) for f in fs]
                    return all(compare(op, vals[i], vals[i + 1]) for op, i in pairs)

                return chain
            case E.And(args):
                fs = [self.expr(a) for a in args]
                if len(fs) == 2:
                    f0, f1 = fs
                    return lambda env: bool(f0(env) and f1(env))
                return lambda env: all(f(env) for f in fs)
            case E.Or(args):
                fs = [self.expr(a) for a in args]
                return lambda env: any(f(env) for f in fs)
            case E.IfElse(cond, then, orelse):
                cf, tf, of = self.expr(cond), self.expr(then), self.expr(orelse)
                return lambda env: tf(env) if cf(env) else of(env)
            case E.In(item, options, negated):
                itf = self.expr(item)
                ofs = [self.expr(o) for o in options]
                return lambda env: any(compare("==", itf(env), f(env)) for f in ofs) != negated
            case E.Call(func, args):
                fs = [self.expr(a) for a in args]
                if func == "implies":
                    p, q = fs
                    return lambda env: (not p(env)) or bool(q(env))
                if func == "abs":
                    (g,) = fs
                    return lambda env: abs(g(env))
                pick = min if func == "min" else max
                return lambda env: pick([f(env) for f in fs])
            case E.FirstMatch(branches, default):
                conds = [self.expr(c) for c, _ in branches]
                values = [self.expr(v) for _, v in branches]
                df = self.expr(default)

                def first(env: Env) -> Any:
                    i = first_index(partial(f, env) for f in conds)
                    return df(env) if i is None else values[i](env)

                return first
            case _:
                assert_never(e)


class Compiled:
    """One ruleset's closures; `outputs`, `holds` and `evaluate` take a citizen mapping."""

    def __init__(self, ruleset: M.Ruleset) -> None:
        self.ruleset = ruleset
        c = _Compiler(ruleset)
        self._compiler = c
        for d in ruleset.defines:
            c.derived[d.name] = c.expr(d.expr)
        for s in ruleset.sanctions:
            c.derived[s.name] = (lambda f: lambda env: bool(f(env)))(c.expr(s.when))
        names = [s.name for s in ruleset.sanctions]
        read = {n: c.var(n) for n in names}
        c.derived["sanctioned"] = lambda env: any(read[n](env) for n in names)
        sc = ruleset.score
        self._table = RuleTable(c, sc.rules) if sc else None
        if sc is not None:
            c.derived["score"] = self._score
        tier_ids = [t.id for t in ruleset.tiers]
        tier_fns = [c.expr(t.when) for t in ruleset.tiers]

        def tier(env: Env) -> str | None:
            i = first_index(partial(f, env) for f in tier_fns)
            return None if i is None else tier_ids[i]

        c.derived["tier"] = tier
        self._sanction_names = names
        self._read = read
        self._score_fn = c.var("score")
        self._tier_fn = c.var("tier")

    def _score(self, env: Env) -> Num:
        sc = self.ruleset.score
        assert sc is not None
        assert self._table is not None
        total = score_value(sc.base, sc.real) + sum(self._table.fire(env)[1])
        env["__raw__"] = total
        return score_value(clamp_value(total, sc.lo, sc.hi), sc.real)

    def env(self, citizen: Mapping[str, M.Value]) -> Env:
        """A fresh evaluation environment for one citizen (derived values are memoized in it)."""
        env: Env = dict(citizen)
        env["__active__"] = set()
        return env

    def outputs(
        self, citizen: Mapping[str, M.Value]
    ) -> tuple[Num | None, str | None, tuple[str, ...]]:
        """(score, tier, sorted sanctions) of one citizen, without a trace."""
        env = self.env(citizen)
        score = self._score_fn(env) if self.ruleset.score is not None else None
        tier = self._tier_fn(env) if self.ruleset.tiers else None
        sanctions = tuple(sorted(n for n in self._sanction_names if self._read[n](env)))
        return score, tier, sanctions

    def raw_score(self, citizen: Mapping[str, M.Value]) -> Num:
        """The score before clamping: base plus every firing rule's contribution."""
        env = self.env(citizen)
        self._score_fn(env)
        raw: Num = env["__raw__"]
        return raw

    def function(self, e: E.Expr) -> Fn:
        """A closure for an expression over this ruleset's names (unqualified)."""
        return self._compiler.expr(e)

    def holds(self, e: E.Expr, citizen: Mapping[str, M.Value]) -> bool:
        return bool(self.function(e)(self.env(citizen)))

    def evaluate(self, citizen: Mapping[str, M.Value]) -> Outcome:
        """The same `Outcome` (trace included) as `ruleproof.semantics.evaluate.evaluate`."""
        rs = self.ruleset
        env = self.env(citizen)
        firings: list[RuleFiring] = []
        score: Num | None = None
        raw: Num | None = None
        if rs.score is not None:
            table = self._table
            assert table is not None
            fired, deltas, cases = table.fire(env)
            base = score_value(rs.score.base, rs.score.real)
            running = list(accumulate(deltas, initial=base))
            raw = running[-1]
            ids = [cases.get(i) or table._ids[i] for i in fired]
            firings = build_firings(ids, deltas, running[1:])
            score = score_value(clamp_value(raw, rs.score.lo, rs.score.hi), rs.score.real)
            env["score"] = score
        tier = self._tier_fn(env) if rs.tiers else None
        whys = []
        for s in rs.sanctions:
            imposed = bool(self._read[s.name](env))
            used = sorted(E.names(s.when))
            whys.append(
                SanctionWhy(
                    s.name, imposed, s.when_text, tuple((n, self._value(n, env)) for n in used)
                )
            )
        defines = {d.name: self._value(d.name, env) for d in rs.defines}
        trace = Trace(
            base=rs.score.base if rs.score else None,
            rules=tuple(firings),
            raw_score=raw,
            clamped=raw is not None and raw != score,
            tier=tier,
            sanctions=tuple(whys),
        )
        return Outcome(
            score, tier, tuple(sorted(w.name for w in whys if w.imposed)), defines, trace
        )

    def _value(self, name: str, env: Env) -> Any:
        if name in env:
            return env[name]
        return self._compiler.var(name)(env)


def compile_ruleset(ruleset: M.Ruleset) -> Compiled:
    """Compile a (typechecked) ruleset's expressions into closures, once."""
    return Compiled(ruleset)
