"""The `trees` family's own tree ensembles: growth, evaluation, path constraints, XGBoost JSON.

A tree is nested `Branch`/`Leaf` records; a leaf's value is an int in units of 2**-E (E per
seed), so every leaf is an exact float32 and sums are exact ints. A split sends a citizen
right when its value is `>= cut` (ints, reals, bools as 0/1, enums read as their code) or,
for a categorical enum split, when its value is in `right`; `threshold` is the float32 XGBoost
stores (left iff the float32-rounded input is `<` it, categories listed go right), chosen so
that the two agree on every int and on every real of the 1/1024 grid the family draws from
(the cut of a wide int range is found through float32 rounding, as XGBoost reads the input).

Everything here is a search aid for the family (`family_trees`): the ruleset the benchmark
checks is the import of `model_json(...)` by ruleproof's importer, and every witness is
confirmed on it by the reference evaluator; a bug here can make generation fail, not make a
wrong expectation pass. `monotone_violation` is exact for one tree: it compares every pair of
leaves whose path constraints (one interval or value set per attribute) can be met by two
citizens that differ only in the monotone attribute.
"""

from __future__ import annotations

import json
import random
import struct
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction

import attrs
from family_model import Attr, Num, Val

GRID = Fraction(1, 1024)  # reals are drawn on this grid: exact float32s in the family's ranges


def f32(x: Num | float) -> float:
    """`x` rounded to float32 (ties to even), as XGBoost reads an input."""
    return float(struct.unpack("<f", struct.pack("<f", float(x)))[0])


@attrs.frozen
class Interval:
    """Values `lo <= x < hi` on the attribute's grid (1 for ints and bools, GRID for reals)."""

    lo: Num
    hi: Num


Constraint = Interval | frozenset[str]  # numeric interval, or the enum values allowed
State = dict[str, Constraint]


@attrs.frozen
class Split:
    attr: str
    cut: Num = 0  # numeric: right iff value >= cut
    right: frozenset[str] | None = None  # enum: right iff value in `right`
    threshold: float = 0.0
    categorical: bool = False
    default_left: bool = False

    def goes_right(self, v: Val) -> bool:
        if self.right is not None:
            return v in self.right
        return v >= self.cut  # type: ignore[operator]


@attrs.frozen
class Leaf:
    value: int  # units of 2**-E
    nid: int = -1  # the node's number in the JSON (-1: numbered after the numbered ones)


@attrs.frozen
class Branch:
    split: Split
    left: Node
    right: Node
    nid: int = -1


Node = Leaf | Branch
Path = tuple[bool, ...]  # True: right


def domain(a: Attr) -> Constraint:
    """The whole domain of an attribute as a constraint."""
    if a.kind == "enum":
        return frozenset(a.values)
    if a.kind == "bool":
        return Interval(0, 2)
    if a.kind == "int":
        return Interval(a.lo, a.hi + 1)
    return Interval(a.lo, a.hi + GRID)


def narrowed(c: Constraint, s: Split, right: bool) -> Constraint:
    if isinstance(c, frozenset):
        assert s.right is not None
        return c & s.right if right else c - s.right
    return Interval(max(c.lo, s.cut), c.hi) if right else Interval(c.lo, min(c.hi, s.cut))


