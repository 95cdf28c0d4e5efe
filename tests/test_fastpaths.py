"""The fast paths against the plain encoding: same verdicts on random rulesets and queries.

`Checker(..., fast=False)` is the plain Z3 path; `fast=True` adds relational slicing by
reduction, interval bounds, the compiled evaluator and sampling (`properties.fastpaths`). Both
must give the same status for every property, and every counterexample either path reports has
been validated by the evaluator. The reduction and the interval analysis are also checked
directly against the evaluator, and the compiled evaluator against the reference one.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from fractions import Fraction
from unittest import mock

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.support import name_support, support_sets
from ruleproof.proving import fastpaths
from ruleproof.proving.checker import Checker
from ruleproof.proving.solving import Limits
from ruleproof.semantics import reduce
from ruleproof.semantics.compiled import compile_ruleset
from ruleproof.semantics.evaluate import evaluate, step
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.reduce import REST, SUMMED, reduce_for, set_by_actions
from ruleproof.testing import citizens, rulesets

SETTINGS = settings(max_examples=60)
LIMITS = Limits(timeout=10.0, minimise=False)
# Random rulesets are small: sum every pair of scorecard rules on one attribute into a step
# rule, so that the differential tests exercise it.
SUM_PAIRS = mock.patch.object(reduce, "GROUP_MIN", 2)
SAMPLE_ALL = mock.patch.object(fastpaths, "SAMPLE_MIN_RULES", 0)


def _assert_same_verdicts(
    rs: M.Ruleset,
    kinds: list[P.Kind],
    fast_under: AbstractContextManager[object],
    skip_unknown: bool = True,
) -> None:
    """The fast checker (run under the patch `fast_under`) and the plain one agree on every kind
    (an `unknown` on either side is skipped unless `skip_unknown` is False)."""
    fast, plain = Checker(rs, LIMITS, fast=True), Checker(rs, LIMITS, fast=False)
    for kind in kinds:
        prop = P.Property("p", kind)
        with fast_under:
            a = fast.check(prop)
        b = plain.check(prop)
        if skip_unknown and "unknown" in (a.status, b.status):
            continue
        assert a.status == b.status, (kind, a.message, b.message)


def _props(data: st.DataObject, rs: M.Ruleset) -> list[P.Kind]:
    names = [a.name for a in rs.attributes]
    of = tuple(data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True)))
    kinds: list[P.Kind] = [
        P.Independent(P.Selector("names", names=of), None),
        P.SameContext(),
        P.Reachable("sanctions"),
        P.Reachable("rules"),
    ]
    ints = [a.name for a in rs.attributes if isinstance(a.type, M.IntType)]
    if rs.score is not None:
        k = data.draw(st.integers(-80, 80))
        kinds.append(P.Always(E.Compare((">=",), (E.Var("score"), E.IntLit(k))), ""))
        if ints:
            kinds.append(
                P.Monotone(
                    data.draw(st.sampled_from(ints)),
                    "score",
                    data.draw(st.sampled_from(["nondecreasing", "nonincreasing"])),
                )
            )
    if rs.tiers:
        kinds.append(P.TiersTotal())
    if rs.score is not None:
        a, b = E.Var("score", "a"), E.Var("score", "b")
        op: E.CmpOp = data.draw(st.sampled_from(["==", "<=", ">"]))
        then: E.Expr = E.Compare((op,), (a, b))
        if rs.tiers:
            then = E.Compare(("==",), (E.Var("tier", "a"), E.Var("tier", "b")))
        k = data.draw(st.integers(-40, 40))
        kinds.append(P.Forall(("a", "b"), E.Compare(("==",), (a, b)), then, "", ""))
        kinds.append(
            P.Forall(("a",), E.Compare((">=",), (a, E.IntLit(k))), E.Var("sanctioned", "a"), "", "")
        )
    return kinds


@SETTINGS
@given(st.data())
def test_fast_paths_agree_with_the_plain_encoding(data: st.DataObject) -> None:
    rs = data.draw(rulesets(actions=False, max_rules=6))
    _assert_same_verdicts(rs, _props(data, rs), SUM_PAIRS)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_sampling_agrees_with_the_plain_encoding(data: st.DataObject) -> None:
    # Sampling runs only for rulesets of 500 rules and more; here for every ruleset, so that
    # every sampled violation (one citizen or a tuple, shrunk) meets the plain verdict.
    rs = data.draw(rulesets(actions=False, max_rules=6))
    _assert_same_verdicts(rs, _props(data, rs), SAMPLE_ALL)


def test_sampled_pairs_keep_what_the_assumption_equates() -> None:
    lines = [f'    - {{id: r{i}, when: "x >= {i}", add: {i % 3 + 1}}}' for i in range(1, 9)]
    rs = load_text(
        "ruleset: t\nattributes:\n  x: {type: int, range: [0, 10]}\n"
        "  y: {type: int, range: [0, 10]}\n  b: {type: bool}\n"
        "score:\n  base: 0\n  rules:\n"
        + "\n".join(lines)
        + '\n    - {id: y, when: "y >= 4 and b", add: 5}\n',
        "t.yaml",
    )
    checker = Checker(rs, LIMITS)
    with SAMPLE_ALL:
        result = checker.check(
            P.Property(
                "p",
                P.Forall(
                    ("a", "b"),
                    E.Compare(("==",), (E.Var("x", "a"), E.Var("x", "b"))),
                    E.Compare(("==",), (E.Var("score", "a"), E.Var("score", "b"))),
                    "",
                    "",
                ),
            )
        )
    assert result.status == "violated"
    assert result.counterexample is not None
    a, b = result.counterexample.citizens["a"], result.counterexample.citizens["b"]
    assert a["x"] == b["x"] == 0  # shared, then shrunk in both at once
    assert {a["y"], b["y"]} <= {0, 4}  # shrunk to the step of the rule that tells them apart


@SETTINGS
@given(st.data())
def test_reduction_preserves_outputs_with_the_folded_sum(data: st.DataObject) -> None:
    rs = data.draw(rulesets(actions=False, max_rules=6))
    names = [a.name for a in rs.attributes]
    varied = frozenset(data.draw(st.lists(st.sampled_from(names), unique=True)))
    with SUM_PAIRS:
        reduced = reduce_for(rs, varied)
    if reduced is None or rs.score is None:
        return
    citizen = data.draw(citizens(rs))
    rest = _folded_sum(rs, varied, citizen)
    if REST in reduced.attribute_index:
        rest_type = reduced.attribute(REST).type
        assert isinstance(rest_type, M.IntType | M.RealType) and rest is not None
        assert rest_type.lo <= rest <= rest_type.hi  # the interval bound is sound
    else:
        assert rest == 0  # nothing folded
    extra = {REST: rest} if REST in reduced.attribute_index else {}
    want, got = evaluate(rs, citizen), evaluate(reduced, {**citizen, **extra})
    assert (want.score, want.tier, want.sanctions) == (got.score, got.tier, got.sanctions)


def _folded_sum(
    rs: M.Ruleset, varied: frozenset[str], citizen: dict[str, M.Value]
) -> int | Fraction:
    """What `score~rest` stands for: the sum of the contributions of the rules whose attribute
    support misses `varied` (computed here from the evaluator's point of view: the rules whose
    contribution does not change when only `varied` attributes do are exactly these)."""
    assert rs.score is not None
    support = support_sets(rs)
    folded = tuple(r for r in rs.score.rules if not (name_support(rs, r.reads, support) & varied))
    bare = attrs.evolve(rs, score=attrs.evolve(rs.score, base=0, rules=folded, lo=None, hi=None))
    rest = evaluate(bare, citizen).score
    assert isinstance(rest, int | Fraction)
    return rest


@SETTINGS
@given(st.data())
def test_folded_sum_is_constant_along_every_action(data: st.DataObject) -> None:
    # What the path fast path relies on: reduced for the attributes actions set, the folded
    # sum is the same before and after any step, so the reduced ruleset with one `score~rest`
    # value gives both states' outputs.
    rs = data.draw(rulesets(max_rules=6).filter(lambda r: bool(r.actions)))
    varied = set_by_actions(rs)
    with SUM_PAIRS:
        reduced = reduce_for(rs, varied)
    if reduced is None:
        return
    citizen = data.draw(citizens(rs))
    rest = _folded_sum(rs, varied, citizen)
    for action in rs.actions:
        params = {p.name: data.draw(_values(p.type)) for p in action.params}
        after, _ = step(rs, action, citizen, params)
        if after is None:
            continue
        assert _folded_sum(rs, varied, after) == rest
        want, got = evaluate(rs, after), evaluate(reduced, {**after, REST: rest})
        assert (want.score, want.tier, want.sanctions) == (got.score, got.tier, got.sanctions)


def _values(t: M.AttrType) -> st.SearchStrategy[M.Value]:
    match t:
        case M.BoolType():
            return st.booleans()
        case M.IntType(lo, hi):
            return st.integers(lo, hi)
        case M.RealType(lo, hi):
            return st.fractions(lo, hi)
        case M.EnumType(values):
            return st.sampled_from(values)


@SETTINGS
@given(st.data())
def test_interval_truth_is_sound(data: st.DataObject) -> None:
    rs = data.draw(rulesets(actions=False))
    citizen = data.draw(citizens(rs))
    b = Bounds(rs)
    out = evaluate(rs, citizen)
    if rs.score is not None:
        lo, hi = b.score()
        assert out.score is not None
        assert (lo is None or lo <= out.score) and (hi is None or out.score <= hi)
    for s in rs.sanctions:
        t = b.truth(s.when)
        assert t is None or t == (s.name in out.sanctions)
    for d in rs.defines:
        v = out.defines[d.name]
        if isinstance(v, bool):
            t = b.truth(d.expr)
            assert t is None or t == v
        else:
            lo, hi = b.num(d.expr)
            assert v is not None
            assert (lo is None or lo <= v) and (hi is None or v <= hi)  # type: ignore[operator]


@SETTINGS
@given(st.data())
def test_compiled_evaluator_agrees_with_the_reference(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    citizen = data.draw(citizens(rs))
    c = compile_ruleset(rs)
    want = evaluate(rs, citizen)
    assert c.evaluate(citizen) == want
    assert c.outputs(citizen) == (want.score, want.tier, want.sanctions)


_ATOMS = st.one_of(
    st.builds("x {} {}".format, st.sampled_from(["<", "<=", ">", ">="]), st.integers(-1, 11)),
    st.builds(
        "w {} {}".format,
        st.sampled_from(["<", "<=", ">", ">="]),
        st.sampled_from(["0", "0.25", "0.5", "1"]),
    ),
    st.sampled_from(["b", "not b", "x == 3", "x // 2 >= 2", "w * 2 > x"]),
)


@SETTINGS
@given(st.data())
def test_compiled_threshold_groups_agree_with_the_reference(data: st.DataObject) -> None:
    rules = data.draw(
        st.lists(
            st.tuples(
                st.lists(_ATOMS, min_size=1, max_size=3),
                st.sampled_from(["3", "-2", "x + 1", "x - 4"]),
            ),
            min_size=1,
            max_size=30,
        )
    )
    lines = [
        f'    - {{id: r{i}, when: "{" and ".join(w)}", add: "{a}"}}'
        for i, (w, a) in enumerate(rules)
    ]
    text = (
        "ruleset: t\nattributes:\n  x: {type: int, range: [0, 10]}\n"
        "  w: {type: real, range: [0, 1]}\n  b: {type: bool}\n"
        "score:\n  base: 5\n  range: [-20, 40]\n  rules:\n" + "\n".join(lines) + "\n"
    )
    rs = load_text(text, "t.yaml")
    citizen: dict[str, M.Value] = {
        "x": data.draw(st.integers(0, 10)),
        "w": Fraction(data.draw(st.sampled_from([0, 1, 2, 3, 4]))) / 4,
        "b": data.draw(st.booleans()),
    }
    assert compile_ruleset(rs).evaluate(citizen) == evaluate(rs, citizen)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_path_properties_on_the_reduced_ruleset_agree_with_the_plain_encoding(
    data: st.DataObject,
) -> None:
    # The path fast path proves on the ruleset reduced for the attributes actions set; a
    # `proved` there must never meet a stuck citizen in the plain encoding.
    rs = data.draw(rulesets(max_rules=5).filter(lambda r: bool(r.actions)))
    within = data.draw(st.integers(1, 2))
    _assert_same_verdicts(rs, [P.AppealPath(within), P.Expires(within)], SUM_PAIRS)


_SCORECARD_ATOMS = st.one_of(
    st.builds("x {} {}".format, st.sampled_from(["<", "<=", ">", ">=", "=="]), st.integers(-2, 12)),
    st.builds("{} {} x".format, st.integers(-2, 12), st.sampled_from(["<", ">=", "=="])),
    st.sampled_from(["b", "not b", "e == 'p'", "e == 'q'", "e != 'r'"]),
)


def _scorecard_rules(
    min_size: int, max_size: int
) -> st.SearchStrategy[list[tuple[list[str], int]]]:
    """(conditions, points) of scorecard-form rules on x, b and e."""
    return st.lists(
        st.tuples(st.lists(_SCORECARD_ATOMS, min_size=1, max_size=2), st.integers(-9, 9)),
        min_size=min_size,
        max_size=max_size,
    )


def _scorecard_ruleset(rules: list[tuple[list[str], int]], extra: str = "") -> M.Ruleset:
    """A ruleset over x (int 0..10), b (bool) and e (enum p, q, r) with these rules, then the
    YAML rule lines `extra`."""
    lines = [
        f'    - {{id: r{i}, when: "{" and ".join(w)}", add: {a}}}' for i, (w, a) in enumerate(rules)
    ]
    return load_text(
        "ruleset: t\nattributes:\n  x: {type: int, range: [0, 10]}\n  b: {type: bool}\n"
        "  e: {type: enum, values: [p, q, r]}\nscore:\n  base: 5\n  rules:\n"
        + "\n".join(lines)
        + "\n"
        + extra,
        "t.yaml",
    )


@SETTINGS
@given(st.data())
def test_summed_rules_add_what_their_members_add(data: st.DataObject) -> None:
    # Scorecard rules on one attribute become one step rule: for every value of every
    # attribute the reduced ruleset must give the original score, with no solver involved.
    rules = data.draw(_scorecard_rules(1, 25))
    rs = _scorecard_ruleset(rules)
    with SUM_PAIRS:
        reduced = reduce_for(rs, frozenset({"x", "b", "e"}))
    if reduced is None:
        return
    assert reduced.score is not None and REST not in reduced.attribute_index
    assert len(reduced.score.rules) < len(rules)  # some group was summed
    for x in range(11):
        for b in (False, True):
            for e in ("p", "q", "r"):
                citizen: dict[str, M.Value] = {"x": x, "b": b, "e": e}
                assert evaluate(reduced, citizen).score == evaluate(rs, citizen).score, citizen


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_summed_rules_give_the_plain_verdicts(data: st.DataObject) -> None:
    # End to end: pair properties over scorecard rules (summed) plus one rule on two attributes
    # (kept as it is) must get the plain encoding's verdict.
    rules = data.draw(_scorecard_rules(2, 20))
    mixed = data.draw(st.sampled_from(["x == 5 and b", "x >= 7 and e == 'q'", "not b"]))
    points = data.draw(st.integers(-9, 9))
    rs = _scorecard_ruleset(rules, f'    - {{id: mixed, when: "{mixed}", add: {points}}}\n')
    kinds: list[P.Kind] = [
        P.Monotone("x", "score", "nonincreasing"),
        P.Monotone("x", "score", "nondecreasing"),
        P.Independent(P.Selector("names", names=("x",)), None),
        P.Independent(P.Selector("names", names=("b", "e")), None),
    ]
    _assert_same_verdicts(rs, kinds, SUM_PAIRS, skip_unknown=False)


def test_summed_rules_are_named_in_the_proof() -> None:
    lines = [f'    - {{id: r{t}, when: "x >= {t}", add: -1}}' for t in range(1, 11)]
    rs = load_text(
        "ruleset: t\nattributes:\n  x: {type: int, range: [0, 10]}\n  b: {type: bool}\n"
        "score:\n  base: 0\n  rules:\n"
        + "\n".join(lines)
        + '\n    - {id: bonus, when: "x == 5 and b", add: 1}\n',
        "t.yaml",
    )
    reduced = reduce_for(rs, frozenset({"x"}))
    assert reduced is not None and reduced.score is not None
    assert [r.id for r in reduced.score.rules] == [SUMMED + "x", "bonus"]
    result = Checker(rs, LIMITS).check(P.Property("p", P.Monotone("x", "score", "nonincreasing")))
    # The bonus at x == 5 is cancelled by the step at 5: nonincreasing, proved.
    assert result.status == "proved"
    assert "10 rules on x alone, summed per value (r1, r2, r3, r4, …)" in result.because


def test_path_fast_path_folds_rules_no_action_can_change() -> None:
    rs = load_text(
        """
