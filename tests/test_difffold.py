"""Folding a diff (`properties.difffold`): sound, and its citizens are real.

The folded versions replace the score rules both versions share by one interval-bounded
attribute; `diff` answers there and maps each difference back to an original citizen. These
tests compare folded answers with the unfolded encoding (summaries included), check that the
search back lands on exact tier boundaries without falling back to the unfolded encoding, and
that a difference only an unreachable sum shows is never reported.
"""

from __future__ import annotations

import time

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load_text
from ruleproof.proving.diff import diff_rulesets
from ruleproof.proving.diffask import Asker, Shown
from ruleproof.proving.diffencode import Undecided
from ruleproof.proving.difffold import REST
from ruleproof.proving.diffplan import Output
from ruleproof.proving.solving import Limits
from ruleproof.semantics import foldsearch
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.foldsum import FoldedSum
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.sumbounds import sum_bounds
from ruleproof.testing import citizens, rulesets

LIMITS = Limits(timeout=10.0, minimise=False)


def _changed_rule(rs: M.Ruleset, i: int, delta: int) -> M.Ruleset:
    assert rs.score is not None
    r = rs.score.rules[i]
    if r.cases:  # a group: every case adds `delta` more
        cases = tuple(attrs.evolve(c, add=E.Arith("+", c.add, E.IntLit(delta))) for c in r.cases)
        bumped = M.group_rule(r.id, cases)
    else:
        bumped = attrs.evolve(r, add=E.Arith("+", r.add, E.IntLit(delta)))
    rules = (*rs.score.rules[:i], bumped, *rs.score.rules[i + 1 :])
    return attrs.evolve(rs, score=attrs.evolve(rs.score, rules=rules))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_folded_diff_with_summaries_agrees_with_the_plain_encoding(data: st.DataObject) -> None:
    old = data.draw(rulesets(max_attributes=4, max_rules=6, actions=False))
    if old.score is None or not old.score.rules:
        return
    i = data.draw(st.integers(0, len(old.score.rules) - 1))
    new = _changed_rule(old, i, data.draw(st.sampled_from([-3, -1, 1, 2])))
    folded = diff_rulesets(old, new, limits=LIMITS)
    plain = diff_rulesets(old, new, limits=LIMITS, slicing=False)
    if folded.unknown or plain.unknown:
        return
    assert {d.output for d in folded.differences} == {d.output for d in plain.differences}
    for a, b in zip(folded.transitions or (), plain.transitions or (), strict=True):
        if a.possible is not None and b.possible is not None:
            assert a == b
    for x, y in zip(folded.sanctions or (), plain.sanctions or (), strict=True):
        for field in ("gained", "lost"):
            u, v = getattr(x, field), getattr(y, field)
            if u is not None and v is not None:
                assert u == v, (x, y)
    found = {d.output for d in folded.differences}
    for _ in range(5):  # and whatever the evaluator sees differ was found
        c = data.draw(citizens(old))
        o, n = evaluate(old, c), evaluate(new, c)
        for out in folded.outputs:
            if o.output(out) != n.output(out):
                assert out in found, (out, c)


def _scorecard(tweak: int) -> M.Ruleset:
    rules = "\n".join(
        f'    - {{id: r{i}, when: "x{i % 8} >= {10 + 7 * i % 80}", add: {(-1) ** i * (3 + i % 9)}}}'
        for i in range(40)
    )
    attributes = "\n".join(f"  x{k}: {{type: int, range: [0, 100]}}" for k in range(8))
    return load_text(
        f"""
ruleset: card
attributes:
{attributes}
  flag: {{type: bool}}
score:
  base: 100
  rules:
{rules}
    - {{id: changed, when: "flag", add: {tweak}}}
tiers:
  - {{id: A, when: "score >= 131"}}
  - {{id: B, when: "True"}}
sanctions:
  deep: {{when: "score < -500"}}
""",
        "card.yaml",
    )


def test_the_search_back_lands_on_an_exact_tier_boundary() -> None:
    old, new = _scorecard(1), _scorecard(0)
    asker = Asker(old, new, Limits(timeout=20.0), slicing=True)
    assert asker.folded is not None and len(asker.folded.rules) == 40
    tier = Output("tier", "tier")
    ans = asker.ask(lambda c: c.differs(tier), lambda x, y: x.tier != y.tier, "tier")
    assert isinstance(ans, Shown)
    assert asker._full is None  # found on the folded versions, not by the fallback
    _, old_c, _ = ans.citizens
    assert REST not in old_c
    assert ans.old.tier == "A" and ans.new.tier == "B" and ans.old.score == 131


def _split(tweak: int, guard: str = " and y >= 0") -> M.Ruleset:
    # With the guard the two rules read two attributes each, so only their own intervals bound
    # them; without it `sum_bounds` sees that they never fire together.
    return load_text(
        f"""
ruleset: split
attributes:
  x: {{type: int, range: [0, 100]}}
  y: {{type: int, range: [0, 1]}}
  flag: {{type: bool}}
score:
  base: 100
  rules:
    - {{id: high, when: "x >= 50{guard}", add: -300}}
    - {{id: low, when: "x < 50{guard}", add: -300}}
    - {{id: changed, when: "flag", add: {tweak}}}
sanctions:
  deep: {{when: "score < -450"}}
""",
        "split.yaml",
    )


