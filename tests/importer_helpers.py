"""Shared by the importer agreement tests: synthetic features, citizens, and the comparison.

`FEATURES` declares attributes unlike the German Credit ones: an int with a huge negative
range, a real with a missing-value companion, an enum read as its code, a one-hot enum, a bool.
`agreement(...)` compares, citizen by citizen, the library's own margin and class with the tree
IR's exact margin and the imported ruleset's score and tier (ruleproof's compiled evaluator).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import attrs

from ruleproof.importers.build import ensemble_ruleset
from ruleproof.importers.features import FeatureMap, read_features
from ruleproof.importers.floats import at_most, next_down, next_up, round_to
from ruleproof.importers.links import float_band, granularity, margin_threshold
from ruleproof.importers.splits import NumericSplit
from ruleproof.importers.trees import Ensemble, Leaf, Node
from ruleproof.language import ruleset as M

FEATURES = """
attributes:
  kind: {type: enum, values: [x, y, z]}
features:
  amount: {type: int, range: [-1000000, 1000000], actionable: true}
  rate: {type: real, range: [-1000, 1000], missing: rate_missing}
  grade: {type: enum, values: [a, b, c, d, e]}
  flag: {type: bool, protected: true}
  count: {type: int, range: [0, 20]}
  kind_x: {attribute: kind, equals: x}
  kind_y: {attribute: kind, equals: y}
  kind_z: {attribute: kind, equals: z}
"""
NAMES = ["amount", "rate", "grade", "flag", "count", "kind_x", "kind_y", "kind_z"]


def feature_map(text: str = FEATURES) -> FeatureMap:
    return read_features(text, "features.yaml")


def no_missing(fmap: FeatureMap) -> FeatureMap:
    """The same features without the missing-value companion (for models that refuse NaN)."""
    return feature_map(FEATURES.replace(", missing: rate_missing", ""))


def random_citizen(rng: random.Random, fmap: FeatureMap) -> dict[str, M.Value]:
    c: dict[str, M.Value] = {}
    for a in fmap.attributes():
        match a.type:
            case M.BoolType():
                c[a.name] = rng.random() < (0.1 if a.name.endswith("_missing") else 0.5)
            case M.EnumType(values):
                c[a.name] = rng.choice(values)
            case M.IntType(lo, hi):
                c[a.name] = rng.choice(
                    [rng.randint(lo, hi), rng.randint(max(lo, -50), min(hi, 50))]
                )
            case M.RealType(lo, hi):
                c[a.name] = Fraction(round(rng.uniform(float(lo), float(hi)), rng.randint(0, 6)))
            case _:
                raise AssertionError(a.type)
    return c


def label(c: dict[str, M.Value]) -> int:
    amount, count = c["amount"], c["count"]
    assert isinstance(amount, int) and isinstance(count, int)
    rate = c["rate"]
    score = (amount > 1234) + (c["grade"] in ("b", "d")) + (c["kind"] == "y") + (count >= 7)
    if not c.get("rate_missing") and isinstance(rate, Fraction):
        score += rate > Fraction(3, 7)
    return int(score + (c["flag"] is True) >= 3)


def data(n: int, seed: int, fmap: FeatureMap) -> list[dict[str, M.Value]]:
    rng = random.Random(seed)
    return [random_citizen(rng, fmap) for _ in range(n)]


def _near(t: M.AttrType, x: float) -> list[M.Value]:
    if not math.isfinite(x):
        return []
    if isinstance(t, M.IntType):
        return [v for v in range(math.floor(x) - 1, math.ceil(x) + 2) if t.lo <= v <= t.hi]
    if not isinstance(t, M.RealType):
        return []
    xs = {x, next_up(64, x), next_down(64, x)}
    x32 = round_to(32, x)
    if math.isfinite(x32):
        xs |= {x32, next_up(32, x32), next_down(32, x32)}
        for f in (x32, next_down(32, x32)):
            cut, _ = at_most(32, f)
            if cut is not None:
                tiny = Fraction(1, 2**80)
                xs |= {float(cut), next_up(64, float(cut)), next_down(64, float(cut))}
                out = [cut, cut - tiny, cut + tiny]  # rationals no float64 holds
                out += [Fraction(v) for v in xs if math.isfinite(v)]
                return [v for v in out if t.lo <= v <= t.hi]
    return [Fraction(v) for v in xs if math.isfinite(v) and t.lo <= v <= t.hi]


def adversarial(
    ens: Ensemble, fmap: FeatureMap, base: Sequence[dict[str, M.Value]], seed: int
) -> list[dict[str, M.Value]]:
    """Citizens at every numeric threshold of the model and one float step either side."""
    rng = random.Random(seed)
    out = []
    for tree in ens.trees:
        for node in tree.nodes:
            if not isinstance(node, Node) or not isinstance(node.split, NumericSplit):
                continue
            f = fmap.features.get(ens.feature_names[node.split.feature])
            if f is None or f.equals is not None:
                continue
            d = fmap.by_name[f.attribute]
            for v in _near(d.attribute.type, node.split.threshold):
                c = dict(rng.choice(base))
                c[f.attribute] = v
                if d.missing is not None:
                    c[d.missing] = False
                out.append(c)
    return out


@attrs.frozen
class Report:
    compared: int
    class_mismatches: int
    near_threshold: int  # citizens whose exact margin is within the float band of θ
    worst_margin_gap: Fraction


def agreement(
    ens: Ensemble,
    fmap: FeatureMap,
    citizens: Sequence[dict[str, M.Value]],
    library_margin: Callable[[list[list[float]]], Any],
    library_class: Callable[[list[list[float]]], Any],
    threshold: Fraction = Fraction(1, 2),
    slack: float = 0.0,
) -> Report:
    """Compare library, tree IR and imported ruleset on every citizen.

    Raises AssertionError when the ruleset's score is not the IR's exact margin, or its tier not
    "margin > θ"; returns the counts of the library comparison.
    """
    from ruleproof.language.load_ruleset import load_text
    from ruleproof.semantics.compiled import compile_ruleset

    text = ensemble_ruleset(ens, fmap, "model.json", threshold)
    compiled = compile_ruleset(load_text(text, "imported.yaml"))
    values = [ens.base] + [n.value for t in ens.trees for n in t.nodes if isinstance(n, Leaf)]
    theta = margin_threshold(ens.link, threshold, granularity(values))
    magnitude = abs(ens.base) + sum(
        max(abs(n.value) for n in t.nodes if isinstance(n, Leaf)) for t in ens.trees
    )
    band = float_band(
        ens.link, threshold, ens.width, len(ens.trees) + 1, magnitude, ens.base_error
    ) + Fraction(slack)
    rows = [fmap.vector(ens.feature_names, c) for c in citizens]
    margins, classes = library_margin(rows), library_class(rows)
    mismatches = near = 0
    worst = Fraction(0)
    for c, row, lib_m, lib_c in zip(citizens, rows, margins, classes, strict=True):
        exact = ens.margin(row)
        score, tier, _ = compiled.outputs(c)
        assert score == exact, (c, score, exact)
        assert (tier == "positive") == (exact > theta), (c, tier, exact, theta)
        worst = max(worst, abs(exact - Fraction(float(lib_m))))
        if abs(exact - theta) <= band:
            near += 1
        elif int(lib_c) != int(exact > theta):
            mismatches += 1
    assert worst <= band
    return Report(len(citizens), mismatches, near, worst)