def _ceil(x: Num, g: Num) -> Fraction:
    """The least multiple of `g` at or above `x`."""
    return -((-Fraction(x)) // g) * Fraction(g)


def nonempty(c: Constraint, a: Attr) -> bool:
    if isinstance(c, frozenset):
        return bool(c)
    return _ceil(c.lo, GRID if a.kind == "real" else 1) < c.hi


def sample(c: Constraint, a: Attr, rng: random.Random) -> Val:
    """A value of `a` that meets `c` (reals on the grid)."""
    if isinstance(c, frozenset):
        return rng.choice(sorted(c))
    g = GRID if a.kind == "real" else Fraction(1)
    lo = _ceil(c.lo, g)
    v = lo + g * rng.randrange(int(_ceil(Fraction(c.hi) - lo, g) / g))
    if a.kind == "real":
        return v
    return v == 1 if a.kind == "bool" else int(v)


def int_cut(rng: random.Random, c: Interval) -> tuple[int, float] | None:
    """A cut R inside the ints `c` (both sides nonempty) and a float32 threshold t with
    `float32(x) < t` exactly when `x < R`, or None."""
    lo, hi = int(c.lo), int(c.hi)  # ints lo <= x < hi
    if hi - lo < 2:
        return None
    v = rng.randint(lo + 1, hi - 1)
    if abs(v) < 2**23:
        return v, (float(v) - 0.5 if rng.random() < 0.5 else float(v))
    t = f32(v)
    a, b = lo, v  # the least x with f32(x) >= t lies in (lo, v]
    while a + 1 < b:
        mid = (a + b) // 2
        a, b = (a, mid) if f32(mid) >= t else (mid, b)
    return (b, t) if f32(b - 1) < t and lo < b else None


def choose_split(a: Attr, c: Constraint, rng: random.Random, categorical: bool) -> Split | None:
    """A split of `a` that leaves both sides of `c` nonempty, or None."""
    dl = rng.random() < 0.5
    if isinstance(c, frozenset):
        if len(c) < 2:
            return None
        codes = {v: i for i, v in enumerate(a.values)}
        if categorical:
            right = frozenset(rng.sample(sorted(c), rng.randint(1, len(c) - 1)))
            return Split(a.name, right=right, threshold=0.0, categorical=True, default_left=dl)
        present = sorted(codes[v] for v in c)
        k = rng.choice(present[1:])
        t = float(k) - (0.5 if rng.random() < 0.5 else 0.0)
        right = frozenset(v for v, i in codes.items() if i >= t)
        return Split(a.name, right=right, threshold=t, default_left=dl)
    if a.kind == "bool":
        if (c.lo, c.hi) != (0, 2):
            return None
        return Split(a.name, 1, threshold=rng.choice((1.0, 0.5)), default_left=dl)
    if a.kind == "int":
        cut = int_cut(rng, c)
        return None if cut is None else Split(a.name, cut[0], threshold=cut[1], default_left=dl)
    lo, hi = float(c.lo) + float(GRID), float(c.hi) - 2 * float(GRID)
    if hi <= lo:
        return None
    t = f32(rng.uniform(lo, hi))
    if not (c.lo < t and _ceil(Fraction(t), GRID) < c.hi):
        return None
    return Split(a.name, Fraction(t), threshold=t, default_left=dl)


class Tree:
    """A tree of the ensemble; `reads()` and `value(citizen)` let `family_model.Tracker` sum it."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self._reads = {s.attr for s in _splits(root)}

    def reads(self) -> set[str]:
        return self._reads

    def value(self, c: Mapping[str, Val]) -> int:
        n = self.root
        while isinstance(n, Branch):
            n = n.right if n.split.goes_right(c[n.split.attr]) else n.left
        return n.value

    def leaves(
        self, attrs_: Mapping[str, Attr]
    ) -> Iterator[tuple[Path, int, dict[str, Constraint]]]:
        """Every leaf: its path, value and path constraints (only the attributes read)."""
        stack: list[tuple[Node, Path, dict[str, Constraint]]] = [(self.root, (), {})]
        while stack:
            n, path, st = stack.pop()
            if isinstance(n, Leaf):
                yield path, n.value, st
                continue
            name = n.split.attr
            c = st.get(name, domain(attrs_[name]))
            for right, child in ((False, n.left), (True, n.right)):
                stack.append((child, (*path, right), {**st, name: narrowed(c, n.split, right)}))

    def values(self) -> list[int]:
        return [n.value for n in _nodes(self.root) if isinstance(n, Leaf)]

    def cuts(self, attr: str) -> set[Num]:
        return {s.cut for s in _splits(self.root) if s.attr == attr and s.right is None}

    def state(self, path: Path, attrs_: Mapping[str, Attr]) -> dict[str, Constraint]:
        """The constraints of the node at `path` (only the attributes its ancestors read)."""
        n: Node = self.root
        st: dict[str, Constraint] = {}
        for right in path:
            assert isinstance(n, Branch)
            name = n.split.attr
            st[name] = narrowed(st.get(name, domain(attrs_[name])), n.split, right)
            n = n.right if right else n.left
        return st

    def node(self, path: Path) -> Node:
        n = self.root
        for right in path:
            assert isinstance(n, Branch)
            n = n.right if right else n.left
        return n

    def replace(self, path: Path, new: Node) -> Tree:
        """The tree with the node at `path` replaced by `new`, which takes over the old node's
        number while its descendants are numbered after every other node (as XGBoost numbers
        the children of a leaf it splits), so that the other nodes keep their numbers."""
        new = _numbered(new, iter([self.node(path).nid]))
        return Tree(_replace(self.root, path, new))

    def numbered(self) -> Tree:
        """The tree with its nodes numbered breadth first from 0."""
        order = list(_breadth_first(self.root))
        rank = {id(n): i for i, n in enumerate(order)}
        return Tree(_renumber(self.root, rank))


def _nodes(n: Node) -> Iterator[Node]:
    yield n
    if isinstance(n, Branch):
        yield from _nodes(n.left)
        yield from _nodes(n.right)


def _splits(n: Node) -> Iterator[Split]:
    return (x.split for x in _nodes(n) if isinstance(x, Branch))


def _replace(n: Node, path: Path, new: Node) -> Node:
    if not path:
        return new
    assert isinstance(n, Branch)
    if path[0]:
        return Branch(n.split, n.left, _replace(n.right, path[1:], new), n.nid)
    return Branch(n.split, _replace(n.left, path[1:], new), n.right, n.nid)


def _numbered(n: Node, ids: Iterator[int]) -> Node:
    """`n` with the next of `ids` (or -1 when they run out) as its number, below it -1."""
    nid = next(ids, -1)
    if isinstance(n, Leaf):
        return Leaf(n.value, nid)
    return Branch(n.split, _numbered(n.left, ids), _numbered(n.right, ids), nid)


def _breadth_first(root: Node) -> Iterator[Node]:
    queue = [root]
    while queue:
        n = queue.pop(0)
        yield n
        if isinstance(n, Branch):
            queue += [n.left, n.right]


def _renumber(n: Node, rank: Mapping[int, int]) -> Node:
    if isinstance(n, Leaf):
        return Leaf(n.value, rank[id(n)])
    return Branch(n.split, _renumber(n.left, rank), _renumber(n.right, rank), rank[id(n)])


def _meet(a: Constraint, b: Constraint, attr: Attr) -> bool:
    if isinstance(a, frozenset):
        assert isinstance(b, frozenset)
        return bool(a & b)
    assert isinstance(b, Interval)
    return nonempty(Interval(max(a.lo, b.lo), min(a.hi, b.hi)), attr)


def monotone_violation(tree: Tree, attrs_: Mapping[str, Attr], m: str) -> tuple[Path, Path] | None:
    """Two leaves (lower, higher) showing that `tree` is not nonincreasing in the int `m`: a
    citizen in the first and one in the second that differ only in `m`, the first with the
    smaller `m` and the smaller value. None when the tree is nonincreasing in `m`."""
    leaves = list(tree.leaves(attrs_))
    whole = domain(attrs_[m])
    for pa, va, sa in leaves:
        for pb, vb, sb in leaves:
            if va >= vb:
                continue
            ma, mb = sa.get(m, whole), sb.get(m, whole)
            assert isinstance(ma, Interval) and isinstance(mb, Interval)
            if not (ma.lo < mb.hi):  # no m_a in A, m_b in B with m_a <= m_b
                continue
            others = (sa.keys() | sb.keys()) - {m}
            if all(
                _meet(sa.get(k, domain(attrs_[k])), sb.get(k, domain(attrs_[k])), attrs_[k])
                for k in others
            ):
                return pa, pb
    return None


# -- XGBoost JSON ---------------------------------------------------------------------------


def _tree_json(tree: Tree, k: int, index: Mapping[str, int], unit: float) -> dict[str, object]:
    nodes = list(_breadth_first(tree.root))
    numbered = sorted((n for n in nodes if n.nid >= 0), key=lambda n: n.nid)
    order = numbered + [n for n in nodes if n.nid < 0]
    assert [n.nid for n in numbered] == list(range(len(numbered))), "numbers with a gap"
    ids = {id(n): i for i, n in enumerate(order)}
    left, right, feat, cond, dflt, kind, parents = [], [], [], [], [], [], [2147483647] * len(order)
    cat_nodes: list[int] = []
    cat_starts: list[int] = []
    cat_sizes: list[int] = []
    cats: list[int] = []
    for i, n in enumerate(order):
        if isinstance(n, Leaf):
            left.append(-1)
            right.append(-1)
            feat.append(0)
            cond.append(n.value * unit)
            dflt.append(0)
            kind.append(0)
            continue
        li, ri = ids[id(n.left)], ids[id(n.right)]
        parents[li] = parents[ri] = i
        left.append(li)
        right.append(ri)
        feat.append(index[n.split.attr])
        cond.append(n.split.threshold)
        dflt.append(int(n.split.default_left))
        kind.append(int(n.split.categorical))
        if n.split.categorical:
            assert n.split.right is not None
            codes = sorted(index[f"{n.split.attr}={v}"] for v in n.split.right)
            cat_nodes.append(i)
            cat_starts.append(len(cats))
            cat_sizes.append(len(codes))
            cats += codes
    return {
        "base_weights": [c if left[i] == -1 else 0.0 for i, c in enumerate(cond)],
        "categories": cats,
        "categories_nodes": cat_nodes,
        "categories_segments": cat_starts,
        "categories_sizes": cat_sizes,
        "default_left": dflt,
        "id": k,
        "left_children": left,
        "loss_changes": [0.0] * len(order),
        "parents": parents,
        "right_children": right,
        "split_conditions": cond,
        "split_indices": feat,
        "split_type": kind,
        "sum_hessian": [1.0] * len(order),
        "tree_param": {
            "num_deleted": "0",
            "num_feature": str(sum(1 for k in index if "=" not in k)),
            "num_nodes": str(len(order)),
            "size_leaf_vector": "1",
        },
    }


def model_json(
    trees: Sequence[Tree],
    features: Sequence[tuple[Attr, str]],
    objective: str,
    base_score: str,
    exponent: int,
) -> str:
    """The ensemble as an XGBoost JSON model. `features` are (attribute, XGBoost feature type:
    `int`, `q`, `i` or `c`) in model order; an enum's model input is its position in `values`."""
    index: dict[str, int] = {a.name: i for i, (a, _) in enumerate(features)}
    for a, _ in features:
        index.update({f"{a.name}={v}": j for j, v in enumerate(a.values)})
    unit = 2.0**-exponent
    n = len(trees)
    doc = {
        "learner": {
            "attributes": {},
            "feature_names": [a.name for a, _ in features],
            "feature_types": [t for _, t in features],
            "gradient_booster": {
                "model": {
                    "cats": {"enc": [], "feature_segments": [], "sorted_idx": []},
                    "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": str(n)},
                    "iteration_indptr": list(range(n + 1)),
                    "tree_info": [0] * n,
                    "trees": [_tree_json(t, k, index, unit) for k, t in enumerate(trees)],
                },
                "name": "gbtree",
            },
            "learner_model_param": {
                "base_score": f"[{base_score}]",
                "boost_from_average": "1",
                "num_class": "0",
                "num_feature": str(len(features)),
                "num_target": "1",
            },
            "objective": {"name": objective, "reg_loss_param": {"scale_pos_weight": "1"}},
        },
        "version": [3, 2, 0],
    }
    return json.dumps(doc, separators=(",", ":"))
