"""Tier bands against the evaluator: the band a score lies in is the tier first-match gives it.

Two ties to the reference evaluator: random score-only tier conditions (comparisons both ways
round, chains, `==`, `!=`, `in`, `and`, `or`, `not`, `implies`, defines, negative and decimal
thresholds, a clamp range or none) checked at every band end, just inside and outside it, and
at random scores; and random rulesets of `ruleproof.testing` checked on random citizens whom no
guard tier matches.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load
from ruleproof.semantics.evaluate import State, eval_expr, evaluate
from ruleproof.semantics.tierbands import Interval, boundaries, tier_bands
from ruleproof.testing import citizens, rulesets

SCORE = E.Var("score")
OPS = ["==", "!=", "<", "<=", ">", ">="]

thresholds = st.one_of(
    st.integers(-50, 50).map(E.IntLit),
    st.fractions(min_value=-50, max_value=50, max_denominator=8).map(E.RealLit),
    st.integers(1, 30).map(lambda v: E.Neg(E.IntLit(v))),
)

ROOT = Path(__file__).resolve().parent.parent


def _leaf(thresholds: st.SearchStrategy[E.Expr] = thresholds) -> st.SearchStrategy[E.Expr]:
    compare = st.builds(
        lambda op, c, flip: E.Compare((op,), (c, SCORE) if flip else (SCORE, c)),
        st.sampled_from(OPS),
        thresholds,
        st.booleans(),
    )
    chain = st.builds(
        lambda a, b, o1, o2: E.Compare((o1, o2), (a, SCORE, b)),
        thresholds,
        thresholds,
        st.sampled_from(["<", "<="]),
        st.sampled_from(["<", "<="]),
    )
    member = st.builds(
        lambda opts, neg: E.In(SCORE, tuple(opts), neg),
        st.lists(thresholds, min_size=1, max_size=3),
        st.booleans(),
    )
    return st.one_of(compare, chain, member, st.booleans().map(E.BoolLit), st.just(E.Var("d")))


def conditions_over(leaf: st.SearchStrategy[E.Expr]) -> st.SearchStrategy[E.Expr]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: E.And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: E.Or(tuple(xs))),
            inner.map(E.Not),
            st.tuples(inner, inner).map(lambda pq: E.Call("implies", pq)),
        ),
        max_leaves=5,
    )


conditions = conditions_over(_leaf())


@st.composite
def score_tiered(draw: st.DrawFn) -> M.Ruleset:
    d = M.Define("d", draw(_leaf().filter(lambda e: e != E.Var("d"))), "")
    tiers = [M.Tier(f"t{i}", draw(conditions), "") for i in range(draw(st.integers(1, 5)))]
    if draw(st.booleans()):  # a guard that reads an attribute, anywhere in the order
        tiers.insert(draw(st.integers(0, len(tiers))), M.Tier("g", E.Var("flag"), ""))
    lo = hi = None
    if draw(st.booleans()):
        lo = draw(st.integers(-60, 20))
        hi = lo + draw(st.integers(0, 60))
    return M.Ruleset(
        "r",
        (M.Attribute("flag", M.BoolType()),),
        defines=(d,),
        score=M.Score(0, (), lo, hi),
        tiers=tuple(tiers),
    )


def first_match(rs: M.Ruleset, score: int | Fraction) -> str | None:
    """The evaluator's first-match tier over the score tiers (guards never match)."""

    def lookup(v: E.Var) -> M.Value | None:
        if v.name == "score":
            return score
        if v.name == "flag":
            return False
        d = rs.define(v.name)
        assert d is not None
        return eval_expr(d.expr, lookup)

    return next((t.id for t in rs.tiers if t.id != "g" and eval_expr(t.when, lookup)), None)


def probes(rs: M.Ruleset, extra: list[Fraction]) -> list[Fraction]:
    ends = list(boundaries(tier_bands(rs)))
    out = [Fraction(x) + d for x in ends for d in (0, Fraction(1, 1000), Fraction(-1, 1000))]
    out += extra
    assert rs.score is not None
    lo, hi = rs.score.lo, rs.score.hi
    return [x for x in out if (lo is None or x >= lo) and (hi is None or x <= hi)]


