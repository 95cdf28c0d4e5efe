"""Family `binned`: weight-of-evidence scorecards, every attribute cut into bins.

Shape: `size` bins in all, over about size/12 numeric attributes (3 to 2,500; ints with ranges
from [0, 100] to [0, 1000000] and [-1000, 1000], reals in [0, 1] or [-5, 5] cut at three
decimals); one `one_of` group per attribute whose cases are its bins in order (`x < c1`,
`x < c2`, …, `True`). Even seeds use integer points, odd seeds decimal points (three decimals,
so the score is real). Base calibrated so the median citizen lands mid-range, score
`range: [300, 850]`; tiers approve ≥ 700, refer ≥ t2 (t2 set from a citizen near 580), decline;
five domain holds reading their own domain's policy flags (not binned), `decline_notice`
reading the tier and `high_rate` the score. Appeals: `request_manual_review` (citizen) then
`complete_review` (authority); expiry: `wait` (time, 1 to 30 days) ages the application, and
every sanction needs `application_age < 90` (so three waits end it).

Clean: every property holds (reasons in `_clean`); `delinquencies` has one group whose points
never rise from bin to bin. Planted, one narrow fault per kind (witnesses confirmed by the
reference evaluator):
- independent (protected): one group gets a first case `x < c1 and linked_defaults == 3`
  with different points;
- monotone (score nonincreasing in `delinquencies`): a one-wide bin at v with more points than
  the bin below (a non-monotone WoE bin);
- same_context: `identity_hold` also fires on a finance and an employment count;
- forall (score ≥ 700 ⇒ approve): a knockout rule (`bankrupt_recent and bankruptcy_count == 2`)
  keeps some high scores out of approve;
- always (high_rate ⇒ score < t2 + 40): `high_rate` also fires on two consumption values;
- tiers_total: refer is `score > t2` and decline `score < t2`: the score t2 has no tier;
- reachable: a bin placed after a coarser bin of its group, a tier after approve that needs
  what approve takes, a sanction needing approve below 700;
- appeal_path (within 2): `finance_hold` also fires on a narrow finance condition that review
  leaves true (waiting ends it, but not within the one step left);
- expires (within 3): `employment_hold` also fires on a narrow condition time leaves true;
- diff: the new version gives one bin's single value v different points (clean: the new
  version splits one bin in two with the same points, a re-binning).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction

from family_model import (
    Attr,
    Case,
    Citizen,
    Cond,
    Finder,
    Group,
    Item,
    Num,
    Val,
    draw_citizen,
    forall_yaml,
    num_text,
    pair,
    q,
)
from family_verify import Changed, Differ, Expect, Instance, Rises, Shows, Stuck, Witness, score

FAMILY = "binned"
LO, HI = 300, 850
T1 = 700
DOMAINS = ("finance", "employment", "identity", "consumption", "social")
INT_RANGES = ((0, 100), (18, 100), (0, 1_000_000), (-1000, 1000), (0, 10_000))
REAL_RANGES = ((Fraction(0), Fraction(1)), (Fraction(-5), Fraction(5)))
OPEN = "not review_passed and application_age < 90"
KNOCKOUT = "bankrupt_recent and bankruptcy_count == 2"


class _Builder:
    def __init__(self, size: int, seed: int, planted: bool) -> None:
        self.size, self.seed, self.planted = size, seed, planted
        self.decimal = seed % 2 == 1
        self.key = f"{FAMILY}:{size}:{seed}"
        self.rng = random.Random(self.key)
        self._attributes()
        self.clean_groups = self._groups()
        self.groups = list(self.clean_groups)
        self.base = self._calibrate()
        if planted:
            self._plant()
        self.items: list[Item] = list(self.groups)
        self.finder = Finder(
            f"{self.key}:{planted}", self.items, self.base, self.binned, self._start
        )

    def _attributes(self) -> None:
        rng = self.rng
        n = min(2500, max(3, self.size // 12))
        per = [self.size // n + (1 if i < self.size % n else 0) for i in range(n)]
        for i in range(0, n - 1, 2):  # uneven bin counts, same total
            move = rng.randint(0, max(0, per[i] // 2 - 1))
            per[i], per[i + 1] = per[i] - move, per[i + 1] + move
        self.bins = per
        self.binned: list[Attr] = []
        for i, k in enumerate(per):
            domain = "" if rng.random() < 1 / 6 else rng.choice(DOMAINS)
            if i == 0:
                self.binned.append(
                    Attr("delinquencies", "int", 0, max(60, 4 * k), domain="finance")
                )
            elif i > 3 and rng.random() < 0.3:
                rlo, rhi = rng.choice(REAL_RANGES)
                self.binned.append(Attr(f"r{i}", "real", rlo, rhi, domain=domain))
            else:
                ok = [r for r in INT_RANGES if r[1] - r[0] >= 2 * k] or [(0, 4 * k)]
                lo, hi = rng.choice(ok)
                self.binned.append(Attr(f"x{i}", "int", lo, hi, domain=domain))
        self.special = [
            Attr("linked_defaults", "int", 0, 20, protected="association", domain="social"),
            Attr("gender", "enum", values=("f", "m", "x"), protected="true"),
            Attr("review_requested", "bool"),
            Attr("review_passed", "bool"),
            Attr("application_age", "int", 0, 365, changes="time"),
            Attr("bankrupt_recent", "bool", domain="finance"),
            Attr("bankruptcy_count", "int", 0, 5, domain="finance"),
        ]
        for d in DOMAINS:
            self.special += [
                Attr(f"{d}_flag", "bool", domain=d),
                Attr(f"{d}_count", "int", 0, 20, domain=d),
            ]
        self.attrs = self.special + self.binned

    def _points(self, rng: random.Random) -> Num:
        s = max(2, round(170 / len(self.binned) ** 0.5))
        if self.decimal:
            return Fraction(rng.randint(-s * 1000, s * 1000), 1000)
        return rng.randint(-s, s)

    def _cuts(self, a: Attr, k: int, rng: random.Random) -> list[Num]:
        if a.kind == "real":
            steps = int((a.hi - a.lo) * 1000)
            return [
                a.lo + Fraction(x, 1000) for x in sorted(rng.sample(range(1, steps + 1), k - 1))
            ]
        return sorted(rng.sample(range(int(a.lo) + 1, int(a.hi) + 1), k - 1))

    def _groups(self) -> list[Group]:
        rng = self.rng
        out = []
        for a, k in zip(self.binned, self.bins, strict=True):
            cuts = self._cuts(a, k, rng)
            points = [self._points(rng) for _ in range(k)]
            if a.name == "delinquencies":
                points.sort(reverse=True)
            cases = [
                Case(f"{a.name}-b{j}", (Cond(a.name, "<", c),), p)
                for j, (c, p) in enumerate(zip(cuts, points, strict=False))
            ]
            cases.append(Case(f"{a.name}-b{k - 1}", (), points[-1]))
            out.append(Group(a.name, tuple(cases)))
        return out

    # -- plants ------------------------------------------------------------------------

    def _below(self, a: Attr, c: Num) -> Num:
        """The largest value of `a` below the cut `c`."""
        return c - 1 if a.kind == "int" else c - Fraction(1, 1000)

    def _plant(self) -> None:
        rng = random.Random(f"{self.key}:plants")
        ints = [i for i, a in enumerate(self.binned) if a.kind == "int" and i > 0]
        i_ind, i_dead = rng.sample(ints, 2)
        g = self.groups[i_ind]
        first = g.cases[0]
        delta: Num = Fraction(-7, 8) if self.decimal else -7
        case = Case(
            f"{g.id}-p", (*first.when, Cond("linked_defaults", "==", 3)), first.points + delta
        )
        self.groups[i_ind] = Group(g.id, (case, *g.cases))
        self.ind_attr = self.binned[i_ind]
        cut = first.when[0].value
        assert isinstance(cut, int | Fraction)
        self.ind_value = self._below(self.ind_attr, cut)
        self._plant_monotone(rng)
        g = self.groups[i_dead]
        a = self.binned[i_dead]
        c1 = int(g.cases[0].when[0].value)
        dead = Case(
            f"{g.id}-p",
            (Cond(a.name, "<", int(a.lo) + max(1, (c1 - int(a.lo)) // 2)),),
            self._points(rng),
        )
        self.groups[i_dead] = Group(g.id, (g.cases[0], dead, *g.cases[1:]))
        self.items = list(self.groups)

    def _plant_monotone(self, rng: random.Random) -> None:
        self.mono_points: Num = Fraction(3, 8) if self.decimal else 3
        self.groups[0], self.v = _split(self.groups[0], self.binned[0], rng, self.mono_points)

    # -- search ------------------------------------------------------------------------

    def _start(self, rng: random.Random) -> Citizen:
        c = draw_citizen(self.attrs, rng)
        for a in self.special:
            c[a.name] = a.baseline()
        return c

    def _calibrate(self) -> int:
        rng = random.Random(f"{self.key}:calibrate")
        clean = Finder(self.key, self.clean_groups, 0, self.binned, self._start)
        sums = sorted(clean.total(self._start(rng)) for _ in range(32))
        return round(575 - sums[len(sums) // 2])

    def find(self, fixed: Mapping[str, Val], lo: Num, hi: Num) -> Citizen:
        return self.finder.find(fixed, lo, hi)

    def gap_witness(self) -> Citizen:
        """The citizen whose score (near 580) becomes t2, found on the clean groups with
        `delinquencies` at 0 so that both variants give it the same score."""
        clean = Finder(self.key, self.clean_groups, self.base, self.binned, self._start)
        c = clean.find({"delinquencies": 0}, 560, 600, tag=f"{self.key}:gap")
        self.t2: Num = clean.total(c)
        return c


def _split(g: Group, a: Attr, rng: random.Random, delta: Num | None) -> tuple[Group, int]:
    """Split a bin at least three wide at a value v: `x < v` and the bin keep its points,
    and, when `delta` is given, the single value v gets the bin's points + delta."""
    edges = [int(a.lo)] + [int(c.when[0].value) for c in g.cases[:-1]] + [int(a.hi) + 1]
    j = rng.choice([j for j in range(len(g.cases)) if edges[j + 1] - edges[j] >= 3])
    v = rng.randint(edges[j] + 1, edges[j + 1] - 2)
    case = g.cases[j]
    new = [Case(f"{case.id}-lo", (Cond(a.name, "<", v),), case.points)]
    if delta is not None:
        new.append(Case(f"{case.id}-p", (Cond(a.name, "<", v + 1),), case.points + delta))
    return Group(g.id, (*g.cases[:j], *new, case, *g.cases[j + 1 :])), v


