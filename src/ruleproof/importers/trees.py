"""The tree-ensemble IR every importer produces, and its exact evaluator.

An `Ensemble` is a base value plus trees; a tree is a list of nodes (index 0 is the root), each
either a `Node` (a split and its two children) or a `Leaf` (an exact rational value). The model's
raw margin for an input vector is `base + Σ value of the leaf each tree reaches`, computed exactly
(`margin`), never in floating point: the imported ruleset's `score` is this number. The `link`
says how the margin becomes the prediction a threshold is compared with (`links`).

Inputs are model feature vectors: Python floats, NaN for a missing value, indexed like
`feature_names`. `leaf_index` follows each library's split rule (`splits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs

from ruleproof.importers.floats import Width
from ruleproof.importers.links import Link
from ruleproof.importers.splits import Split


@attrs.frozen
class Node:
    split: Split
    left: int
    right: int


@attrs.frozen
class Leaf:
    value: Fraction
    label: str  # how the source names the leaf (node or leaf number)


@attrs.frozen
class Tree:
    nodes: tuple[Node | Leaf, ...]
    label: str  # how the source names the tree, e.g. "booster tree 3"

    def leaf_index(self, x: Sequence[float]) -> int:
        """The index of the leaf `x` reaches."""
        i = 0
        nodes = self.nodes
        while True:
            node = nodes[i]
            if isinstance(node, Leaf):
                return i
            i = node.left if node.split.goes_left(x[node.split.feature]) else node.right

    def leaves(self) -> list[tuple[int, Leaf]]:
        return [(i, n) for i, n in enumerate(self.nodes) if isinstance(n, Leaf)]


@attrs.frozen
class Ensemble:
    """A model: `margin = base + Σ leaf values`; `link` turns the margin into the prediction.

    `width` is the float width the library sums in (for the error bound of `links`);
    `library` and `source` describe where the model came from, for citations.
    """

    trees: tuple[Tree, ...]
    base: Fraction
    feature_names: tuple[str, ...]
    link: Link
    width: Width
    library: str
    source: str
    notes: tuple[str, ...] = ()
    base_error: Fraction = Fraction(0)  # how far the library's own base may be from `base`
    accepts_missing: bool = True  # whether the library accepts NaN inputs at all

    def margin(self, x: Sequence[float]) -> Fraction:
        """The exact raw margin for the input vector `x`."""
        total = self.base
        for tree in self.trees:
            leaf = tree.nodes[tree.leaf_index(x)]
            assert isinstance(leaf, Leaf)
            total += leaf.value
        return total

    def used_features(self) -> set[int]:
        """Indices of the features some split reads."""
        return {n.split.feature for t in self.trees for n in t.nodes if isinstance(n, Node)}


def check_tree(nodes: Sequence[Node | Leaf]) -> str | None:
    """Why `nodes` is not a tree rooted at 0 (a child out of range, shared or cyclic; two
    leaves with one label), or None."""
    labels = [n.label for n in nodes if isinstance(n, Leaf)]
    if len(set(labels)) != len(labels):
        return "two leaves have the same number"
    seen = {0}
    stack = [0]
    while stack:
        node = nodes[stack.pop()]
        if isinstance(node, Leaf):
            continue
        for child in (node.left, node.right):
            if not 0 <= child < len(nodes):
                return f"child {child} is not a node of the tree (0..{len(nodes) - 1})"
            if child in seen:
                return f"node {child} is reached twice"
            seen.add(child)
            stack.append(child)
    return None
