"""Every worked suite in spec/ + properties/ gives its documented verdicts, and the findings
table in docs/findings.md is current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ruleproof.commands.findings import Row, markdown, run_suites, suite_pairs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return run_suites(suite_pairs(Path(".")))
    finally:
        os.chdir(cwd)


def test_every_property_matches_its_expectation(rows: list[Row]) -> None:
    wrong = [
        f"{r.ruleset}/{r.result.property.id}: {r.result.status} "
        f"(expected {r.result.property.expect or 'proved'}): {r.result.message}"
        for r in rows
        if not r.result.matches_expectation
    ]
    assert wrong == []
    assert len({r.ruleset for r in rows}) >= 10


def test_every_expected_finding_has_a_readable_counterexample(rows: list[Row]) -> None:
    for r in rows:
        if r.result.status == "violated":
            assert r.line, f"{r.ruleset}/{r.result.property.id} has no counterexample line"


def test_findings_table_is_current(rows: list[Row]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "findings_report", ROOT / "scripts" / "findings_report.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.HEADER + markdown(rows)
    current = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert current == expected, "docs/findings.md is stale: run python scripts/findings_report.py"
