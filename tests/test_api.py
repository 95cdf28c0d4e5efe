"""The Python API for people at a prompt or in a notebook: `ruleproof.load` and the methods of
`Ruleset` (evaluate, explain, recourse, check, exists), its errors and its reprs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import ruleproof
from ruleproof import RulesetError

CLI = Path(__file__).parent / "golden" / "cli"
SMALL = ruleproof.load(CLI / "small.yaml")
GOOD: dict[str, Any] = {
    "debt": 600,
    "evades": True,
    "religion": "muslim",
    "weight": Fraction(1, 3),
    "days_listed": 10,
}


def _codes(citizen: dict[str, Any]) -> list[str]:
    with pytest.raises(RulesetError) as info:
        SMALL.evaluate(citizen)
    return sorted(d.code for d in info.value.diagnostics)


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({"debt": None}, ["RP401"]),  # None: the key is left out
        ({"debt": "30"}, ["RP403"]),
        ({"evades": 1}, ["RP403"]),
        ({"debt": 30.0}, ["RP403"]),
        ({"debt": True}, ["RP403"]),
        ({"debt": 1001}, ["RP404"]),
        ({"debt": -1}, ["RP404"]),
        ({"religion": "jedi"}, ["RP404"]),
        ({"religion": 3}, ["RP403"]),
        ({"weight": Fraction(3, 2)}, ["RP404"]),
        ({"weight": "x"}, ["RP403"]),
        ({"weight": float("nan")}, ["RP403"]),
        ({"debt": 0, "days_listed": 5}, ["RP405"]),  # assume: days_listed == 0 or debt > 0
        ({"age": 200}, ["RP402"]),
        ({"debt": None, "dept": 3}, ["RP401", "RP402"]),
    ],
)
def test_evaluate_validates_like_explain(change: dict[str, Any], codes: list[str]) -> None:
    citizen = {**GOOD, **change}
    citizen = {k: v for k, v in citizen.items() if v is not None}
    assert _codes(citizen) == codes
    with pytest.raises(RulesetError):
        ruleproof.evaluate(SMALL, citizen)


def test_evaluate_rejects_an_empty_citizen_with_every_missing_attribute() -> None:
    with pytest.raises(RulesetError) as info:
        SMALL.evaluate({})
    assert [d.code for d in info.value.diagnostics] == ["RP401"] * 5
    assert "`debt` is missing" in str(info.value)


def test_evaluate_rejects_what_is_not_a_mapping() -> None:
    with pytest.raises(RulesetError) as info:
        SMALL.evaluate([("debt", 1)])  # type: ignore[arg-type]
    assert [d.code for d in info.value.diagnostics] == ["RP406"]


def test_did_you_mean_is_in_the_message() -> None:
    with pytest.raises(RulesetError) as info:
        SMALL.evaluate({**GOOD, "dept": 3})
    assert "did you mean `debt`?" in str(info.value)


@pytest.mark.parametrize("weight", [Fraction(1, 4), Decimal("0.25"), "1/4", "0.25", 0.25])
def test_real_values_from_python(weight: object) -> None:
    out = SMALL.evaluate({**GOOD, "weight": weight})
    assert out.defines["weighted"] == Fraction(1, 8) + 600


def test_valid_citizens_evaluate_as_before() -> None:
    from ruleproof.semantics.evaluate import evaluate as reference

    assert SMALL.evaluate(GOOD) == reference(SMALL, GOOD)
    assert SMALL.evaluate(GOOD).score == 0


def test_explain_is_what_the_command_shows() -> None:
    import json

    from ruleproof.commands.cli import main

    citizen = json.loads((CLI / "citizen.json").read_text(encoding="utf-8"))
    ex = SMALL.explain(citizen)
    assert ex.outcome == SMALL.evaluate(citizen)
    golden = json.loads((CLI / "explain.json").read_text(encoding="utf-8"))
    doc = ex.to_json(golden["file"], golden["citizen_file"])
    assert doc == golden
    import io

    out = io.StringIO()
    main(["explain", str(CLI / "small.yaml"), str(CLI / "citizen.json")], out, io.StringIO())
    assert "what this person can do" in str(ex)
    assert repr(ex).startswith("Explanation(score ")
    assert ex.recourse is not None and ex.recourse.found


def test_recourse_least_path_and_targets() -> None:
    who = {**GOOD, "days_listed": 20}  # too late to ask for a correction
    r = SMALL.recourse(who)
    assert r.found and r.steps is not None
    assert [s.action for s in r.steps] == ["pay_debt"]
    assert r.steps[-1].sanctions == ()
    assert repr(r) == "Recourse(pay_debt() → not sanctioned)"
    assert "pay_debt" in str(r)
    # the person's own actions and time only; a target other than lifting every sanction
    r2 = SMALL.recourse(GOOD, "tier == 'A'", by=["citizen"])
    assert r2.found and r2.steps is not None
    final = dict(GOOD)
    for s in r2.steps:
        final.update(s.changes)
    assert SMALL.evaluate(final).tier == "A"
    # nothing to do when the target holds
    free = {**GOOD, "debt": 0, "evades": False, "days_listed": 0}
    assert SMALL.recourse(free).steps == ()
    # no path with only `wait`
    none = SMALL.recourse(who, actions=["wait"], within=2)
    assert none.steps is None and "no path of at most 2 actions" in none.note
    with pytest.raises(RulesetError):
        SMALL.recourse(who, "tier == 'Z'")
    with pytest.raises(RulesetError):
        SMALL.recourse({**who, "debt": "x"})
    with pytest.raises(ValueError, match="unknown action"):
        SMALL.recourse(who, actions=["fly"])


def test_exists_finds_a_checked_minimal_witness() -> None:
    r = SMALL.exists("tier == 'B' and not evades")
    assert r.status == "proved"
    (a,) = r.witnesses.values()
    out = SMALL.evaluate(a)
    assert out.tier == "B" and not a["evades"]
    assert a["debt"] == 500  # the least debt that gives tier B without evading
    assert "who: one example each" in str(r) and "debt=500" in str(r)
    none = SMALL.exists("score > 150")
    assert none.status == "violated" and "no possible citizens" in none.message


def test_exists_over_two_citizens_and_in_check() -> None:
    r = SMALL.check("exists a, b: a.religion != b.religion and a.tier != b.tier")
    assert r.status == "proved"
    a, b = r.witnesses["a"], r.witnesses["b"]
    assert a["religion"] != b["religion"]
    assert SMALL.evaluate(a).tier != SMALL.evaluate(b).tier
    assert SMALL.exists("exists a, b: a.score > b.score + 150").status == "violated"
    with pytest.raises(RulesetError) as info:
        SMALL.check("exists a: a.debt > 0 => a.evades")
    assert "RP516" in str(info.value)


def test_exists_in_a_property_file() -> None:
    from ruleproof.commands.run_suite import check_one
    from ruleproof.language.load_suite import load_properties_text
    from ruleproof.proving.checker import Checker

    text = """\
