"""Synthetic populations: every generated row lies in the typed domain (only an `assume` may
refuse one), generation is deterministic in the seed, range ends are hit, and the protected
attribute is correlated with the others. (That both engines generate the same rows is checked in
the Spark batch, `tests/test_population_spark.py`.)"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load_text
from ruleproof.population.engines import DuckDBEngine
from ruleproof.population.impact import Options, analyse
from ruleproof.population.synthetic import synthetic_sql
from ruleproof.testing import realistic_rulesets, rulesets

ENGINE = DuckDBEngine(threads=1)


@settings(max_examples=25, deadline=None)
@given(st.one_of(rulesets(actions=False), realistic_rulesets(max_rules=10, actions=False)))
def test_synthetic_rows_are_in_the_domain(rs: M.Ruleset) -> None:
    try:
        doc = analyse(rs, "synthetic:400:5", ENGINE, Options(examples=0))
    except Exception as exc:  # a ruleset portable SQL cannot hold is refused, never generated
        assert "RP701" in str(exc)
        return
    assert doc["rows"] + doc["invalid_rows"]["count"] == 400
    for reason in doc["invalid_rows"]["reasons"]:
        assert reason["reason"].startswith("assume #"), reason


SPEC = """
ruleset: s
attributes:
  sex: {type: enum, values: [f, m], protected: true}
  age: {type: int, range: [18, 90]}
  w: {type: real, range: ["0.5", "2.25"]}
  big: {type: int, range: [-100000000000000000000, 100000000000000000000]}
"""


def _rows(seed: int, n: int = 4000) -> list[tuple[Any, ...]]:
    rs = load_text(SPEC, "s.yaml")
    sql = synthetic_sql(rs, n, ENGINE, seed=seed, scales={"w": 3})
    return ENGINE.rows(f"SELECT * FROM ({sql}) AS s_")


def test_generation_is_deterministic_and_reaches_the_range_ends() -> None:
    rows = _rows(1)
    assert rows == _rows(1) and rows != _rows(2)
    ages = [r[1] for r in rows]
    assert min(ages) == 18 and max(ages) == 90
    assert {r[2] for r in rows} >= {0.5, 2.25} or {str(r[2]) for r in rows} >= {"0.5", "2.25"}
    bigs = [r[3] for r in rows]
    assert min(bigs) == -(10**20) and max(bigs) == 10**20
    mean = {s: sum(r[1] for r in rows if r[0] == s) / sum(r[0] == s for r in rows) for s in "fm"}
    assert abs(mean["f"] - mean["m"]) > 3  # age leans on the protected attribute
