"""Exact counting of affected citizens agrees with brute-force enumeration."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping

from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text
from ruleproof.semantics.counting import count_affected
from ruleproof.semantics.evaluate import evaluate, in_domain
from ruleproof.semantics.templates import queries

SPEC = """
ruleset: count
attributes:
  debt:    {type: int, range: [0, 1000]}
  late:    {type: int, range: [0, 5]}
  friends: {type: int, range: [0, 9], protected: association}
  member:  {type: bool}
assume:
  - "late == 0 or debt > 0"
score:
  base: 100
  rules:
    - {id: big, when: "debt > 700", add: -20}
    - {id: late, when: "late > 0", add: "-3 * late"}
    - {id: guilt, when: "friends >= 7 and member", add: -5}
tiers:
  - {id: ok, when: "score >= 90"}
  - {id: low, when: "True"}
"""


def _brute(rs: M.Ruleset, pred: Callable[[Mapping[str, M.Value]], bool]) -> tuple[int, int]:
    names = [a.name for a in rs.attributes]
    doms: list[Iterable[M.Value]] = [range(0, 1001), range(0, 6), range(0, 10), [False, True]]
    affected = possible = 0
    for combo in itertools.product(*doms):
        c = dict(zip(names, combo, strict=True))
        if in_domain(rs, c) is None:
            possible += 1
            affected += pred(c)
    return affected, possible


def test_one_citizen_count_matches_brute_force() -> None:
    rs = load_text(SPEC)
    p = load_properties_text("properties:\n  - {id: p, always: \"tier == 'ok'\"}\n", "p", rs)[0]
    count = count_affected(rs, queries(rs, p)[0])
    assert count is not None
    want = _brute(rs, lambda c: evaluate(rs, c).tier != "ok")
    # debt is only compared with constants, so it is counted by intervals, exactly
    assert (count.affected, count.possible) == want


def test_pair_count_matches_brute_force() -> None:
    rs = load_text(SPEC)
    p = load_properties_text(
        "properties:\n  - {id: p, independent: {of: associations}}\n", "p", rs
    )[0]
    count = count_affected(rs, queries(rs, p)[0])
    assert count is not None

    def affected(c: dict) -> bool:  # type: ignore[type-arg]
        out = evaluate(rs, c)
        for f in range(10):
            d = {**c, "friends": f}
            o = evaluate(rs, d)
            if (o.score, o.tier) != (out.score, out.tier):
                return True
        return False

    total = hit = 0
    for debt, late, member in itertools.product([0, 1, 700, 701], range(6), [False, True]):
        w = {0: 1, 1: 699, 700: 1, 701: 300}[debt]  # interval lengths
        for f in range(10):
            c = {"debt": debt, "late": late, "friends": f, "member": member}
            if in_domain(rs, c) is None:
                total += w
                hit += w * affected(c)
    assert (count.affected, count.possible) == (hit, total)
    assert count.ratio_text().startswith("1 in ")


def test_too_large_or_infinite_spaces_are_not_counted() -> None:
    rs = load_text(SPEC.replace("range: [0, 5]}", "range: [0, 5000000]}"))
    p = load_properties_text('properties:\n  - {id: p, always: "score >= 0"}\n', "p", rs)[0]
    assert count_affected(rs, queries(rs, p)[0], limit=1000) is None
