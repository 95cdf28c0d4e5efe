"""Messages that must say the right thing: no `None` score or tier for rulesets without them,
the right monotone direction suggested, a definition cycle at its real position."""

from __future__ import annotations

import pytest

import ruleproof
from ruleproof import RulesetError
from ruleproof.api import Ruleset
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text

NO_SCORE = """\
ruleset: nos
attributes:
  x: {type: int, range: [0, 10]}
  p: {type: bool, protected: true}
sanctions:
  ban: {when: "x > 3 or p"}
"""
NO_TIERS = """\
ruleset: not
attributes:
  x: {type: int, range: [0, 10]}
score:
  base: 5
  rules:
    - {id: r, when: "x > 3", add: 1}
"""
TIERS_ONLY = """\
ruleset: tonly
attributes:
  x: {type: int, range: [0, 10]}
tiers:
  - {id: low, when: "x < 5"}
"""


@pytest.mark.parametrize(
    ("spec", "query", "expected"),
    [
        (NO_SCORE, "x < 3", "citizen a gets sanctions []"),
        (NO_SCORE, "not ban", "citizen a gets sanctions ['ban']"),
        (NO_TIERS, "score < 6", "citizen a gets score 6"),
        (TIERS_ONLY, "tier == 'low'", "citizen a gets no tier"),
    ],
)
def test_no_none_for_missing_score_or_tiers(spec: str, query: str, expected: str) -> None:
    rs = Ruleset.of(load_text(spec, "x.yaml"))
    r = rs.check(query)
    assert r.status == "violated"
    assert r.message == expected
    assert "None" not in str(r)


def test_json_message_has_no_none() -> None:
    from ruleproof.reporting.files import result_json

    rs = Ruleset.of(load_text(NO_SCORE, "x.yaml"))
    doc = result_json(rs, rs.check("x < 3"))
    assert "None" not in doc["message"]


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("decreasing", "nonincreasing"),
        ("descending", "nonincreasing"),
        ("non-increasing", "nonincreasing"),
        ("increasing", "nondecreasing"),
        ("ascending", "nondecreasing"),
        ("nondecresing", "nondecreasing"),
        ("nonincresing", "nonincreasing"),
    ],
)
def test_direction_suggestion_keeps_the_meaning(given: str, suggested: str) -> None:
    rs = load_text(NO_TIERS, "x.yaml")
    text = f"properties:\n  - id: m\n    monotone: {{in: x, output: score, direction: {given}}}\n"
    with pytest.raises(RulesetError) as info:
        load_properties_text(text, "p.yaml", rs)
    (d,) = info.value.diagnostics
    assert d.code == "RP506"
    assert f"`{suggested}`" in d.fix
    other = {"nonincreasing": "nondecreasing", "nondecreasing": "nonincreasing"}[suggested]
    assert other not in d.fix


CYCLE = """\
ruleset: cyc
attributes:
  x: {type: int, range: [0, 10]}
score:
  base: 0
  rules:
    - {id: r1, when: "x > 1", add: 1}
tiers:
  - {id: A, when: "x > 5"}
  - {id: B, when: "ban"}
  - {id: C, when: "True"}
sanctions:
  ban:
    when: "tier == 'C'"
"""


def test_cycle_through_tier_and_sanction_has_its_position() -> None:
    with pytest.raises(RulesetError) as info:
        load_text(CYCLE, "cyc.yaml")
    (d,) = [d for d in info.value.diagnostics if d.code == "RP205"]
    assert (d.span.line, d.span.col) != (1, 1)
    # the reference that closes the cycle: `ban` in tier B's `when`, or `tier` in ban's
    assert (d.span.line, d.span.col) in {(10, 20), (14, 12)}, d.span


def test_cycle_through_the_score_has_its_position() -> None:
    text = CYCLE.replace("add: 1}", 'add: 1}\n    - {id: r2, when: "ban", add: 2}').replace(
        "tier == 'C'", "score > 2"
    )
    with pytest.raises(RulesetError) as info:
        load_text(text, "cyc.yaml")
    (d,) = [d for d in info.value.diagnostics if d.code == "RP205"]
    assert d.span.line in (8, 15), d.span


def test_api_load_error_mentions_every_problem() -> None:
    with pytest.raises(RulesetError) as info:
        ruleproof.load("no/such/spec.yaml")
    assert "RP006" in str(info.value)
