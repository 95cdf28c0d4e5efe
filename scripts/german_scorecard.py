#!/usr/bin/env python3
"""A points scorecard for the UCI German Credit data, exported as ruleproof rulesets.

Data: Hofmann, H. (1994). Statlog (German Credit Data). UCI Machine Learning Repository,
https://doi.org/10.24432/C5NC77, licensed CC BY 4.0. 1,000 applicants, 20 attributes, each
classified good (700) or bad (300) credit risk. Read from ``<repo>/data/german``
unless ``--data`` says otherwise.

Method (classic weight-of-evidence points scorecard, naive-Bayes form; stdlib only):

1. Binning. Categorical attributes keep their UCI codes (lower-cased: ``a11`` ... ``a14``).
   Attribute 9 (personal status and sex) is reduced to ``sex`` (A92, A95 female; A91, A93, A94
   male); its marital part is not used because the coding entangles it with sex. Numeric
   attributes are cut at fixed, round cut points chosen before looking at the outcome
   (`FEATURES`): duration 4-12 / 13-24 / 25-36 / 37-72 months, credit amount 250-1499 /
   1500-3999 / 4000-7999 / 8000-18424 DM, age 19-25 / 26-35 / 36-49 / 50-75 years (26 being
   the usual split in the fairness literature), existing credits 1 / 2-4; the other small
   counts (installment rate, residence, people liable) keep one bin per value.
2. Weight of evidence per bin, smoothed towards the population odds with `ALPHA` = 2
   pseudo-applicants split in the population's good:bad ratio (G = 700, B = 300, N = 1000)::

       WoE(bin) = ln((g + ALPHA * G / N) / (b + ALPHA * B / N)) - ln(G / B)

   where g and b count the good and bad applicants in the bin. An empty bin (code A47 never
   occurs) gets WoE 0, and a tiny bin is pulled towards 0.
3. Scaling with points to double the odds: `PDO` = 20 points double the good:bad odds and a
   score of `TARGET_SCORE` = 600 means odds of `TARGET_ODDS` = 50:1, so
   ``FACTOR = PDO / ln 2`` (28.8539...) and ``OFFSET = 600 - FACTOR * ln 50`` (487.1229...).
   ``points(bin) = round(FACTOR * WoE(bin))`` and ``base = round(OFFSET + FACTOR * ln(G/B))``
   (= 512); rounding is half away from zero. This is the naive-Bayes scorecard (every WoE has
   coefficient 1, no regression): ``score = base + sum of the points of the applicant's bins``.
   Bins whose points round to 0 get no rule.
4. Cutoff. Per variant, the largest integer ``c`` such that at least `APPROVAL_TARGET` = 700 of
   the 1,000 applicants score ``>= c``: tier ``approve`` when ``score >= c``, else ``decline``,
   and the sanction ``loan_denied`` when the tier is ``decline``.

Variants: ``with-protected`` (points for sex, age and foreign worker), ``without-protected``
(the same table without those three; they stay declared, protected, read by no rule) and
``compensated`` (with-protected plus a naive "compensation points" rule for each group the
fairness literature calls disadvantaged: female, age < 26, foreign worker; each adds the gap to
the other group's points; for age the target is the applicant-weighted mean points of ages
>= 26, which cannot equalise the three bins above 26 among themselves).

Commands::

    python scripts/german_scorecard.py export   # spec/ and properties/ german-credit-*.yaml
    python scripts/german_scorecard.py report   # table on stdout + docs/german-credit-results.md

Everything is deterministic: the same data give the same output bytes.
"""

from __future__ import annotations

import argparse
import csv
import functools
import importlib
import itertools
import json
import math
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "data" / "german"

PDO = 20
TARGET_SCORE = 600
TARGET_ODDS = 50
FACTOR = PDO / math.log(2)
OFFSET = TARGET_SCORE - FACTOR * math.log(TARGET_ODDS)
ALPHA = 2
APPROVAL_TARGET = 700

SOURCE = (
    "Hofmann, H. (1994). Statlog (German Credit Data). UCI Machine Learning Repository, "
    "https://doi.org/10.24432/C5NC77, licensed CC BY 4.0. Points: weight-of-evidence scorecard "
    "computed from the 1,000 applicants by scripts/german_scorecard.py "
    f"(PDO {PDO}, {TARGET_SCORE} points at odds {TARGET_ODDS}:1, smoothing alpha {ALPHA}); "
    "see docs/german-credit.md."
)
CITE = "UCI German Credit (Hofmann 1994)"
VARIANTS = ("with-protected", "without-protected", "compensated")
PROTECTED = ("sex", "age", "foreign_worker")
SEX_OF_STATUS = {"A91": "male", "A92": "female", "A93": "male", "A94": "male", "A95": "female"}
BOOL_MEANINGS = {
    "A191": "none",
    "A192": "yes, registered under the customer's name",
    "A201": "yes",
    "A202": "no",
}


