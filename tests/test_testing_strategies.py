"""The Hypothesis strategies themselves: possible citizens only, every node kind covered,
every ruleset feature drawn, and the worked rulesets sampled efficiently."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load, load_text
from ruleproof.language.types import BOOL, INT, REAL, EnumT, Type
from ruleproof.semantics.evaluate import evaluate, in_domain
from ruleproof.testing import citizens, expressions, possible_pool, rulesets

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "spec").glob("*.yaml"))


def nodes(e: E.Expr) -> list[E.Expr]:
    out, stack = [], [e]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(E.children(n))
    return out


def test_expressions_cover_every_node_kind_and_operator() -> None:
    scope: dict[str, Type] = {"b": BOOL, "n": INT, "r": REAL, "e": EnumT(("x", "y"))}
    seen: Counter[str] = Counter()
    strategy = st.sampled_from([BOOL, INT, REAL]).flatmap(lambda t: expressions(scope, t, 4))

    @settings(max_examples=400)
    @given(strategy)
    def collect(e: E.Expr) -> None:
        for n in nodes(e):
            seen[type(n).__name__] += 1
            if isinstance(n, E.Arith):
                seen[n.op] += 1
            if isinstance(n, E.Call):
                seen[n.func] += 1
            if isinstance(n, E.Compare) and len(n.ops) > 1:
                seen["chain"] += 1
            if isinstance(n, E.In) and n.negated:
                seen["not in"] += 1
            if isinstance(n, E.IntLit) and n.value < 0:
                seen["negative"] += 1

    collect()
    kinds = {t.__name__ for t in E.Expr.__args__}
    assert kinds - set(seen) == set()
    for extra in [
        "+",
        "-",
        "*",
        "//",
        "%",
        "min",
        "max",
        "abs",
        "implies",
        "chain",
        "not in",
        "negative",
    ]:
        assert seen[extra] > 0, extra


def test_rulesets_draw_every_feature() -> None:
    seen: Counter[str] = Counter()

    @settings(max_examples=200)
    @given(rulesets())
    def collect(r: M.Ruleset) -> None:
        seen.update(type(a.type).__name__ for a in r.attributes)
        seen["assume"] += bool(r.assumptions)
        seen["define"] += bool(r.defines)
        seen["clamp"] += r.score is not None and r.score.lo is not None
        seen["catch-all"] += any(t.when == E.BoolLit(True) for t in r.tiers)
        seen["tiers-no-catch-all"] += bool(r.tiers) and r.tiers[-1].when != E.BoolLit(True)
        seen["sanction"] += bool(r.sanctions)
        seen["appeal"] += any(s.appeal for s in r.sanctions)
        seen["params"] += any(a.params for a in r.actions)
        seen["sets"] += any(a.sets for a in r.actions)

    collect()
    for f in [
        "BoolType",
        "IntType",
        "RealType",
        "EnumType",
        "assume",
        "define",
        "clamp",
        "catch-all",
        "tiers-no-catch-all",
        "sanction",
        "appeal",
        "params",
        "sets",
    ]:
        assert seen[f] > 0, f


@settings(max_examples=100)
@given(st.data())
def test_generated_citizens_are_possible_and_evaluate(data: st.DataObject) -> None:
    r = data.draw(rulesets())
    c = data.draw(citizens(r))
    assert in_domain(r, c) is None
    out = evaluate(r, c)
    assert out.tier is None or out.tier in [t.id for t in r.tiers]


RARE = load_text(
    """
ruleset: rare
attributes:
  x: {type: int, range: [-1000, 1000]}
  y: {type: int, range: [-1000, 1000]}
  k: {type: enum, values: [a, b, c, d]}
assume:
  - "x == 7 and y == -3"
  - "k == 'c'"
"""
)


@settings(max_examples=50)
@given(citizens(RARE))
def test_rarely_satisfied_assumptions_still_yield_citizens(c: dict[str, M.Value]) -> None:
    assert c == {"x": 7, "y": -3, "k": "c"}


def test_pool_is_empty_for_an_empty_domain() -> None:
    r = load_text(
        'ruleset: empty\nattributes:\n  x: {type: int, range: [0, 3]}\nassume:\n  - "x > 5"\n'
    )
    assert possible_pool(r) == []


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_worked_rulesets_yield_possible_citizens(spec: Path) -> None:
    r = load(spec)

    @settings(max_examples=20)
    @given(citizens(r))
    def check(c: dict[str, M.Value]) -> None:
        assert in_domain(r, c) is None
        evaluate(r, c)

    check()
