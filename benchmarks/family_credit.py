"""Family `credit`: social-credit catalogues shaped like Rongcheng's point table.

Sources for the shape: /work/shared/research/real-rulesets.md §4.1, spec/rongcheng.yaml and
spec/sesame-credit.yaml. A base of 1,000 points, `range: [0, 2000]`; `size` catalogue items,
each a row "record of X" (a bool) or "per record" / "N or more records" (a count) in one of five
sectors (commercial, utilities, traffic, judicial, social) that deducts points, or a civic row
(volunteering, donations) that adds them; rows apply to people in scope (`in_scope`: 18 or
older, a year of residence, a define) and deductions only while `record_age < 5` (years since
the record, Shandong Art 38's five-year limit); about 40 % of rows add an aggravating
condition on another record of the same sector; Rongcheng's discretionary "other" row
(`-5 - other_deduction`, with its `assume`). Tiers read the score with Rongcheng's bands
(not_rated, AAA 1050, AA 1030, A 960, B 850, C 600, D); five sector sanctions read their own
sector's records, `loan_restriction` reads the score and `public_office_ban` the tier. Appeals:
`appeal` (citizen) then `correct_record` (authority); expiry: `wait` (time) adds years to
`record_age`. About one record attribute per eight rows (24 to 1,500).

Clean: every property holds; the reasons are in `_clean`. Planted, one narrow fault per kind
(witnesses confirmed by the reference evaluator):
- independent (protected): a row deducting 15 when `relatives_listed == 4` and two records;
- monotone (score nonincreasing in `unpaid_fines`): an "amnesty" row adding more points at
  `unpaid_fines == v` than every row on `unpaid_fines` takes away from v-1 to v;
- same_context: `flight_ban` (judicial) also fires on two commercial records;
- forall (same score in scope ⇒ same tier): a grade-override order puts people in C whatever
  their points (V4.11);
- always (loan_restriction ⇒ score < 850): `loan_restriction` also fires on two commercial
  records;
- tiers_total: D is `score < 599` where C starts at 600;
- reachable: a row that needs a corrected record without an appeal (the `assume` forbids it),
  a tier B_plus placed after B, a sanction needing tier AAA below 1,050;
- appeal_path (within 2): `cutoff_warning` also fires on two utilities records, whatever
  appeal, correction or time do (so this citizen's sanction does not expire either);
- expires (within 1): a -300 row without the five-year limit keeps `loan_restriction`;
- diff: the new version adds -1 to one row's citizens aged exactly 77 (clean: the new version
  moves the utilities rows to the end and splits one row in two on a bool).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from family_model import (
    Attr,
    Citizen,
    Cond,
    Finder,
    Item,
    Num,
    Rule,
    Val,
    forall_yaml,
    magnitude,
    pair,
    q,
    satisfying,
)
from family_verify import Changed, Differ, Expect, Instance, Rises, Shows, Stuck, Witness, score

FAMILY = "credit"
SECTORS = ("commercial", "utilities", "traffic", "judicial", "social")
SANCTIONS = {
    "commercial": "bidding_ban",
    "utilities": "cutoff_warning",
    "traffic": "license_suspension",
    "judicial": "flight_ban",
    "social": "media_exposure",
}
TIERS = (("AAA", 1050), ("AA", 1030), ("A", 960), ("B", 850), ("C", 600))
SCOPE = (Cond("in_scope", "true"),)
FRESH = Cond("record_age", "<", 5)
OPEN = "record_age < 5 and not record_corrected"
OVERRIDE = "grade_override and override_reason == 'drunk_driving'"


def _in_scope(c: Mapping[str, Val]) -> dict[str, Val]:
    return {"in_scope": c["age"] >= 18 and c["residence_months"] >= 12}  # type: ignore[operator]


class _Builder:
    def __init__(self, size: int, seed: int, planted: bool) -> None:
        self.size, self.seed, self.planted = size, seed, planted
        self.key = f"{FAMILY}:{size}:{seed}"
        self.rng = random.Random(self.key)
        self._attributes()
        self._rules()
        self.plants = self._plants() if planted else []
        self.items: list[Item] = [*self.rules, *self.plants]
        variant = "planted" if planted else "clean"
        self.finder = Finder(
            f"{self.key}:{variant}", self.items, 1000, self.free, self._start, _in_scope, self.attrs
        )

    def _attributes(self) -> None:
        rng = self.rng
        n = min(1500, max(24, self.size // 8))
        self.records: dict[str, list[Attr]] = {}
        for s in (*SECTORS, "civic"):
            pool = [Attr(f"{s}_0", "bool", domain=s), Attr(f"{s}_n1", "int", 0, 12, domain=s)]
            for i in range(2, max(4, n // 6)):
                if rng.random() < 0.6:
                    pool.append(Attr(f"{s}_{i}", "bool", domain=s))
                else:
                    hi = 200 if s == "civic" else rng.choice((5, 12, 24, 50))
                    pool.append(Attr(f"{s}_n{i}", "int", 0, hi, domain=s))
            self.records[s] = pool
        self.fines = Attr("unpaid_fines", "int", 0, 30, domain="traffic")
        self.v = rng.randint(3, 27)  # the monotone plant's value
        self.special = [
            Attr("age", "int", 0, 120),
            Attr("residence_months", "int", 0, 1200),
            Attr(
                "ethnicity",
                "enum",
                values=("han", "hui", "uyghur", "tibetan", "other"),
                protected="true",
            ),
            Attr("relatives_listed", "int", 0, 50, protected="association", domain="social"),
            Attr("record_age", "int", 0, 50, changes="time"),
            Attr("appealed", "bool"),
            Attr("record_corrected", "bool"),
            Attr("other_untrustworthy", "bool", domain="commercial"),
            Attr("other_deduction", "int", 0, 45, domain="commercial"),
            Attr("grade_override", "bool", domain="judicial"),
            Attr(
                "override_reason",
                "enum",
                values=("none", "drunk_driving", "court_order"),
                domain="judicial",
            ),
            self.fines,
        ]
        self.free = [a for pool in self.records.values() for a in pool] + [self.fines]
        self.attrs = self.special + [a for pool in self.records.values() for a in pool]

    def _record_cond(self, a: Attr) -> Cond:
        if a.kind == "bool":
            return Cond(a.name, "true")
        return Cond(a.name, ">=", self.rng.randint(1, int(a.hi)))

    def _row(self, rid: str, sector: str) -> Rule:
        rng = self.rng
        rec, ctx = rng.sample(self.records[sector], 2)
        civic = sector == "civic"
        conds = [*SCOPE] if civic else [*SCOPE, FRESH]
        if rec.kind == "int" and rng.random() < 0.5:
            conds += [self._record_cond(ctx)] if rng.random() < 0.4 else []
            k = rng.randint(1, 2) if civic else -rng.randint(1, 10)
            return Rule(rid, tuple(conds), k, per=rec.name)
        conds.append(self._record_cond(rec))
        if rng.random() < 0.4:
            conds.append(self._record_cond(ctx))
        p = rng.choice((5, 10, 20, 30)) if civic else -rng.choice((5, 10, 20, 30, 50, 60, 100))
        return Rule(rid, tuple(conds), p)

    def _fines_row(self, rid: str) -> Rule:
        rng = self.rng
        if rng.random() < 0.5:
            return Rule(rid, (*SCOPE, FRESH), -rng.randint(1, 10), per="unpaid_fines")
        t = self.v
        while t == self.v:
            t = rng.randint(1, 30)
        return Rule(rid, (*SCOPE, FRESH, Cond("unpaid_fines", ">=", t)), -rng.choice((5, 10, 20)))

    def _rules(self) -> None:
        rng = self.rng
        other = (*SCOPE, FRESH, Cond("other_untrustworthy", "true"))
        self.rules = [
            Rule("other-row", other, -5),
            Rule("other-row-discretion", other, -1, per="other_deduction"),
        ]
        weights = (3, 2, 2, 2, 1, 2)  # commercial … social, civic
        for i in range(2, self.size):
            if rng.random() < 1 / 60:
                self.rules.append(self._fines_row(f"row{i}"))
            else:
                sector = rng.choices((*SECTORS, "civic"), weights)[0]
                self.rules.append(self._row(f"row{i}", sector))

    def _narrow(self, sector: str, rng: random.Random) -> tuple[Cond, ...]:
        """A bool record and a count equal to one value: a narrow condition in `sector`."""
        pool = self.records[sector][2:]
        b = rng.choice([a for a in pool if a.kind == "bool"] or [self.records[sector][0]])
        n = rng.choice([a for a in pool if a.kind == "int"] or [self.records[sector][1]])
        return (Cond(b.name, "true"), Cond(n.name, "==", rng.randint(1, int(n.hi))))

    def _plants(self) -> list[Rule]:
        rng = random.Random(f"{self.key}:plants")
        self.n_ind = (Cond("relatives_listed", "==", 4), *self._narrow("social", rng))
        self.n_mono = self._narrow("civic", rng)
        self.mono_points = (
            sum(magnitude(r.points) for r in self.rules if r.per == "unpaid_fines") + 5
        )
        self.n_ctx = self._narrow("commercial", rng)
        self.n_always = self._narrow("commercial", rng)
        self.n_appeal = self._narrow("utilities", rng)
        self.n_lasting = self._narrow("judicial", rng)
        dead = self._record_cond(rng.choice(self.records["judicial"]))
        fines = Cond("unpaid_fines", "==", self.v)
        return [
            Rule("p-relatives", (*SCOPE, FRESH, *self.n_ind), -15),
            Rule("p-amnesty", (*SCOPE, fines, *self.n_mono), self.mono_points),
            Rule(
                "p-dead",
                (*SCOPE, FRESH, Cond("record_corrected", "true"), Cond("appealed", "false"), dead),
                -20,
            ),
            Rule("p-lasting", (*SCOPE, *self.n_lasting), -300),
        ]

    def _start(self, rng: random.Random) -> Citizen:
        c: Citizen = {a.name: a.baseline() for a in self.attrs}
        c.update(age=30, residence_months=60)
        for a in self.free:
            if rng.random() < 0.05:
                c[a.name] = a.draw(rng)
        return c

    def find(self, fixed: Mapping[str, Val], lo: Num, hi: Num) -> Citizen:
        return self.finder.find(fixed, lo, hi)

    # -- text --------------------------------------------------------------------------

    def _tiers(self) -> list[str]:
        lines = ["tiers:", '  - {id: not_rated, when: "not in_scope"}']
        for name, t in TIERS:
            when = f"score >= {t}"
            if self.planted and name != "C":
                when += f" and not ({OVERRIDE})"
            if self.planted and name == "C":
                lines.append('  - {id: B_plus, when: "score >= 900 and not grade_override"}')
                when += f" or ({OVERRIDE})"
            lines.append(f"  - {{id: {name}, when: {q(when)}}}")
        lines.append(f"  - {{id: D, when: {q('score < 599' if self.planted else 'True')}}}")
        return lines

    def _sanctions(self) -> list[str]:
        def narrow(conds: tuple[Cond, ...]) -> str:
            return " and ".join(c.text() for c in conds)

        lines = ["sanctions:"]
        for s, name in SANCTIONS.items():
            own = f"{s}_0 and {s}_n1 >= 3"
            if self.planted and s == "judicial":
                own = f"({own}) or ({narrow(self.n_ctx)})"
            when = f"({own}) and {OPEN}"
            if self.planted and s == "utilities":
                when = f"({when}) or ({narrow(self.n_appeal)})"
            lines.append(f"  {name}: {{when: {q(when)}, domain: {s}, appeal: [appeal]}}")
        low = "score < 850"
        if self.planted:
            low = f"{low} or ({narrow(self.n_always)} and record_age < 5)"
        loan = f"({low}) and not record_corrected"
        lines.append(f"  loan_restriction: {{when: {q(loan)}, appeal: [appeal]}}")
        office = "tier == 'D' and not record_corrected"
        lines.append(f"  public_office_ban: {{when: {q(office)}, appeal: [appeal]}}")
        if self.planted:
            honour = f"tier == 'AAA' and score < 1050 and {OPEN}"
            lines.append(f"  honour_revoked: {{when: {q(honour)}, appeal: [appeal]}}")
        return lines

    def text(self, items: list[Item], version: str) -> str:
        variant = "planted" if self.planted else "clean"
        head = [
            f"ruleset: {FAMILY}-{self.size}-s{self.seed}-{variant}{version}",
            "title: social-credit catalogue, Rongcheng-like (benchmarks/family_credit.py)",
            "attributes:",
            *(a.yaml() for a in self.attrs),
            "assume:",
            '  - "appealed or not record_corrected"',
            '  - "other_untrustworthy or other_deduction == 0"',
            "define:",
            '  in_scope: "age >= 18 and residence_months >= 12"',
            "score:",
            "  base: 1000",
            "  range: [0, 2000]",
            "  rules:",
            *(it.yaml() for it in items),
        ]
        tail = [
            "actions:",
            "  appeal: {by: citizen, set: {appealed: true}}",
            '  correct_record: {by: authority, when: "appealed", set: {record_corrected: true}}',
            "  wait:",
            "    by: time",
            "    params: {years: {type: int, range: [1, 50]}}",
            '    set: {record_age: "min(record_age + years, 50)"}',
        ]
        return "\n".join([*head, *self._tiers(), *self._sanctions(), *tail]) + "\n"

    def diff_items(self) -> tuple[list[Item], Rule]:
        """The second version's rows, and the row it changes."""
        i = (2 * self.size) // 3
        r = self.rules[i]
        items: list[Item] = list(self.items)
        if self.planted:
            items.insert(i + 1, Rule(f"{r.id}x", (*r.when, Cond("age", "==", 77)), -1))
            return items, r
        used = {c.attr for c in r.when}
        b = next(a for a in self.free if a.kind == "bool" and a.name not in used)
        items[i] = Rule(r.id, (*r.when, Cond(b.name, "true")), r.points, r.per)
        items.insert(i + 1, Rule(f"{r.id}s", (*r.when, Cond(b.name, "false")), r.points, r.per))
        utilities = [it for it in items if _sector(it) == "utilities"]
        return [it for it in items if _sector(it) != "utilities"] + utilities, r

    def properties(self) -> dict[str, str]:
        return {
            "independent": "independent: {of: protected}",
            "monotone": "monotone: {in: unpaid_fines, output: score, direction: nonincreasing}",
            "same_context": "same_context: {}",
            "forall": forall_yaml(
                "a, b", "a.score == b.score and a.in_scope and b.in_scope", "a.tier == b.tier"
            ),
            "forall_proved": forall_yaml("a", "a.tier == 'D'", "a.score < 600"),
            "always": f"always: {q('implies(loan_restriction, score < 850)')}",
            "tiers_total": "tiers_total: {}",
            "reachable_rules": "reachable: rules",
            "reachable_tiers": "reachable: tiers",
            "reachable_sanctions": "reachable: sanctions",
            "appeal_path": "appeal_path: {within: 2}",
            "expires": "expires: {within: 1}",
        }


