"""Path properties (`appeal_path`, `expires`, `recourse`), unbounded answers, minimal recourse.

Small hand-written rulesets whose right answers need a path of more than one action, a param at
the edge of its range, an `assume` that rules out the only stuck states, an appeal that can be
filed but never decided, or an argument over paths of any length; then the findings of the
worked specs (each path property of each suite comes out as its `expect:` says).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import load, load_text
from ruleproof.language.load_suite import load_properties, load_properties_text
from ruleproof.proving import transitions
from ruleproof.proving.checker import Checker
from ruleproof.proving.recourse import minimal_recourse
from ruleproof.proving.solving import Limits
from ruleproof.semantics.evaluate import evaluate, step
from ruleproof.verdicts.result import Result

ROOT = Path(__file__).parent.parent
LIMITS = Limits(timeout=20)
PATH_KINDS = ("appeal_path", "expires", "recourse")

APPEAL = """
ruleset: appeal
attributes:
  flagged: {type: bool}
  stage: {type: enum, values: ["none", requested, closed]}
  revoked: {type: bool}
sanctions:
  banned:
    when: "flagged and not revoked"
    appeal: [contest]
actions:
  contest:
    by: citizen
    when: "banned"
    set: {stage: "'requested'"}
  decide:
    by: authority
    when: "stage == 'requested'"
    params: {grant: {type: int, range: [0, 1]}}
    set: {revoked: "grant == 1", stage: "'closed'"}
"""

CLOCK = """
ruleset: clock
attributes:
  days: {type: int, range: [0, 500], changes: time}
  serious: {type: bool}
sanctions:
  ban:
    when: "serious and days < 100"
actions:
  wait:
    by: time
    params: {n: {type: int, range: [1, HI]}}
    set: {days: "min(days + n, 500)"}
"""

TICK = """
ruleset: tick
attributes:
  x: {type: int, range: [0, 200], changes: time}
  cleared: {type: bool}
sanctions:
  s:
    when: "x < 100 and not cleared"
actions:
  tick:
    by: time
    when: "GUARD"
    set: {x: "x + 1"}
"""

LOCKED = """
ruleset: locked
attributes:
  flag: {type: bool}
  locked: {type: bool}
ASSUME
sanctions:
  s:
    when: "flag"
actions:
  clear:
    by: citizen
    when: "not locked"
    set: {flag: "False"}
"""


def check(spec: str, prop: str) -> Result:
    rs = load_text(spec)
    props = load_properties_text(f"properties:\n  - id: p\n    {prop}\n", "p.yaml", rs)
    return Checker(rs, LIMITS).check(props[0])


def changed(r: Result) -> dict[str, M.Value]:
    """The counterexample citizen's values that differ from the baseline."""
    assert r.counterexample is not None
    rs_values = r.counterexample.citizens["a"]
    base = {k: v for k, v in rs_values.items()}
    return {k: v for k, v in base.items() if v not in (False, 0, "none")}


def test_appeal_needs_two_steps() -> None:
    proved = check(APPEAL, "appeal_path: {within: 2}")
    assert (proved.status, proved.bound) == ("proved", 2)
    short = check(APPEAL, "appeal_path: {within: 1}")
    assert (short.status, short.bound) == ("violated", 1)
    assert short.counterexample is not None
    [contest] = short.counterexample.steps
    assert contest.action == "contest" and contest.enabled
    assert "`banned` is still imposed" in contest.detail


def test_appeal_filed_but_never_decided_is_stuck_for_ever() -> None:
    undecided = APPEAL.replace("by: authority", "by: citizen")
    r = check(undecided, "appeal_path: {within: 3}")
    assert (r.status, r.bound) == ("violated", None)
    assert "no path of any length" in r.message and "`banned`" in r.message
    assert r.counterexample is not None
    [contest] = r.counterexample.steps
    assert contest.enabled and "contest()" in contest.detail
    assert changed(r) == {"flagged": True}


def test_sanction_without_appeal_is_named() -> None:
    r = check(APPEAL.replace("appeal: [contest]", "cites: x"), "appeal_path: {within: 2}")
    assert r.status == "violated"
    assert "`banned` declares no appeal action" in r.message


