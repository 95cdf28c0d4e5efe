"""The same SQL text on Spark SQL (local[2]): the evaluator's outcomes, and DuckDB's bit for bit.

One Spark session for the whole module (the JVM starts once). Marked `spark`; CI runs it (pyspark
comes with the test extra, Java 17 is on the machine).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from population_support import broken, mismatches, possible, run_rows, text
from ruleproof.language import ruleset as M
from ruleproof.population.engines import DuckDBEngine, SparkEngine
from ruleproof.testing import rulesets

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


@settings(max_examples=15)
@given(st.data())
def test_spark_agrees_with_the_evaluator_and_duckdb(
    spark: SparkEngine, duck: DuckDBEngine, data: st.DataObject
) -> None:
    rs = data.draw(rulesets(max_rules=6, max_depth=3, actions=False))
    rows = _rows(data, rs)
    names = [a.name for a in rs.attributes if not isinstance(a.type, M.RealType)]
    specs = [names[0]] if names else []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            on_spark = run_rows(spark, rs, rows, Path(tmp), specs)
        except Exception as exc:  # RP704 (too many values to try) is allowed, nothing else
            assert "RP704" in str(exc)
            specs = []
            on_spark = run_rows(spark, rs, rows, Path(tmp))
        on_duck = run_rows(duck, rs, rows, Path(tmp), specs)
    assert on_spark == on_duck
    assert mismatches(rs, rows, on_spark) == []


def test_german_credit_flips_on_spark(spark: SparkEngine, tmp_path: Path) -> None:
    from test_population_german import german_csv, german_report

    doc = german_report(spark, german_csv(tmp_path), "with-protected")
    flips = {k: v["tier"] for k, v in doc["counterfactual"].items()}
    assert flips == {"sex": 62, "age": 151, "foreign_worker": 164, "sex,age,foreign_worker": 346}