def test_a_difference_only_an_unreachable_sum_shows_is_not_reported() -> None:
    # The shared rules always add -300, but their interval sum allows -600, where NEW's -1
    # would impose `deep`. The folded encoding finds that, the search back finds no citizen,
    # and the unfolded encoding proves `deep` unchanged.
    old, new = _split(0), _split(-1)
    asker = Asker(old, new, Limits(timeout=20.0), slicing=True)
    deep = Output("deep", "sanction")
    ans = asker.ask(lambda c: c.differs(deep), lambda x, y: x.sanctions != y.sanctions, "deep")
    assert asker._full is not None  # the folded answer could not be realised
    assert not isinstance(ans, Shown | Undecided)
    result = diff_rulesets(old, new, limits=Limits(timeout=20.0))
    assert [d.output for d in result.differences] == ["score"]
    assert not result.unknown


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_sum_bounds_hold_for_every_citizen_and_beat_the_interval_sum(data: st.DataObject) -> None:
    rs = data.draw(rulesets(max_attributes=3, max_rules=8, actions=False))
    if rs.score is None:
        return
    rules = rs.score.rules
    got = sum_bounds(rs, rules)
    if got is None:
        return
    bounds = Bounds(rs)
    per_rule = [bounds.contribution(r) for r in rules]
    assert got[0] >= sum(lo for lo, _ in per_rule)  # type: ignore[misc]
    assert got[1] <= sum(hi for _, hi in per_rule)  # type: ignore[misc]
    bare = attrs.evolve(rs, score=attrs.evolve(rs.score, base=0, lo=None, hi=None))
    for _ in range(10):
        total = evaluate(bare, data.draw(citizens(rs))).score
        assert total is not None and got[0] <= total <= got[1]


def test_sum_bounds_count_rules_on_one_attribute_that_cannot_fire_together() -> None:
    rs, guarded = _split(0, guard=""), _split(0)
    assert rs.score is not None and guarded.score is not None
    assert sum_bounds(rs, rs.score.rules[:2]) == (-300, -300)
    assert sum_bounds(guarded, guarded.score.rules[:2]) == (-600, 0)


@st.composite
def _scorecard_rules(draw: st.DrawFn) -> M.Ruleset:
    """One-attribute rules of the scorecard form over small domains (and a few others)."""
    ops = ["<", "<=", ">", ">=", "==", "!="]

    def cond() -> str:
        kind = draw(st.sampled_from(["x", "x2", "rx", "b", "e", "xy"]))
        k = draw(st.integers(-1, 11))
        if kind == "x":
            return f"x {draw(st.sampled_from(ops))} {k}"
        if kind == "x2":
            j = draw(st.integers(-1, 11))
            return f"x >= {k} and x < {j}"
        if kind == "rx":
            return f"{k} {draw(st.sampled_from(ops))} x"
        if kind == "b":
            return draw(st.sampled_from(["b", "not b", "b and not b"]))
        if kind == "e":
            return f"e {draw(st.sampled_from(['==', '!=']))} '{draw(st.sampled_from('uvw'))}'"
        return f"x > {k} and b"

    n = draw(st.integers(1, 8))
    rules = "\n".join(
        f'    - {{id: r{i}, when: "{cond()}", add: {draw(st.integers(-9, 9))}}}' for i in range(n)
    )
    return load_text(
        f"""
ruleset: cards
attributes:
  x: {{type: int, range: [0, 10]}}
  b: {{type: bool}}
  e: {{type: enum, values: [u, v, w]}}
score:
  base: 0
  rules:
{rules}
""",
        "cards.yaml",
    )


@settings(max_examples=200, deadline=None)
@given(_scorecard_rules())
def test_sum_bounds_are_exact_when_every_rule_reads_one_attribute(rs: M.Ruleset) -> None:
    assert rs.score is not None
    got = sum_bounds(rs, rs.score.rules)
    assert got is not None
    sums = [
        evaluate(rs, {"x": x, "b": b, "e": e}).score
        for x in range(11)
        for b in (False, True)
        for e in "uvw"
    ]
    lo, hi = min(s for s in sums if s is not None), max(s for s in sums if s is not None)
    assert got[0] <= lo and hi <= got[1]  # sound
    # Exact when every rule is grouped (one attribute; `!=` on an int is not grouped): groups
    # on different attributes are independent.
    grouped = all(
        len(E.names(r.when)) == 1 and not ("x" in r.when_text and "!=" in r.when_text)
        for r in rs.score.rules
    )
    if grouped:
        assert got == (lo, hi)


