"""German Credit through `impact`: the numbers of docs/german-credit-results.md.

Flips of the approve/decline decision when only sex, age, foreign worker, or all three change
(62 / 151 / 164 / 346 with the protected attributes; 0 without them), and the approval rates by
sex of the variant without them (female 68.4 %, male 71.0 %): independence is not parity.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from ruleproof.language.load_ruleset import load
from ruleproof.population.engines import DuckDBEngine, Engine
from ruleproof.population.impact import Options, analyse

REPO = Path(__file__).resolve().parent.parent
SPECS = ("sex", "age", "foreign_worker", "sex,age,foreign_worker")


def german_csv(tmp: Path) -> Path:
    """The 1,000 applicants as a CSV of ruleset attributes (the script's own mapping)."""
    spec = importlib.util.spec_from_file_location(
        "german_scorecard", REPO / "scripts" / "german_scorecard.py"
    )
    assert spec is not None and spec.loader is not None
    gs = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gs
    spec.loader.exec_module(gs)
    path = tmp / "german.csv"
    gs.write_citizens_csv(gs.load_data(REPO / "data" / "german"), path)
    return path


def german_report(engine: Engine, data: Path, variant: str) -> dict[str, Any]:
    rs = load(REPO / "spec" / f"german-credit-{variant}.yaml")
    return analyse(rs, str(data), engine, Options(by=("sex",), counterfactual=SPECS, examples=1))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return german_csv(tmp_path_factory.mktemp("german"))


@pytest.mark.parametrize(
    ("variant", "flips"),
    [
        ("with-protected", (62, 151, 164, 346)),
        ("without-protected", (0, 0, 0, 0)),
        ("compensated", (0, 60, 0, 60)),
    ],
)
def test_decision_flips(data: Path, variant: str, flips: tuple[int, ...]) -> None:
    doc = german_report(DuckDBEngine(threads=1), data, variant)
    assert doc["rows"] == 1000 and doc["invalid_rows"]["count"] == 0
    assert tuple(doc["counterfactual"][s]["tier"] for s in SPECS) == flips
    assert tuple(doc["counterfactual"][s]["sanctions"] for s in SPECS) == flips


def test_independence_is_not_parity(data: Path) -> None:
    doc = german_report(DuckDBEngine(threads=1), data, "without-protected")
    by_sex = {e["value"]: e for e in doc["groups"]["sex"]}
    assert (by_sex["female"]["n"], by_sex["female"]["favourable"]) == (310, 212)  # 68.4 %
    assert (by_sex["male"]["n"], by_sex["male"]["favourable"]) == (690, 490)  # 71.0 %
    assert by_sex["female"]["di_ratio"] == round(212 / 310 / (490 / 690), 6)
    assert by_sex["female"]["four_fifths_ok"] is True
    assert all(doc["counterfactual"][s]["any"] == 0 for s in SPECS)


def test_csv_has_every_attribute(data: Path) -> None:
    rs = load(REPO / "spec" / "german-credit-with-protected.yaml")
    with data.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [a.name for a in rs.attributes]