@dataclass(frozen=True)
class Feature:
    """One attribute of the ruleset: where it comes from in german.data and how it is binned."""

    name: str
    column: int  # 0-based column of german.data
    number: int  # UCI attribute number
    title: str
    codes: tuple[str, ...] = ()  # enum: the UCI codes, in order
    lo: int = 0  # int: declared range
    hi: int = 0
    bins: tuple[tuple[int, int], ...] = ()  # int: inclusive bins covering [lo, hi]
    protected: bool = False
    domain: str | None = None
    values_map: str | None = None  # key in values_maps.json

    @property
    def is_enum(self) -> bool:
        return bool(self.codes) or self.name == "sex"

    @property
    def values(self) -> tuple[str, ...]:
        """Enum values as written in the ruleset."""
        if self.name == "sex":
            return ("female", "male")
        return tuple(c.lower() for c in self.codes)

    def domain_values(self) -> list[str | int]:
        """Every value of the declared domain (enum values, or every int of the range)."""
        if self.is_enum:
            return list(self.values)
        return list(range(self.lo, self.hi + 1))

    def value_of(self, row: Sequence[str]) -> str | int:
        """This attribute's value for one german.data row."""
        raw = row[self.column]
        if self.name == "sex":
            return SEX_OF_STATUS[raw]
        if self.is_enum:
            return raw.lower()
        return int(raw)


def _codes(prefix: str, numbers: Iterable[int]) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for n in numbers)


def _per_value(lo: int, hi: int) -> tuple[tuple[int, int], ...]:
    return tuple((v, v) for v in range(lo, hi + 1))


FEATURES: tuple[Feature, ...] = (
    Feature(
        "status",
        0,
        1,
        "Status of existing checking account",
        _codes("A1", range(1, 5)),
        domain="finance",
        values_map="status",
    ),
    Feature(
        "duration_months",
        1,
        2,
        "Duration in months",
        lo=4,
        hi=72,
        bins=((4, 12), (13, 24), (25, 36), (37, 72)),
        domain="finance",
    ),
    Feature(
        "credit_history",
        2,
        3,
        "Credit history",
        _codes("A3", range(5)),
        domain="finance",
        values_map="credit_history",
    ),
    Feature(
        "purpose",
        3,
        4,
        "Purpose",
        _codes("A4", [*range(10), 10]),
        domain="finance",
        values_map="purpose",
    ),
    Feature(
        "credit_amount",
        4,
        5,
        "Credit amount, DM",
        lo=250,
        hi=18424,
        bins=((250, 1499), (1500, 3999), (4000, 7999), (8000, 18424)),
        domain="finance",
    ),
    Feature(
        "savings",
        5,
        6,
        "Savings account/bonds",
        _codes("A6", range(1, 6)),
        domain="finance",
        values_map="savings",
    ),
    Feature(
        "employment_since",
        6,
        7,
        "Present employment since",
        _codes("A7", range(1, 6)),
        values_map="present_employment",
    ),
    Feature(
        "installment_rate",
        7,
        8,
        "Installment rate in percentage of disposable income",
        lo=1,
        hi=4,
        bins=_per_value(1, 4),
        domain="finance",
    ),
    Feature(
        "sex",
        8,
        9,
        "Sex, from personal status (A92, A95 female; A91, A93, A94 male)",
        protected=True,
    ),
    Feature(
        "other_debtors",
        9,
        10,
        "Other debtors / guarantors",
        _codes("A10", range(1, 4)),
        domain="finance",
        values_map="other_debtors",
    ),
    Feature(
        "residence_since",
        10,
        11,
        "Present residence since (years, coded 1-4)",
        lo=1,
        hi=4,
        bins=_per_value(1, 4),
    ),
    Feature(
        "property",
        11,
        12,
        "Property",
        _codes("A12", range(1, 5)),
        domain="finance",
        values_map="property",
    ),
    Feature(
        "age",
        12,
        13,
        "Age in years",
        lo=19,
        hi=75,
        bins=((19, 25), (26, 35), (36, 49), (50, 75)),
        protected=True,
    ),
    Feature(
        "other_installment_plans",
        13,
        14,
        "Other installment plans",
        _codes("A14", range(1, 4)),
        domain="finance",
        values_map="installment_plans",
    ),
    Feature("housing", 14, 15, "Housing", _codes("A15", range(1, 4)), values_map="housing"),
    Feature(
        "existing_credits",
        15,
        16,
        "Number of existing credits at this bank",
        lo=1,
        hi=4,
        bins=((1, 1), (2, 4)),
        domain="finance",
    ),
    Feature("job", 16, 17, "Job", _codes("A17", range(1, 5)), values_map="job"),
    Feature(
        "people_liable",
        17,
        18,
        "Number of people being liable to provide maintenance for",
        lo=1,
        hi=2,
        bins=_per_value(1, 2),
    ),
    Feature("telephone", 18, 19, "Telephone", _codes("A19", range(1, 3)), values_map="telephone"),
    Feature(
        "foreign_worker",
        19,
        20,
        "Foreign worker",
        _codes("A20", range(1, 3)),
        protected=True,
        values_map="foreign_worker",
    ),
)
FEATURE = {f.name: f for f in FEATURES}