def _tiers(b: _Builder) -> list[str]:
    approve = f"score >= {T1}" + (f" and not ({KNOCKOUT})" if b.planted else "")
    t2 = num_text(b.t2)
    lines = ["tiers:", f"  - {{id: approve, when: {q(approve)}}}"]
    if b.planted:
        lines.append(
            f"  - {{id: approve_plus, when: {q(f'score >= {T1} and not bankrupt_recent')}}}"
        )
    refer, decline = (f"score > {t2}", f"score < {t2}") if b.planted else (f"score >= {t2}", "True")
    lines.append(f"  - {{id: refer, when: {q(refer)}}}")
    lines.append(f"  - {{id: decline, when: {q(decline)}}}")
    return lines


def _sanctions(b: _Builder) -> list[str]:
    lines = ["sanctions:"]
    for d in DOMAINS:
        own = f"{d}_flag and {d}_count >= 5"
        if b.planted and d == "identity":
            own = f"({own}) or (finance_count == 13 and employment_count == 7)"
        when = f"({own}) and {OPEN}"
        if b.planted and d == "finance":
            when = f"({when}) or (finance_count == 17 and finance_flag and application_age < 90)"
        if b.planted and d == "employment":
            when = f"({when}) or (employment_count == 11 and employment_flag and not review_passed)"
        lines.append(
            f"  {d}_hold: {{when: {q(when)}, domain: {d}, appeal: [request_manual_review]}}"
        )
    notice = f"tier == 'decline' and {OPEN}"
    lines.append(f"  decline_notice: {{when: {q(notice)}, appeal: [request_manual_review]}}")
    rate = f"score < {num_text(b.t2 + 40)}"
    if b.planted:
        rate += " or (consumption_count == 9 and social_count == 4)"
    lines.append(
        f"  high_rate: {{when: {q(f'({rate}) and {OPEN}')}, appeal: [request_manual_review]}}"
    )
    if b.planted:
        denied = f"tier == 'approve' and score < {T1} and {OPEN}"
        lines.append(f"  fast_track_denied: {{when: {q(denied)}, appeal: [request_manual_review]}}")
    return lines


