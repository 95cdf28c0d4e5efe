"""The sanction → appeal graph against the ruleset and the evaluator.

Appeal edges are exactly the ruleset's `appeal:` lists. Every action that, applied by the
evaluator's `step`, changes whether a sanction is imposed has an edge to it (so the graph leaves
out no way out), and a sanction marked "no way out" is never lifted or imposed by any action.
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
from ruleproof.reporting.html.appealgraph import appeal_graph
from ruleproof.semantics.evaluate import evaluate, step
from ruleproof.testing import citizens, rulesets, values

ROOT = Path(__file__).resolve().parent.parent

SPECS = sorted((ROOT / "spec").glob("*.yaml"))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_appeal_edges_are_the_declared_appeals(spec: Path) -> None:
    rs = load(spec)
    graph = appeal_graph(rs)
    appeal = {(e.sanction, e.action) for e in graph.edges if e.kind == "appeal"}
    assert appeal == {(s.name, a) for s in rs.sanctions for a in s.appeal}
    for e in graph.edges:
        action = rs.action(e.action)
        assert action is not None and action.by == e.by


def test_worked_examples() -> None:
    rail = appeal_graph(load(ROOT / "spec/rail-flight-bans-2018.yaml"))
    assert all(s.no_appeal for s in rail.sanctions)
    by = {(e.sanction, e.action): e.kind for e in rail.edges}
    assert by[("rail_ban_until_repaid", "repay_arrears")] == "may-end"
    sesame = appeal_graph(load(ROOT / "spec/sesame-credit.yaml"))
    assert [s.way_out for s in sesame.sanctions] == ["none"] * 3  # no actions at all
    debt = appeal_graph(load(ROOT / "spec/dishonest-debtors-2017.yaml"))
    (listed,) = debt.sanctions
    assert listed.way_out == "some" and not listed.no_appeal


def _literal(v: M.Value) -> E.Expr:
    if isinstance(v, bool):
        return E.BoolLit(v)
    if isinstance(v, int):
        return E.IntLit(v)
    if isinstance(v, Fraction):
        return E.RealLit(v)
    return E.EnumLit(v)


@st.composite
def with_setters(draw: st.DrawFn) -> M.Ruleset:
    """A random ruleset plus actions that set attributes its sanctions read (and some that set
    others), some of them declared as appeals, so that actions often change a sanction."""
    rs = draw(rulesets())
    names = [a.name for a in rs.attributes]
    extra = []
    for i in range(draw(st.integers(1, 4))):
        attr = rs.attribute(draw(st.sampled_from(names)))
        value = draw(values(attr.type))
        by = draw(st.sampled_from(M.ACTOR_KINDS))
        assign = M.Assignment(attr.name, _literal(value), "")
        extra.append(M.Action(f"x{i}", by, E.BoolLit(True), "True", sets=(assign,)))
    actions = (*rs.actions, *extra)
    sanctions = tuple(
        attrs.evolve(
            s,
            appeal=tuple(
                draw(st.lists(st.sampled_from([a.name for a in actions]), unique=True, max_size=2))
            ),
        )
        for s in rs.sanctions
    )
    return attrs.evolve(rs, actions=actions, sanctions=sanctions)


@given(with_setters(), st.data())
@settings(max_examples=150)
def test_every_action_that_changes_a_sanction_has_an_edge(
    rs: M.Ruleset, data: st.DataObject
) -> None:
    if not rs.sanctions:
        return
    graph = appeal_graph(rs)
    edges = {(e.sanction, e.action) for e in graph.edges}
    stuck = {s.name for s in graph.sanctions if s.way_out == "none"}
    for _ in range(4):
        c = data.draw(citizens(rs))
        before = set(evaluate(rs, c).sanctions)
        for a in rs.actions:
            params = {p.name: data.draw(values(p.type)) for p in a.params}
            new, _ = step(rs, a, c, params)
            if new is None:
                continue
            after = set(evaluate(rs, new).sanctions)
            for s in before ^ after:
                assert s not in stuck, (s, a.name)
                assert (s, a.name) in edges, (s, a.name)