# -- data -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """The 1,000 applicants: rows of raw codes, the good/bad label, and the code meanings."""

    rows: tuple[tuple[str, ...], ...]
    good: tuple[bool, ...]
    meanings: dict[str, dict[str, str]]

    def citizen(self, i: int) -> dict[str, str | int]:
        """Row `i` as a ruleset citizen: every attribute's value."""
        return {f.name: f.value_of(self.rows[i]) for f in FEATURES}


def load_data(data_dir: Path) -> Dataset:
    """Read german.data and values_maps.json from `data_dir`."""
    rows: list[tuple[str, ...]] = []
    good: list[bool] = []
    for n, line in enumerate((data_dir / "german.data").read_text().splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 21 or parts[20] not in ("1", "2"):
            raise ValueError(f"german.data line {n}: expected 20 attributes and a 1/2 label")
        rows.append(tuple(parts[:20]))
        good.append(parts[20] == "1")
    raw = json.loads((data_dir / "values_maps.json").read_text())
    meanings = {
        attr: {code: BOOL_MEANINGS.get(code, " ".join(str(m).split())) for code, m in cmap.items()}
        for attr, cmap in raw.items()
    }
    return Dataset(tuple(rows), tuple(good), meanings)


# -- points table -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """A rule's condition on one attribute: an enum value, or an inclusive int interval."""

    attribute: str
    value: str | None = None
    lo: int = 0
    hi: int = 0

    def holds(self, citizen: dict[str, str | int]) -> bool:
        v = citizen[self.attribute]
        if self.value is not None:
            return v == self.value
        assert isinstance(v, int)
        return self.lo <= v <= self.hi

    def text(self) -> str:
        """The condition in the ruleset expression language."""
        a = self.attribute
        if self.value is not None:
            return f"{a} == '{self.value}'"
        f = FEATURE[a]
        if self.lo == self.hi:
            return f"{a} == {self.lo}"
        if self.lo <= f.lo:
            return f"{a} <= {self.hi}"
        if self.hi >= f.hi:
            return f"{a} >= {self.lo}"
        return f"{self.lo} <= {a} <= {self.hi}"

    def label(self) -> str:
        if self.value is not None:
            return self.value
        return str(self.lo) if self.lo == self.hi else f"{self.lo}_{self.hi}"


@dataclass(frozen=True)
class Bin:
    """One row of the points table."""

    condition: Condition
    n: int
    good: int
    bad: int
    woe: float
    points: int


@dataclass(frozen=True)
class Rule:
    """A score rule as exported: id, condition, points, citation and doc."""

    id: str
    condition: Condition
    add: int
    cites: str
    doc: str


@dataclass(frozen=True)
class Scorecard:
    """One variant: base, rules, cutoff. Every rule reads exactly one attribute."""

    variant: str
    base: int
    rules: tuple[Rule, ...]
    cutoff: int

    def score(self, citizen: dict[str, str | int]) -> int:
        """base + the points of every rule whose condition holds (no clamping)."""
        return self.base + sum(r.add for r in self.rules if r.condition.holds(citizen))

    def contributions(self, attribute: str) -> dict[str | int, int]:
        """The points the rules on `attribute` give each value of its declared domain."""
        return self._parts[attribute]

    @functools.cached_property
    def _parts(self) -> dict[str, dict[str | int, int]]:
        parts: dict[str, dict[str | int, int]] = {}
        for f in FEATURES:
            own = [r for r in self.rules if r.condition.attribute == f.name]
            parts[f.name] = {
                v: sum(r.add for r in own if r.condition.holds({f.name: v}))
                for v in f.domain_values()
            }
        return parts

    def reads(self) -> set[str]:
        """The attributes some rule reads."""
        return {r.condition.attribute for r in self.rules}


@dataclass(frozen=True)
class Outcome:
    """What ruleproof's `evaluate` returns, reduced to the parts compared here."""

    score: int
    tier: str
    sanctions: tuple[str, ...] = field(default=())


def round_half_away(x: float) -> int:
    """Round half away from zero; refuse values too close to .5 to be platform independent."""
    frac = abs(x) % 1.0
    if abs(frac - 0.5) < 1e-9:
        raise ArithmeticError(f"{x!r} is too close to a rounding boundary to be reproducible")
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _bins(f: Feature) -> list[Condition]:
    if f.is_enum:
        return [Condition(f.name, value=v) for v in f.values]
    return [Condition(f.name, lo=lo, hi=hi) for lo, hi in f.bins]


def points_table(data: Dataset) -> dict[str, list[Bin]]:
    """WoE and points for every bin of every attribute (see the module docstring)."""
    total_good = sum(data.good)
    total_bad = len(data.good) - total_good
    n_all = len(data.good)
    prior_good = ALPHA * total_good / n_all
    prior_bad = ALPHA * total_bad / n_all
    log_odds = math.log(total_good / total_bad)
    table: dict[str, list[Bin]] = {}
    for f in FEATURES:
        out: list[Bin] = []
        for cond in _bins(f):
            g = b = 0
            for i in range(n_all):
                if cond.holds({f.name: f.value_of(data.rows[i])}):
                    if data.good[i]:
                        g += 1
                    else:
                        b += 1
            woe = math.log((g + prior_good) / (b + prior_bad)) - log_odds
            out.append(Bin(cond, g + b, g, b, woe, round_half_away(FACTOR * woe)))
        table[f.name] = out
    return table


def base_points(data: Dataset) -> int:
    """round(OFFSET + FACTOR * ln(G/B)): the score of an applicant with every WoE 0."""
    total_good = sum(data.good)
    return round_half_away(OFFSET + FACTOR * math.log(total_good / (len(data.good) - total_good)))


def _meaning(data: Dataset, f: Feature, cond: Condition) -> str:
    if f.name == "sex" or not f.is_enum or f.values_map is None:
        return ""
    code = cond.value.upper() if cond.value else ""
    return data.meanings.get(f.values_map, {}).get(code, "")


def _points_rules(data: Dataset, table: dict[str, list[Bin]], protected: bool) -> list[Rule]:
    rules: list[Rule] = []
    for f in FEATURES:
        if f.protected and not protected:
            continue
        for b in table[f.name]:
            if b.points == 0:
                continue
            meaning = _meaning(data, f, b.condition)
            if meaning:
                assert b.condition.value is not None  # only enum values have a meaning
                what = f"{b.condition.value.upper()} ({meaning})"
            else:
                what = b.condition.text()
            if f.name == "sex":
                what = f"sex {b.condition.value}"
            rules.append(
                Rule(
                    id=f"{f.name}_{b.condition.label()}",
                    condition=b.condition,
                    add=b.points,
                    cites=f"{CITE}, attribute {f.number} ({f.title}): {what}",
                    doc=f"n = {b.n} ({b.good} good, {b.bad} bad); WoE = {b.woe:.4f}",
                )
            )
    return rules


def _compensation_rules(data: Dataset, table: dict[str, list[Bin]]) -> list[Rule]:
    """The naive compensation: lift each 'disadvantaged group' to the other group's points."""

    def pts(name: str, value: str | int) -> int:
        cond = next(b for b in table[name] if b.condition.holds({name: value}))
        return cond.points

    rules = [
        Rule(
            "comp_sex_female",
            Condition("sex", value="female"),
            pts("sex", "male") - pts("sex", "female"),
            "compensation for the sex points (naive)",
            "adds back the gap between the male and the female points",
        ),
    ]
    older = [
        int(row[FEATURE["age"].column])
        for row in data.rows
        if int(row[FEATURE["age"].column]) >= 26
    ]
    mean_older = sum(pts("age", a) for a in older) / len(older)
    young = Condition("age", lo=19, hi=25)
    rules.append(
        Rule(
            "comp_age_under_26",
            young,
            round_half_away(mean_older) - pts("age", 19),
            "compensation for the age points (naive)",
            f"lifts applicants under 26 to the mean age points of the {len(older)} applicants "
            f"aged 26 or more ({mean_older:.4f}); leaves the bins from 26 up as they are",
        )
    )
    rules.append(
        Rule(
            "comp_foreign_worker_a201",
            Condition("foreign_worker", value="a201"),
            pts("foreign_worker", "a202") - pts("foreign_worker", "a201"),
            "compensation for the foreign-worker points (naive)",
            "adds back the gap between the non-foreign (a202) and the foreign (a201) points",
        )
    )
    return [r for r in rules if r.add != 0]


def choose_cutoff(scores: Sequence[int], target: int = APPROVAL_TARGET) -> int:
    """The largest integer c such that at least `target` of `scores` are >= c."""
    return sorted(scores, reverse=True)[target - 1]


def build(data: Dataset) -> dict[str, Scorecard]:
    """The three variants, in `VARIANTS` order."""
    table = points_table(data)
    base = base_points(data)
    rule_sets = {
        "with-protected": _points_rules(data, table, protected=True),
        "without-protected": _points_rules(data, table, protected=False),
        "compensated": [
            *_points_rules(data, table, protected=True),
            *_compensation_rules(data, table),
        ],
    }
    cards: dict[str, Scorecard] = {}
    citizens = [data.citizen(i) for i in range(len(data.rows))]
    for variant in VARIANTS:
        card = Scorecard(variant, base, tuple(rule_sets[variant]), 0)
        cutoff = choose_cutoff([card.score(c) for c in citizens])
        cards[variant] = Scorecard(variant, base, card.rules, cutoff)
    return cards


def evaluate(card: Scorecard, citizen: dict[str, str | int]) -> Outcome:
    """This script's own evaluation: score, tier by cutoff, the loan_denied sanction."""
    score = card.score(citizen)
    tier = "approve" if score >= card.cutoff else "decline"
    return Outcome(score, tier, ("loan_denied",) if tier == "decline" else ())


# -- facts the property suites state ----------------------------------------------------------
def score_bounds(card: Scorecard) -> tuple[int, int]:
    """Exact minimum and maximum score over every possible citizen (rules are separable)."""
    lo = hi = card.base
    for name in card.reads():
        values = card.contributions(name).values()
        lo += min(values)
        hi += max(values)
    return lo, hi


def depends_on(card: Scorecard, attributes: Iterable[str]) -> bool:
    """Whether the score can change when only `attributes` change (sum of one-attribute parts)."""
    return any(len(set(card.contributions(a).values())) > 1 for a in attributes)


def monotone_direction(card: Scorecard, attribute: str) -> str | None:
    """`nonincreasing`/`nondecreasing` if the score is monotone in an int attribute, else None."""
    seq = list(card.contributions(attribute).values())
    if all(x >= y for x, y in itertools.pairwise(seq)):
        return "nonincreasing"
    if all(x <= y for x, y in itertools.pairwise(seq)):
        return "nondecreasing"
    return None


# -- YAML export ------------------------------------------------------------------------------
_PLAIN = re.compile(r"^[a-z][a-z0-9_]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _s(value: str) -> str:
    """A YAML scalar for a string: bare when it is a safe identifier, else double-quoted."""
    if _PLAIN.match(value) and value not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def ruleset_yaml(card: Scorecard, data: Dataset) -> str:
    """The ruleset file for one variant (hand-formatted, checked by a YAML round trip)."""
    titles = {
        "with-protected": "with sex, age and foreign worker",
        "without-protected": "without the protected attributes",
        "compensated": "with protected attributes and naive compensation points",
    }
    out = [
        "# Generated by scripts/german_scorecard.py export; do not edit by hand.",
        f"ruleset: german-credit-{card.variant}",
        f"title: {_s(f'German credit points scorecard, {titles[card.variant]}')}",
        f"source: {_s(SOURCE)}",
        "",
        "attributes:",
    ]
    for f in FEATURES:
        out.append(f"  {f.name}:")
        if f.is_enum:
            out.append("    type: enum")
            out.append(f"    values: [{', '.join(_s(v) for v in f.values)}]")
        else:
            out.append("    type: int")
            out.append(f"    range: [{f.lo}, {f.hi}]")
        if f.protected:
            out.append("    protected: true")
        if f.domain:
            out.append(f"    domain: {_s(f.domain)}")
        doc = f"UCI attribute {f.number}: {f.title}"
        if f.is_enum and f.values_map:
            meanings = data.meanings.get(f.values_map, {})
            doc += "; " + "; ".join(f"{c.lower()} = {meanings.get(c, '?')}" for c in f.codes)
        out.append(f"    doc: {_s(doc)}")
    out += ["", "score:", f"  base: {card.base}", "  rules:"]
    for r in card.rules:
        out += [
            f"    - id: {_s(r.id)}",
            f"      when: {_s(r.condition.text())}",
            f"      add: {r.add}",
            f"      cites: {_s(r.cites)}",
            f"      doc: {_s(r.doc)}",
        ]
    out += [
        "",
        "tiers:",
        f"  - {{id: approve, when: {_s(f'score >= {card.cutoff}')}, "
        f"doc: {_s(f'cutoff {card.cutoff} approves the {APPROVAL_TARGET} best of 1,000')}}}",
        '  - {id: decline, when: "True"}',
        "",
        "sanctions:",
        "  loan_denied:",
        "    when: \"tier == 'decline'\"",
        "    domain: finance",
        f"    doc: {_s('the loan application is declined')}",
        "",
    ]
    text = "\n".join(out)
    _check_round_trip(text, card, data)
    return text


def _check_round_trip(text: str, card: Scorecard, data: Dataset) -> None:
    doc = yaml.safe_load(text)
    assert doc["ruleset"] == f"german-credit-{card.variant}"
    assert doc["source"] == SOURCE
    assert list(doc["attributes"]) == [f.name for f in FEATURES]
    for f in FEATURES:
        spec = doc["attributes"][f.name]
        if f.is_enum:
            assert spec["values"] == list(f.values), f.name
        else:
            assert spec["range"] == [f.lo, f.hi], f.name
    rules = doc["score"]["rules"]
    assert [(r["id"], r["when"], r["add"]) for r in rules] == [
        (r.id, r.condition.text(), r.add) for r in card.rules
    ]
    assert all(isinstance(r["cites"], str) and isinstance(r["doc"], str) for r in rules)


def properties_yaml(card: Scorecard) -> str:
    """The property suite for one variant, each `expect` set to the true verdict."""

    def verdict(holds: bool) -> str:
        return "proved" if holds else "violated"

    lo, hi = score_bounds(card)
    outputs = "[score, tier, sanctions]"
    entries: list[tuple[str, str, str, str]] = []  # id, doc, kind line, expect
    for attr, pid, what in (
        ("sex", "sex-does-not-matter", "sex"),
        ("age", "age-does-not-matter", "age"),
        ("foreign_worker", "foreign-worker-does-not-matter", "being a foreign worker"),
    ):
        entries.append(
            (
                pid,
                f"two applicants who differ only in {what} get the same score and decision",
                f"independent: {{of: [{attr}], outputs: {outputs}}}",
                verdict(not depends_on(card, [attr])),
            )
        )
    entries.append(
        (
            "protected-do-not-matter",
            "two applicants who differ only in sex, age and foreign-worker status (any of them, "
            "jointly) get the same score and decision",
            f"independent: {{of: protected, outputs: {outputs}}}",
            verdict(not depends_on(card, PROTECTED)),
        )
    )
    entries.append(
        (
            "tiers-cover-everyone",
            "every applicant is approved or declined",
            "tiers_total: {}",
            "proved",
        )
    )
    entries.append(("every-rule-can-fire", "no dead points rule", "reachable: rules", "proved"))
    entries.append(
        (
            "both-decisions-possible",
            "some applicant is approved and some declined",
            "reachable: tiers",
            verdict(lo < card.cutoff <= hi),
        )
    )
    entries.append(
        (
            "score-bounds",
            f"the score lies between {lo} and {hi}, both attained",
            f"always: {_s(f'{lo} <= score <= {hi}')}",
            "proved",
        )
    )
    for attr, pid, what in (
        ("duration_months", "longer-loans-never-help", "a longer duration"),
        ("installment_rate", "higher-installment-rate-never-helps", "a higher installment rate"),
    ):
        if monotone_direction(card, attr) == "nonincreasing":
            entries.append(
                (
                    pid,
                    f"{what} never raises the score, all else equal",
                    f"monotone: {{in: {attr}, output: score, direction: nonincreasing}}",
                    "proved",
                )
            )
    out = [
        "# Generated by scripts/german_scorecard.py export; do not edit by hand.",
        f"# Properties of spec/german-credit-{card.variant}.yaml; each expect is the true",
        "# verdict under DESIGN.md section 3 (see docs/german-credit.md for the reasoning).",
        "properties:",
    ]
    for pid, doc, kind, expect in entries:
        out += [f"  - id: {pid}", f"    doc: {_s(doc)}", f"    {kind}", f"    expect: {expect}"]
    text = "\n".join(out) + "\n"
    parsed = yaml.safe_load(text)["properties"]
    assert [p["id"] for p in parsed] == [e[0] for e in entries]
    return text


def export_files(data: Dataset) -> dict[str, str]:
    """Every exported file: path relative to the repository root → text."""
    files: dict[str, str] = {}
    for variant, card in build(data).items():
        files[f"spec/german-credit-{variant}.yaml"] = ruleset_yaml(card, data)
        files[f"properties/german-credit-{variant}.yaml"] = properties_yaml(card)
    return files


# -- report -----------------------------------------------------------------------------------
GROUPS: tuple[tuple[str, str, Any], ...] = (
    ("female", "sex", lambda v: v == "female"),
    ("male", "sex", lambda v: v == "male"),
    ("age < 26", "age", lambda v: v < 26),
    ("age >= 26", "age", lambda v: v >= 26),
    ("foreign worker", "foreign_worker", lambda v: v == "a201"),
    ("not foreign", "foreign_worker", lambda v: v == "a202"),
)
FLIP_SETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sex", ("sex",)),
    ("age", ("age",)),
    ("foreign_worker", ("foreign_worker",)),
    ("joint", PROTECTED),
)


@dataclass(frozen=True)
class VariantReport:
    """Approval rates per group and decision flips per protected attribute set."""

    variant: str
    cutoff: int
    approved: int
    groups: tuple[tuple[str, int, int], ...]  # label, n, approved
    flips: tuple[tuple[str, int], ...]  # attribute set label, rows whose decision can flip


def _alternatives(attrs: Sequence[str]) -> list[dict[str, str | int]]:
    """Every assignment of `attrs` over their declared domains."""
    domains = [FEATURE[a].domain_values() for a in attrs]
    return [dict(zip(attrs, combo, strict=True)) for combo in itertools.product(*domains)]


def flipping_alternative(
    card: Scorecard, citizen: dict[str, str | int], attrs: Sequence[str]
) -> dict[str, str | int] | None:
    """The first alternative value(s) of `attrs` (domain order) that flip the decision, if any.

    Fast but exact: each rule reads one attribute, so the score is the part from the other
    attributes (computed once) plus the points of `attrs`, looked up per alternative.
    """
    score = card.score(citizen)
    approve = score >= card.cutoff
    parts = {a: card.contributions(a) for a in attrs}
    fixed = score - sum(parts[a][citizen[a]] for a in attrs)
    best = {a: max(parts[a].values()) for a in attrs}
    worst = {a: min(parts[a].values()) for a in attrs}
    if approve and fixed + sum(worst.values()) >= card.cutoff:
        return None
    if not approve and fixed + sum(best.values()) < card.cutoff:
        return None
    for alt in _alternatives(attrs):
        if (fixed + sum(parts[a][alt[a]] for a in attrs) >= card.cutoff) != approve:
            return alt
    raise AssertionError("bounds said a flip exists")


def write_citizens_csv(data: Dataset, path: Path) -> None:
    """The applicants as a CSV file with one column per ruleset attribute (for `impact`)."""
    names = [f.name for f in FEATURES]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(names)
        for i in range(len(data.rows)):
            c = data.citizen(i)
            out.writerow([c[n] for n in names])


# `impact` options: one grouping per pair of GROUPS, one counterfactual per FLIP_SETS entry
_BY = {
    "sex": ("female", "male"),
    "age < 26": ("age < 26", "age >= 26"),
    "foreign_worker": ("foreign worker", "not foreign"),
}
_BY_VALUES = {
    "sex": ("female", "male"),
    "age < 26": (True, False),
    "foreign_worker": ("a201", "a202"),
}


def report_variant(card: Scorecard, data: Dataset) -> VariantReport:
    """Approval rates and flip counts for one variant over the 1,000 applicants, computed by
    `ruleproof impact` (DuckDB) on the exported ruleset."""
    api = _ruleproof_api()
    if api is None:
        raise RuntimeError("the report needs ruleproof (pip install -e .)")
    from ruleproof.language.load_ruleset import load_text
    from ruleproof.population.engines import DuckDBEngine
    from ruleproof.population.impact import Options, analyse

    rel = f"spec/german-credit-{card.variant}.yaml"
    ruleset = load_text(export_files(data)[rel], rel)
    specs = {label: ",".join(attrs) for label, attrs in FLIP_SETS}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "applicants.csv"
        write_citizens_csv(data, path)
        options = Options(by=tuple(_BY), counterfactual=tuple(specs.values()), examples=0)
        doc = analyse(ruleset, str(path), DuckDBEngine(threads=1), options)
    groups = []
    for by, labels in _BY.items():
        entries = {e["value"]: e for e in doc["groups"][by]}
        for label, value in zip(labels, _BY_VALUES[by], strict=True):
            e = entries[value]
            groups.append((label, e["n"], e["favourable"]))
    flips = tuple((label, doc["counterfactual"][spec]["tier"]) for label, spec in specs.items())
    approved = doc["overall"]["favourable"]
    return VariantReport(card.variant, card.cutoff, approved, tuple(groups), flips)


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}%" if n else "-"


