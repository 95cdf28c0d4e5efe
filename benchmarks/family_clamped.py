"""Family `clamped`: the clamped synthetic scorecards of issue 14.

Shape (as the issue describes it): 200 attributes; `size` score rules of 1-3 conditions over
ints (ranges from [0, 10] to [0, 5000] and [-500, 500]) and bools, a third of them adding
`k * x` (k in ±1..5), the rest a constant in ±1..100; score `range: [0, 100000]`, the base
chosen so that the average citizen lands mid-range (with thousands of `k * x` terms the raw
sum spreads far wider than the range, so most citizens are clamped and a witness must fall
into a narrow band of the shared sum). Tiers A ≥ 75,000, B ≥ 50,000, C ≥ t3 (t3 set from a
citizen near 25,000), D; five domain sanctions reading attributes of their own domain, two
sanctions (no domain) reading the score and the tier; `request_review` (citizen) appeals every
sanction and one `wait` (time) lets every sanction expire.

Clean: every property of the suite holds; each module-level argument is in `_expects`. The
score rules read no protected attribute (`assoc`, `religion`); `m0` is read only by rules
whose contribution cannot grow with it (`m0 >= t` with negative points, `m0 < t` with
positive points, `-k * m0`); every rule's conditions are satisfiable on distinct attributes;
every sanction is `(…) and not reviewed and days_listed < 365`. Below about 200 rules the
fixed bands may be out of reach; generation then raises `LookupError`.

Planted, one narrow fault per kind (each shown by a witness the reference evaluator confirms):
- independent: a rule `assoc == 3 and X == v and B` adding -7;
- monotone: a rule `m0 == v and Y == w and B'` adding more points than every other rule on
  `m0` can take away between v-1 and v (no other rule has a threshold at v);
- same_context: `transport_ban` also fires on `s_finance_0 == 13 and s_finance_1 == 31 and
  s_transport_1 == 3`;
- forall (same score ⇒ same tier): tier C also takes `strikes == 7 and override`;
- always (low_score ⇒ score < t3): `low_score` also fires on three social values;
- tiers_total: D is `score < t3 - 1`, leaving the single score t3 - 1 without a tier;
- reachable rules / tiers / sanctions: a rule `x >= t and x < t - 10`; a tier after B that
  needs `score >= 50000`; a sanction needing tier A below A's threshold;
- appeal_path: `finance_ban` also fires on a narrow condition that the review leaves true;
- expires: `judicial_ban` also fires on a narrow condition that waiting leaves true;
- diff: the new version adds -1 to one deep rule's citizens when `assoc == 42` (clean: the new
  version splits that rule in two on a bool, which changes nothing).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from family_model import (
    Attr,
    Citizen,
    Cond,
    Finder,
    Item,
    Num,
    Rule,
    Tracker,
    Val,
    draw_citizen,
    forall_yaml,
    magnitude,
    pair,
    q,
    satisfying,
)
from family_verify import (
    Changed,
    Differ,
    Expect,
    Instance,
    Rises,
    Shows,
    Stuck,
    Witness,
    score,
)

FAMILY = "clamped"
HI = 100_000
T1, T2 = 75_000, 50_000
N_ATTRS = 200
DOMAINS = ("transport", "finance", "judicial", "consumption", "social")
INT_RANGES = ((0, 100), (0, 100), (0, 10), (-500, 500), (0, 5000), (1, 12))
OPEN = "not reviewed and days_listed < 365"
APPEAL_PLANT = "s_finance_0 == 77 and s_finance_1 == 7 and s_finance_2 and days_listed < 365"
EXPIRY_PLANT = "s_judicial_0 == 44 and s_judicial_1 == 4 and not reviewed"


class _Builder:
    def __init__(self, size: int, seed: int, planted: bool) -> None:
        self.size, self.seed, self.planted = size, seed, planted
        self.key = f"{FAMILY}:{size}:{seed}"
        self.rng = random.Random(self.key)
        self._attributes()
        self._rules()
        self.plants = self._plants() if planted else []
        self.items: list[Item] = [*self.rules, *self.plants]
        self.base = self._calibrate()
        variant = "planted" if planted else "clean"
        self.finder = Finder(
            f"{self.key}:{variant}", self.items, self.base, self.general, self._start
        )

    # -- attributes and rules ----------------------------------------------------------

    def _attributes(self) -> None:
        rng = self.rng
        m_lo = rng.choice((-100, 0))
        self.m0 = Attr("m0", "int", m_lo, m_lo + 200)
        self.v = m_lo + rng.randint(40, 160)  # the monotone plant's value
        special = [
            Attr("assoc", "int", 0, 500, protected="association", domain="social"),
            Attr("religion", "enum", values=("none", "r1", "r2", "r3"), protected="true"),
            Attr("reviewed", "bool"),
            Attr("days_listed", "int", 0, 3650, changes="time"),
            self.m0,
            Attr("strikes", "int", 0, 20, domain="judicial"),
            Attr("override", "bool", domain="judicial"),
        ]
        for d in DOMAINS:
            special += [
                Attr(f"s_{d}_0", "int", 0, 100, domain=d),
                Attr(f"s_{d}_1", "int", 0, 100, domain=d),
                Attr(f"s_{d}_2", "bool", domain=d),
            ]
        self.general: list[Attr] = []
        for i in range(N_ATTRS - len(special)):
            domain = "" if rng.random() < 1 / 7 else rng.choice(DOMAINS)
            if rng.random() < 0.55:
                lo, hi = rng.choice(INT_RANGES)
                self.general.append(Attr(f"x{i}", "int", lo, hi, domain=domain))
            else:
                self.general.append(Attr(f"b{i}", "bool", domain=domain))
        self.attrs = special + self.general
        self.ints = [a for a in self.general if a.kind == "int"]
        self.bools = [a for a in self.general if a.kind == "bool"]

    def _cond(self, a: Attr) -> Cond:
        rng = self.rng
        if a.kind == "bool":
            return Cond(a.name, "true" if rng.random() < 0.5 else "false")
        assert isinstance(a.lo, int) and isinstance(a.hi, int)
        return Cond(a.name, rng.choice((">=", "<")), rng.randint(a.lo + 1, a.hi))

    def _m0_rule(self, rid: str, conds: list[Cond]) -> Rule:
        rng, lo, hi = self.rng, int(self.m0.lo), int(self.m0.hi)
        t = self.v
        while t == self.v:
            t = rng.randint(lo + 1, hi)
        form = rng.randrange(3)
        if form == 0:
            return Rule(rid, (Cond("m0", ">=", t), *conds), -rng.randint(1, 100))
        if form == 1:
            return Rule(rid, (Cond("m0", "<", t), *conds), rng.randint(1, 100))
        return Rule(rid, tuple(conds), -rng.randint(1, 5), per="m0")

    def _rules(self) -> None:
        rng = self.rng
        self.rules: list[Rule] = []
        for i in range(self.size):
            k = rng.choices((1, 2, 3), (0.4, 0.4, 0.2))[0]
            conds = [self._cond(a) for a in rng.sample(self.general, k)]
            rid = f"r{i}"
            if rng.random() < 1 / 150:
                self.rules.append(self._m0_rule(rid, conds[:-1]))
            elif rng.random() < 1 / 3:
                x = rng.choice(self.ints).name
                self.rules.append(
                    Rule(rid, tuple(conds), rng.choice((-1, 1)) * rng.randint(1, 5), x)
                )
            else:
                self.rules.append(
                    Rule(rid, tuple(conds), rng.choice((-1, 1)) * rng.randint(1, 100))
                )

    def _plants(self) -> list[Rule]:
        rng = random.Random(f"{self.key}:plants")
        x, y, dead = rng.sample(self.ints, 3)
        b, b2 = rng.sample(self.bools, 2)
        self.indep = {"assoc": 3, x.name: rng.randint(int(x.lo), int(x.hi)), b.name: True}
        self.mono = {y.name: rng.randint(int(y.lo), int(y.hi)), b2.name: True}
        loss = sum(magnitude(r.points) for r in self.rules if r.per == "m0")
        self.mono_points = loss + 5
        t = int(dead.hi)
        when = (
            Cond("assoc", "==", 3),
            Cond(x.name, "==", self.indep[x.name]),
            Cond(b.name, "true"),
        )
        mono_when = (
            Cond("m0", "==", self.v),
            Cond(y.name, "==", self.mono[y.name]),
            Cond(b2.name, "true"),
        )
        return [
            Rule("p-assoc", when, -7),
            Rule("p-m0", mono_when, self.mono_points),
            Rule("p-dead", (Cond(dead.name, ">=", t), Cond(dead.name, "<", t - 10)), -3),
        ]

    def _calibrate(self) -> int:
        rng = random.Random(f"{self.key}:calibrate")
        sums = []
        for _ in range(32):
            c = self._defaults(draw_citizen(self.attrs, rng))
            sums.append(Tracker(self.rules, c).raw)
        sums.sort()
        return HI // 2 - int(sums[len(sums) // 2])

    # -- witnesses ---------------------------------------------------------------------

    def _defaults(self, c: Citizen) -> Citizen:
        """A citizen no plant or special rule touches: protected, path and sanction attrs at
        rest, `m0` at its low end (never the plant's value)."""
        c.update(assoc=0, religion="none", reviewed=False, days_listed=0, strikes=0)
        c.update(m0=self.m0.lo, override=False)
        for d in DOMAINS:
            c.update({f"s_{d}_0": 0, f"s_{d}_1": 0, f"s_{d}_2": False})
        return c

    def _start(self, rng: random.Random) -> Citizen:
        return self._defaults(draw_citizen(self.attrs, rng))

    def find(self, fixed: Mapping[str, Val], lo: Num, hi: Num) -> Citizen:
        """A citizen with `fixed` values whose unclamped score lies in [lo, hi]."""
        return self.finder.find(fixed, lo, hi)

    def gap_witness(self) -> Citizen:
        """The citizen whose score (near 25,000) becomes t3 - 1: found in the clean rules so
        that both variants share t3 (plants do not fire for it)."""
        clean = Finder(self.key, self.rules, self.base, self.general, self._start)
        c = clean.find({}, 20_000, 30_000, tag=f"{self.key}:gap")
        self.t3 = int(clean.total(c)) + 1
        return c

    # -- text --------------------------------------------------------------------------

    def _tiers(self) -> list[str]:
        c = f"score >= {self.t3}"
        if self.planted:
            c += " or (strikes == 7 and override)"
        lines = [
            "tiers:",
            f"  - {{id: A, when: {q(f'score >= {T1}')}}}",
            f"  - {{id: B, when: {q(f'score >= {T2}')}}}",
        ]
        if self.planted:
            lines.append(f"  - {{id: B2, when: {q(f'score >= {T2} and not reviewed')}}}")
        lines.append(f"  - {{id: C, when: {q(c)}}}")
        d = f"score < {self.t3 - 1}" if self.planted else "True"
        lines.append(f"  - {{id: D, when: {q(d)}}}")
        return lines

    def _sanctions(self) -> list[str]:
        lines = ["sanctions:"]
        for d in DOMAINS:
            own = f"s_{d}_0 >= 95 or s_{d}_2"
            if self.planted and d == "transport":
                own += " or (s_finance_0 == 13 and s_finance_1 == 31 and s_transport_1 == 3)"
            when = f"({own}) and {OPEN}"
            if self.planted and d == "finance":
                when = f"({when}) or ({APPEAL_PLANT})"
            if self.planted and d == "judicial":
                when = f"({when}) or ({EXPIRY_PLANT})"
            lines.append(f"  {d}_ban: {{when: {q(when)}, domain: {d}, appeal: [request_review]}}")
        low = f"score < {self.t3}"
        if self.planted:
            low += " or (s_social_0 == 5 and s_social_1 == 9 and s_social_2)"
        lines.append(f"  low_score: {{when: {q(f'({low}) and {OPEN}')}, appeal: [request_review]}}")
        watch = f"tier == 'D' and {OPEN}"
        lines.append(f"  watch: {{when: {q(watch)}, appeal: [request_review]}}")
        if self.planted:
            audit = f"tier == 'A' and score < {T1} and {OPEN}"
            lines.append(f"  audit: {{when: {q(audit)}, appeal: [request_review]}}")
        return lines

    def text(self, items: Sequence[Item], version: str) -> str:
        variant = "planted" if self.planted else "clean"
        head = [
            f"ruleset: {FAMILY}-{self.size}-s{self.seed}-{variant}{version}",
            "title: clamped synthetic scorecard (benchmarks/family_clamped.py)",
            "attributes:",
            *(a.yaml() for a in self.attrs),
            "score:",
            f"  base: {self.base}",
            f"  range: [0, {HI}]",
            "  rules:",
            *(it.yaml() for it in items),
        ]
        tail = [
            "actions:",
            "  request_review: {by: citizen, set: {reviewed: true}}",
            "  wait:",
            "    by: time",
            "    params: {days: {type: int, range: [1, 3650]}}",
            '    set: {days_listed: "min(days_listed + days, 3650)"}',
        ]
        return "\n".join([*head, *self._tiers(), *self._sanctions(), *tail]) + "\n"

    def diff_items(self) -> tuple[list[Item], Rule]:
        """The second version's rules, and the rule it changes."""
        i = (2 * self.size) // 3
        r = self.rules[i]
        items: list[Item] = list(self.items)
        if self.planted:
            extra = Rule(f"{r.id}x", (*r.when, Cond("assoc", "==", 42)), -1)
            items.insert(i + 1, extra)
        else:
            used = {c.attr for c in r.when}
            b = next(a for a in self.bools if a.name not in used)
            items[i] = Rule(r.id, (*r.when, Cond(b.name, "true")), r.points, r.per)
            items.insert(i + 1, Rule(f"{r.id}s", (*r.when, Cond(b.name, "false")), r.points, r.per))
        return items, r

    def properties(self) -> dict[str, str]:
        return {
            "independent": "independent: {of: associations}",
            "monotone": "monotone: {in: m0, output: score, direction: nonincreasing}",
            "same_context": "same_context: {}",
            "forall": forall_yaml("a, b", "a.score == b.score", "a.tier == b.tier"),
            "forall_proved": forall_yaml(
                "a, b", "a.score >= b.score and b.tier == 'A'", "a.tier == 'A'"
            ),
            "always": f"always: {q(f'implies(low_score, score < {self.t3})')}",
            "tiers_total": "tiers_total: {}",
            "reachable_rules": "reachable: rules",
            "reachable_tiers": "reachable: tiers",
            "reachable_sanctions": "reachable: sanctions",
            "appeal_path": "appeal_path: {within: 1}",
            "expires": "expires: {within: 1}",
        }


ANY = (-(10**15), 10**15)


def _planted(b: _Builder, gap: Citizen, changed: Rule) -> dict[str, Expect]:
    ind = b.find(b.indep, 1000, 99_000)
    mono = b.find({**b.mono, "m0": b.v - 1}, 1000, 99_000 - b.mono_points)
    ctx = b.find({"s_finance_0": 13, "s_finance_1": 31, "s_transport_1": 3}, *ANY)
    over = b.find({"strikes": 7, "override": True}, 1000, b.t3 - 1000)
    alw = b.find({"s_social_0": 5, "s_social_1": 9, "s_social_2": True}, b.t3 + 1000, 99_000)
    app = b.find({"s_finance_0": 77, "s_finance_1": 7, "s_finance_2": True}, *ANY)
    exp = b.find({"s_judicial_0": 44, "s_judicial_1": 4}, *ANY)
    dif = b.find({**satisfying(changed.when), "assoc": 42}, 1000, 99_000)
    other = frozenset(a.name for a in b.attrs if a.domain not in ("", "transport"))
    t3 = b.t3
    waits = tuple((("wait", {"days": d}),) for d in (1, 364, 365, 3650))
    w: dict[str, tuple[str, Witness | None]] = {
        "independent": (
            "rule p-assoc reads assoc",
            Differ(ind, pair(ind, assoc=4), frozenset({"assoc"}), ("score",)),
        ),
        "monotone": (
            f"rule p-m0 adds {b.mono_points} at m0 == {b.v}",
            Rises(mono, pair(mono, m0=b.v), "m0"),
        ),
        "same_context": (
            "transport_ban reads two finance attributes",
            Differ(ctx, pair(ctx, s_finance_0=14), other, ("transport_ban",)),
        ),
        "forall": (
            "tier C also takes strikes == 7 and override",
            Shows(
                (over, pair(over, override=False)),
                lambda o: score(o[0]) == score(o[1]) and o[0].tier != o[1].tier,
                "same score, different tiers",
            ),
        ),
        "always": (
            "low_score also fires on three social values",
            Shows(
                (alw,),
                lambda o: "low_score" in o[0].sanctions and score(o[0]) >= t3,
                f"low_score at score >= {t3}",
            ),
        ),
        "tiers_total": (
            f"no tier for score {t3 - 1}",
            Shows((gap,), lambda o: o[0].tier is None, "a citizen without a tier"),
        ),
        "reachable_rules": ("rule p-dead needs x >= t and x < t - 10", None),
        "reachable_tiers": ("tier B2 comes after B and needs what B takes", None),
        "reachable_sanctions": ("audit needs tier A below A's threshold", None),
        "appeal_path": (
            "finance_ban's narrow disjunct ignores the review",
            Stuck(
                app,
                "finance_ban",
                ((("request_review", {}),),),
                "request_review sets only `reviewed`, which the disjunct does not read",
            ),
        ),
        "expires": (
            "judicial_ban's narrow disjunct ignores the clock",
            Stuck(
                exp,
                "judicial_ban",
                waits,
                "wait sets only `days_listed`, which the disjunct does not read",
            ),
        ),
        "forall_proved": ("tier A is the first tier, `score >= 75000`", None),
    }
    out = {
        k: Expect("proved" if k == "forall_proved" else "violated", why, wit)
        for k, (why, wit) in w.items()
    }
    out["diff"] = Expect(
        "different", f"rule {changed.id}x (new) subtracts 1 when assoc == 42", Changed(dif)
    )
    return out


def _clean(b: _Builder) -> dict[str, Expect]:
    tiers = (
        b.find({}, 80_000, 99_000),
        b.find({}, 55_000, 70_000),
        b.find({}, b.t3 + 1000, 45_000),
        b.find({}, 1000, b.t3 - 1000),
    )
    bans = tuple(b.find({f"s_{d}_2": True}, *ANY) for d in DOMAINS)
    names = [f"{d}_ban" for d in DOMAINS]
    held = {
        "independent": "no score rule, tier or sanction reads assoc or religion",
        "monotone": "every rule on m0 is m0 >= t (points < 0), m0 < t (points > 0) or "
        "-k * m0; the clamp is monotone",
        "same_context": "domain sanctions read their own domain's attributes and "
        "reviewed/days_listed (no domain)",
        "forall": "tiers read only the score",
        "forall_proved": "tier A is the first tier, `score >= 75000`",
        "always": f"low_score is `score < {b.t3} and …`",
        "tiers_total": "the last tier is True",
        "reachable_rules": "each rule tests distinct attributes with satisfiable bounds; "
        "there is no assume",
        "appeal_path": "every sanction is `(…) and not reviewed and …`; request_review is "
        "always enabled",
        "expires": "every sanction is `… and days_listed < 365`; wait(3650) sets days_listed "
        "to 3650",
    }
    out = {k: Expect("proved", why) for k, why in held.items()}
    out["reachable_tiers"] = Expect(
        "proved",
        "each tier's band is reached by a citizen",
        Shows(tiers, lambda o: [x.tier for x in o] == ["A", "B", "C", "D"], "tiers A, B, C, D"),
    )
    out["reachable_sanctions"] = Expect(
        "proved",
        "each sanction is imposed on a citizen",
        Shows(
            (*bans, tiers[3]),
            lambda o: (
                all(n in x.sanctions for n, x in zip(names, o, strict=False))
                and {"low_score", "watch"} <= set(o[-1].sanctions)
            ),
            "every sanction imposed",
        ),
    )
    out["diff"] = Expect(
        "equivalent", "the new version splits one rule in two on a bool with the same add"
    )
    return out


def generate(size: int, seed: int, planted: bool) -> Instance:
    """The clamped family's ruleset of `size` score rules (see the module docstring)."""
    b = _Builder(size, seed, planted)
    gap = b.gap_witness()
    diff_items, changed = b.diff_items()
    expects = _planted(b, gap, changed) if planted else _clean(b)
    return Instance(
        FAMILY,
        size,
        seed,
        planted,
        text=b.text(b.items, ""),
        diff_text=b.text(diff_items, "-v2"),
        properties=b.properties(),
        expects=expects,
        notes=f"base {b.base}, t3 {b.t3}",
    )