ruleset: fold
attributes:
  debt: {type: int, range: [0, 100]}
  late: {type: int, range: [0, 10]}
  reviewed: {type: bool}
score:
  base: 100
  rules:
    - {id: big-debt, when: "debt >= 50", add: -30}
    - {id: late, when: "late >= 3", add: "-late"}
    - {id: reviewed, when: "reviewed", add: 5}
sanctions:
  low: {when: "score < 70 and not reviewed", appeal: [review]}
actions:
  review: {by: citizen, set: {reviewed: true}}
""",
        "fold.yaml",
    )
    reduced = reduce_for(rs, frozenset({"reviewed"}))
    assert reduced is not None and reduced.score is not None
    assert [r.id for r in reduced.score.rules] == [REST, "reviewed"]
    checker = Checker(rs, LIMITS)
    result = checker.check(P.Property("p", P.AppealPath(1)))
    assert result.status == "proved"
    assert "sanction low" in result.because
    assert checker.fastpaths is not None
    assert checker.fastpaths.reduced(frozenset({"reviewed"})) is not None


def test_sampled_counterexamples_do_not_depend_on_earlier_properties() -> None:
    lines = [f'    - {{id: r{i}, when: "x{i} >= 5", add: 5}}' for i in range(6)]
    rs = load_text(
        "ruleset: t\nattributes:\n"
        + "".join(f"  x{i}: {{type: int, range: [0, 9]}}\n" for i in range(6))
        + "score:\n  base: 0\n  rules:\n"
        + "\n".join(lines)
        + "\n",
        "t.yaml",
    )
    low = P.Property("low", P.Always(E.Compare(("<",), (E.Var("score"), E.IntLit(5))), ""))
    other = P.Property("other", P.Always(E.Compare(("<",), (E.Var("score"), E.IntLit(25))), ""))
    with SAMPLE_ALL:
        alone = Checker(rs, LIMITS).check(low)
        checker = Checker(rs, LIMITS)
        checker.check(other)
        after = checker.check(low)
    assert alone.counterexample is not None and after.counterexample is not None
    assert alone.counterexample.citizens == after.counterexample.citizens


def test_a_user_rule_named_like_a_folded_one_turns_folding_off() -> None:
    rs = load_text(
        "ruleset: t\nattributes:\n  x: {type: int, range: [0, 9]}\n  b: {type: bool}\n"
        "score:\n  base: 0\n  rules:\n"
        '    - {id: "score~rest", when: "x >= 5", add: 5}\n'
        '    - {id: r, when: "b", add: 1}\n',
        "t.yaml",
    )
    assert reduce_for(rs, frozenset({"b"})) is None
    result = Checker(rs, LIMITS).check(
        P.Property("p", P.Independent(P.Selector("names", names=("x",)), None))
    )
    assert result.status == "violated"