properties:
  - id: someone-in-b
    exists: [a]
    assert: "a.tier == 'B'"
  - id: equal-debt-different-tier
    exists: [a, b]
    assume: "a.debt == b.debt"
    assert: "a.tier != b.tier"
  - id: impossible
    exists: [a]
    assert: "a.debt > 1000"
    expect: violated
"""
    props = load_properties_text(text, "p.yaml", SMALL)
    results = [check_one(Checker(SMALL), p) for p in props]
    assert [r.status for r in results] == ["proved", "proved", "violated"]
    assert results[1].witnesses["a"]["debt"] == results[1].witnesses["b"]["debt"]


def test_reachable_results_say_who() -> None:
    import json

    from ruleproof.reporting.files import result_json

    r = SMALL.check("reachable: tiers")
    assert r.status == "proved" and set(r.witnesses) == {"tier A", "tier B"}
    assert "who: one example each" in str(r)
    doc = result_json(SMALL, r)
    assert set(doc["witnesses"]) == {"tier A", "tier B"}
    assert json.dumps(doc["witnesses"]["tier B"])


def test_concise_reprs() -> None:
    assert repr(SMALL) == (
        f"<Ruleset small from {CLI / 'small.yaml'}: 5 attributes, 2 score rules, 2 tiers, "
        "1 sanction, 3 actions>"
    )
    out = SMALL.evaluate(GOOD)
    assert repr(out) == "Outcome(score=0, tier=None, sanctions=('flight_ban',))"
    assert "rule unpaid: -60" in str(out)


def test_every_public_function_has_a_docstring() -> None:
    import inspect

    import ruleproof.api as api

    for name in ruleproof.__all__:
        obj = getattr(ruleproof, name)
        assert inspect.getdoc(obj), name
    for name, member in inspect.getmembers(api.Ruleset):
        if name.startswith("_") or not callable(member):
            continue
        assert inspect.getdoc(member), name