def _text(b: _Builder, items: list[Item], version: str) -> str:
    variant = "planted" if b.planted else "clean"
    points = "decimal" if b.decimal else "integer"
    head = [
        f"ruleset: {FAMILY}-{b.size}-s{b.seed}-{variant}{version}",
        f"title: binned WoE scorecard, {points} points (benchmarks/family_binned.py)",
        "attributes:",
        *(a.yaml() for a in b.attrs),
        "score:",
        f"  base: {b.base}",
        f"  range: [{LO}, {HI}]",
        "  rules:",
        *(it.yaml() for it in items),
    ]
    tail = [
        "actions:",
        "  request_manual_review: {by: citizen, set: {review_requested: true}}",
        '  complete_review: {by: authority, when: "review_requested", set: {review_passed: true}}',
        "  wait:",
        "    by: time",
        "    params: {days: {type: int, range: [1, 30]}}",
        '    set: {application_age: "min(application_age + days, 365)"}',
    ]
    return "\n".join([*head, *_tiers(b), *_sanctions(b), *tail]) + "\n"


def _diff_items(b: _Builder) -> tuple[list[Item], Attr, int]:
    """The second version's groups, the attribute whose group changes and the value split."""
    rng = random.Random(f"{b.key}:diff")
    wide = [
        i
        for i, a in enumerate(b.binned)
        if i > 0
        and a.kind == "int"
        and b.groups[i] == b.clean_groups[i]
        and a.hi - a.lo >= 2 * b.bins[i] + 2
    ]
    i = rng.choice(wide)
    delta: Num | None = (Fraction(-1, 4) if b.decimal else -1) if b.planted else None
    group, v = _split(b.groups[i], b.binned[i], rng, delta)
    items: list[Item] = list(b.groups)
    items[i] = group
    return items, b.binned[i], v


