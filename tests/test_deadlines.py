"""Every stage of a property shares its deadline, and says what it did not finish (issue 19).

Counting the citizens a violation affects, and the per-goal solver calls of `reachable` and
per-sanction path checks, used to run past `--timeout` (212 s for a 5 s limit; 12.9 s for 1 s
with 2,000 tiers). These rulesets make each stage long; the verdict must come back within the
limit plus a margin that is far below the time the stage takes without a deadline, and say
which part was left.
"""

from __future__ import annotations

import time

import ruleproof
from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import load_text
from ruleproof.proving.checker import Checker
from ruleproof.proving.solving import Limits

MARGIN = 8.0  # seconds of slack over the limit: the unbounded stages take minutes


def _many_tiers(n: int) -> ruleproof.Ruleset:
    tiers = "".join(f'  - {{id: t{k}, when: "score >= {n - k}"}}\n' for k in range(n))
    text = (
        "ruleset: tiers\nattributes:\n  x: {type: int, range: [0, 100000]}\n"
        f'score:\n  base: 0\n  rules:\n    - {{id: r, when: "x > 0", add: "x"}}\ntiers:\n{tiers}'
    )
    return ruleproof.Ruleset.of(load_text(text, "tiers.yaml"))


def test_reachable_stops_asking_when_the_time_is_up() -> None:
    rs = _many_tiers(4000)
    start = time.monotonic()
    r = Checker(rs, Limits(timeout=1.0)).check(P.Property("p", P.Reachable("tiers")))
    assert time.monotonic() - start < 1.0 + MARGIN
    assert r.status in ("unknown", "violated", "proved")
    if r.status != "proved":
        assert "timed out" in r.message and "not checked" in r.message


def _wide(attributes: int, rules_per_attribute: int = 1) -> ruleproof.Ruleset:
    names = [f"b{i}" for i in range(attributes)]
    attrs = "".join(f"  {n}: {{type: bool}}\n" for n in names)
    rules = "".join(
        f'    - {{id: r{i}, when: "{names[i % attributes]} and {names[(i + 1) % attributes]}", '
        f"add: {i % 7 + 1}}}\n"
        for i in range(attributes * rules_per_attribute)
    )
    text = (
        f"ruleset: wide\nattributes:\n{attrs}  p: {{type: bool, protected: true}}\n"
        f"score:\n  base: 0\n  rules:\n{rules}"
        '    - {id: planted, when: "p and b0", add: 1}\n'
    )
    return ruleproof.Ruleset.of(load_text(text, "wide.yaml"))


def test_counting_shares_the_deadline() -> None:
    # 2**13 combinations times two alternatives, each evaluated over 2,400 rules: counting
    # alone takes over a minute.
    rs = _wide(12, 200)
    limits = Limits(timeout=1.0)
    start = time.monotonic()
    prop = P.Property("p", P.Independent(P.Selector("protected"), None))
    r = Checker(rs, limits).check(prop)
    assert time.monotonic() - start < 1.0 + MARGIN
    assert r.status == "violated"
    assert r.affected in ("", "affected citizens not counted: timed out") or (
        r.affected.startswith("affects")
    )


def test_counting_finishes_when_there_is_time() -> None:
    rs = _wide(6)
    r = rs.check("independent: {of: protected}", timeout=30)
    assert r.status == "violated" and r.affected.startswith("affects")
