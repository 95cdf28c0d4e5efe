"""Score rule groups (`one_of`) and real scores: reading, typing, evaluating, proving.

A group's cases are tried in order and the first whose `when` holds adds its `add` (none: 0);
a decimal base, bound or `add` makes the score real (exact rationals). Every interpreter gets
both from the IR (`ScoreRule.add` is the group's `FirstMatch`); these tests pin the reading and
the trace, and that the evaluator, the compiled evaluator and Z3 agree on worked examples.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import ruleproof
from ruleproof.errors import RulesetError
from ruleproof.language import expr as E
from ruleproof.language.load_ruleset import load_text
from ruleproof.semantics.compiled import compile_ruleset
from ruleproof.semantics.evaluate import evaluate

TREE = """\
ruleset: tree
attributes:
  amount: {type: int, range: [0, 20000]}
  duration: {type: int, range: [1, 72]}
  owner: {type: bool}
score:
  base: "-0.5"
  range: ["-2", "2.25"]
  rules:
    - id: t0
      cites: "model.json, tree 0"
      one_of:
        - {id: t0-l0, when: "amount < 3000 and duration < 12", add: "0.0421875"}
        - {id: t0-l1, when: "amount < 3000", add: -0.125}
        - {id: t0-l2, when: "True", add: "0.25"}
    - id: t1
      one_of:
        - {id: t1-l0, when: "owner", add: 1}
    - {id: plain, when: "duration > 60", add: -3}
tiers:
  - {id: positive, when: "score > 0"}
  - {id: negative, when: "True"}
"""


def _rs() -> ruleproof.Ruleset:
    return ruleproof.Ruleset.of(load_text(TREE, "tree.yaml"))


def test_a_group_reads_as_one_rule_whose_add_is_the_first_match_of_its_cases() -> None:
    rs = _rs()
    assert rs.score is not None and rs.score.real
    assert rs.score.base == Fraction(-1, 2) and rs.score.hi == Fraction(9, 4)
    t0 = rs.score.rules[0]
    assert [c.id for c in t0.cases] == ["t0-l0", "t0-l1", "t0-l2"]
    assert isinstance(t0.add, E.FirstMatch) and len(t0.add.branches) == 3
    assert t0.cases[0].add == E.RealLit(Fraction(27, 640))  # 0.0421875 exactly


@pytest.mark.parametrize(
    ("citizen", "score", "fired", "tier"),
    [
        ({"amount": 0, "duration": 1, "owner": False}, Fraction(-293, 640), ["t0-l0"], "negative"),
        (
            {"amount": 0, "duration": 12, "owner": True},
            Fraction(3, 8),
            ["t0-l1", "t1-l0"],
            "positive",
        ),
        (
            {"amount": 3000, "duration": 61, "owner": False},
            Fraction(-2),
            ["t0-l2", "plain"],
            "negative",
        ),
        (
            {"amount": 9000, "duration": 2, "owner": True},
            Fraction(3, 4),
            ["t0-l2", "t1-l0"],
            "positive",
        ),
    ],
)
def test_the_first_case_fires_and_the_trace_names_it(
    citizen: dict[str, object], score: Fraction, fired: list[str], tier: str
) -> None:
    rs = _rs()
    out = evaluate(rs, citizen)  # type: ignore[arg-type]
    assert isinstance(out.score, Fraction) and out.score == score
    assert [f.id for f in out.trace.rules] == fired
    assert out.tier == tier
    assert compile_ruleset(rs).evaluate(citizen) == out  # type: ignore[arg-type]


def test_a_group_with_no_matching_case_adds_nothing_and_is_not_in_the_trace() -> None:
    out = evaluate(_rs(), {"amount": 0, "duration": 1, "owner": False})
    assert "t1" not in [f.id for f in out.trace.rules] and "t1-l0" not in str(out.trace.lines())


def test_z3_agrees_on_groups_and_real_scores() -> None:
    rs = _rs()
    assert rs.check("always: score >= -2").status == "proved"
    assert rs.check("always: score < 0.75").status == "violated"
    r = rs.check("reachable: rules")
    assert r.status == "proved", r.message
    r = rs.check("monotone: {in: amount, output: score, direction: nonincreasing}")
    assert r.status == "violated" and r.counterexample is not None
    a, b = (r.counterexample.outcomes[t].score for t in "ab")
    assert a is not None and b is not None and a < b


def test_real_scores_print_exactly() -> None:
    out = evaluate(_rs(), {"amount": 0, "duration": 1, "owner": False})
    assert out.trace.lines()[:2] == ["base -0.5", "rule t0-l0: +0.0421875 → -0.4578125"]


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ("    - {id: g, one_of: []}\n", "RP204"),
        ('    - {id: g, one_of: [{id: c, when: "x > 1"}]}\n', "RP210"),
        ('    - {id: g, when: "x > 1", one_of: [{id: c, when: "x > 1", add: 1}]}\n', "RP211"),
        ('    - {id: g, one_of: [{id: c, when: "x", add: 1}]}\n', "RP202"),
        ('    - {id: g, one_of: [{id: g, when: "x > 1", add: 1}]}\n', "RP207"),
    ],
)
def test_malformed_groups_are_refused_with_a_position(rules: str, code: str) -> None:
    text = "ruleset: g\nattributes:\n  x: {type: int, range: [0, 9]}\nscore:\n  rules:\n" + rules
    with pytest.raises(RulesetError) as err:
        load_text(text, "g.yaml")
    assert code in [d.code for d in err.value.diagnostics]
    assert all(d.span.line >= 1 for d in err.value.diagnostics)


def test_a_group_cannot_mean_anything_but_its_cases() -> None:
    import attrs

    rs = _rs()
    assert rs.score is not None
    group = rs.score.rules[0]
    with pytest.raises(ValueError, match="come from its cases"):
        attrs.evolve(group, add=E.IntLit(1))
    with pytest.raises(ValueError, match="come from its cases"):
        attrs.evolve(group, when=E.BoolLit(False))
