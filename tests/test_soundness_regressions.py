"""Regressions of false proofs and missed differences, each from a report (issue 12).

A sentinel `1 << 62` stood for "unbounded" in the summed-rule intervals: rules on values beyond
it dropped out of the step function, so `monotone` was proved and `diff` saw no change where
a citizen at `10**19` shows one. Unbounded ends are `None` now; these pin the two reports and
the same shapes at other magnitudes and signs.
"""

from __future__ import annotations

import pytest

import ruleproof
from ruleproof.language.load_ruleset import load_text
from ruleproof.proving.diff import diff_rulesets
from ruleproof.proving.solving import Limits

PADS = "".join(f'    - {{id: pad{i}, when: "x < 1", add: 0}}\n' for i in range(1, 8))


def _mono(lo: int, hi: int, at: int) -> ruleproof.Ruleset:
    text = (
        f"ruleset: mono\nattributes:\n  x: {{type: int, range: [{lo}, {hi}]}}\n"
        f"score:\n  base: 0\n  rules:\n{PADS}"
        f'    - {{id: big, when: "x >= {at}", add: 1}}\n'
    )
    return ruleproof.Ruleset.of(load_text(text, "mono.yaml"))


@pytest.mark.parametrize(
    ("lo", "hi", "at"),
    [
        (0, 10**20, 10**19),  # the report
        (0, 2**64 + 5, 2**63),
        (-(10**30), 10**30, 10**29),
        (-(10**30), 0, -(2**62) - 1),
        (0, 2**62, 2**62),
    ],
)
def test_monotone_is_violated_beyond_any_magnitude(lo: int, hi: int, at: int) -> None:
    rs = _mono(lo, hi, at)
    r = rs.check("monotone: {in: x, output: score, direction: nonincreasing}")
    assert r.status == "violated"
    assert r.counterexample is not None
    assert r.counterexample.citizens["b"]["x"] == at
    forall = rs.check("forall a, b: a.x <= b.x => a.score >= b.score")
    assert forall.status == "violated"


@pytest.mark.parametrize("at", [-(2**62) - 1, -(2**64), -(10**25)])
def test_summed_rules_below_minus_two_to_the_62_count(at: int) -> None:
    # Eight rules on one attribute become one step function: a rule firing only below the old
    # sentinel -2**62 must stay in it.
    rules = "".join(f'    - {{id: p{i}, when: "x < {at - i}", add: 0}}\n' for i in range(7))
    text = (
        f"ruleset: neg\nattributes:\n  x: {{type: int, range: [{-(10**30)}, 0]}}\n"
        f"score:\n  base: 0\n  rules:\n{rules}"
        f'    - {{id: low, when: "x < {at}", add: 1}}\n'
    )
    rs = ruleproof.Ruleset.of(load_text(text, "neg.yaml"))
    r = rs.check("monotone: {in: x, output: score, direction: nondecreasing}")
    assert r.status == "violated"
    assert r.counterexample is not None
    x = r.counterexample.citizens["a"]["x"]
    assert isinstance(x, int) and x < at


def _wealth(threshold: int) -> str:
    return (
        "ruleset: d\nattributes:\n  wealth: {type: int, range: [0, 100000000000000000000]}\n"
        "score:\n  base: 100\n  rules:\n"
        '    - {id: rich, when: "wealth >= 10000000000000000000", add: -5}\n'
        f'tiers:\n  - {{id: low, when: "score <= {threshold}"}}\n  - {{id: high, when: "True"}}\n'
    )


def test_diff_shows_the_citizen_past_the_old_sentinel() -> None:
    old, new = load_text(_wealth(95), "old.yaml"), load_text(_wealth(94), "new.yaml")
    result = diff_rulesets(old, new, "old.yaml", "new.yaml", limits=Limits(timeout=20))
    assert not result.equivalent
    (d,) = [d for d in result.differences if d.output == "tier"]
    assert d.citizen["wealth"] == 10**19
    assert (d.old_value, d.new_value) == ("low", "high")
