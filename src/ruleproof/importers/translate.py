"""Trees → `one_of` groups of cases with exact conditions on the citizen's attributes.

For each split, `split_sets` computes the set of attribute values whose model input goes left
(and right), by the library's own decision rule (`splits`): for bool and enum attributes and
one-hot indicators by deciding each possible input; for int and real attributes from the split's
pieces over float64 inputs, each end turned into an exact cut on the unrounded value
(`floats.at_most`: which rationals round to at most that float). A leaf's condition is the
conjunction of these sets along its path, one set per attribute; leaves whose set is empty
within the declared domain can never be reached and are left out (the group's doc counts them).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.importers.features import Declared, Feature, FeatureMap
from ruleproof.importers.floats import at_most
from ruleproof.importers.splits import CategoricalSplit, NumericSplit, Split
from ruleproof.importers.trees import Ensemble, Leaf, Tree
from ruleproof.importers.valuesets import (
    Allowed,
    Finite,
    Interval,
    Intervals,
    ValueSet,
    allowed_and,
    allowed_empty,
    complement,
    condition,
    universe,
)
from ruleproof.language import ruleset as M


@attrs.frozen
class Case:
    id: str
    when: str
    add: Fraction


@attrs.frozen
class Group:
    id: str
    cites: str
    doc: str
    cases: tuple[Case, ...]


def _numeric_intervals(split: NumericSplit, integral: bool) -> tuple[Intervals, Intervals]:
    """Rationals whose float64 input goes left, and those that go right."""
    left: list[Interval] = []
    right: list[Interval] = []
    lo: Fraction | None = None
    lo_closed = False
    for end, goes_left in split.pieces():
        cut, inclusive = at_most(64, end)
        (left if goes_left else right).append(Interval(lo, lo_closed, cut, inclusive))
        if cut is None:
            break
        lo, lo_closed = cut, not inclusive
    return Intervals.make(left, integral), Intervals.make(right, integral)


def _point(value: bool | str | Fraction, t: M.AttrType) -> ValueSet:
    if isinstance(value, Fraction):
        return Intervals.make([Interval(value, True, value, True)], isinstance(t, M.IntType))
    return Finite(frozenset([value]))


def _points(values: frozenset[int]) -> Intervals:
    return Intervals.make([Interval(Fraction(c), True, Fraction(c), True) for c in values], True)


def _mismatch(f: Feature, message: str, fix: str) -> RulesetError:
    return RulesetError([Diagnostic("RP803", message, f.span, fix=fix)])


def _left_present(split: Split, f: Feature, d: Declared) -> ValueSet:
    t = d.attribute.type
    if f.equals is not None:
        one, zero = split.goes_left(1.0), split.goes_left(0.0)
        point = _point(f.equals, t)
        if one == zero:
            return universe(t) if one else complement(universe(t), t)
        return point if one else complement(point, t)
    match t:
        case M.BoolType():
            return Finite(frozenset(v for v in (False, True) if split.goes_left(float(v))))
        case M.EnumType(values):
            assert d.codes is not None
            return Finite(frozenset(v for v in values if split.goes_left(d.codes[v])))
        case M.RealType() if isinstance(split, CategoricalSplit):
            raise _mismatch(
                f,
                f"the model splits on feature `{f.name}` by categories, "
                f"but `{f.attribute}` is real",
                "declare it int, or enum with `codes`",
            )
        case M.IntType() if isinstance(split, CategoricalSplit):
            left = _points(split.left)
            if not split.others_go_left:
                return left
            listed = _points(split.left | split.right)
            return Intervals.make([*left.parts, *listed.complement(True).parts], True)
        case M.IntType() | M.RealType():
            assert isinstance(split, NumericSplit)
            return _numeric_intervals(split, isinstance(t, M.IntType))[0]
        case _:
            raise AssertionError(t)


SplitSets = Callable[[Split], tuple[str, Allowed, Allowed]]


def split_sets(fmap: FeatureMap, feature_names: tuple[str, ...], model: str) -> SplitSets:
    """A memoised function: split → (attribute, allowed values going left, going right)."""
    memo: dict[Split, tuple[str, Allowed, Allowed]] = {}
    declared = fmap.by_name

    def sets(split: Split) -> tuple[str, Allowed, Allowed]:
        hit = memo.get(split)
        if hit is not None:
            return hit
        name = feature_names[split.feature]
        f = fmap.features.get(name)
        if f is None:
            raise RulesetError(
                [
                    Diagnostic(
                        "RP802",
                        f"the model splits on feature `{name}`, which {fmap.file} does not map",
                        Span.point(model, 1, 1),
                        fix=f"add `{name}` under `features:` in {fmap.file}",
                    )
                ]
            )
        d = declared[f.attribute]
        t = d.attribute.type
        left = _left_present(split, f, d)
        missing = None if d.missing is None else split.goes_left(float("nan"))
        out = (
            f.attribute,
            Allowed(left, missing),
            Allowed(complement(left, t), None if missing is None else not missing),
        )
        memo[split] = out
        return out

    return sets


class Conditions:
    """Path sets and their texts, memoised: the trees of an ensemble repeat them many times."""

    def __init__(self, fmap: FeatureMap) -> None:
        self.declared = fmap.by_name
        self.order = {d.attribute.name: i for i, d in enumerate(fmap.declared)}
        self._and: dict[tuple[Allowed, Allowed], tuple[Allowed, bool]] = {}
        self._text: dict[tuple[str, Allowed], str | None] = {}

    def narrow(self, name: str, now: Allowed | None, more: Allowed) -> tuple[Allowed, bool]:
        """`now ∧ more` for the attribute `name`, and whether it is empty in its domain."""
        t = self.declared[name].attribute.type
        if now is None:
            key = (more, more)
            hit = self._and.get(key)
            if hit is None:
                hit = self._and[key] = (more, allowed_empty(more, t))
            return hit
        key = (now, more)
        hit = self._and.get(key)
        if hit is None:
            both = allowed_and(now, more, t)
            hit = self._and[key] = (both, allowed_empty(both, t))
        return hit

    def text(self, path: dict[str, Allowed]) -> str:
        parts = []
        for name in sorted(path, key=self.order.__getitem__):
            key = (name, path[name])
            if key not in self._text:
                d = self.declared[name]
                self._text[key] = condition(name, d.attribute.type, path[name], d.missing)
            text = self._text[key]
            if text is not None:
                parts.append(text)
        return " and ".join(parts) or "True"


def tree_group(tree: Tree, gid: str, cites: str, sets: SplitSets, conditions: Conditions) -> Group:
    """The `one_of` group of one tree: a case per reachable leaf."""
    cases: list[Case] = []
    dropped = 0
    stack: list[tuple[int, dict[str, Allowed]]] = [(0, {})]
    while stack:
        index, path = stack.pop()
        node = tree.nodes[index]
        if isinstance(node, Leaf):
            cases.append(Case(f"{gid}-leaf-{node.label}", conditions.text(path), node.value))
            continue
        name, left, right = sets(node.split)
        for child, allowed in ((node.right, right), (node.left, left)):
            now, empty = conditions.narrow(name, path.get(name), allowed)
            if empty:
                dropped += sum(1 for _ in _leaves_below(tree, child))
                continue
            stack.append((child, {**path, name: now}))
    doc = f"{len(cases)} leaves" + (
        f"; {dropped} more leaves no citizen in the declared domain reaches are left out"
        if dropped
        else ""
    )
    return Group(gid, cites, doc, tuple(cases))


def _leaves_below(tree: Tree, index: int) -> list[int]:
    out, stack = [], [index]
    while stack:
        node = tree.nodes[stack.pop()]
        if isinstance(node, Leaf):
            out.append(index)
        else:
            stack += [node.left, node.right]
    return out


def ensemble_groups(ens: Ensemble, fmap: FeatureMap, model: str) -> list[Group]:
    """One group per tree, in the model's order."""
    sets = split_sets(fmap, ens.feature_names, model)
    conditions = Conditions(fmap)
    return [
        tree_group(tree, f"tree-{k}", f"{model}, {tree.label}", sets, conditions)
        for k, tree in enumerate(ens.trees)
    ]
