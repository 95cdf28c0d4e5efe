"""Fast tests of scripts/german_scorecard.py: reproducible export, points table, report counts.

The data ship in ``<repo>/data/german`` (UCI, CC BY 4.0; see its README).
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "german"
SCRIPT = REPO / "scripts" / "german_scorecard.py"
PROTECTED = {"sex", "age", "foreign_worker"}


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("german_scorecard", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gs() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def data(gs: ModuleType) -> Any:
    return gs.load_data(DATA)


@pytest.fixture(scope="module")
def cards(gs: ModuleType, data: Any) -> dict[str, Any]:
    built: dict[str, Any] = gs.build(data)
    return built


@pytest.fixture(scope="module")
def reports(gs: ModuleType, data: Any, cards: dict[str, Any]) -> dict[str, Any]:
    return {v: gs.report_variant(cards[v], data) for v in gs.VARIANTS}


def _names(text: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(str(text), mode="eval")) if isinstance(n, ast.Name)}


def _properties(variant: str) -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load((REPO / "properties" / f"german-credit-{variant}.yaml").read_text())
    return {p["id"]: p for p in doc["properties"]}


def test_export_is_byte_identical_to_committed_files(gs: ModuleType, data: Any) -> None:
    files = gs.export_files(data)
    assert len(files) == 6
    for rel, text in files.items():
        path = REPO / rel
        assert path.is_file(), f"{rel} missing: run python scripts/german_scorecard.py export"
        assert path.read_bytes() == text.encode("utf-8"), (
            f"{rel} is stale: run python scripts/german_scorecard.py export"
        )


def test_results_doc_is_current(gs: ModuleType, data: Any) -> None:
    path = REPO / "docs" / "german-credit-results.md"
    assert path.read_bytes() == gs.report_markdown(data).encode("utf-8"), (
        "docs/german-credit-results.md is stale: run python scripts/german_scorecard.py report"
    )


def test_points_table_is_deterministic(gs: ModuleType, data: Any) -> None:
    first = gs.points_table(data)
    again = gs.points_table(gs.load_data(DATA))
    assert first == again
    assert gs.export_files(data) == gs.export_files(data)
    assert gs.base_points(data) == 512
    points = {b.condition.text(): b.points for bins in first.values() for b in bins}
    assert points["status == 'a14'"] == 34
    assert points["status == 'a11'"] == -23
    assert points["purpose == 'a47'"] == 0  # empty bin: WoE 0 by the smoothing
    assert sum(len(bins) for bins in first.values()) == 77
    for bins in first.values():
        assert sum(b.n for b in bins) == 1000


def test_rounding_is_half_away_from_zero(gs: ModuleType) -> None:
    assert gs.round_half_away(2.4) == 2
    assert gs.round_half_away(-2.6) == -3
    with pytest.raises(ArithmeticError):
        gs.round_half_away(2.5)


def test_without_protected_has_no_rule_reading_a_protected_attribute() -> None:
    doc = yaml.safe_load((REPO / "spec" / "german-credit-without-protected.yaml").read_text())
    declared = {name for name, a in doc["attributes"].items() if a.get("protected")}
    assert declared == PROTECTED
    texts = [str(r.get("when", "True")) for r in doc["score"]["rules"]]
    texts += [str(r["add"]) for r in doc["score"]["rules"]]
    texts += [t["when"] for t in doc["tiers"]]
    texts += [s["when"] for s in doc["sanctions"].values()]
    assert "define" not in doc and "assume" not in doc
    for text in texts:
        assert not _names(text) & PROTECTED, text


def test_with_protected_reads_every_protected_attribute() -> None:
    for variant in ("with-protected", "compensated"):
        doc = yaml.safe_load((REPO / "spec" / f"german-credit-{variant}.yaml").read_text())
        read = set().union(*(_names(r["when"]) for r in doc["score"]["rules"]))
        assert read >= PROTECTED


def test_cutoff_approves_about_70_percent(gs: ModuleType, data: Any, cards: dict[str, Any]) -> None:
    citizens = [data.citizen(i) for i in range(len(data.rows))]
    for card in cards.values():
        scores = [card.score(c) for c in citizens]
        assert sum(s >= card.cutoff for s in scores) >= 700
        assert sum(s >= card.cutoff + 1 for s in scores) < 700
        lo, hi = gs.score_bounds(card)
        assert all(lo <= s <= hi for s in scores)


def test_flip_search_agrees_with_brute_force(
    gs: ModuleType, data: Any, cards: dict[str, Any]
) -> None:
    for card in cards.values():
        for i in range(0, 1000, 50):
            citizen = data.citizen(i)
            before = gs.evaluate(card, citizen).tier
            for _, attrs in gs.FLIP_SETS:
                domains = [gs.FEATURE[a].domain_values() for a in attrs]
                brute = any(
                    gs.evaluate(card, {**citizen, **dict(zip(attrs, combo, strict=True))}).tier
                    != before
                    for combo in itertools.product(*domains)
                )
                alt = gs.flipping_alternative(card, citizen, attrs)
                assert (alt is not None) == brute, (card.variant, i, attrs)
                if alt is not None:
                    assert gs.evaluate(card, {**citizen, **alt}).tier != before


def test_report_counts_are_consistent(reports: dict[str, Any]) -> None:
    for variant, report in reports.items():
        flips = dict(report.flips)
        assert flips["joint"] >= max(flips["sex"], flips["age"], flips["foreign_worker"])
        assert flips["joint"] <= 1000
        sizes = {label: n for label, n, _ in report.groups}
        assert sizes["female"] + sizes["male"] == 1000
        assert sizes["age < 26"] + sizes["age >= 26"] == 1000
        assert sizes["foreign worker"] + sizes["not foreign"] == 1000
        assert sum(a for label, _, a in report.groups if label in ("female", "male")) == (
            report.approved
        ), variant
    assert set(dict(reports["without-protected"].flips).values()) == {0}
    assert all(k > 0 for _, k in reports["with-protected"].flips)
    comp = dict(reports["compensated"].flips)
    assert comp["sex"] == comp["foreign_worker"] == 0
    assert comp["age"] > 0


def test_expected_verdicts_match_the_scorecards(
    gs: ModuleType, cards: dict[str, Any], reports: dict[str, Any]
) -> None:
    ids = {
        "sex": "sex-does-not-matter",
        "age": "age-does-not-matter",
        "foreign_worker": "foreign-worker-does-not-matter",
        "joint": "protected-do-not-matter",
    }
    expected = {
        "with-protected": dict.fromkeys(ids, "violated"),
        "without-protected": dict.fromkeys(ids, "proved"),
        "compensated": {
            "sex": "proved",
            "age": "violated",
            "foreign_worker": "proved",
            "joint": "violated",
        },
    }
    for variant, report in reports.items():
        props = _properties(variant)
        for label, flips in report.flips:
            expect = props[ids[label]]["expect"]
            assert expect == expected[variant][label], (variant, label)
            if flips:  # a real applicant witnesses the violation
                assert expect == "violated", (variant, label)
        card = cards[variant]
        for attr in PROTECTED:
            assert gs.depends_on(card, [attr]) == (expected[variant][attr] == "violated")
        assert props["tiers-cover-everyone"]["expect"] == "proved"
        assert props["longer-loans-never-help"]["monotone"]["in"] == "duration_months"
        assert "credit_amount" not in {p.get("monotone", {}).get("in") for p in props.values()}


def test_ruleproof_api_agrees(gs: ModuleType, data: Any) -> None:
    api = gs._ruleproof_api()
    assert api is not None, "the script must find ruleproof.load"
    assert gs.cross_check(data, REPO, api) > 3000
