"""The same SQL text on Spark SQL (local[2]): the evaluator's outcomes, and DuckDB's bit for bit.

One Spark session for the whole module (the JVM starts once, and it is the only cost that
matters: each query is small). Marked `spark`; CI runs it (pyspark comes with the test extra,
Java 17 is on the machine). Few but rich cases: realistic scorecards (step functions, `one_of`
groups, real scores, clamps, huge ranges) and small random rulesets with counterfactual flips,
synthetic populations (generated in each engine, compared row by row), and German Credit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from population_support import broken, mismatches, possible, run_rows, scored_rulesets, text
from ruleproof.errors import RulesetError
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load_text
from ruleproof.population.engines import DuckDBEngine, Engine, SparkEngine
from ruleproof.population.inputs import Mapping as ColumnMapping
from ruleproof.population.inputs import scales
from ruleproof.population.synthetic import synthetic_sql
from ruleproof.testing import realistic_rulesets

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    engine = SparkEngine("local[2]")
    yield engine
    engine.spark.stop()


@pytest.fixture(scope="module")
def duck() -> DuckDBEngine:
    return DuckDBEngine(threads=1)


def _rows(data: st.DataObject, rs: M.Ruleset) -> list[dict[str, str]]:
    people = data.draw(st.lists(possible(rs), min_size=1, max_size=10))
    rows = [{k: text(v) for k, v in c.items()} for c in people]
    rows += [data.draw(broken(rs, c)) for c in people[:2]]
    return rows


def _both(
    spark: SparkEngine, duck: DuckDBEngine, rs: M.Ruleset, rows: list[dict[str, str]], cf: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            on_spark = run_rows(spark, rs, rows, Path(tmp), cf)
        except RulesetError as exc:  # RP701 (too wide), RP704 (too many values to try)
            assert {d.code for d in exc.diagnostics} <= {"RP701", "RP704"}
            if "RP701" in {d.code for d in exc.diagnostics}:
                return
            cf = []
            on_spark = run_rows(spark, rs, rows, Path(tmp))
        on_duck = run_rows(duck, rs, rows, Path(tmp), cf)
    assert on_spark == on_duck
    assert mismatches(rs, rows, on_spark) == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_spark_agrees_with_the_evaluator_and_duckdb(
    spark: SparkEngine, duck: DuckDBEngine, data: st.DataObject
) -> None:
    if data.draw(st.booleans()):
        rs = data.draw(realistic_rulesets(max_attributes=8, max_rules=30, actions=False))
    else:
        rs = data.draw(scored_rulesets(max_rules=6, max_depth=3))
    names = [a.name for a in rs.attributes if not isinstance(a.type, M.RealType)]
    _both(spark, duck, rs, _rows(data, rs), names[:1])


WIDE = """
ruleset: wide
attributes:
  group: {type: enum, values: [p, q, o.r-2], protected: true}
  big: {type: int, range: [-100000000000000000000, 100000000000000000000]}
  neg: {type: int, range: [-9000000000000000000, -5]}
  w: {type: real, range: ["-2.5", "1000000.125"]}
  flag: {type: bool}
  n: {type: int, range: [0, 7]}
score:
  base: 1
  rules:
    - {id: r1, when: "big > 0", add: 2}
    - {id: r2, when: "w >= 0.5 and flag", add: -1}
"""


def _synthetic(engine: Engine, rs: M.Ruleset, rows: int) -> list[tuple[object, ...]]:
    sc = scales(rs, ColumnMapping(), "x")
    names = ", ".join(engine.quote(a.name) for a in rs.attributes)
    sql = synthetic_sql(rs, rows, engine, seed=3, scales=sc)
    return sorted(engine.rows(f"SELECT {names} FROM ({sql}) AS s_"), key=repr)


def test_synthetic_rows_are_the_same_on_both_engines(
    spark: SparkEngine, duck: DuckDBEngine
) -> None:
    rs = load_text(WIDE, "wide.yaml")
    assert _synthetic(spark, rs, 3000) == _synthetic(duck, rs, 3000)


def test_german_credit_flips_on_spark(spark: SparkEngine, tmp_path: Path) -> None:
    from test_population_german import german_csv, german_report

    doc = german_report(spark, german_csv(tmp_path), "with-protected", examples=0)
    flips = {k: v["tier"] for k, v in doc["counterfactual"].items()}
    assert flips == {"sex": 62, "age": 151, "foreign_worker": 164, "sex,age,foreign_worker": 346}
