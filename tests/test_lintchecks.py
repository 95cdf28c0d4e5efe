"""Solver-backed lint warnings RP301–RP306, and that clean rulesets get none."""

from __future__ import annotations

import textwrap

from ruleproof.language.load_ruleset import load_text
from ruleproof.proving.lintchecks import semantic_warnings

SPEC = textwrap.dedent("""
    ruleset: lint
    attributes:
      debt: {type: int, range: [0, 100]}
      late: {type: int, range: [0, 10]}
      days: {type: int, range: [0, 30], changes: time}
    assume:
      - "late == 0 or debt > 0"
    score:
      base: 100
      rules:
        - {id: dead, when: "late > 0 and debt == 0", add: -5}
        - {id: live, when: "late > 3", add: -5}
        - {id: mild, when: "late == 1", add: -2}
    tiers:
      - {id: low, when: "score < 96"}
      - {id: lower, when: "score < 50"}
      - {id: ok, when: "score >= 100"}
    sanctions:
      never: {when: "debt > 100"}
      listed: {when: "late > 3"}
    actions:
      pay: {by: citizen, when: "debt > 0", set: {debt: 0}}
      jump: {by: citizen, when: "debt > 200", set: {debt: 0}}
      wait: {by: time, params: {n: {type: int, range: [1, 30]}}, set: {days: "days + n"}}
    """)


def test_each_warning_is_found_at_its_node() -> None:
    rs = load_text(SPEC, "lint.yaml")
    found = {(d.code, d.span.line) for d in semantic_warnings(rs)}
    assert found == {
        ("RP301", 12),  # dead rule: assume forbids late > 0 with debt == 0
        ("RP302", 17),  # `lower` is shadowed by `low`
        ("RP304", 18),  # score 98 (late == 1) gets no tier
        ("RP303", 20),  # debt never exceeds its range
        ("RP306", 23),  # pay: debt 0 with late > 0 breaks the assume
        ("RP305", 24),  # jump's `when` is never true
        ("RP306", 25),  # wait can leave days' range
    }


def test_a_clean_ruleset_has_no_warnings() -> None:
    clean = (
        SPEC.replace("late > 0 and debt == 0", "late > 5")
        .replace('score < 50"', 'score < 100"')
        .replace('  never: {when: "debt > 100"}\n', "")
        .replace('  jump: {by: citizen, when: "debt > 200", set: {debt: 0}}\n', "")
        .replace('when: "debt > 0", set: {debt: 0}', 'when: "debt > 0", set: {late: 0}')
        .replace('set: {days: "days + n"}', 'set: {days: "min(days + n, 30)"}')
    )
    rs = load_text(clean, "clean.yaml")
    assert [d.code for d in semantic_warnings(rs)] == []