def _sector(it: Item) -> str:
    reads = sorted(it.reads() - {"in_scope", "record_age"})
    return reads[0].split("_")[0] if reads else ""


ANY = (-(10**9), 10**9)
WAITS = tuple((("wait", {"years": y}),) for y in (1, 4, 5, 50))


def _planted(b: _Builder, changed: Rule) -> dict[str, Expect]:
    ind = b.find(satisfying(b.n_ind), 100, 1900)
    mono = b.find({**satisfying(b.n_mono), "unpaid_fines": b.v - 1}, 100, 1900 - b.mono_points)
    ctx = b.find(satisfying(b.n_ctx), *ANY)
    ctx_other = pair(ctx, **{b.n_ctx[1].attr: b.n_ctx[1].value - 1})  # type: ignore[operator]
    over = b.find({"grade_override": True, "override_reason": "drunk_driving"}, 860, 1040)
    alw = b.find(satisfying(b.n_always), 900, 2000)
    gap = b.finder.find({"other_untrustworthy": True}, 599, 599, extra_free=("other_deduction",))
    app = b.find(satisfying(b.n_appeal), *ANY)
    no_rewards = {a.name: a.baseline() for a in b.records["civic"]}
    last = b.find({**satisfying(b.n_lasting), **no_rewards, "unpaid_fines": 0}, *ANY)
    dif = b.find({**satisfying(changed.when, skip=("in_scope",)), "age": 77}, 100, 1900)
    others = frozenset(a.name for a in b.attrs if a.domain not in ("", "judicial"))
    appeal_paths = (
        (("appeal", {}),),
        (("appeal", {}), ("correct_record", {})),
        *((("appeal", {}), *w) for w in WAITS),
    )
    w: dict[str, tuple[str, Witness | None]] = {
        "independent": (
            "row p-relatives reads relatives_listed",
            Differ(
                ind,
                pair(ind, relatives_listed=5),
                frozenset({"relatives_listed", "ethnicity"}),
                ("score",),
            ),
        ),
        "monotone": (
            f"row p-amnesty adds {b.mono_points} at unpaid_fines == {b.v}",
            Rises(mono, pair(mono, unpaid_fines=b.v), "unpaid_fines"),
        ),
        "same_context": (
            "flight_ban reads two commercial records",
            Differ(ctx, ctx_other, others, ("flight_ban",)),
        ),
        "forall": (
            "a grade-override order puts people in C",
            Shows(
                (over, pair(over, grade_override=False)),
                lambda o: score(o[0]) == score(o[1]) and o[0].tier != o[1].tier,
                "same score, different tiers",
            ),
        ),
        "always": (
            "loan_restriction also fires on two commercial records",
            Shows(
                (alw,),
                lambda o: "loan_restriction" in o[0].sanctions and score(o[0]) >= 850,
                "loan_restriction at 850 or more",
            ),
        ),
        "tiers_total": (
            "no tier for score 599",
            Shows((gap,), lambda o: o[0].tier is None, "a citizen without a tier"),
        ),
        "reachable_rules": ("row p-dead needs a correction without an appeal", None),
        "reachable_tiers": ("B_plus comes after B and needs what B takes", None),
        "reachable_sanctions": ("honour_revoked needs tier AAA below 1,050", None),
        "appeal_path": (
            "cutoff_warning's narrow disjunct ignores appeal, correction and time",
            Stuck(
                app,
                "cutoff_warning",
                appeal_paths,
                "the disjunct reads none of appealed, record_corrected, record_age",
            ),
        ),
        "expires": (
            "row p-lasting (-300) never expires",
            Stuck(
                last,
                "loan_restriction",
                WAITS,
                "after any wait the score is at most 1000 - 300 + this citizen's civic "
                "points (none)",
            ),
        ),
        "forall_proved": ("D is the last tier; C takes every score >= 600 in scope", None),
    }
    out = {
        k: Expect("proved" if k == "forall_proved" else "violated", why, wit)
        for k, (why, wit) in w.items()
    }
    out["diff"] = Expect(
        "different", f"row {changed.id}x (new) subtracts 1 at age 77", Changed(dif)
    )
    return out


