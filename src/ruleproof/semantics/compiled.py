"""A compiled evaluator: the IR turned once into Python closures, for validation and sampling.

`compile_ruleset(ruleset)` returns a `Compiled` whose `outputs(citizen)` gives the score, the tier
and the sorted sanctions of one citizen, `holds(expr, citizen)` a bool expression's value, and
`evaluate(citizen)` the full `Outcome` with its trace (the trace is what costs: it builds one
record per firing rule). The score rules are evaluated in bulk (`_RuleTable`): `attr OP literal`
conditions are grouped per attribute and settled by one bisection each.

The semantics are exactly `ruleproof.semantics.evaluate`'s, which stays the reference; a
differential test keeps the two in agreement. No `eval`, no generated source: each node becomes a
closure, with the common shapes (`attr OP literal`, `not attr`) specialised.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import accumulate, compress, repeat
from typing import Any, assert_never

import attrs

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
from ruleproof.semantics.atoms import atom
from ruleproof.semantics.outcome import Outcome, RuleFiring, SanctionWhy, Trace

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


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    if isinstance(e, E.And):
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def _tuple_getter(ids: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """`itemgetter(*ids)` that always returns a tuple (also for zero or one index)."""
    if len(ids) >= 2:
        return operator.itemgetter(*ids)
    if len(ids) == 1:
        (i,) = ids
        return lambda seq: (seq[i],)
    return lambda seq: ()


def _plain_slots(cls: type) -> bool:
    """Whether `cls` is a slotted attrs class whose `__init__` only stores its arguments."""
    fields = attrs.fields(cls)
    return (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(
            f.init and f.validator is None and f.converter is None and f.alias == f.name
            for f in fields
        )
        and all(type(cls.__dict__.get(f.name)).__name__ == "member_descriptor" for f in fields)
    )


if _plain_slots(RuleFiring) and [f.name for f in attrs.fields(RuleFiring)] == [
    "id",
    "delta",
    "running",
]:
    _SET_ID = RuleFiring.id.__set__  # type: ignore[attr-defined]
    _SET_DELTA = RuleFiring.delta.__set__  # type: ignore[union-attr]
    _SET_RUNNING = RuleFiring.running.__set__  # type: ignore[union-attr]

    def _firings(ids: Iterable[str], deltas: list[Num], running: Iterable[Num]) -> list[RuleFiring]:
        """`RuleFiring`s built field by field in bulk: the same objects as calling the class,
        without one Python-level `__init__` call each (tens of thousands per citizen)."""
        out: list[RuleFiring] = list(map(object.__new__, repeat(RuleFiring, len(deltas))))
        for setter, values in ((_SET_ID, ids), (_SET_DELTA, deltas), (_SET_RUNNING, running)):
            for _ in map(setter, out, values):
                pass
        return out

else:  # pragma: no cover - `RuleFiring` grew validation: build it the ordinary way

    def _firings(ids: Iterable[str], deltas: list[Num], running: Iterable[Num]) -> list[RuleFiring]:
        return list(map(RuleFiring, ids, deltas, running))


_FLIP = {"<": False, "<=": False, ">": True, ">=": True}  # True: the true atoms come first


class _RuleTable:
    """Every rule's `when` as a conjunction of atoms, evaluated once per citizen in bulk.

    An atom `attr OP literal` over a numeric attribute joins its (attribute, operator) group,
    whose literals are sorted: one bisection on the citizen's value gives the truth of the whole
    group. Any other conjunct is a generic atom, evaluated through its closure (once per distinct
    atom). The reference evaluates every conjunct of every rule's `when` (`And` is not
    short-circuited there), so evaluating all atoms up front changes nothing; a rule fires iff
    its atoms hold, and its `add` is only evaluated (in rule order) for firing rules.
    """

    def __init__(self, c: _Compiler, rules: Sequence[M.ScoreRule]) -> None:
        groups: dict[tuple[str, str], set[Any]] = {}
        generic: dict[E.Expr, int] = {}
        generic_fns: list[Fn] = []
        parsed: list[list[tuple[str, Any]]] = []
        for r in rules:
            atoms: list[tuple[str, Any]] = []
            for a in _conjuncts(r.when):
                at = atom(a, c.types)
                if at is not None and at.name in c.numeric and at.op in _FLIP:
                    groups.setdefault((at.name, at.op), set()).add(at.value)
                    atoms.append(("t", (at.name, at.op, at.value)))
                else:
                    if a not in generic:
                        generic[a] = len(generic_fns)
                        generic_fns.append(c.expr(a))
                    atoms.append(("g", generic[a]))
            parsed.append(atoms)
        # Atom 0 is constantly true; then the groups, each sorted; then the generic atoms.
        index: dict[tuple[str, str, Any], int] = {}
        self._groups: list[tuple[str, bool, Callable[..., int], list[Any], int, int]] = []
        start = 1
        for (attr, cmp), ks in groups.items():
            lits = sorted(ks)
            for i, k in enumerate(lits):
                index[(attr, cmp, k)] = start + i
            # `>= t` / `< t` split at bisect_right(v); `> t` / `<= t` at bisect_left(v).
            cut = bisect_right if cmp in (">=", "<") else bisect_left
            self._groups.append((attr, _FLIP[cmp], cut, lits, start, start + len(lits)))
            start += len(lits)
        self._generic_start = start
        self._generic_fns = generic_fns
        self._size = start + len(generic_fns)
        firsts: list[int] = []
        seconds: list[int] = []
        extra: list[tuple[int, Fn]] = []
        for i, atoms in enumerate(parsed):
            ids = [index[v] if kind == "t" else start + v for kind, v in atoms]
            firsts.append(ids[0] if ids else 0)
            seconds.append(ids[1] if len(ids) > 1 else 0)
            if len(ids) > 2:
                extra.append((i, c.expr(rules[i].when)))
        self._first = _tuple_getter(firsts)
        self._second = _tuple_getter(seconds)
        self._extra = extra
        self._n = len(parsed)
        self._ids = [r.id for r in rules]
        consts: list[Any] = []
        adds: list[Fn] = []
        for r in rules:
            consts.append(r.add.value if isinstance(r.add, E.IntLit | E.RealLit) else None)
            adds.append(c.expr(r.add))
        self._consts = consts
        self._adds = adds
        # A group fires when one of its cases does, and is named by that case (as in the
        # reference evaluator): its cases are tried here, not through its `FirstMatch` add.
        self._groups_of = [
            (i, [(c.expr(k.when), c.expr(k.add), k.id) for k in r.cases])
            for i, r in enumerate(rules)
            if r.cases
        ]
        grouped = {i for i, _ in self._groups_of}
        dynamic = [i for i, k in enumerate(consts) if k is None and i not in grouped]
        self._dynamic = dynamic
        self._dynamic_holds = _tuple_getter(dynamic)

    def fire(self, env: Env) -> tuple[list[int], list[Any], dict[int, str]]:
        """The indices of the firing rules, in order, their deltas, and for each firing group
        the id of the case that fired."""
        truth = [True] * self._size
        for name, true_first, cut, lits, lo, hi in self._groups:
            k = lo + cut(lits, env[name])
            if true_first:
                truth[k:hi] = [False] * (hi - k)
            else:
                truth[lo:k] = [False] * (k - lo)
        truth[self._generic_start :] = [bool(f(env)) for f in self._generic_fns]
        holds = list(map(operator.and_, self._first(truth), self._second(truth)))
        for i, f in self._extra:
            holds[i] = bool(f(env))
        values = self._consts
        if self._dynamic or self._groups_of:
            values = values.copy()
            adds = self._adds
            for i in compress(self._dynamic, self._dynamic_holds(holds)):
                values[i] = adds[i](env)
        cases: dict[int, str] = {}
        for i, group in self._groups_of:
            case = first_index(partial(when, env) for when, _, _ in group)
            holds[i] = case is not None
            if case is not None:
                values[i] = group[case][1](env)
                cases[i] = group[case][2]
        fired = list(compress(range(self._n), holds))
        return fired, list(map(values.__getitem__, fired)), cases


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
        self._table = _RuleTable(c, sc.rules) if sc else None
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
            firings = _firings(ids, deltas, running[1:])
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
