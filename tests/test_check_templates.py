"""Each one-state property template finds a planted violation and proves a clean ruleset.

Includes cases a syntactic check gets wrong (a protected attribute read by rules that cancel
out must be `proved`), the unsat-core explanation of proofs, minimality of counterexamples, and
honest `unknown`s. A random end-to-end test checks that `proved` is never refuted by sampling.
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text
from ruleproof.language.types import BOOL, INT, EnumT, of_attr_type
from ruleproof.proving.checker import Checker
from ruleproof.proving.solving import Limits
from ruleproof.semantics.evaluate import holds
from ruleproof.testing import citizens, expressions, rulesets
from ruleproof.verdicts.result import Counterexample, Result

BASE = """
ruleset: planted
attributes:
  debt:     {type: int, range: [0, 1000]}
  late:     {type: int, range: [0, 12], domain: finance}
  religion: {type: enum, values: [none, buddhist, muslim], protected: true}
  friends:  {type: int, range: [0, 50], protected: association}
  games:    {type: int, range: [0, 100], domain: consumption}
assume:
  - "late == 0 or debt > 0"
define:
  listed: "debt > 500 and late >= 3"
score:
  base: 600
  range: [300, 900]
  rules:
    - {id: late_payments, when: "late > 0", add: "-10 * late"}
    - {id: listed, when: "listed", add: -100}
    {extra}
tiers:
  - {id: good, when: "score >= 600"}
  - {id: fair, when: "score >= 450"}
  - {id: poor, when: "True"}
sanctions:
  loan_denied: {when: "tier == 'poor'", domain: finance}
  {sanction}
