"""Synthetic rulesets for the benchmark: 10 to 100,000 rules over 10 to 1,000 attributes.

`generate(rules, attrs, planted, seed)` returns a `Generated`: the ruleset YAML text, the text of
a second version for `diff`, and the expressions the property suite needs (score bounds, the
monotone attribute). Everything is deterministic in its arguments.

The ruleset looks like a generated scorecard with sanctions: `assoc` (protected association) and
`religion` (protected characteristic) are never read by the clean variant; every other attribute
has a domain (transport, finance, judicial, consumption, social) or none. Rules test one or two
attributes and add a constant (a few add an expression). Sanctions read attributes of their own
domain, two read the score; every sanction can be appealed (`request_review`) and expires with
time (`wait`).

The *planted* variant adds, three quarters into the rule list, narrow faults of the kind the issue
describes — three equality conditions each:
- `independent` (associations): a rule reading `assoc == 3`;
- `monotone` (score nonincreasing in `x0`): a rule adding points at exactly `x0 == 57` (no other
  rule steps at 57, so raising `x0` from 56 to 57 gains those points at every size);
- `same_context`: the transport sanction reads two finance attributes;
- `reachable: sanctions`: a sanction needing a score below its interval minimum;
- `tiers_total`: the last tier leaves a gap;
- `diff`: the new version changes one deep rule's points under a narrow condition.
"""

from __future__ import annotations

import json
import math
import random

import attrs

DOMAINS = ("transport", "finance", "judicial", "consumption", "social")
INT_HI = 100
ENUM_VALUES = ("v0", "v1", "v2", "v3")


@attrs.frozen
class Generated:
    text: str  # the ruleset YAML
    diff_text: str  # the second version, for `diff`
    score_lo: int  # interval minimum of the raw score
    score_hi: int  # interval maximum
    planted_rule: str  # id of the rule carrying the `independent` fault (or its clean twin)


@attrs.frozen
class _Attr:
    name: str
    kind: str  # int | bool | enum
    domain: str | None


def _q(text: str) -> str:
    return json.dumps(text)


def _attributes(n: int) -> list[_Attr]:
    out = [_Attr("x0", "int", None)]
    kinds = ("int", "int", "int", "bool", "bool", "enum")
    i = 1
    while len(out) < max(n - 4, 8):
        kind = kinds[i % len(kinds)]
        domain = None if i % 7 == 0 else DOMAINS[i % len(DOMAINS)]
        prefix = {"int": "x", "bool": "b", "enum": "e"}[kind]
        out.append(_Attr(f"{prefix}{i}", kind, domain))
        i += 1
    return out


def _condition(rng: random.Random, a: _Attr) -> tuple[str, float]:
    """A condition on `a` and the probability that a uniform citizen meets it."""
    if a.kind == "bool":
        return (a.name, 0.5) if rng.random() < 0.5 else (f"not {a.name}", 0.5)
    if a.kind == "enum":
        v = rng.choice(ENUM_VALUES)
        return f"{a.name} == '{v}'", 1 / len(ENUM_VALUES)
    t = rng.randint(1, INT_HI)
    if rng.random() < 0.5:
        return f"{a.name} >= {t}", (INT_HI + 1 - t) / (INT_HI + 1)
    return f"{a.name} < {t}", t / (INT_HI + 1)