def _properties(b: _Builder) -> dict[str, str]:
    return {
        "independent": "independent: {of: protected}",
        "monotone": "monotone: {in: delinquencies, output: score, direction: nonincreasing}",
        "same_context": "same_context: {}",
        "forall": forall_yaml("a", f"a.score >= {T1}", "a.tier == 'approve'"),
        "forall_proved": forall_yaml(
            "a, b",
            "a.score == b.score and not a.bankrupt_recent and not b.bankrupt_recent",
            "a.tier == b.tier",
        ),
        "always": f"always: {q(f'implies(high_rate, score < {num_text(b.t2 + 40)})')}",
        "tiers_total": "tiers_total: {}",
        "reachable_rules": "reachable: rules",
        "reachable_tiers": "reachable: tiers",
        "reachable_sanctions": "reachable: sanctions",
        "appeal_path": "appeal_path: {within: 2}",
        "expires": "expires: {within: 3}",
    }


ANY = (-(10**12), 10**12)


def _planted(b: _Builder, gap: Citizen, diff_attr: Attr, v: int) -> dict[str, Expect]:
    t2 = b.t2
    ind = b.find({b.ind_attr.name: b.ind_value, "linked_defaults": 3}, LO + 20, HI - 20)
    mono = b.find({"delinquencies": b.v - 1}, LO + 20, HI - 20)
    ctx = b.find({"finance_count": 13, "employment_count": 7}, *ANY)
    knock = b.find({"bankrupt_recent": True, "bankruptcy_count": 2}, T1 + 5, HI - 5)
    rate = b.find({"consumption_count": 9, "social_count": 4}, t2 + 60, HI - 5)
    app = b.find({"finance_count": 17, "finance_flag": True}, *ANY)
    exp = b.find({"employment_count": 11, "employment_flag": True}, *ANY)
    dif = b.find({diff_attr.name: v}, LO + 20, HI - 20)
    others = frozenset(a.name for a in b.attrs if a.domain not in ("", "identity"))
    protected = frozenset({"linked_defaults", "gender"})
    req: tuple[str, Mapping[str, Val]] = ("request_manual_review", {})
    waits = ((("wait", {"days": 30}),) * 3, (("wait", {"days": 1}),))
    w: dict[str, tuple[str, Witness | None]] = {
        "independent": (
            "a case reads linked_defaults",
            Differ(ind, pair(ind, linked_defaults=4), protected, ("score",)),
        ),
        "monotone": (
            f"a one-wide bin at delinquencies == {b.v} has more points",
            Rises(mono, pair(mono, delinquencies=b.v), "delinquencies"),
        ),
        "same_context": (
            "identity_hold reads finance and employment counts",
            Differ(ctx, pair(ctx, finance_count=12), others, ("identity_hold",)),
        ),
        "forall": (
            "a knockout keeps some scores >= 700 out of approve",
            Shows(
                (knock,),
                lambda o: score(o[0]) >= T1 and o[0].tier != "approve",
                "a score >= 700 not approved",
            ),
        ),
        "always": (
            "high_rate also fires on two consumption/social counts",
            Shows(
                (rate,),
                lambda o: "high_rate" in o[0].sanctions and score(o[0]) >= t2 + 40,
                "high_rate at a high score",
            ),
        ),
        "tiers_total": (
            f"no tier for score {num_text(t2)}",
            Shows((gap,), lambda o: o[0].tier is None, "a citizen without a tier"),
        ),
        "reachable_rules": ("a bin placed after a coarser bin of its group", None),
        "reachable_tiers": ("approve_plus comes after approve and needs what approve takes", None),
        "reachable_sanctions": ("fast_track_denied needs approve below 700", None),
        "appeal_path": (
            "finance_hold's narrow disjunct ignores the review",
            Stuck(
                app,
                "finance_hold",
                ((req,), (req, ("complete_review", {})), (req, ("wait", {"days": 30}))),
                "the disjunct reads no review attribute; it needs application_age < 90 and "
                "one wait adds at most 30 days to 0",
            ),
        ),
        "expires": (
            "employment_hold's narrow disjunct ignores the clock",
            Stuck(exp, "employment_hold", waits, "the disjunct does not read application_age"),
        ),
        "forall_proved": ("without bankrupt_recent the tier is a function of the score", None),
    }
    out = {
        k: Expect("proved" if k == "forall_proved" else "violated", why, wit)
        for k, (why, wit) in w.items()
    }
    out["diff"] = Expect(
        "different", f"the new version gives {diff_attr.name} == {v} other points", Changed(dif)
    )
    return out