def test_a_user_rule_named_like_the_folded_one_turns_folding_off() -> None:
    def version(points: int) -> M.Ruleset:
        return load_text(
            "ruleset: t\nattributes:\n  x: {type: int, range: [0, 9]}\n  b: {type: bool}\n"
            "score:\n  base: 0\n  rules:\n"
            f'    - {{id: "{REST}", when: "x >= 5", add: 5}}\n'
            f'    - {{id: r, when: "b", add: {points}}}\n',
            "t.yaml",
        )

    assert diff_rulesets(version(1), version(1), limits=Limits(timeout=10)).status == "equivalent"
    changed = diff_rulesets(version(1), version(2), limits=Limits(timeout=10))
    assert changed.status == "different"


def test_the_search_back_gets_half_of_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 100,000 rules one move of the search costs a tenth of a second: a fixed 1.5 s left
    differences `unknown` that half of a 60 s limit finds (the clamped family's planted diff)."""
    stops: list[float] = []
    land = foldsearch.Search.land

    def spy(self: foldsearch.Search, a: M.Num, b: M.Num, stop: float) -> object:
        stops.append(stop - time.monotonic())
        return land(self, a, b, stop)

    monkeypatch.setattr(foldsearch.Search, "land", spy)
    asker = Asker(_scorecard(1), _scorecard(0), Limits(timeout=60.0), slicing=True)
    tier = Output("tier", "tier")
    ans = asker.ask(lambda c: c.differs(tier), lambda x, y: x.tier != y.tier, "tier")
    assert isinstance(ans, Shown)
    assert stops and min(stops) > 20.0  # about half of the 60 s, not foldsum.SEARCH_SECONDS


def _decimal_card(split: bool) -> M.Ruleset:
    """Bins with decimal points (a WoE scorecard); `split` cuts one bin in two, one half changed."""
    groups = []
    for g in range(12):
        cases = [
            f'        - {{id: g{g}a, when: "x{g} < 30", add: "{g % 5}.125"}}',
            f'        - {{id: g{g}b, when: "x{g} >= 30 and x{g} < 70", add: "-{g % 3}.5"}}',
            f'        - {{id: g{g}c, when: "x{g} >= 70", add: "0.{g + 1}"}}',
        ]
        if split and g == 5:
            cases[1] = '        - {id: g5b1, when: "x5 >= 30 and x5 < 50", add: "-2.5"}\n'
            cases[1] += '        - {id: g5b2, when: "x5 >= 50 and x5 < 70", add: "-2.25"}'
        groups.append(f"    - id: g{g}\n      one_of:\n" + "\n".join(cases))
    attributes = "\n".join(f"  x{k}: {{type: int, range: [0, 100]}}" for k in range(12))
    body = "\n".join(groups)
    text = f"ruleset: dec\nattributes:\n{attributes}\nscore:\n  base: 1\n  rules:\n{body}\n"
    text += 'tiers:\n  - {id: A, when: "score >= 0"}\n  - {id: B, when: "True"}\n'
    return load_text(text, "dec.yaml")


def test_decimal_points_are_folded_as_a_real_sum() -> None:
    """Rules with decimal points fold into a real `score~rest` (they fell back to the joint
    encoding of every rule before: 83 s median for the binned family at 10,000 rules)."""
    old, new = _decimal_card(False), _decimal_card(True)
    asker = Asker(old, new, Limits(timeout=20.0), slicing=True)
    assert asker.folded is not None and len(asker.folded.rules) == 11
    assert isinstance(asker.folded.old.attribute(REST).type, M.RealType)
    score = Output("score", "score")
    ans = asker.ask(lambda c: c.differs(score), lambda x, y: x.score != y.score, "score")
    assert isinstance(ans, Shown) and asker._full is None
    _, old_c, _ = ans.citizens
    x5 = old_c["x5"]
    assert isinstance(x5, int) and 50 <= x5 < 70 and ans.old.score != ans.new.score
    assert not diff_rulesets(old, old, limits=LIMITS).differences


def test_the_subset_sum_leaves_out_huge_effects() -> None:
    """A move that changes the folded sum by 10**29 must not enter the subset-sum's bitset (a
    shift of 10**29 bits: MemoryError or OverflowError, found by the deep profile); the small
    moves still land the sum."""
    rs = load_text(
        """
ruleset: huge
attributes:
  big: {type: int, range: [0, 1000000000000000000000000000000]}
  x0: {type: int, range: [0, 100]}
  x1: {type: int, range: [0, 100]}
score:
  base: 0
  rules:
    - {id: huge, when: "big >= 1", add: "big"}
    - {id: a, when: "x0 >= 50", add: 3}
    - {id: b, when: "x1 >= 20", add: 5}
""",
        "huge.yaml",
    )
    assert rs.score is not None
    folded = FoldedSum(rs, rs.score.rules, frozenset())
    start: dict[str, M.Value] = {"big": 0, "x0": 0, "x1": 0}
    found = foldsearch.Search(folded, dict(start)).combine(start, 0, 8, 8, time.monotonic() + 10)
    assert found is not None and found["big"] == 0 and folded.total(found) == 8