def generate(rules: int, attrs_: int, planted: bool, seed: int = 7) -> Generated:
    """A ruleset with `rules` score rules over about `attrs_` attributes."""
    rng = random.Random(f"{seed}:{rules}:{attrs_}")
    attributes = _attributes(attrs_)
    by_domain: dict[str | None, list[_Attr]] = {}
    for a in attributes:
        by_domain.setdefault(a.domain, []).append(a)
    ints = [a for a in attributes if a.kind == "int" and a.name != "x0"]
    enums = [a for a in attributes if a.kind == "enum"]
    bools = [a for a in attributes if a.kind == "bool"]
    general = [a for a in attributes if a.name != "x0"]

    rule_lines: list[str] = []
    diff_lines: list[str] = []
    lo = hi = 0
    mean = var = 0.0
    fault_at = (3 * rules) // 4
    diff_at = (2 * rules) // 3
    planted_id = ""
    for i in range(rules):
        if i == fault_at:
            planted_id = f"r{i}"
            e, x = enums[0].name, ints[0].name
            who = "assoc" if planted else ints[1].name
            when = f"{who} == 3 and {e} == 'v1' and {x} == 17"
            line = f"    - {{id: r{i}, when: {_q(when)}, add: -7}}"
            rule_lines.append(line)
            diff_lines.append(line)
            lo -= 7
            continue
        if i == fault_at + 1:
            when = f"x0 == 57 and {bools[0].name} and {enums[-1].name} == 'v2'"
            points = 5 if planted else -5
            if not planted:
                when = when.replace("x0 == 57", "x0 >= 57")
            line = f"    - {{id: r{i}, when: {_q(when)}, add: {points}}}"
            rule_lines.append(line)
            diff_lines.append(line)
            lo, hi = lo + min(0, points), hi + max(0, points)
            continue
        if i % 50 == 0:
            # No other rule steps at x0 == 57: their drops there would cancel the fault.
            t = rng.randint(1, INT_HI)
            if t == 57:
                t = 58
            when, p = f"x0 >= {t}", (INT_HI + 1 - t) / (INT_HI + 1)
            add_v = -rng.randint(1, 20)
        else:
            k = 1 if rng.random() < 0.6 else 2
            parts = [_condition(rng, a) for a in rng.sample(general, k)]
            when = " and ".join(c for c, _ in parts)
            p = math.prod(q for _, q in parts)
            add_v = rng.choice([-1, 1]) * rng.randint(1, 20)
        if i % 97 == 13 and ints:
            x = rng.choice(ints).name
            add = f"-({x} // 10)"
            lo -= INT_HI // 10
            amean, avar = -(INT_HI / 20), (INT_HI / 10) ** 2 / 12
        else:
            add = str(add_v)
            lo, hi = lo + min(0, add_v), hi + max(0, add_v)
            amean, avar = float(add_v), 0.0
        mean += p * amean
        var += p * (avar + amean**2) - (p * amean) ** 2
        line = f"    - {{id: r{i}, when: {_q(when)}, add: {_q(add) if add[0] == '-' else add}}}"
        rule_lines.append(line)
        if i == diff_at and planted:
            narrow = f"{when} and assoc == 42"
            diff_lines.append(f"    - {{id: r{i}, when: {_q(when)}, add: {_q(add)}}}")
            diff_lines.append(f"    - {{id: r{i}x, when: {_q(narrow)}, add: -1}}")
        elif i == diff_at and "x0" not in when:
            # An equivalent rewrite: same rule, conditions spelled with `not not`.
            same = f"not not ({when})"
            diff_lines.append(f"    - {{id: r{i}, when: {_q(same)}, add: {_q(add)}}}")
        else:
            diff_lines.append(line)

    base = 1000
    std = math.sqrt(max(var, 1.0))
    m = base + mean
    score_lo, score_hi = base + lo, base + hi
    t_high, t_mid, t_low = round(m + std), round(m), round(m - std)

    head = [
        f"ruleset: bench-{rules}-{attrs_}-{'planted' if planted else 'clean'}",
        "title: synthetic benchmark ruleset",
        "source: benchmarks/generate.py",
        "attributes:",
        "  assoc: {type: int, range: [0, 500], protected: association, domain: social}",
        "  religion: {type: enum, values: [none, a, b, c], protected: true}",
        "  reviewed: {type: bool}",
        "  days_listed: {type: int, range: [0, 3650], changes: time}",
    ]
    for a in attributes:
        dom = f", domain: {a.domain}" if a.domain else ""
        if a.kind == "int":
            head.append(f"  {a.name}: {{type: int, range: [0, {INT_HI}]{dom}}}")
        elif a.kind == "bool":
            head.append(f"  {a.name}: {{type: bool{dom}}}")
        else:
            head.append(f"  {a.name}: {{type: enum, values: [{', '.join(ENUM_VALUES)}]{dom}}}")
    head += ["score:", f"  base: {base}", "  rules:"]

    tail = [
        "tiers:",
        f"  - {{id: A, when: {_q(f'score >= {t_high}')}}}",
        f"  - {{id: B, when: {_q(f'score >= {t_mid}')}}}",
    ]
    last = f"score < {t_low}" if planted else "True"
    tail.append(f"  - {{id: C, when: {_q(last)}}}")
    open_ = "not reviewed and days_listed < 365"
    tail.append("sanctions:")
    for d in DOMAINS:
        own = [a for a in by_domain.get(d, []) if a.kind != "enum"][:3]
        cond = (
            " or ".join(f"{a.name} >= {INT_HI - 5}" if a.kind == "int" else a.name for a in own)
            or "x0 >= 99"
        )
        if d == "transport" and planted:
            fin = [a for a in by_domain.get("finance", []) if a.kind == "int"][:2]
            cond += f" or ({fin[0].name} == 13 and {fin[1].name} == 31 and x0 == 3)"
        tail.append(
            f"  {d}_ban: {{when: {_q(f'({cond}) and {open_}')}, domain: {d}, "
            "appeal: [request_review]}"
        )
    tail.append(
        f"  low_score: {{when: {_q(f'score < {t_low} and {open_}')}, appeal: [request_review]}}"
    )
    tail.append(
        f"  watch: {{when: {_q(f'tier == {chr(39)}C{chr(39)} and {open_}')}, "
        "appeal: [request_review]}"
    )
    if planted:
        tail.append(
            f"  blacklist: {{when: {_q(f'score < {score_lo} and {open_}')}, "
            "appeal: [request_review]}"
        )
    tail += [
        "actions:",
        "  request_review: {by: citizen, set: {reviewed: true}}",
        "  wait:",
        "    by: time",
        "    params: {days: {type: int, range: [1, 3650]}}",
        '    set: {days_listed: "min(days_listed + days, 3650)"}',
    ]
    text = "\n".join([*head, *rule_lines, *tail]) + "\n"
    diff_text = "\n".join([*head, *diff_lines, *tail]) + "\n"
    return Generated(text, diff_text, score_lo, score_hi, planted_id)
