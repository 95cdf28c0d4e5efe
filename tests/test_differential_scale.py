"""Differential tests at the sizes and thresholds where the shortcuts really run (issue 12).

Rulesets come from `ruleproof.testing.realistic_rulesets`: up to 40 attributes and 200 rules,
ranges from tiny to far beyond 2**64 and negative, reals, real scores, `one_of` groups, clamps
below, inside and above the reachable score, tiers and sanctions reading the score. Nothing is
patched: groups of eight scorecard rules on one attribute become step rules as in production,
and from 500 rules on the fast paths sample (`test_sampling_at_its_threshold`). Compared:

- the compiled evaluator against the reference evaluator (outcome and trace);
- the Z3 encoding against the evaluator (a pinned citizen determines every output);
- the checker with its fast paths against the plain encoding, property kind by kind;
- the folded `diff` against the unfolded one, on a version with one rule changed.

An `unknown` on either side is tallied (`tests/differential.py`) and shown at the end of the
run, never skipped silently; the CI profile draws a fixed handful of examples, the deep profile
(`RULEPROOF_DEEP=1`) thousands with cross-check mode on.
"""

from __future__ import annotations

import attrs
import pytest
import z3
from hypothesis import given
from hypothesis import strategies as st

from differential import DEEP, scale_settings, tally
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.typecheck import typecheck, with_score_type
from ruleproof.proving.checker import Checker
from ruleproof.proving.diff import diff_rulesets
from ruleproof.proving.encode import NO_TIER, Encoding, number, score_sort, z3_value
from ruleproof.proving.solving import Limits
from ruleproof.semantics.compiled import compile_ruleset
from ruleproof.semantics.evaluate import evaluate
from ruleproof.testing import citizens, realistic_rulesets
from ruleproof.verdicts.result import Result

pytestmark = pytest.mark.differential

FAST = Limits(timeout=20.0, minimise=False, cross_check=DEEP)
PLAIN = Limits(timeout=20.0, minimise=False)


@scale_settings(ci_examples=12)
@given(st.data())
def test_realistic_rulesets_typecheck(data: st.DataObject) -> None:
    rs = data.draw(realistic_rulesets())
    assert [d.message for d in typecheck(rs) if d.severity == "error"] == []
    assert with_score_type(rs) is rs


@scale_settings(ci_examples=15)
@given(st.data())
def test_compiled_evaluator_matches_the_reference(data: st.DataObject) -> None:
    rs = data.draw(realistic_rulesets())
    compiled = compile_ruleset(rs)
    for _ in range(4):
        c = data.draw(citizens(rs))
        assert compiled.evaluate(c) == evaluate(rs, c)
        assert compiled.outputs(c) == (lambda o: (o.score, o.tier, o.sanctions))(evaluate(rs, c))


@scale_settings(ci_examples=10)
@given(st.data())
def test_encoding_determines_what_the_evaluator_computes(data: st.DataObject) -> None:
    rs = data.draw(realistic_rulesets(max_attributes=25, max_rules=120))
    c = data.draw(citizens(rs))
    out = evaluate(rs, c)
    enc = Encoding(rs)
    a = enc.copy("a")
    rows: list[tuple[str, object, object]] = []
    if rs.score is not None and out.score is not None:
        rows.append(("score", a.value("score"), number(out.score, score_sort(rs.score))))
    if rs.tiers:
        code = NO_TIER if out.tier is None else enc.codes.code(out.tier)
        rows.append(("tier", a.value("tier"), z3.IntVal(code)))
    for s in rs.sanctions:
        rows.append((s.name, a.value(s.name), z3.BoolVal(s.name in out.sanctions)))
    solver = z3.Solver()  # after the outputs: building them adds their definitions
    solver.add(*a.all_constraints(), *enc.trackers.values())
    solver.add(*(a.attrs[k] == z3_value(v, enc.codes) for k, v in c.items()))
    assert solver.check() == z3.sat, "the encoding rejects a possible citizen"
    for name, term, want in rows:
        solver.push()
        solver.add(term != want)
        assert solver.check() == z3.unsat, f"`{name}` can differ from the evaluator's {want}"
        solver.pop()


def _kinds(data: st.DataObject, rs: M.Ruleset) -> list[P.Kind]:
    """The property kinds worth asking of this ruleset, with their arguments drawn."""
    names = [a.name for a in rs.attributes]
    numeric = [a.name for a in rs.attributes if isinstance(a.type, M.IntType | M.RealType)]
    picked = (data.draw(st.sampled_from(names)),)
    kinds: list[P.Kind] = [P.Independent(P.Selector("names", picked), None)]
    if any(a.protected != "false" for a in rs.attributes):
        kinds.append(P.Independent(P.Selector("protected"), None))
    if numeric and rs.score is not None:
        direction = data.draw(st.sampled_from(["nondecreasing", "nonincreasing"]))
        kinds.append(P.Monotone(data.draw(st.sampled_from(numeric)), "score", direction))  # type: ignore[arg-type]
    if rs.sanctions:
        kinds.append(P.SameContext())
    if rs.score is not None:
        k = data.draw(st.integers(-200, 200))
        kinds.append(P.Always(E.Compare((">=",), (E.Var("score"), E.IntLit(k))), f"score >= {k}"))
    if rs.tiers:
        kinds.append(P.TiersTotal())
    if rs.score is not None and rs.score.rules:
        kinds.append(P.Reachable("rules"))
    elif rs.sanctions:
        kinds.append(P.Reachable("sanctions"))
    return kinds


