"""The `trees` family's property suite and expectations (see `family_trees`): the properties,
the witness citizens of each planted fault (found with the generator's scorer, confirmed later by
the reference evaluator on the imported ruleset), and the arguments for what holds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from family_model import Citizen, Val, forall_yaml, num_text, q
from family_trees_model import Path, Tree, sample
from family_verify import Changed, Differ, Expect, Rises, Shows, score

if TYPE_CHECKING:
    from family_trees import _Builder

MONO = "arrears"
ANY = (-(10**30), 10**30)


def properties(b: _Builder) -> dict[str, str]:
    r = b.escape.cut
    return {
        "independent": "independent: {of: protected}",
        "monotone": f"monotone: {{in: {MONO}, output: score, direction: nonincreasing}}",
        "forall": forall_yaml("a", "a.defaulted", "a.tier == 'negative'"),
        "forall_proved": forall_yaml(
            "a, b",
            f"a.defaulted and a.savings < {r} and b.tier == 'positive'",
            "a.score < b.score",
        ),
        "always": f"always: {q(f'score <= {num_text(b.high * Fraction(2) ** -b.exp)}')}",
        "tiers_total": "tiers_total: {}",
        "reachable_rules": "reachable: rules",
        "reachable_tiers": "reachable: tiers",
    }


class Witnesses:
    """Citizens of one version of the ensemble (`trees`), found with the generator's scorer."""

    def __init__(self, b: _Builder, trees: list[Tree], theta: Fraction, tag: str) -> None:
        self.b, self.trees = b, trees
        self.finder = b.finder(trees, tag)
        self.theta_u = theta / Fraction(2) ** -b.exp  # score > theta iff units >= floor + 1

    def reach(self, at: tuple[int, Path], **fixed: Val) -> Citizen:
        """A citizen reaching the node at `at` (values in `fixed` take precedence)."""
        i, path = at
        rng = random.Random(f"{self.b.key}:reach:{i}:{path}")
        st = self.trees[i].state(path, self.b.by_name)
        values: dict[str, Val] = {k: sample(c, self.b.by_name[k], rng) for k, c in st.items()}
        values.setdefault("defaulted", False)
        return self.finder.find({**values, **fixed}, *ANY)

    def tier(self, positive: bool, **fixed: Val) -> Citizen:
        cut = math.floor(self.theta_u)
        lo, hi = (cut + 1, ANY[1]) if positive else (ANY[0], cut)
        return self.finder.find(fixed, lo, hi)

    def tiers(self) -> Shows:
        both = (self.tier(True), self.tier(False))
        return Shows(both, lambda o: [x.tier for x in o] == ["positive", "negative"], "both tiers")


def planted(
    b: _Builder, w: Witnesses, nums: Mapping[str, Fraction], v2: Witnesses
) -> dict[str, Expect]:
    i, path = b.age_at
    r = b.age_split.cut
    a = w.reach((i, (*path, False)), age=r - 1)
    m = w.reach((b.mono_at[0], (*b.mono_at[1], False)), **{MONO: b.mono_cut - 1})
    esc = w.tier(True, defaulted=True, savings=200_000_000)
    spike = w.reach((b.spike_at[0], (*b.spike_at[1], True)))
    high = nums["high"]
    out: dict[str, Expect] = {
        "independent": Expect(
            "violated",
            f"tree {i} splits a deep leaf on age",
            Differ(a, {**a, "age": r}, frozenset({"age", "nationality"}), ("score",)),
        ),
        "monotone": Expect(
            "violated",
            f"tree {b.mono_at[0]} gives arrears >= {b.mono_cut} its largest leaf",
            Rises(m, {**m, MONO: b.mono_cut}, MONO),
        ),
        "forall": Expect(
            "violated",
            f"the knockout has an escape for savings >= {b.escape.cut}",
            Shows((esc,), lambda o: o[0].tier == "positive", "a defaulted citizen is positive"),
        ),
        "always": Expect(
            "violated",
            f"tree {b.spike_at[0]} has an outlier leaf",
            Shows((spike,), lambda o: score(o[0]) > high, "a score above the bound"),
        ),
        "diff": Expect(
            "different",
            f"the new version changes one leaf of tree {b.diff_at[0]} by 2**-{b.exp}",
            Changed(v2.reach(b.diff_at)),
        ),
    }
    return out


def common(b: _Builder, w: Witnesses, nums: Mapping[str, Fraction]) -> dict[str, Expect]:
    if not nums["defaulted_max"] <= nums["theta"]:
        raise AssertionError(f"{b.key}: the knockout K = {b.knock} is too small")
    return {
        "forall_proved": Expect(
            "proved",
            f"a defaulted citizen without the escape scores at most "
            f"{float(nums['defaulted_max']):.6g} <= θ, a positive one more than θ",
        ),
        "tiers_total": Expect("proved", "the importer's last tier is True"),
        "reachable_rules": Expect(
            "proved", "the importer leaves out unreachable leaves; a tree is one rule"
        ),
        "reachable_tiers": Expect("proved", "both tiers are given", w.tiers()),
    }


def clean(b: _Builder, nums: Mapping[str, Fraction]) -> dict[str, Expect]:
    return {
        "independent": Expect("proved", "no tree splits on age or nationality"),
        "monotone": Expect(
            "proved", "every tree that reads arrears is nonincreasing in it (verified)"
        ),
        "forall": Expect(
            "proved", f"defaulted scores at most {float(nums['defaulted_max']):.6g} <= θ"
        ),
        "always": Expect("proved", "the bound is the sum of every tree's largest leaf"),
        "diff": Expect("equivalent", "the new version splits one leaf in two of the same value"),
    }
