"""The compiled SQL on DuckDB agrees with the reference evaluator, row by row.

Random rulesets (`ruleproof.testing.rulesets`) and random populations: possible citizens leaning on
every threshold, clamp end and range end (negative values at `//` and `%` included), the same
rulesets with int ranges stretched to huge and negative values, and impossible rows (out of range,
malformed, too many decimal places, a false `assume`) that must be refused, never scored.
Counterfactual flips through representative values agree with brute force over every value.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from population_support import broken, mismatches, possible, run_rows, text, widen
from ruleproof.errors import RulesetError
from ruleproof.language import ruleset as M
from ruleproof.population.engines import DuckDBEngine
from ruleproof.testing import rulesets


@pytest.fixture(scope="module")
def engine() -> DuckDBEngine:
    return DuckDBEngine(threads=1)


def _rows(data: st.DataObject, rs: M.Ruleset, n: int) -> list[dict[str, str]]:
    people = data.draw(st.lists(possible(rs), min_size=1, max_size=n))
    rows = [{k: text(v) for k, v in c.items()} for c in people]
    for c in data.draw(st.lists(st.sampled_from(people), max_size=3)):
        rows.append(data.draw(broken(rs, c)))
    return rows


@settings(max_examples=120)
@given(st.data())
def test_sql_agrees_with_the_evaluator(engine: DuckDBEngine, data: st.DataObject) -> None:
    rs = data.draw(rulesets(max_rules=6, max_depth=3, actions=False))
    rows = _rows(data, rs, 12)
    with tempfile.TemporaryDirectory() as tmp:
        got = run_rows(engine, rs, rows, Path(tmp))
    assert mismatches(rs, rows, got) == []


@settings(max_examples=60)
@given(st.data(), st.sampled_from([10**6, 10**12, 10**17, 10**30]))
def test_huge_ranges_agree_or_are_refused(
    engine: DuckDBEngine, data: st.DataObject, factor: int
) -> None:
    rs = widen(data.draw(rulesets(max_rules=4, max_depth=2, actions=False)), factor)
    rows = _rows(data, rs, 8)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            got = run_rows(engine, rs, rows, Path(tmp))
        except RulesetError as exc:
            assert {d.code for d in exc.diagnostics} == {"RP701"}
            return
    assert mismatches(rs, rows, got) == []


def _small(a: M.Attribute) -> bool:
    t = a.type
    if isinstance(t, M.IntType):
        return t.hi - t.lo <= 30
    if isinstance(t, M.RealType):
        return t.hi - t.lo <= 2
    return True


@settings(max_examples=60)
@given(st.data())
def test_counterfactual_flips_agree_with_brute_force(
    engine: DuckDBEngine, data: st.DataObject
) -> None:
    rs = data.draw(rulesets(max_rules=5, max_depth=2, actions=False))
    names = [a.name for a in rs.attributes if _small(a)]
    if not names:
        return
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    specs = [chosen[0]] + ([",".join(chosen)] if len(chosen) > 1 else [])
    people = data.draw(st.lists(possible(rs), min_size=1, max_size=6))
    rows = [{k: text(v) for k, v in c.items()} for c in people]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            got = run_rows(engine, rs, rows, Path(tmp), specs)
        except RulesetError as exc:
            assert {d.code for d in exc.diagnostics} <= {"RP704"}
            return
    assert mismatches(rs, rows, got, specs) == []
