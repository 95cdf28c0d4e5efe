"""Family `trees`: random XGBoost ensembles, imported into rulesets by `ruleproof import`.

Shape: trees of depth 3 to 6 grown at random (no training) until they have `size` leaves in
all, over about size/50 features (16 to 190, plus five special ones): ints with ranges up to
[-50000000, 50000000] and [0, 2000000000] (beyond 2**24, where XGBoost's float32 reading of the
input decides the cut), reals in [0, 1], [-5, 5] or [-1000, 1000], bools, enums split on their
code or by category. Leaves are exact float32s (multiples of 2**-E, E = 14, 18 or 22 by seed),
about ±0.5/sqrt(trees) as a small learning rate gives. Even seeds are `binary:logistic`
classifiers, odd seeds `reg:squarederror` regressors; the threshold puts the median citizen at
the boundary of the two tiers. Special features: `age` and `nationality` (protected, read by
no clean tree), `arrears` (read by a quarter of the trees, each grown nonincreasing in it:
XGBoost's monotone-constraint bounds, a split on `arrears` gives its left child the upper half
of the node's value bounds; every such tree is verified by brute force over its leaf pairs
before it is used), `defaulted` (tree 0 is a knockout: defaulted → a leaf of -K, K a power of
two larger than the spread of every other tree) and `savings` (actionable: the import has an
action). The model is written as XGBoost JSON (`family_trees_model.model_json`) and imported
in-process with `ruleproof.importers.import_file`; the ruleset's `one_of` groups are the trees.

Clean: every property holds (reasons in `_clean`). Planted, one narrow fault per kind
(witnesses confirmed by the reference evaluator on the imported ruleset):
- independent: one deep leaf of one tree becomes a split on `age` with two distinct values;
- monotone (nonincreasing in `arrears`): one deep leaf of a monotone tree becomes a split at an
  `arrears` value no other tree cuts, the higher side getting the tree's largest value;
- forall (defaulted ⇒ negative): the knockout leaf gets an escape for `savings` near the top
  of its range;
- always (score ≤ the clean ensemble's bound Σ max leaf): one deep leaf becomes a narrow split
  whose one side is an outlier leaf larger than that bound minus every other tree's minimum;
- diff: the second version changes one leaf by one unit (clean: splits one leaf in two leaves
  of the same value, an equivalent rewrite).
`forall_proved` (a defaulted citizen without the escape scores below every positive one),
`tiers_total` (the importer's last tier is True) and `reachable` (rules, tiers) hold in both.
Not applicable (no sanctions in an imported model): same_context, reachable_sanctions,
appeal_path, expires.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Sequence
from fractions import Fraction

import family_trees_expect as expect
from family_model import Attr, Citizen, Finder, draw_citizen, num_text, q
from family_trees_expect import MONO, Witnesses
from family_trees_model import (
    Branch,
    Interval,
    Leaf,
    Node,
    Path,
    Split,
    State,
    Tree,
    choose_split,
    domain,
    int_cut,
    model_json,
    monotone_violation,
    narrowed,
    sample,
)
from family_verify import Instance

from ruleproof.importers import import_file

FAMILY = "trees"
INT_RANGES = (
    (0, 100),
    (18, 100),
    (-1000, 1000),
    (0, 10_000),
    (-1_000_000, 1_000_000),
    (-50_000_000, 50_000_000),
    (0, 2_000_000_000),
)
REAL_RANGES = ((0, 1), (-5, 5), (-1000, 1000))
NOT_APPLICABLE = {
    k: "an imported model has no sanctions"
    for k in ("same_context", "reachable_sanctions", "appeal_path", "expires")
}
ANY = (-(10**30), 10**30)


class _Builder:
    def __init__(self, size: int, seed: int, planted: bool) -> None:
        self.size, self.seed, self.planted = size, seed, planted
        self.key = f"{FAMILY}:{size}:{seed}"
        self.rng = random.Random(self.key)
        self.exp = (14, 18, 22)[seed % 3]
        self.logistic = seed % 2 == 0
        self._attributes()
        n_est = max(4, size // 12)
        self.amp = max(8, round(2**self.exp * 0.5 / math.sqrt(n_est)))
        self._grow_all()
        self.base_u = 0 if self.logistic else self.rng.randint(-64, 64) * 2 ** (self.exp - 8)
        self._calibrate()
        self._constants()

    # -- attributes and growth -------------------------------------------------------------

    def _attributes(self) -> None:
        rng = self.rng
        n = min(190, max(16, self.size // 50))
        gen: list[Attr] = []
        self.categorical: set[str] = set()
        for i in range(n):
            r = rng.random()
            if r < 0.45:
                lo, hi = rng.choice(INT_RANGES)
                gen.append(Attr(f"x{i}", "int", lo, hi))
            elif r < 0.65:
                rlo, rhi = rng.choice(REAL_RANGES)
                gen.append(Attr(f"r{i}", "real", rlo, rhi))
            elif r < 0.8:
                gen.append(Attr(f"b{i}", "bool"))
            else:
                values = tuple(f"v{j}" for j in range(rng.randint(2, 7)))
                gen.append(Attr(f"e{i}", "enum", values=values))
                if rng.random() < 0.5:
                    self.categorical.add(f"e{i}")
        self.generic = gen
        self.special = [
            Attr("age", "int", 18, 100, protected="true"),
            Attr("nationality", "enum", values=("n0", "n1", "n2", "n3"), protected="true"),
            Attr(MONO, "int", -1_000_000, 1_000_000),
            Attr("defaulted", "bool"),
            Attr("savings", "int", 0, 200_000_000),
        ]
        self.attrs = self.special + gen
        self.by_name = {a.name: a for a in self.attrs}
        self.pool = [*gen, self.by_name["savings"]]

    def _grow(
        self, rng: random.Random, depth: int, room: int, st: State, bounds: tuple[int, int]
    ) -> Node:
        """A subtree of at most `room` more levels; `st` holds the path's constraints, `bounds`
        the leaf values allowed (`arrears` splits halve them; only when `self.mono`)."""
        lo, hi = bounds
        if room == 0 or (depth >= 2 and rng.random() < 0.3):
            return Leaf(rng.randint(lo, hi))
        for _ in range(4):
            mono = self.mono and rng.random() < 0.3
            a = self.by_name[MONO] if mono else rng.choice(self.pool)
            c = st.get(a.name, domain(a))
            s = choose_split(a, c, rng, a.name in self.categorical)
            if s is None:
                continue
            left, right = bounds, bounds
            if a.name == MONO:  # nonincreasing: the smaller arrears get the upper half
                mid = rng.randint(lo + (hi - lo) // 4, hi - (hi - lo) // 4)
                left, right = (mid, hi), (lo, mid)
            return Branch(
                s,
                self._grow(rng, depth + 1, room - 1, {**st, a.name: narrowed(c, s, False)}, left),
                self._grow(rng, depth + 1, room - 1, {**st, a.name: narrowed(c, s, True)}, right),
            )
        return Leaf(rng.randint(lo, hi))

    def _grow_all(self) -> None:
        rng = random.Random(f"{self.key}:grow")
        self.mono = False
        normal = self._grow(rng, 1, rng.randint(2, 5), {}, (-self.amp, self.amp))
        knockout = Branch(Split("defaulted", 1, threshold=1.0), normal, Leaf(0))
        self.trees = [Tree(knockout).numbered()]
        self.mono_trees: list[int] = []
        leaves = len(self.trees[0].values())
        while (
            leaves < self.size or not self.mono_trees or len(self.trees) < 5 + len(self.mono_trees)
        ):
            self.mono = not self.mono_trees or rng.random() < 0.25
            t = Tree(self._grow(rng, 0, rng.randint(3, 6), {}, (-self.amp, self.amp))).numbered()
            if MONO in t.reads():
                self.mono_trees.append(len(self.trees))
                if monotone_violation(t, self.by_name, MONO) is not None:
                    raise AssertionError(f"{self.key}: tree {len(self.trees)} is not monotone")
            self.trees.append(t)
            leaves += len(t.values())

    # -- search ----------------------------------------------------------------------------

    def _start(self, rng: random.Random) -> Citizen:
        c = draw_citizen(self.attrs, rng)
        for a in self.attrs:
            if a.kind == "real":
                c[a.name] = sample(domain(a), a, rng)
        c["defaulted"] = False
        return c

    def finder(self, trees: Sequence[Tree], tag: str) -> Finder:
        free = [a for a in self.generic if a.kind != "real"]
        return Finder(f"{self.key}:{tag}", trees, self.base_u, free, self._start)

    def _calibrate(self) -> None:
        """The threshold T: the median clean score, as a probability for a classifier."""
        rng = random.Random(f"{self.key}:calibrate")
        f = self.finder(self.trees, "calibrate")
        sums = sorted(f.total(self._start(rng)) for _ in range(65))
        median = Fraction(sums[32]) * Fraction(2) ** -self.exp
        if self.logistic:
            p = round(10_000 / (1 + math.exp(-float(median))))
            self.threshold = Fraction(min(9_999, max(1, p)), 10_000)
        else:
            self.threshold = Fraction(round(median * 1000), 1000)

    def _constants(self) -> None:
        """K (the knockout), S (the outlier leaf) and HIGH (the clean bound), in units."""
        t0 = self.trees[0].root
        assert isinstance(t0, Branch)
        normal = Tree(t0.left).values()
        self.mx0, self.mn0 = max(normal), min(normal)
        rest = [(max(t.values()), min(t.values())) for t in self.trees[1:]]
        spread = sum(mx - mn for mx, mn in rest) + self.mx0 - self.mn0 + self.amp + 1
        self.spike = 2 ** math.ceil(math.log2(spread))
        big = spread + self.spike + abs(self.base_u) + self._theta_bound() + 2
        self.knock = 2 ** math.ceil(math.log2(big))
        self.trees[0] = self.trees[0].replace((True,), Leaf(-self.knock))
        self.high = self.base_u + self.mx0 + sum(mx for mx, _ in rest)

    def _theta_bound(self) -> int:
        t = float(self.threshold)
        x = math.log(t / (1 - t)) if self.logistic else t
        return math.ceil(abs(x) * (1 << self.exp)) + 2

    # -- plants (chosen in both variants, so that they share everything else) ---------------

    def deep_leaf(
        self, rng: random.Random, among: Sequence[int], lo: int = 3, hi: int = 5
    ) -> tuple[int, Path]:
        """A leaf between depth `lo` and `hi` of a tree in `among` whose values differ."""
        for _ in range(500):
            i = rng.choice(among)
            t = self.trees[i]
            paths = [p for p, _, _ in t.leaves(self.by_name) if lo <= len(p) <= hi]
            if paths and len(set(t.values())) > 1:
                return i, rng.choice(sorted(paths))
        raise LookupError(f"{self.key}: no leaf of depth {lo}-{hi}")

    def choose_plants(self) -> None:
        rng = random.Random(f"{self.key}:plants")
        plain = [i for i in range(1, len(self.trees)) if i not in self.mono_trees]
        self.age_at = self.deep_leaf(rng, plain)
        self.spike_at = self.deep_leaf(rng, [i for i in plain if i != self.age_at[0]])
        self.mono_at, self.mono_cut = self._mono_leaf(rng)
        used = {self.age_at[0], self.spike_at[0], self.mono_at[0]}
        self.diff_at = self.deep_leaf(rng, [i for i in range(1, len(self.trees)) if i not in used])
        escape = int_cut(rng, Interval(195_000_000, 200_000_001))
        assert escape is not None
        self.escape = Split("savings", escape[0], threshold=escape[1])
        age = choose_split(self.by_name["age"], domain(self.by_name["age"]), rng, False)
        assert age is not None
        self.age_split = age
        self.spike_split = self._narrow_split(rng, self.spike_at)

    def _mono_leaf(self, rng: random.Random) -> tuple[tuple[int, Path], int]:
        """A leaf of a monotone tree and an `arrears` value inside its interval that no tree
        cuts at (so moving from v - 1 to v changes this tree's leaf only)."""
        taken = set().union(*(t.cuts(MONO) for t in self.trees))
        for _ in range(500):
            i, path = self.deep_leaf(rng, self.mono_trees, 2, 5)
            c = self.trees[i].state(path, self.by_name).get(MONO, domain(self.by_name[MONO]))
            assert isinstance(c, Interval)
            free = list(
                itertools.islice(
                    (v for v in range(int(c.lo) + 1, int(c.hi)) if v not in taken), 1000
                )
            )
            if free:
                return (i, path), rng.choice(free)
        raise LookupError(f"{self.key}: no leaf for the monotone plant")

    def _narrow_split(self, rng: random.Random, at: tuple[int, Path]) -> Split:
        st = self.trees[at[0]].state(at[1], self.by_name)
        for _ in range(200):
            a = rng.choice([a for a in self.generic if a.kind == "int"])
            s = choose_split(a, st.get(a.name, domain(a)), rng, False)
            if s is not None:
                return s
        raise LookupError(f"{self.key}: no split for the outlier leaf")

    def planted_trees(self) -> list[Tree]:
        out = list(self.trees)
        i, path = self.age_at
        t = out[i]
        v = t.node(path)
        assert isinstance(v, Leaf)
        w = next(x for x in sorted(set(t.values())) if x != v.value)
        out[i] = t.replace(path, Branch(self.age_split, v, Leaf(w)))
        i, path = self.mono_at
        t = out[i]
        vals = t.values()
        cut = self.mono_cut
        mono = Split(MONO, cut, threshold=float(cut) - 0.5)
        out[i] = t.replace(path, Branch(mono, Leaf(min(vals)), Leaf(max(vals))))
        i, path = self.spike_at
        v = out[i].node(path)
        assert isinstance(v, Leaf)
        out[i] = out[i].replace(path, Branch(self.spike_split, v, Leaf(self.spike)))
        escape = Branch(self.escape, Leaf(-self.knock), Leaf(self.mx0))
        out[0] = out[0].replace((True,), escape)
        return out

    def diff_trees(self, trees: list[Tree]) -> list[Tree]:
        """The second version: one leaf one unit larger (planted) or split in two leaves of
        the same value (clean)."""
        i, path = self.diff_at
        t = trees[i]
        v = t.node(path)
        assert isinstance(v, Leaf)
        if self.planted:
            new: Node = Leaf(v.value + 1)
        else:
            split = self._narrow_split(random.Random(f"{self.key}:diff"), self.diff_at)
            new = Branch(split, Leaf(v.value), Leaf(v.value))
        return [*trees[:i], t.replace(path, new), *trees[i + 1 :]]

    # -- the import --------------------------------------------------------------------------

    def features_yaml(self) -> str:
        lines = [f"title: {q(f'random XGBoost ensemble, {self.size} leaves')}", "features:"]
        for a in self.attrs:
            line = a.yaml()
            if a.name == "savings":
                line = line[:-1] + ", actionable: increase}"
            lines.append(line)
        return "\n".join(lines) + "\n"

    def xgb_types(self) -> list[tuple[Attr, str]]:
        kinds = {"int": "int", "real": "q", "bool": "i"}
        return [
            (a, "c" if a.name in self.categorical else kinds.get(a.kind, "int")) for a in self.attrs
        ]

    def import_text(self, trees: Sequence[Tree], version: str) -> str:
        variant = "planted" if self.planted else "clean"
        name = f"{FAMILY}-{self.size}-s{self.seed}-{variant}{version}"
        unit = Fraction(2) ** -self.exp
        base = float(self.base_u * unit)
        objective = "binary:logistic" if self.logistic else "reg:squarederror"
        model = f"{FAMILY}-{self.size}-s{self.seed}{version}.json"  # cited: same in both variants
        files = {
            model: model_json(
                trees, self.xgb_types(), objective, repr(0.5 if self.logistic else base), self.exp
            ),
            "features.yaml": self.features_yaml(),
        }
        return import_file(
            "xgboost",
            model,
            "features.yaml",
            threshold=self.threshold,
            read=files.__getitem__,
            ruleset_id=name,
        )


def _number(pattern: str, text: str) -> Fraction:
    m = re.search(pattern, text, re.MULTILINE)
    assert m is not None, pattern
    return Fraction(m.group(1).strip('"'))


def _bounds(b: _Builder, trees: Sequence[Tree], text: str) -> dict[str, Fraction]:
    """The exact numbers the expectations rest on (units turned into the model's values)."""
    unit = Fraction(2) ** -b.exp
    base = _number(r"^  base: (\S+)$", text)
    assert base == b.base_u * unit, (base, b.base_u)
    rest = trees[1:]
    return {
        "theta": _number(r'when: "score > ([^"]+)"', text),
        "defaulted_max": base + (-b.knock + sum(max(t.values()) for t in rest)) * unit,
        "high": b.high * unit,
    }


def generate(size: int, seed: int, planted: bool) -> Instance:
    """The trees family's ensemble of about `size` leaves (see the module docstring)."""
    b = _Builder(size, seed, planted)
    b.choose_plants()
    trees = b.planted_trees() if planted else list(b.trees)
    if planted:
        bad = [i for i in b.mono_trees if monotone_violation(trees[i], b.by_name, MONO)]
        assert bad == [b.mono_at[0]], bad
    v2 = b.diff_trees(trees)
    text, diff_text = b.import_text(trees, ""), b.import_text(v2, "-v2")
    nums = _bounds(b, trees, text)
    w = Witnesses(b, trees, nums["theta"], "v1")
    expects = expect.common(b, w, nums)
    if planted:
        expects |= expect.planted(b, w, nums, Witnesses(b, v2, nums["theta"], "v2"))
    else:
        expects |= expect.clean(b, nums)
    return Instance(
        FAMILY,
        size,
        seed,
        planted,
        text=text,
        diff_text=diff_text,
        properties=expect.properties(b),
        expects=expects,
        notes=f"{len(trees)} trees, {len(b.attrs)} features, "
        f"{'binary:logistic' if b.logistic else 'reg:squarederror'}, "
        f"T {num_text(b.threshold)}, θ {num_text(nums['theta'])}, leaves in units of 2**-{b.exp}",
        not_applicable=NOT_APPLICABLE,
    )
