"""`appeal_path` and `expires` explain every failing sanction, not only the first: each gets a
stuck citizen who has it and the steps tried for it; replay judges each one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ruleproof.commands.replay import replay
from ruleproof.commands.run_suite import check_one, with_baseline
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text
from ruleproof.proving.checker import Checker
from ruleproof.reporting.files import counterexample_file_json, dumps, read_counterexample_text
from ruleproof.semantics.evaluate import evaluate

SPEC = """\
ruleset: twofold
attributes:
  debt: {type: int, range: [0, 100]}
  fraud: {type: bool}
  contested: {type: bool}
  days: {type: int, range: [0, 50]}
sanctions:
  travel_ban:
    when: "debt > 10 and not contested"
    appeal: [contest]
  benefit_stop:
    when: "fraud"
    appeal: [contest]
  credit_freeze:
    when: "debt > 50"
  watch:
    when: "debt > 0 and days < 1"
    appeal: [ask]
actions:
  contest: {by: citizen, when: "debt < 20", set: {contested: true}}
  ask: {by: citizen, when: "True", set: {days: "days"}}
  pass_time: {by: time, when: "days < 50", set: {days: "days + 1"}}
"""
PROPS = """\
properties:
  - id: appealable
    appeal_path: {within: 2}
  - id: expire
    expires: {within: 3}
"""


def _results(spec: str = SPEC) -> dict[str, object]:
    rs = load_text(spec, "twofold.yaml")
    props = load_properties_text(PROPS, "p.yaml", rs)
    checker = Checker(rs)
    return {p.id: with_baseline(check_one(checker, p), rs) for p in props}


def test_every_failing_sanction_has_its_citizen_and_steps() -> None:
    rs = load_text(SPEC, "twofold.yaml")
    r = _results()["appealable"]
    assert r.status == "violated"  # type: ignore[attr-defined]
    cex = r.counterexample  # type: ignore[attr-defined]
    failing = dict(cex.failing)
    # travel_ban: stuck when debt >= 20; benefit_stop: fraud never contested away;
    # credit_freeze: declares no appeal. watch: asking, then time, lifts it (within 2).
    assert set(failing) == {"travel_ban", "benefit_stop", "credit_freeze"}
    for sanction, tag in failing.items():
        assert tag is not None
        assert sanction in evaluate(rs, cex.citizens[tag]).sanctions
        if sanction != "credit_freeze":  # it declares no appeal: nothing to try
            assert any(s.citizen == tag and s.sanction == sanction for s in cex.steps)
    assert "`credit_freeze` declares no appeal action" in cex.note
    text = str(r)
    for name in failing:
        assert name in text


def test_single_failure_keeps_the_old_file_shape() -> None:
    text = SPEC.replace('    when: "fraud"\n', '    when: "fraud and debt > 200"\n').replace(
        '  credit_freeze:\n    when: "debt > 50"\n', ""
    )
    r = _results(text)["appealable"]
    rs = load_text(text, "twofold.yaml")
    doc = counterexample_file_json(rs, r)  # type: ignore[arg-type]
    assert "failing" not in doc["counterexample"]
    assert all("sanction" not in s for s in doc["counterexample"]["steps"])


def test_replay_judges_each_failing_sanction(tmp_path: Path) -> None:
    rs = load_text(SPEC, "twofold.yaml")
    r = _results()["appealable"]
    text = dumps(counterexample_file_json(rs, r))  # type: ignore[arg-type]
    doc = json.loads(text)
    assert len(doc["counterexample"]["failing"]) == 3
    props = {p.id: p for p in load_properties_text(PROPS, "p.yaml", rs)}
    saved = read_counterexample_text(text, "f.json", rs)
    assert replay(rs, saved, props["appealable"]).verdict == "still violates"
    # fix travel_ban and benefit_stop only: credit_freeze still has no appeal
    fixed = SPEC.replace('when: "debt < 20"', 'when: "True"').replace(
        '    when: "fraud"\n    appeal: [contest]',
        '    when: "fraud and not contested"\n    appeal: [contest]',
    )
    rs2 = load_text(fixed, "twofold.yaml")
    props2 = {p.id: p for p in load_properties_text(PROPS, "p.yaml", rs2)}
    saved2 = read_counterexample_text(text, "f.json", rs2)
    assert replay(rs2, saved2, props2["appealable"]).verdict == "still violates"
    # ... and impose credit_freeze on no one the file saved: nothing is stuck any more
    both = fixed.replace(
        '    when: "debt > 50"\n', '    when: "debt > 100"\n    appeal: [contest]\n'
    )
    rs3 = load_text(both, "twofold.yaml")
    props3 = {p.id: p for p in load_properties_text(PROPS, "p.yaml", rs3)}
    saved3 = read_counterexample_text(text, "f.json", rs3)
    assert replay(rs3, saved3, props3["appealable"]).verdict == "fixed"


@pytest.mark.parametrize("name", ["joint-punishment"])
def test_worked_suite_explains_every_failing_sanction(name: str) -> None:
    root = Path(__file__).resolve().parent.parent
    path = root / "counterexamples" / name / "every-sanction-appealable.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    message = doc["message"]
    named = [m for m in message.split(":")[0].split("`")[1::2]]
    failing = {f["sanction"]: f["citizen"] for f in doc["counterexample"]["failing"]}
    assert list(failing) == named
    steps = doc["counterexample"]["steps"]
    for sanction, tag in failing.items():
        if tag is None:  # never imposed, and declares no appeal
            continue
        assert sanction in doc["counterexample"]["outcomes"][tag]["sanctions"]
        declares = f"`{sanction}` declares no appeal action" in doc["counterexample"]["note"]
        tried = any(s.get("sanction") == sanction and s["citizen"] == tag for s in steps)
        assert declares or tried, sanction