@given(
    score_tiered(),
    st.lists(st.fractions(min_value=-80, max_value=80, max_denominator=6), max_size=6),
)
@settings(max_examples=300)
def test_bands_are_first_match_over_the_score_tiers(rs: M.Ruleset, extra: list[Fraction]) -> None:
    bands = tier_bands(rs)
    assert [g.tier for g in bands.guards] == [t.id for t in rs.tiers if t.id == "g"]
    for x in probes(rs, extra):
        holding = [b.tier for b in bands.bands if b.contains(x)]
        assert len(holding) == 1, (x, bands)  # the bands partition the score range
        assert holding[0] == first_match(rs, x), (x, bands)


@given(rulesets(), st.data())
@settings(max_examples=150)
def test_bands_give_the_evaluators_tier_to_citizens_no_guard_matches(
    drawn: M.Ruleset, data: st.DataObject
) -> None:
    if drawn.score is None:
        return
    people = [data.draw(citizens(drawn)) for _ in range(6)]
    scores = [evaluate(drawn, c).score for c in people]
    # score tiers whose thresholds sit on and next to the scores these citizens get
    near = st.sampled_from([s + d for s in scores if s is not None for d in (-1, 0, 1)])
    literal = near.map(lambda v: E.IntLit(v) if isinstance(v, int) else E.RealLit(Fraction(v)))
    leaf = _leaf(st.one_of(literal, thresholds)).filter(lambda e: e != E.Var("d"))
    extra = [M.Tier(f"s{i}", data.draw(conditions_over(leaf)), "") for i in range(3)]
    tiers = list(drawn.tiers)
    for t in extra:
        tiers.insert(data.draw(st.integers(0, len(tiers))), t)
    rs = attrs.evolve(drawn, tiers=tuple(tiers))
    bands = tier_bands(rs)
    guards = {g.tier for g in bands.guards}
    for c in people:
        state = State(rs, c)
        if any(eval_expr(t.when, state.lookup) for t in rs.tiers if t.id in guards):
            continue
        out = evaluate(rs, c)
        assert out.score is not None
        assert bands.tier_of(out.score) == out.tier


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (Interval(550, True, 600, False), "550 ≤ score < 600"),
        (Interval(700, True, None, False), "score ≥ 700"),
        (Interval(None, False, Fraction(-1, 3), True), "score ≤ -1/3"),
        (Interval(Fraction(1, 4), False, None, False), "score > 0.25"),
        (Interval(0, True, 0, True), "score = 0"),
        (Interval(None, False, None, False), "any score"),
    ],
)
def test_interval_text(interval: Interval, text: str) -> None:
    assert interval.text() == text


def test_worked_rulesets() -> None:
    sesame = tier_bands(load(ROOT / "spec/sesame-credit.yaml"))
    assert sesame.exact
    assert [(b.tier, b.text()) for b in sesame.bands] == [
        ("extremely_good", "700 ≤ score ≤ 950"),
        ("excellent", "650 ≤ score < 700"),
        ("good", "600 ≤ score < 650"),
        ("medium", "550 ≤ score < 600"),
        ("poor", "350 ≤ score < 550"),
    ]
    rongcheng = tier_bands(load(ROOT / "spec/rongcheng.yaml"))
    assert [g.tier for g in rongcheng.guards] == ["not_rated"]
    assert "not_rated (reads in_scope)" in rongcheng.note()
    assert rongcheng.tier_of(1040) == "AA" and rongcheng.tier_of(599) == "D"


def test_uncovered_scores_form_a_no_tier_band() -> None:
    rs = M.Ruleset(
        "r",
        (M.Attribute("x", M.BoolType()),),
        score=M.Score(0, (), -10, 10),
        tiers=(M.Tier("hi", E.Compare((">",), (SCORE, E.IntLit(3))), ""),),
    )
    bands = tier_bands(rs)
    assert [(b.tier, b.text()) for b in bands.bands] == [
        ("hi", "3 < score ≤ 10"),
        (None, "-10 ≤ score ≤ 3"),
    ]