def test_param_at_the_edge_of_its_range() -> None:
    exact = check(CLOCK.replace("HI", "100"), "expires: {within: 1}")
    assert (exact.status, exact.bound) == ("proved", 1)
    short = check(CLOCK.replace("HI", "99"), "expires: {within: 1}")
    # One step of at most 99 days is not enough, two are: stuck within 1, not for ever.
    assert (short.status, short.bound) == ("violated", 1)
    assert changed(short) == {"serious": True}
    assert short.counterexample is not None
    [wait] = short.counterexample.steps
    assert wait.enabled and wait.params == {"n": 99}
    assert (check(CLOCK.replace("HI", "99"), "expires: {within: 2}").status) == "proved"


@pytest.mark.parametrize(
    ("assume", "status"),
    [("", "violated"), ('assume: ["implies(flag, not locked)"]', "proved")],
)
def test_assume_rules_out_the_only_stuck_states(assume: str, status: str) -> None:
    r = check(LOCKED.replace("ASSUME", assume), "recourse: {by: [citizen], within: 1}")
    assert r.status == status
    if status == "violated":
        assert changed(r) == {"flag": True, "locked": True}
        assert r.bound is None
        assert r.counterexample is not None
        [clear] = r.counterexample.steps
        assert not clear.enabled and "locked=True" in clear.detail


def test_next_state_must_satisfy_assume() -> None:
    # Clearing the flag would break the assume "flag or locked" unless locked: so it is not
    # enabled for an unlocked citizen, who is stuck.
    spec = LOCKED.replace("ASSUME", 'assume: ["flag or locked"]')
    r = check(spec, "recourse: {by: [citizen], within: 2}")
    assert r.status == "violated"
    assert r.counterexample is not None
    [clear] = r.counterexample.steps
    assert not clear.enabled and "the new state is impossible" in clear.detail


@pytest.mark.parametrize(
    ("guard", "bound"),
    [
        ("x < 10", None),  # x stops at 10: "x < 100 and not cleared" is inductive
        # Ten ticks reach x = 10 and stop there, but from x = 11 ticks do reach 100: only the
        # reachable states are closed (Spacer finds x <= 10).
        ("x != 10", None),
        ("x != 300", 1),  # 100 ticks end it: stuck within 1, but not for ever
    ],
)
def test_lifelong_needs_an_argument_over_any_length(guard: str, bound: int | None) -> None:
    r = check(TICK.replace("GUARD", guard), "expires: {within: 1}")
    assert (r.status, r.bound) == ("violated", bound)
    assert changed(r) == {}


def test_recourse_of_length_zero_counts() -> None:
    prop = 'recourse: {when: "not flag", within: 1, target: "not s"}'
    r = check(LOCKED.replace("ASSUME", ""), prop)
    assert (r.status, r.bound) == ("proved", 1)


def test_timeout_is_unknown_not_a_guess() -> None:
    rs = load_text(APPEAL)
    [prop] = load_properties_text(
        "properties:\n  - id: p\n    appeal_path: {within: 2}\n", "p.yaml", rs
    )
    r = Checker(rs, Limits(timeout=0.0)).check(prop)
    assert r.status == "unknown" and "timed out" in r.message


def test_a_witness_that_does_not_replay_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transitions, "replay", lambda rs, citizen, path: dict(citizen))
    with pytest.raises(InternalError):
        check(APPEAL, "appeal_path: {within: 2}")


def test_steps_agree_with_the_evaluator() -> None:
    rs = load_text(APPEAL.replace("by: authority", "by: citizen"))
    [prop] = load_properties_text(
        "properties:\n  - id: p\n    recourse: {within: 1}\n", "p.yaml", rs
    )
    r = Checker(rs, LIMITS).check(prop)
    assert r.counterexample is not None
    citizen = r.counterexample.citizens["a"]
    for s in r.counterexample.steps:
        action = rs.action(s.action)
        assert action is not None
        assert (step(rs, action, citizen, s.params)[0] is not None) == s.enabled


# -- minimal recourse ----------------------------------------------------------------------


