"""Rendering: compact counterexample tables, reasons for proofs, terminal and HTML output."""

from __future__ import annotations

import pytest
from rich.console import Console

import ruleproof
from conftest import GOLDEN
from ruleproof.verdicts.display import because_text, citizens_table, plain_text

SMALL = ruleproof.load(GOLDEN / "check" / "small.yaml")


def test_pair_table_hides_baseline_rows_and_marks_differences() -> None:
    r = SMALL.check("independent: {of: associations}")
    assert r.counterexample is not None
    text = str(r)
    assert "friends_listed │ 0 │ 3 │ ≠" in text or "friends_listed │ 3 │ 0 │ ≠" in text
    assert "(4 attributes at the baseline value not shown)" in text
    assert "rules that made the difference" in text and "rule friends" in text
    table, hidden = citizens_table(r.counterexample, show_all=True)
    assert (table.row_count, hidden) == (5, 0)


def test_one_citizen_shows_rules_fired_and_sanctions_why() -> None:
    text = str(SMALL.check("implies(listed, tier == 'A')"))
    assert "rules that fired" in text and "rule unpaid │ -100" in text
    assert "flight_ban │ yes" in text


def test_proof_says_why() -> None:
    r = SMALL.check("independent: {of: characteristics}")
    assert r.status == "proved"
    assert "holds because of rule faith, rule faith-back" in str(r)


@pytest.mark.parametrize(
    ("labels", "text"),
    [
        ((), ""),
        (("rule late",), "holds because of rule late"),
        (
            ("rule late", "score range (clamp)", "assume #2 (x)"),
            "holds because of rule late, score range (clamp) and assume #2 (x)",
        ),
    ],
)
def test_because_text(labels: tuple[str, ...], text: str) -> None:
    assert because_text(labels) == text


def test_rich_and_html() -> None:
    r = SMALL.check("independent: {of: associations}")
    console = Console(record=True, width=100, color_system="truecolor", force_terminal=True)
    console.print(r)
    assert "violated" in console.export_text()
    html = r._repr_html_()
    assert "<table" in html and "<pre" not in html and "friends_listed" in html
    assert r.counterexample is not None and "friends_listed" in r.counterexample._repr_html_()
    assert plain_text(r) == str(r)


def test_bad_query_raises_ruleset_error() -> None:
    with pytest.raises(ruleproof.RulesetError):
        SMALL.check("forall a, b: a.debtt == 1")