"""


def ruleset(extra: str = "", sanction: str = "") -> M.Ruleset:
    return load_text(BASE.replace("{extra}", extra).replace("{sanction}", sanction), "t.yaml")


def check(rs: M.Ruleset, props: str, timeout: float = 20.0) -> list[Result]:
    ps = load_properties_text(textwrap.dedent(props), "p.yaml", rs)
    checker = Checker(rs, Limits(timeout=timeout))
    return [checker.check(p) for p in ps]


def one(rs: M.Ruleset, kind: str) -> Result:
    return check(rs, f"properties:\n  - id: p\n    {kind}\n")[0]


def cex(r: Result) -> Counterexample:
    """The counterexample of a result that must have one."""
    assert r.counterexample is not None
    return r.counterexample


def test_independent_finds_a_planted_association_and_reports_a_minimal_pair() -> None:
    rs = ruleset('- {id: guilt, when: "friends >= 7", add: -40}')
    r = one(rs, "independent: {of: associations}")
    assert r.status == "violated"
    a, b = cex(r).citizens["a"], cex(r).citizens["b"]
    assert {k for k in a if a[k] != b[k]} == {"friends"}
    # minimal: every other attribute sits at its baseline; the pair straddles the threshold 7
    assert {k: v for k, v in a.items() if k != "friends"} == {
        "debt": 0,
        "late": 0,
        "religion": "none",
        "games": 0,
    }
    assert sorted([a["friends"], b["friends"]]) == [0, 7]


def test_independent_is_proved_when_protected_rules_cancel_out() -> None:
    rs = ruleset(
        "- {id: penalty, when: \"religion == 'muslim'\", add: -30}\n"
        "    - {id: compensation, when: \"religion == 'muslim'\", add: 30}"
    )
    r = one(rs, "independent: {of: protected}")
    assert r.status == "proved"
    assert r.because  # the proof names what it needed


def test_independent_over_a_clean_ruleset_is_proved_with_reasons() -> None:
    r = one(ruleset(), "independent: {of: protected, outputs: [score, tier, sanctions]}")
    assert r.status == "proved"


def test_always_score_bounds_and_the_clamp_in_the_core() -> None:
    rs = ruleset()
    proved = one(rs, 'always: "300 <= score <= 900"')
    assert proved.status == "proved"
    assert "score range (clamp)" in proved.because
    violated = one(rs, 'always: "score >= 400"')
    assert violated.status == "violated"
    score = cex(violated).outcomes["a"].score
    assert score is not None and score < 400


def test_monotone_in_offences() -> None:
    rs = ruleset()
    assert (
        one(rs, "monotone: {in: late, output: score, direction: nonincreasing}").status == "proved"
    )
    bad = ruleset('- {id: odd, when: "late == 5", add: 200}')
    r = one(bad, "monotone: {in: late, output: score, direction: nonincreasing}")
    assert r.status == "violated"
    a, b = cex(r).citizens["a"], cex(r).citizens["b"]
    late_a, late_b = a["late"], b["late"]
    assert isinstance(late_a, int) and isinstance(late_b, int)
    assert late_a <= late_b
    score_a, score_b = cex(r).outcomes["a"].score, cex(r).outcomes["b"].score
    assert score_a is not None and score_b is not None
    assert score_a < score_b


def test_same_context_names_the_sanction_that_reaches_into_another_domain() -> None:
    rs = ruleset(sanction='no_train: {when: "games > 40", domain: transport}')
    r = one(rs, "same_context: {}")
    assert r.status == "violated"
    assert "no_train" in r.message
    assert cex(r).sanction == "no_train"
    clean = ruleset(sanction='no_train: {when: "debt > 900", domain: transport}')
    assert one(clean, "same_context: {}").status == "proved"


def test_tiers_total_finds_the_uncovered_citizen() -> None:
    text = (
        BASE.replace("{extra}", "")
        .replace("{sanction}", "")
        .replace('  - {id: poor, when: "True"}', '  - {id: poor, when: "score < 400"}')
    )
    rs = load_text(text.replace("tier == 'poor'", "tier == 'fair'"), "t.yaml")
    r = one(rs, "tiers_total: {}")
    assert r.status == "violated"
    assert cex(r).outcomes["a"].tier is None
    assert one(ruleset(), "tiers_total: {}").status == "proved"


def test_reachable_lists_what_can_never_happen() -> None:
    rs = ruleset('- {id: dead, when: "late > 0 and debt == 0", add: -5}')
    r = one(rs, "reachable: rules")
    assert r.status == "violated"
    assert "rule dead" in r.message  # `assume` makes it impossible
    assert one(ruleset(), "reachable: tiers").status == "proved"


def test_forall_general_query() -> None:
    rs = ruleset()
    r = one(
        rs,
        'forall: [a, b]\n    assume: "a.debt == b.debt and a.late == b.late"\n'
        '    assert: "a.tier == b.tier"',
    )
    assert r.status == "proved"
    r = one(rs, 'forall: [a, b]\n    assume: "a.debt <= b.debt"\n    assert: "a.score >= b.score"')
    assert r.status == "violated"


def test_nonlinear_unknown_says_why() -> None:
    rs = load_text(
        textwrap.dedent("""
        ruleset: nl
        attributes:
          x: {type: int, range: [0, 100000000]}
          y: {type: int, range: [0, 100000000]}
        define:
          p: "x * y"
        """),
        "nl.yaml",
    )
    ps = load_properties_text(
        'properties:\n  - id: f\n    always: "p != 99999989 * 99999971"\n', "p.yaml", rs
    )
    r = Checker(rs, Limits(timeout=0.5, minimise=False)).check(ps[0])
    assert r.status in ("unknown", "violated")
    if r.status == "unknown":
        assert "non-linear" in r.message


@pytest.mark.parametrize("expect", ["proved", "violated"])
def test_result_matches_expectation(expect: str) -> None:
    rs = ruleset()
    r = check(rs, f'properties:\n  - id: p\n    always: "score >= 400"\n    expect: {expect}\n')[0]
    assert r.matches_expectation == (expect == "violated")


@settings(max_examples=60)
@given(st.data())
def test_proved_is_never_refuted_by_sampled_citizens(data: st.DataObject) -> None:
    rs = data.draw(rulesets(actions=False))
    scope = {a.name: of_attr_type(a.type, a.name) for a in rs.attributes}
    if rs.score is not None:
        scope["score"] = INT
    if rs.tiers:
        scope["tier"] = EnumT(tuple(t.id for t in rs.tiers), "tier")
    for s in rs.sanctions:
        scope[s.name] = BOOL
    phi = data.draw(expressions(scope, BOOL, 2))
    prop = P.Property("random", P.Always(phi, ""))
    result = Checker(rs, Limits(timeout=10)).check(prop)
    assert result.status in ("proved", "violated")
    if result.status == "proved":
        for _ in range(20):
            assert holds(rs, phi, data.draw(citizens(rs)))
