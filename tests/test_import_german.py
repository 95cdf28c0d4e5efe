"""The German Credit model rulesets beyond their suites: two training runs differ (diff), the
real applicants agree with the proofs, and the committed rulesets are what the importer
writes from the committed models and features."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from ruleproof.language.load_ruleset import load
from ruleproof.proving.diff import diff_rulesets
from ruleproof.proving.solving import Limits
from ruleproof.semantics.compiled import compile_ruleset

ROOT = Path(__file__).resolve().parents[1]


def _applicants() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import german_models

    sc = german_models.scorecard()
    data = sc.load_data(sc.DEFAULT_DATA)
    return [data.citizen(i) for i in range(len(data.rows))]


def test_two_training_runs_treat_applicants_differently() -> None:
    old = load(ROOT / "spec/german-credit-xgboost.yaml")
    new = load(ROOT / "spec/german-credit-xgboost-run2.yaml")
    result = diff_rulesets(old, new, limits=Limits(timeout=60))
    assert result.status == "different"
    assert {d.output for d in result.differences} == {"score", "tier"}
    assert result.transitions is not None
    flips = {(t.old, t.new) for t in result.transitions if t.possible}
    assert {("positive", "negative"), ("negative", "positive")} <= flips
    real = _applicants()
    a, b = compile_ruleset(old), compile_ruleset(new)
    changed = sum(a.outputs(c)[1] != b.outputs(c)[1] for c in real)
    assert changed > 0  # the difference reaches real applicants, not only constructed ones


@pytest.mark.parametrize("name", ["gbm", "xgboost", "lightgbm"])
def test_real_applicants_agree_with_the_proofs(name: str) -> None:
    """Foreign-worker status is proved irrelevant: no real applicant's outcome moves with it;
    sex is not: some real applicant's score does."""
    compiled = compile_ruleset(load(ROOT / f"spec/german-credit-{name}.yaml"))
    other = {"a201": "a202", "a202": "a201", "female": "male", "male": "female"}
    moved_by_foreign = moved_by_sex = 0
    for c in _applicants():
        here = compiled.outputs(c)
        moved_by_foreign += (
            compiled.outputs({**c, "foreign_worker": other[c["foreign_worker"]]}) != here
        )
        moved_by_sex += compiled.outputs({**c, "sex": other[c["sex"]]})[0] != here[0]
    assert moved_by_foreign == 0
    assert moved_by_sex > 0
