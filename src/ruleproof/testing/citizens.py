"""Possible citizens and attribute values, leaning on boundaries and the ruleset's thresholds."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction

from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.types import Type
from ruleproof.semantics.evaluate import State, eval_expr, in_domain

Citizen = dict[str, M.Value]
Scope = Mapping[str, Type]

_POOL_TRIES = 400
_POOL_SIZE = 12

_MAX_CONSTANTS = 40


def _constants(ruleset: M.Ruleset) -> list[int | Fraction]:
    """Numeric literals of the ruleset's expressions (the thresholds its rules compare with)."""
    exprs = [a.expr for a in ruleset.assumptions] + [d.expr for d in ruleset.defines]
    if ruleset.score:
        exprs += [x for r in ruleset.score.rules for x in (r.when, r.add)]
    exprs += [t.when for t in ruleset.tiers] + [s.when for s in ruleset.sanctions]
    found: dict[int | Fraction, None] = {}
    stack = list(exprs)
    while stack and len(found) < _MAX_CONSTANTS:
        node = stack.pop()
        if isinstance(node, E.IntLit | E.RealLit):
            found[node.value] = None
        stack.extend(E.children(node))
    return list(found)


def _boundaries(t: M.AttrType, constants: Sequence[int | Fraction] = ()) -> list[M.Value]:
    """Values worth trying first: the ends of the range, their neighbours, zero, and each
    constant of the ruleset with its neighbours (when in range)."""
    match t:
        case M.BoolType():
            return [False, True]
        case M.IntType(lo, hi):
            near = [c + d for c in constants if isinstance(c, int) for d in (0, -1, 1)]
            cands = [lo, hi, lo + 1, hi - 1, 0, 1, -1, *near]
            return list(dict.fromkeys(v for v in cands if lo <= v <= hi))
        case M.RealType(lo, hi):
            rcands = [lo, hi, Fraction(0), (lo + hi) / 2, *map(Fraction, constants)]
            return list(dict.fromkeys(v for v in rcands if lo <= v <= hi))
        case M.EnumType(values):
            return list(values)


def values(t: M.AttrType, constants: Sequence[int | Fraction] = ()) -> st.SearchStrategy[M.Value]:
    """Values of an attribute or param type; boundary values (and values at or next to the
    given constants) are drawn often."""
    bounds: st.SearchStrategy[M.Value] = st.sampled_from(_boundaries(t, constants))
    match t:
        case M.BoolType():
            return st.booleans()
        case M.IntType(lo, hi):
            return st.one_of(bounds, st.integers(lo, hi))
        case M.RealType(lo, hi):
            return st.one_of(bounds, st.fractions(lo, hi, max_denominator=1000))
        case M.EnumType(vals):
            return st.sampled_from(vals)


def raw_citizens(ruleset: M.Ruleset) -> st.SearchStrategy[Citizen]:
    consts = _constants(ruleset)
    return st.fixed_dictionaries({a.name: values(a.type, consts) for a in ruleset.attributes})


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    out: list[E.Expr] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, E.And):
            stack.extend(node.args)
        else:
            out.append(node)
    return out


def _violations(ruleset: M.Ruleset, citizen: Mapping[str, M.Value]) -> int:
    """How many conjuncts of the assumptions are false (0: the citizen is possible)."""
    state = State(ruleset, citizen)
    return sum(
        1
        for a in ruleset.assumptions
        for part in _conjuncts(a.expr)
        if not eval_expr(part, state.lookup)
    )


def possible_pool(ruleset: M.Ruleset, seed: int = 0) -> list[Citizen]:
    """Up to a dozen distinct possible citizens, found deterministically.

    Starts from the baseline and from random boundary-leaning citizens and moves one attribute
    at a time while that lowers the number of violated assumptions. Empty when none was found
    (the domain may be empty).
    """
    rng = random.Random(seed)
    consts = _constants(ruleset)
    cands = {a.name: _boundaries(a.type, consts) for a in ruleset.attributes}
    pool: list[Citizen] = []
    starts: list[Citizen] = [ruleset.baseline()]
    starts += [{n: rng.choice(vs) for n, vs in cands.items()} for _ in range(_POOL_TRIES // 20)]
    budget = _POOL_TRIES
    for start in starts:
        cur = dict(start)
        bad = _violations(ruleset, cur)
        while bad and budget > 0:
            improved = False
            for name in rng.sample(sorted(cands), len(cands)):
                for v in cands[name]:
                    budget -= 1
                    trial = {**cur, name: v}
                    b = _violations(ruleset, trial)
                    if b < bad:
                        cur, bad, improved = trial, b, True
                        break
                if improved:
                    break
            if not improved:
                break
        if bad == 0 and cur not in pool:
            pool.append(cur)
            if len(pool) >= _POOL_SIZE:
                break
    return pool


def citizens(ruleset: M.Ruleset) -> st.SearchStrategy[Citizen]:
    """Possible citizens of `ruleset`: values in range and every `assume` true."""
    raw = raw_citizens(ruleset)

    def possible(c: Citizen) -> bool:
        return in_domain(ruleset, c) is None

    if not ruleset.assumptions:
        return raw

    def build() -> st.SearchStrategy[Citizen]:
        pool = possible_pool(ruleset)
        if not pool:
            return raw.filter(possible)
        by_name = {a.name: a for a in ruleset.attributes}
        consts = _constants(ruleset)

        def nudge(base: Citizen) -> st.SearchStrategy[Citizen]:
            name = st.sampled_from(sorted(base))
            return name.flatmap(
                lambda n: values(by_name[n].type, consts).map(lambda v: {**base, n: v})
            )

        known = st.sampled_from(pool)

        def or_known(cands: st.SearchStrategy[Citizen]) -> st.SearchStrategy[Citizen]:
            # An impossible candidate is replaced by a known possible citizen instead of being
            # filtered out, so a rarely satisfied `assume` never starves generation.
            return st.tuples(cands, known).map(lambda p: p[0] if possible(p[0]) else p[1])

        return st.one_of(known, or_known(known.flatmap(nudge)), or_known(raw))

    return st.deferred(build)
