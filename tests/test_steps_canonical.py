"""A path counterexample's `steps` do not depend on the solver's history: each enabled step
reports the lexicographically least longest path (actions in declaration order, then params at
their least), so the file is byte-identical whatever the order of the properties."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import pytest

from ruleproof.commands.run_suite import load_suite, run_suite
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text
from ruleproof.reporting.files import counterexample_file_json
from ruleproof.semantics.evaluate import step

ROOT = Path(__file__).resolve().parent.parent

SPEC = """\
ruleset: canon
attributes:
  listed: {type: bool}
  fined: {type: bool}
  a: {type: int, range: [0, 3]}
  b: {type: int, range: [0, 3]}
  c: {type: bool}
sanctions:
  ban:
    when: "listed and (a < 3 or c)"
    appeal: [complain]
actions:
  complain: {by: citizen, when: "listed", set: {a: "min(a + 1, 3)"}}
  shuffle: {by: citizen, when: "b < 3", set: {b: "b + 1"}}
  toggle: {by: citizen, when: "True", set: {fined: "not fined"}}
  wait: {by: time, when: "True", set: {b: 0}}
  flip: {by: citizen, when: "not c", set: {c: "True"}}
"""
PROPS = """\
properties:
  - id: leaves
    recourse: {when: "ban", by: [citizen], within: 2, target: "not ban"}
  - id: other-1
    always: "a <= 3"
  - id: appeal
    appeal_path: {within: 1}
  - id: other-2
    reachable: sanctions
"""


def _least_longest(
    ruleset: M.Ruleset,
    citizen: Mapping[str, M.Value],
    first: str,
    allowed: Sequence[str],
    within: int,
) -> list[str] | None:
    """The lexicographically least path of the greatest length ≤ within starting with `first`
    (paramless actions, evaluator only)."""
    acts = {a.name: a for a in ruleset.actions}
    for length in range(within, 0, -1):
        for rest in itertools.product(allowed, repeat=length - 1):
            state: Mapping[str, M.Value] | None = citizen
            for name in (first, *rest):
                assert state is not None
                state, _ = step(ruleset, acts[name], state, {})
                if state is None:
                    break
            if state is not None:
                return [first, *rest]
    return None


def _check_steps(ruleset: M.Ruleset, doc: dict[str, object], allowed: Sequence[str], k: int) -> int:
    cex = doc["counterexample"]
    assert isinstance(cex, dict)
    checked = 0
    for s in cex["steps"]:
        if not s["enabled"]:
            continue
        citizen = cex["citizens"][s["citizen"]]
        want = _least_longest(ruleset, citizen, s["action"], allowed, k)
        assert want is not None
        shown = " → ".join(f"{n}()" for n in want)
        assert f"the longest path tried, {shown}, ends" in s["detail"], (want, s["detail"])
        checked += 1
    return checked


def test_steps_report_the_least_longest_path() -> None:
    rs = load_text(SPEC, "canon.yaml")
    props = load_properties_text(PROPS, "p.yaml", rs)
    from ruleproof.language.suite import Suite

    suite = Suite("canon.yaml", rs, ("p.yaml",), tuple(props))
    results = {r.property.id: r for r in run_suite(suite)}
    leaves = counterexample_file_json(rs, results["leaves"])
    citizen_actions = [a.name for a in rs.actions if a.by == "citizen"]
    assert _check_steps(rs, leaves, citizen_actions, 2) >= 2


@pytest.mark.parametrize("order", ["file", "reversed", "rotated"])
def test_steps_do_not_depend_on_the_order_of_properties(order: str) -> None:
    rs = load_text(SPEC, "canon.yaml")
    props = tuple(load_properties_text(PROPS, "p.yaml", rs))
    from ruleproof.language.suite import Suite

    base = Suite("canon.yaml", rs, ("p.yaml",), props)
    shuffled = {"file": props, "reversed": props[::-1], "rotated": props[2:] + props[:2]}[order]
    want = {
        r.property.id: json.dumps(counterexample_file_json(rs, r))
        for r in run_suite(base)
        if r.counterexample is not None
    }
    got = {
        r.property.id: json.dumps(counterexample_file_json(rs, r))
        for r in run_suite(attrs.evolve(base, properties=shuffled))
        if r.counterexample is not None
    }
    assert got == want


def test_worked_path_counterexample_is_canonical() -> None:
    spec = ROOT / "spec" / "dishonest-debtors-2017.yaml"
    suite = load_suite(str(spec), [str(ROOT / "properties" / spec.name)])
    prop = next(p for p in suite.properties if p.id == "citizen-alone-can-end-a-term-listing")
    (r,) = run_suite(attrs.evolve(suite, properties=(prop,)))
    doc = counterexample_file_json(suite.ruleset, r)
    citizen_actions = [a.name for a in suite.ruleset.actions if a.by == "citizen"]
    assert _check_steps(suite.ruleset, doc, citizen_actions, 3) >= 1