def report_markdown(data: Dataset) -> str:
    """docs/german-credit-results.md: points table, approval rates and flip counts."""
    cards = build(data)
    table = points_table(data)
    reports = [report_variant(cards[v], data) for v in VARIANTS]
    n = len(data.rows)
    lines = [
        "# German credit scorecard: results",
        "",
        "Generated by `python scripts/german_scorecard.py report`; do not edit by hand. "
        "Method and attribution: [german-credit.md](german-credit.md). Data: Hofmann, H. (1994). "
        "Statlog (German Credit Data). UCI Machine Learning Repository, "
        "https://doi.org/10.24432/C5NC77 (CC BY 4.0).",
        "",
        f"Base {base_points(data)} points; PDO {PDO}, {TARGET_SCORE} points at odds "
        f"{TARGET_ODDS}:1 (factor {FACTOR:.4f}, offset {OFFSET:.4f}); smoothing alpha {ALPHA}.",
        "",
        "## Approval rates per group",
        "",
        "| group | n | good credit (data) | "
        + " | ".join(f"approved, {r.variant}" for r in reports)
        + " |",
        "|---|---:|---:|" + "---:|" * len(reports),
    ]
    citizens = [data.citizen(i) for i in range(n)]
    all_row = (
        f"| all | {n} | {_pct(sum(data.good), n)} | "
        + " | ".join(_pct(r.approved, n) for r in reports)
        + " |"
    )
    lines.append(all_row)
    for gi, (label, attr, member) in enumerate(GROUPS):
        idx = [i for i, c in enumerate(citizens) if member(c[attr])]
        good = sum(data.good[i] for i in idx)
        cells = [_pct(r.groups[gi][2], r.groups[gi][1]) for r in reports]
        lines.append(
            f"| {label} | {len(idx)} | {_pct(good, len(idx))} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        "## Decisions that flip when only protected attributes change",
        "",
        "For each applicant, every other value of the attribute(s) within the declared domain "
        "is tried (sex: female/male; age: every year 19-75; foreign worker: a201/a202; joint: "
        "all 228 combinations); a row counts when some alternative changes approve/decline.",
        "",
        "| variant | cutoff | approved | " + " | ".join(lbl for lbl, _ in FLIP_SETS) + " |",
        "|---|---:|---:|" + "---:|" * len(FLIP_SETS),
    ]
    for r in reports:
        lines.append(
            f"| {r.variant} | {r.cutoff} | {r.approved} | "
            + " | ".join(str(k) for _, k in r.flips)
            + " |"
        )
    lines += [
        "",
        "## Points table (with-protected)",
        "",
        "| attribute | bin | n | good | bad | WoE | points |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for f in FEATURES:
        for b in table[f.name]:
            lines.append(
                f"| {f.name} | `{b.condition.text()}` | {b.n} | {b.good} | {b.bad} | "
                f"{b.woe:.4f} | {b.points} |"
            )
    comp = [r for r in cards["compensated"].rules if r.id.startswith("comp_")]
    lines += [
        "",
        "## Compensation rules (compensated)",
        "",
        "| rule | when | add |",
        "|---|---|---:|",
    ]
    lines += [f"| {r.id} | `{r.condition.text()}` | {r.add} |" for r in comp]
    return "\n".join(lines) + "\n"


def _ruleproof_api() -> ModuleType | None:
    """The ruleproof package if it offers `load`, trying <repo>/src when not installed."""
    try:
        module = importlib.import_module("ruleproof")
    except ImportError:
        src = REPO / "src"
        if not (src / "ruleproof").is_dir():
            return None
        sys.path.insert(0, str(src))
        try:
            module = importlib.import_module("ruleproof")
        except ImportError:
            return None
    return module if hasattr(module, "load") else None


def cross_check(data: Dataset, repo: Path, api: ModuleType) -> int:
    """Evaluate every applicant (and each flipping alternative) through ruleproof; compare.

    Returns the number of evaluations compared; raises AssertionError on a disagreement.
    """
    cards = build(data)
    count = 0
    for variant in VARIANTS:
        card = cards[variant]
        rs = api.load(repo / "spec" / f"german-credit-{variant}.yaml")
        citizens = [data.citizen(i) for i in range(len(data.rows))]
        extra = []
        for _, attrs in FLIP_SETS:
            for c in citizens:
                alt = flipping_alternative(card, c, attrs)
                if alt is not None:
                    extra.append({**c, **alt})
        for citizen in [*citizens, *extra]:
            mine = evaluate(card, citizen)
            out = rs.evaluate(citizen)
            theirs = Outcome(int(out.score), str(out.tier), tuple(sorted(out.sanctions)))
            if theirs != mine:
                raise AssertionError(
                    f"{variant}: ruleproof says {theirs}, the script says {mine} for {citizen}"
                )
            count += 1
    return count


# -- command line -----------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    data = load_data(args.data)
    for rel, text in export_files(data).items():
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    data = load_data(args.data)
    cards = build(data)
    n = len(data.rows)
    groups = " ".join(f"{label:>14}" for label, _, _ in GROUPS)
    flip_labels = " ".join(f"{label:>14}" for label, _ in FLIP_SETS)
    print(f"{'variant':<18} {'cutoff':>6} {'approved':>8} | approval rate per group:")
    print(f"{'':<18} {'':>6} {'':>8} | {groups}")
    reports = [report_variant(cards[v], data) for v in VARIANTS]
    for r in reports:
        cells = " ".join(f"{_pct(a, k):>14}" for _, k, a in r.groups)
        print(f"{r.variant:<18} {r.cutoff:>6} {_pct(r.approved, n):>8} | {cells}")
    print()
    print(f"{'variant':<18} rows whose decision flips when only these change:")
    print(f"{'':<18} {flip_labels}")
    for r in reports:
        print(f"{r.variant:<18} " + " ".join(f"{k:>14}" for _, k in r.flips))
    path = args.out / "docs" / "german-credit-results.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_markdown(data), encoding="utf-8")
    print(f"wrote {path.relative_to(args.out) if path.is_relative_to(args.out) else path}")
    api = None if args.no_api else _ruleproof_api()
    if api is None:
        print("ruleproof API (ruleproof.load) not available: decisions from this script only")
    else:
        k = cross_check(data, args.out, api)
        print(f"ruleproof API agrees with this script on {k} evaluations")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with german.data and values_maps.json (default: <repo>/data/german)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO,
        help="repository root to write into (default: this repository)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("export", help="write spec/ and properties/ german-credit-*.yaml")
    rep = sub.add_parser("report", help="print approval rates and flips; write the results doc")
    rep.add_argument(
        "--no-api", action="store_true", help="do not cross-check through the ruleproof Python API"
    )
    args = parser.parse_args(argv)
    if not (args.data / "german.data").is_file():
        parser.error(f"no german.data in {args.data} (use --data)")
    return cmd_export(args) if args.command == "export" else cmd_report(args)


if __name__ == "__main__":
    sys.exit(main())