def _clean(b: _Builder) -> dict[str, Expect]:
    t2 = b.t2
    tiers = (b.find({}, T1 + 10, HI - 10), b.find({}, t2 + 5, T1 - 5), b.find({}, LO + 10, t2 - 5))
    holds = tuple(b.find({f"{d}_flag": True, f"{d}_count": 5}, *ANY) for d in DOMAINS)
    wanted = [f"{d}_hold" for d in DOMAINS]
    held = {
        "independent": "nothing reads linked_defaults or gender",
        "monotone": "delinquencies has one group whose points never rise from bin to bin",
        "same_context": "domain holds read their own domain's flags and counts, review_passed "
        "and application_age (no domain); decline_notice and high_rate have no domain",
        "forall": "approve is the first tier, `score >= 700`",
        "forall_proved": "the tiers read only the score",
        "always": f"high_rate is `score < {num_text(t2 + 40)} and …`",
        "tiers_total": "the last tier is True",
        "reachable_rules": "each group's cuts increase, so every bin has values of its own",
        "appeal_path": "every sanction is `… and not review_passed and …`; "
        "request_manual_review is always enabled, then complete_review",
        "expires": "every sanction needs application_age < 90; three waits of 30 days end it",
    }
    out = {k: Expect("proved", why) for k, why in held.items()}
    out["reachable_tiers"] = Expect(
        "proved",
        "each tier is reached by a citizen",
        Shows(
            tiers, lambda o: [x.tier for x in o] == ["approve", "refer", "decline"], "every tier"
        ),
    )
    out["reachable_sanctions"] = Expect(
        "proved",
        "each sanction is imposed on a citizen",
        Shows(
            (*holds, tiers[2]),
            lambda o: (
                all(n in x.sanctions for n, x in zip(wanted, o, strict=False))
                and {"decline_notice", "high_rate"} <= set(o[-1].sanctions)
            ),
            "every sanction imposed",
        ),
    )
    out["diff"] = Expect("equivalent", "the new version splits one bin in two with the same points")
    return out


def generate(size: int, seed: int, planted: bool) -> Instance:
    """The binned family's scorecard of `size` bins (see the module docstring)."""
    b = _Builder(size, seed, planted)
    gap = b.gap_witness()
    diff_items, diff_attr, v = _diff_items(b)
    expects = _planted(b, gap, diff_attr, v) if planted else _clean(b)
    return Instance(
        FAMILY,
        size,
        seed,
        planted,
        text=_text(b, b.items, ""),
        diff_text=_text(b, diff_items, "-v2"),
        properties=_properties(b),
        expects=expects,
        notes=f"{len(b.binned)} binned attributes, {'decimal' if b.decimal else 'integer'} "
        f"points, base {b.base}, t2 {num_text(b.t2)}",
    )