def test_minimal_recourse_fewest_actions_then_least_params() -> None:
    rs = load_text(CLOCK.replace("HI", "300"))
    assert minimal_recourse(rs, {"days": 30, "serious": True}) == [("wait", {"n": 70})]
    assert minimal_recourse(rs, {"days": 30, "serious": False}) == []
    two = load_text(CLOCK.replace("HI", "50"))
    assert minimal_recourse(two, {"days": 0, "serious": True}) == [
        ("wait", {"n": 50}),
        ("wait", {"n": 50}),
    ]
    assert minimal_recourse(two, {"days": 0, "serious": True}, max_steps=1) is None
    assert minimal_recourse(two, {"days": 0, "serious": True}, by=["citizen"]) is None
    with pytest.raises(ValueError, match="impossible"):
        minimal_recourse(rs, {"days": 900, "serious": True})


def test_minimal_recourse_appeal() -> None:
    rs = load_text(APPEAL)
    who: dict[str, M.Value] = {"flagged": True, "stage": "none", "revoked": False}
    assert minimal_recourse(rs, who) == [("contest", {}), ("decide", {"grant": 1})]
    assert minimal_recourse(rs, who, actions=["contest"]) is None


# -- worked specs --------------------------------------------------------------------------


def _worked() -> list[tuple[str, str]]:
    out = []
    for spec in sorted((ROOT / "spec").glob("*.yaml")):
        props = ROOT / "properties" / spec.name
        if props.exists():
            text = props.read_text(encoding="utf-8")
            if any(f"{k}:" in text for k in PATH_KINDS):
                out.append((spec.stem, str(props)))
    return out


@pytest.mark.parametrize(("name", "props_file"), _worked(), ids=[n for n, _ in _worked()])
def test_worked_path_properties_match_expect(name: str, props_file: str) -> None:
    rs = load(ROOT / "spec" / f"{name}.yaml")
    checker = Checker(rs, LIMITS)
    for prop in load_properties(props_file, rs):
        if prop.kind_name in PATH_KINDS:
            r = checker.check(prop)
            assert r.status == prop.expect, (prop.id, r.message)


def _result(name: str, prop_id: str) -> Result:
    rs = load(ROOT / "spec" / f"{name}.yaml")
    [prop] = [
        p for p in load_properties(ROOT / "properties" / f"{name}.yaml", rs) if p.id == prop_id
    ]
    return Checker(rs, LIMITS).check(prop)


def test_2017_refusal_listing_never_ends_by_waiting() -> None:
    r = _result("dishonest-debtors-2017", "refusal-listing-never-ends-by-waiting")
    assert (r.status, r.bound) == ("violated", None)
    assert changed(r) == {"age": 18, "debt": 1, "able_to_perform": True, "refuses_to_perform": True}
    assert r.counterexample is not None
    [wait] = r.counterexample.steps
    assert wait.enabled and "`listed` is still imposed" in wait.detail


def test_2017_paying_leaves_a_term_listing_until_the_term_ends() -> None:
    r = _result("dishonest-debtors-2017", "paying-ends-a-term-listing")
    assert r.status == "violated"
    assert r.counterexample is not None
    citizen = r.counterexample.citizens["a"]
    rs = load(ROOT / "spec" / "dishonest-debtors-2017.yaml")
    assert "listed" in evaluate(rs, citizen).sanctions
    [pay] = r.counterexample.steps
    assert pay.enabled and "days_listed=0" in pay.detail and "term_days=730" in pay.detail
    # The listing does end when the term does (waiting after paying).
    assert minimal_recourse(rs, citizen, by=["time"]) == [("wait", {"days": 730})]


def test_2018_rail_bans_t1_t4_expire() -> None:
    r = _result("rail-flight-bans-2018", "t1-t4-bans-expire")
    assert (r.status, r.bound) == ("proved", 1)
    assert isinstance(r.property.kind, P.Recourse)


def test_explain_shows_what_this_person_can_do() -> None:
    from ruleproof.commands.explain import recourse_json

    rs = load_text(APPEAL)
    who: dict[str, M.Value] = {"flagged": True, "stage": "none", "revoked": False}
    doc = recourse_json(rs, who, evaluate(rs, who))
    assert doc is not None
    assert doc["by"] == ["citizen", "authority", "time"]  # their own actions are not enough
    assert [(s["action"], s["params"], s["sanctions"]) for s in doc["path"]] == [
        ("contest", {}, ["banned"]),
        ("decide", {"grant": 1}, []),
    ]
    free = {**who, "flagged": False}
    assert recourse_json(rs, free, evaluate(rs, free)) is None
