"""Minimal as a person means it: a counterexample changes as few attributes as it can (between
the citizens of a pair first, then away from the baseline), then takes values nearest the
baseline in declaration order; a real sits just past its boundary with few digits; the same
inputs give the same citizens."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pytest

from ruleproof.api import Ruleset
from ruleproof.language.load_ruleset import load_text

SPEC = """\
ruleset: fewest
attributes:
  p: {type: bool, protected: true, domain: family}
  q: {type: bool, protected: true, domain: family}
  r: {type: bool, protected: true, domain: family}
  s: {type: bool, protected: true, domain: family}
  debt: {type: int, range: [0, 1000], domain: finance}
  rate: {type: real, range: [0, 1], domain: finance}
score:
  base: 0
  rules:
    - {id: one, when: "p", add: 10}
    - {id: three, when: "q and r and s", add: 10}
    - {id: owed, when: "debt > 500", add: -1}
sanctions:
  flagged:
    when: "score >= 10"
    domain: finance
"""


@pytest.fixture(scope="module")
def rs() -> Ruleset:
    return Ruleset.of(load_text(SPEC, "fewest.yaml"))


def _changed(c: Mapping[str, object], base: Mapping[str, object]) -> list[str]:
    return [k for k in c if c[k] != base[k]]


def test_one_citizen_changes_the_fewest_attributes(rs: Ruleset) -> None:
    r = rs.check("score < 10")
    assert r.status == "violated" and r.counterexample is not None
    a = r.counterexample.citizens["a"]
    assert _changed(dict(a), rs.baseline()) == ["p"]


@pytest.mark.parametrize("query", ["independent: {of: protected}", "same_context: {}"])
def test_pair_differs_in_the_fewest_attributes(rs: Ruleset, query: str) -> None:
    r = rs.check(query)
    assert r.status == "violated" and r.counterexample is not None
    cex = r.counterexample
    assert cex.differing() == ["p"], cex.citizens
    for c in cex.citizens.values():
        assert len(_changed(dict(c), rs.baseline())) <= 1


def test_forall_pair_differs_in_the_fewest_attributes(rs: Ruleset) -> None:
    r = rs.check("forall a, b: a.debt == b.debt => a.score == b.score")
    assert r.status == "violated" and r.counterexample is not None
    assert r.counterexample.differing() == ["p"]


def test_exists_witness_is_minimal(rs: Ruleset) -> None:
    r = rs.exists("flagged")
    assert r.status == "proved"
    (a,) = r.witnesses.values()
    assert _changed(dict(a), rs.baseline()) == ["p"]


@pytest.mark.parametrize(
    ("query", "bound"),
    [
        ("3 * rate <= 1", Fraction(1, 3)),
        ("7 * rate <= 2", Fraction(2, 7)),
        ("rate <= 0.25", Fraction(1, 4)),
        ("rate < 0.25", Fraction(1, 4)),
    ],
)
def test_real_witness_sits_near_its_boundary(rs: Ruleset, query: str, bound: Fraction) -> None:
    r = rs.check(query)
    assert r.status == "violated" and r.counterexample is not None
    rate = r.counterexample.citizens["a"]["rate"]
    assert isinstance(rate, Fraction)
    assert bound <= rate <= bound + Fraction(1, 1000), rate
    assert 10**6 % rate.denominator == 0, rate  # a short decimal such as 0.3334
    if query == "rate < 0.25":
        assert rate == Fraction(1, 4)  # attained: exactly the boundary


def test_same_inputs_same_citizens(rs: Ruleset) -> None:
    first = [rs.check(q).counterexample for q in ("score < 10", "3 * rate <= 1")]
    again = [rs.check(q).counterexample for q in ("3 * rate <= 1", "score < 10")][::-1]
    assert [c.citizens for c in first if c] == [c.citizens for c in again if c]


def _large(rules: int = 520) -> str:
    """A ruleset with enough score rules that violations are found by sampling first."""
    lines = [
        "ruleset: large",
        "attributes:",
        *[f"  x{i}: {{type: int, range: [0, 9]}}" for i in range(12)],
        "  flag: {type: bool}",
        "score:",
        "  base: 0",
        "  rules:",
    ]
    for i in range(rules):
        lines.append(f'    - {{id: r{i}, when: "x{i % 12} > {i % 9}", add: {1 + i % 3}}}')
    lines.append('    - {id: flagged, when: "flag", add: 1000}')
    return "\n".join(lines) + "\n"


def test_sampled_pair_differs_in_the_fewest_attributes() -> None:
    from ruleproof.proving import fastpaths

    rs = Ruleset.of(load_text(_large(), "large.yaml"))
    assert len(rs.score.rules) >= fastpaths.SAMPLE_MIN_RULES  # type: ignore[union-attr]
    r = rs.check("forall a, b: a.flag == b.flag => a.score == b.score")
    assert r.status == "violated" and r.counterexample is not None
    assert len(r.counterexample.differing()) == 1, r.counterexample.citizens
