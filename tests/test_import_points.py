"""Points tables in optbinning, scorecardpy and toad shapes import to rulesets that score every
citizen as the table says (a reference scorer written from the tables by hand); malformed
tables are refused with a position and a code."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import pytest

from ruleproof.errors import RulesetError
from ruleproof.importers import import_file
from ruleproof.importers.features import read_features
from ruleproof.importers.points import read_points, table_groups
from ruleproof.language.load_ruleset import load_text
from ruleproof.semantics.evaluate import evaluate

DATA = Path(__file__).parent / "data" / "points"
FEATURES = str(DATA / "features.yaml")
SHAPES = ["optbinning.csv", "scorecardpy.json", "toad.json"]


def expected(c: dict[str, object], shape: str) -> Fraction:
    """The table's score, written from the tables by hand."""
    duration, rate = c["duration"], c["rate"]
    assert isinstance(duration, int) and isinstance(rate, Fraction)
    score = Fraction(600)
    score += Fraction(51, 2) if duration < 12.5 else 10 if duration < 24.5 else -12
    if c["status_unknown"]:
        score += 30 if shape == "scorecardpy.json" else Fraction(5, 4)
    else:
        score += {"A11": -20, "A12": -20, "A13": 5, "A14": 30}[str(c["status"])]
    score += -3 if rate < Fraction(1, 10) else Fraction(1, 2) if rate < Fraction(29, 4) else 4
    score += 8 if c["owner"] else -8
    return score


def citizens() -> list[dict[str, object]]:
    rates = [
        Fraction(0),
        Fraction(9, 100),
        Fraction(1, 10),
        Fraction(72499, 10000),
        Fraction(29, 4),
        Fraction(100),
    ]
    out = []
    for d, s, u, r, o in itertools.product(
        [4, 12, 13, 24, 25, 72],
        ["A11", "A12", "A13", "A14"],
        [False, True],
        rates,
        [False, True],
    ):
        out.append({"duration": d, "status": s, "status_unknown": u, "rate": r, "owner": o})
    return out


@pytest.mark.parametrize("shape", SHAPES)
def test_points_table_scores_as_the_table_says(shape: str) -> None:
    text = import_file("points", str(DATA / shape), FEATURES, threshold=Fraction(620))
    ruleset = load_text(text, "imported.yaml")
    for c in citizens():
        outcome = evaluate(ruleset, c)  # type: ignore[arg-type]
        assert outcome.score == expected(c, shape), c
        assert outcome.tier == ("positive" if expected(c, shape) > 620 else "negative")


def test_bins_become_conditions_on_the_attribute() -> None:
    fmap = read_features((DATA / "features.yaml").read_text(), "features.yaml")
    table = read_points((DATA / "optbinning.csv").read_text(), "optbinning.csv")
    assert table.base == 600
    groups = {g.id: g for g in table_groups(table, fmap, "optbinning.csv")}
    assert [(c.when, c.add) for c in groups["duration"].cases] == [
        ("duration <= 12", Fraction(51, 2)),
        ("13 <= duration <= 24", 10),
        ("duration >= 25", -12),
    ]
    assert [c.when for c in groups["status"].cases] == [
        "not status_unknown and status in ['A11', 'A12']",
        "not status_unknown and status == 'A13'",
        "not status_unknown and status == 'A14'",
        "status_unknown",
    ]
    assert "special values" in groups["status"].doc
    assert [c.when for c in groups["rate"].cases] == [
        "rate < 0.1",
        "0.1 <= rate < 7.25",
        "rate >= 7.25",
    ]
    assert [c.when for c in groups["owner"].cases] == ["owner", "not owner"]


@pytest.mark.parametrize(
    ("table", "code", "where"),
    [
        ('Variable,Bin,Points\nduration,"[1, 2)",x\n', "RP808", ":2:"),
        ('Variable,Bin,Points\nduraton,"[1, 2)",3\n', "RP802", ":2:"),
        ('Variable,Bin,Points\nstatus,"[1, 2)",3\n', "RP803", ":2:"),
        ("Variable,Bin,Points\nstatus,A15,3\n", "RP803", ":2:"),
        ("Variable,Range\nstatus,A11\n", "RP808", ":1:"),
        ("Variable,Bin,Points\nowner,maybe,3\n", "RP808", ":2:"),
        ('{"duration": {"[1 ~ 2)": "many"}}', "RP801", ":1:"),
        ('{"duration": [1, 2', "RP801", ":1:"),
    ],
)
def test_malformed_tables_are_refused_with_a_position(
    tmp_path: Path, table: str, code: str, where: str
) -> None:
    path = tmp_path / ("t.json" if table.startswith("{") else "t.csv")
    path.write_text(table)
    with pytest.raises(RulesetError) as exc:
        import_file("points", str(path), FEATURES)
    d = exc.value.diagnostics[0]
    assert d.code == code, d
    assert where in f":{d.span.line}:", d