def _clean(b: _Builder) -> dict[str, Expect]:
    bands = ((1060, 1990), (1031, 1049), (970, 1020), (860, 950), (610, 840), (10, 590))
    tiers = (b.find({"age": 10}, *ANY), *(b.find({}, lo, hi) for lo, hi in bands))
    names = ["not_rated", *(t for t, _ in TIERS), "D"]
    own = tuple(b.find({f"{s}_0": True, f"{s}_n1": 3}, *ANY) for s in SECTORS)
    sanctioned = (*own, tiers[5], tiers[6])
    wanted = [*SANCTIONS.values(), "loan_restriction", "public_office_ban"]
    held = {
        "independent": "nothing reads ethnicity or relatives_listed",
        "monotone": "rows on unpaid_fines are `unpaid_fines >= t` (points < 0) or "
        "`-k * unpaid_fines`; the clamp is monotone",
        "same_context": "sector sanctions read their own sector's records, record_age and "
        "record_corrected (no domain); the score and tier sanctions have no domain",
        "forall": "in scope, the tier is a function of the score",
        "forall_proved": "D is the last tier; C takes every score >= 600 in scope",
        "always": "loan_restriction is `score < 850 and …`",
        "tiers_total": "the last tier is True",
        "reachable_rules": "each row tests in_scope, record_age < 5 and distinct records with "
        "satisfiable bounds; no row touches what the assumes constrain, except "
        "other_untrustworthy, which its rows require",
        "appeal_path": "every sanction is `… and not record_corrected`; appeal is always "
        "enabled, then correct_record",
        "expires": "sector sanctions need record_age < 5; every deduction needs record_age < 5 "
        "and rewards are >= 0, so after wait(50) the score is >= 1000 (not below 850, not D)",
    }
    out = {k: Expect("proved", why) for k, why in held.items()}
    out["reachable_tiers"] = Expect(
        "proved",
        "each tier's band is reached by a citizen",
        Shows(tiers, lambda o: [x.tier for x in o] == names, "every tier"),
    )
    out["reachable_sanctions"] = Expect(
        "proved",
        "each sanction is imposed on a citizen",
        Shows(
            sanctioned,
            lambda o: all(n in x.sanctions for n, x in zip(wanted, o, strict=True)),
            "every sanction imposed",
        ),
    )
    out["diff"] = Expect(
        "equivalent", "the new version reorders rows and splits one in two on a bool"
    )
    return out


def generate(size: int, seed: int, planted: bool) -> Instance:
    """The credit family's catalogue of `size` rows (see the module docstring)."""
    b = _Builder(size, seed, planted)
    diff_items, changed = b.diff_items()
    expects = _planted(b, changed) if planted else _clean(b)
    return Instance(
        FAMILY,
        size,
        seed,
        planted,
        text=b.text(b.items, ""),
        diff_text=b.text(diff_items, "-v2"),
        properties=b.properties(),
        expects=expects,
        notes=f"{len(b.free)} record attributes, monotone plant at unpaid_fines == {b.v}",
    )
