"""The importer checks its own output: the ruleset loads, and scores like the model.

`check_import(text, file, ens, fmap)` loads the emitted YAML with ruleproof's loader (an error
there is a bug in the importer) and evaluates a sample of citizens — the baseline, citizens at
the cut points of the model's splits and random ones, drawn deterministically — with ruleproof's
evaluator (the reference one: compiling a large ruleset costs more than a few evaluations);
each score must equal the tree IR's exact margin for the citizen's model inputs.
A disagreement is an `InternalError`, never a finding.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from fractions import Fraction

from ruleproof.errors import InternalError, RulesetError
from ruleproof.importers.features import FeatureMap
from ruleproof.importers.trees import Ensemble, Node
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M

SAMPLES = 8
CASE_BUDGET = 40_000  # cases evaluated in all: fewer citizens for a large ruleset


def _random_value(t: M.AttrType, rng: random.Random) -> M.Value:
    match t:
        case M.BoolType():
            return rng.random() < 0.5
        case M.EnumType(values):
            return rng.choice(values)
        case M.IntType(lo, hi):
            return rng.randint(lo, hi)
        case M.RealType(lo, hi):
            return lo + (hi - lo) * Fraction(rng.randint(0, 1 << 20), 1 << 20)
        case _:
            raise AssertionError(t)


def _near(t: M.AttrType, x: float) -> list[M.Value]:
    """Values of the type at and around the model input `x` (a split threshold)."""
    if not math.isfinite(x):
        return []
    match t:
        case M.IntType(lo, hi):
            return [
                v
                for v in (math.floor(x) - 1, math.floor(x), math.ceil(x), math.ceil(x) + 1)
                if lo <= v <= hi
            ]
        case M.RealType(lo, hi):
            vals = [
                Fraction(x),
                Fraction(math.nextafter(x, -math.inf)),
                Fraction(math.nextafter(x, math.inf)),
            ]
            return [v for v in vals if lo <= v <= hi]
        case _:
            return []


def sample_citizens(
    ens: Ensemble | None, fmap: FeatureMap, n: int, seed: int = 0
) -> Iterator[dict[str, M.Value]]:
    """The baseline, then citizens at the model's split thresholds, then random ones."""
    rng = random.Random(seed)
    attributes = fmap.attributes()
    base = {a.name: a.baseline() for a in attributes}
    yield base
    near: list[tuple[str, M.Value]] = []
    if ens is not None:
        for tree in ens.trees:
            for node in tree.nodes:
                if isinstance(node, Node) and hasattr(node.split, "threshold"):
                    name = ens.feature_names[node.split.feature]
                    f = fmap.features.get(name)
                    if f is not None and f.equals is None:
                        t = fmap.by_name[f.attribute].attribute.type
                        near += [(f.attribute, v) for v in _near(t, node.split.threshold)]
    rng.shuffle(near)
    for k in range(n):
        c = {a.name: _random_value(a.type, rng) for a in attributes}
        for name, v in near[k * 3 : k * 3 + 3]:
            c[name] = v
        yield c


def check_import(text: str, file: str, ens: Ensemble | None, fmap: FeatureMap) -> M.Ruleset:
    """Load the emitted ruleset and compare its scores with the model's exact margins."""
    from ruleproof.language.load_ruleset import load_text
    from ruleproof.semantics.evaluate import evaluate

    try:
        ruleset = load_text(text, file)
    except RulesetError as exc:
        raise InternalError(f"the imported ruleset does not load: {exc}") from None
    if ens is None:
        return ruleset
    rules = ruleset.score.rules if ruleset.score else ()
    cases = sum(len(r.add.branches) if isinstance(r.add, E.FirstMatch) else 1 for r in rules)
    for citizen in sample_citizens(ens, fmap, max(2, min(SAMPLES, CASE_BUDGET // max(cases, 1)))):
        got = evaluate(ruleset, citizen).score
        want = ens.margin(fmap.vector(ens.feature_names, citizen))
        if got != want:
            raise InternalError(
                f"the imported ruleset scores {got}, the model's margin is {want}, for {citizen}"
            )
    return ruleset
