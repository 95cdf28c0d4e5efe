"""Differential tests: the Z3 step relation and path verdicts agree with the evaluator.

1. One step: for random rulesets with actions, random possible citizens and random params
   (some out of range), `move(...).enabled` is satisfiable with the citizen pinned iff
   `evaluate.step` enables the action, and then the next state's values are exactly the
   evaluator's (including the coercion of int terms set into real attributes).
2. Path verdicts: on random rulesets small enough to enumerate (no reals, few citizens, few
   param values), a `recourse` property's verdict equals a brute-force breadth-first search
   with `evaluate.step`; a stuck counterexample citizen is really stuck, and one reported stuck
   for ever (`bound: null`) really never reaches the target.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from fractions import Fraction

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving.checker import Checker
from ruleproof.proving.encode import NO_TIER, Encoding, z3_value
from ruleproof.proving.solving import Limits
from ruleproof.proving.transitions import Hard, move, param_values, pinned
from ruleproof.semantics.evaluate import State, holds, in_domain, step
from ruleproof.testing import citizens, rulesets, values

Citizen = dict[str, M.Value]


@st.composite
def ruleset_state_action(draw: st.DrawFn) -> tuple[M.Ruleset, Citizen, M.Action, Citizen]:
    rs = draw(rulesets(max_attributes=4, max_rules=2).filter(lambda r: bool(r.actions)))
    citizen = draw(citizens(rs))
    action = draw(st.sampled_from(rs.actions))
    params: Citizen = {}
    for p in action.params:
        if isinstance(p.type, M.IntType) and draw(st.integers(0, 5)) == 0:
            params[p.name] = draw(st.sampled_from([p.type.lo - 1, p.type.hi + 1]))
        else:
            params[p.name] = draw(values(p.type))
    return rs, citizen, action, params


@settings(max_examples=150)
@given(ruleset_state_action())
def test_step_relation_agrees_with_the_evaluator(
    case: tuple[M.Ruleset, Citizen, M.Action, Citizen],
) -> None:
    rs, citizen, action, params = case
    enc = Encoding(rs)
    start = pinned(enc, citizen)
    m = move(enc, start, action, param_values(enc, params))
    solver = z3.Solver()
    hard = Hard(solver)
    enabled = m.enabled
    hard.add(start.constraints)
    hard.add(m.after.definitions())
    solver.add(*enc.trackers.values())
    new, reason = step(rs, action, citizen, params)
    solver.push()
    solver.add(enabled)
    got = solver.check()
    assert got != z3.unknown
    assert (got == z3.sat) == (new is not None), reason
    if new is None:
        return
    for a in rs.attributes:
        solver.push()
        solver.add(m.after.attrs[a.name] != z3_value(new[a.name], enc.codes))
        assert solver.check() == z3.unsat, (a.name, new[a.name], solver.model())
        solver.pop()


# -- path verdicts against brute force ------------------------------------------------------

MAX_CITIZENS = 1000
MAX_PARAM_CHOICES = 25
WITHIN = 2


def _domain(t: M.AttrType) -> list[M.Value] | None:
    match t:
        case M.BoolType():
            return [False, True]
        case M.IntType(lo, hi):
            return list(range(lo, hi + 1))
        case M.EnumType(vals):
            return list(vals)
        case M.RealType():
            return None


def _all(named: Mapping[str, list[M.Value]]) -> Iterator[Citizen]:
    keys = list(named)
    for combo in itertools.product(*(named[k] for k in keys)):
        yield dict(zip(keys, combo, strict=True))


def _small(rs: M.Ruleset) -> bool:
    size = 1
    for a in rs.attributes:
        d = _domain(a.type)
        if d is None:
            return False
        size *= len(d)
    if size > MAX_CITIZENS:
        return False
    for act in rs.actions:
        n = 1
        for p in act.params:
            d = _domain(p.type)
            if d is None:
                return False
            n *= len(d)
        if n > MAX_PARAM_CHOICES:
            return False
    return True


def _successors(rs: M.Ruleset, state: Citizen) -> Iterator[Citizen]:
    for act in rs.actions:
        domains = {p.name: _domain(p.type) or [] for p in act.params}
        for params in _all(domains):
            new, _ = step(rs, act, state, params)
            if new is not None:
                yield new


def _escapes(rs: M.Ruleset, start: Citizen, target: E.Expr, within: int | None) -> bool:
    """Breadth-first: some path of at most `within` actions (any length if None) hits target."""
    frontier = [start]
    seen = {tuple(sorted(start.items()))}
    depth = 0
    while frontier:
        if any(holds(rs, target, s) for s in frontier):
            return True
        if within is not None and depth == within:
            return False
        nxt = []
        for s in frontier:
            for n in _successors(rs, s):
                key = tuple(sorted(n.items()))
                if key not in seen:
                    seen.add(key)
                    nxt.append(n)
        frontier = nxt
        depth += 1
    return False


@settings(max_examples=150)
@given(rulesets(max_attributes=3, max_rules=2).filter(lambda r: bool(r.actions)))
def test_recourse_verdict_agrees_with_brute_force(rs: M.Ruleset) -> None:
    if not _small(rs) or not rs.sanctions:
        return
    target = E.Not(E.Var("sanctioned"))
    prop = P.Property(
        "r", P.Recourse(E.Var("sanctioned"), "sanctioned", target, "not sanctioned", WITHIN)
    )
    result = Checker(rs, Limits(timeout=20)).check(prop)
    domains = {a.name: _domain(a.type) or [] for a in rs.attributes}
    possible = [c for c in _all(domains) if in_domain(rs, c) is None]
    stuck = [
        c
        for c in possible
        if holds(rs, E.Var("sanctioned"), c) and not _escapes(rs, c, target, WITHIN)
    ]
    assert result.status == ("violated" if stuck else "proved"), result.message
    if result.status == "violated":
        assert result.counterexample is not None
        c = dict(result.counterexample.citizens["a"])
        assert not _escapes(rs, c, target, WITHIN)
        if result.bound is None:
            assert not _escapes(rs, c, target, None)


def _literal(v: M.Value) -> E.Expr:
    if isinstance(v, bool):
        return E.BoolLit(v)
    if isinstance(v, int):
        return E.IntLit(v)
    if isinstance(v, Fraction):
        return E.RealLit(v)
    return E.EnumLit(v)


def _derived_names(rs: M.Ruleset) -> list[str]:
    names = [d.name for d in rs.defines] + [s.name for s in rs.sanctions] + ["sanctioned"]
    if rs.score is not None:
        names.append("score")
    if rs.tiers:
        names.append("tier")
    return names


@settings(max_examples=150)
@given(ruleset_state_action(), st.data())
def test_shared_next_states_agree_with_the_evaluator(
    case: tuple[M.Ruleset, Citizen, M.Action, Citizen],
    data: st.DataObject,
) -> None:
    """Two steps, each next state sharing with the one before (`move(share=True)`), from a
    symbolic start copy equal to the citizen: every attribute and derived value of both next
    states (defines, sanctions, score, tier) equals the evaluator's, and the steps are enabled
    exactly when the evaluator enables them."""
    rs, citizen, action, params = case
    # `poke` sets one attribute to a literal, so derived values reading it do change.
    target = data.draw(st.sampled_from(rs.attributes))
    lit = _literal(data.draw(values(target.type)))
    poke = M.Action(
        "poke", "authority", E.BoolLit(True), "True", sets=(M.Assignment(target.name, lit, "poke"),)
    )
    if data.draw(st.booleans()):
        action, params = poke, {}
    second = data.draw(st.sampled_from([*rs.actions, poke]))
    params2 = {p.name: data.draw(values(p.type)) for p in second.params}
    enc = Encoding(rs)
    start = enc.copy("a")
    m1 = move(enc, start, action, param_values(enc, params))
    m2 = move(enc, m1.after, second, param_values(enc, params2))
    names = _derived_names(rs)
    terms = [(c, n, c.value(n)) for c in (m1.after, m2.after) for n in names]
    solver = z3.Solver()
    hard = Hard(solver)
    solver.add(*enc.trackers.values())
    solver.add(*[start.attrs[k] == z3_value(v, enc.codes) for k, v in citizen.items()])
    for c in (start, m1.after, m2.after):
        hard.add(c.definitions())
    hard.add(start.constraints)
    new1, _ = step(rs, action, citizen, params)
    new2 = None if new1 is None else step(rs, second, new1, params2)[0]
    for m, new in ((m1, new1), (m2, new2)):
        solver.push()
        solver.add(m1.enabled, m.enabled)
        got = solver.check()
        solver.pop()
        assert got != z3.unknown
        assert (got == z3.sat) == (new is not None)
    if new1 is None:
        return
    solver.add(m1.enabled)
    expected = {id(m1.after): new1}
    if new2 is not None:
        solver.add(m2.enabled)
        expected[id(m2.after)] = new2
    for c, n, term in terms:
        if id(c) not in expected:
            continue
        want = State(rs, expected[id(c)]).get(n)
        if n == "tier" and want is None:
            value = z3.IntVal(NO_TIER)
        else:
            assert want is not None
            value = z3_value(want, enc.codes)
        solver.push()
        solver.add(term != value)
        assert solver.check() == z3.unsat, (n, want, solver.model())
        solver.pop()