def _compare(test: str, kind: P.Kind, fast: Result, plain: Result, by: str) -> None:
    if "unknown" in (fast.status, plain.status):
        side = "fast" if fast.status == "unknown" else "plain"
        tally(test, f"unknown {side} ({type(kind).__name__})")
        return
    tally(test, f"agree ({type(kind).__name__}, {fast.status} by the {by})")
    assert fast.status == plain.status, (kind, fast.message, plain.message)


@scale_settings(ci_examples=8)
@given(st.data())
def test_fast_paths_agree_with_the_plain_encoding(data: st.DataObject) -> None:
    rs = data.draw(realistic_rulesets(actions=False))
    fast, plain = Checker(rs, FAST), Checker(rs, PLAIN, fast=False)
    for kind in _kinds(data, rs):
        prop = P.Property("p", kind)
        verdict = fast.check(prop)
        _compare("fast vs plain", kind, verdict, plain.check(prop), fast.answered_by)


@scale_settings(ci_examples=4)
@given(st.data())
def test_sampling_at_its_threshold(data: st.DataObject) -> None:
    """From 500 score rules the fast paths sample citizens before asking Z3."""
    rs = data.draw(realistic_rulesets(max_attributes=12, max_rules=40, actions=False))
    assert rs.score is not None
    extra = tuple(
        attrs.evolve(r, id=f"{r.id}-copy{k}")
        if not r.cases
        else M.group_rule(
            f"{r.id}-copy{k}", tuple(attrs.evolve(c, id=f"{c.id}-copy{k}") for c in r.cases)
        )
        for k in range(1, 15)
        for r in rs.score.rules
    )
    rules = rs.score.rules + extra
    if len(rules) < 500:
        rules = rules + tuple(
            M.ScoreRule(f"pad{i}", E.BoolLit(False), E.IntLit(1), "False", "1")
            for i in range(500 - len(rules))
        )
    big = attrs.evolve(rs, score=attrs.evolve(rs.score, rules=rules))
    fast, plain = Checker(big, FAST), Checker(big, PLAIN, fast=False)
    for kind in _kinds(data, big):
        if isinstance(kind, P.Always | P.Reachable | P.Independent):
            prop = P.Property("p", kind)
            verdict = fast.check(prop)
            _compare("sampling vs plain", kind, verdict, plain.check(prop), fast.answered_by)


def _changed(rs: M.Ruleset, i: int, delta: int) -> M.Ruleset:
    assert rs.score is not None
    r = rs.score.rules[i]
    if r.cases:
        cases = tuple(attrs.evolve(c, add=E.Arith("+", c.add, E.IntLit(delta))) for c in r.cases)
        bumped = M.group_rule(r.id, cases)
    else:
        bumped = attrs.evolve(r, add=E.Arith("+", r.add, E.IntLit(delta)))
    rules = (*rs.score.rules[:i], bumped, *rs.score.rules[i + 1 :])
    return with_score_type(attrs.evolve(rs, score=attrs.evolve(rs.score, rules=rules)))


@scale_settings(ci_examples=6)
@given(st.data())
def test_folded_diff_agrees_with_the_unfolded_encoding(data: st.DataObject) -> None:
    old = data.draw(realistic_rulesets(max_attributes=20, max_rules=100, actions=False))
    assert old.score is not None
    i = data.draw(st.integers(0, len(old.score.rules) - 1))
    new = _changed(old, i, data.draw(st.sampled_from([-2, -1, 1, 3])))
    folded = diff_rulesets(old, new, limits=FAST, summaries=False)
    plain = diff_rulesets(old, new, limits=PLAIN, summaries=False, slicing=False)
    if folded.unknown or plain.unknown:
        tally("folded diff vs unfolded", "unknown " + ("folded" if folded.unknown else "plain"))
        return
    tally("folded diff vs unfolded", "agree")
    assert {d.output for d in folded.differences} == {d.output for d in plain.differences}
    for _ in range(3):
        c = data.draw(citizens(old))
        o, n = evaluate(old, c), evaluate(new, c)
        changed = {out for out in folded.outputs if o.output(out) != n.output(out)}
        assert changed <= {d.output for d in folded.differences}, c
