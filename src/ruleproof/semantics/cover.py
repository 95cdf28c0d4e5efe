"""Whether some condition of a list holds for every citizen: the cases of a tree cover its inputs.

`covers(conditions, types)` is True only if every citizen of the typed domain (the attributes'
ranges and values; `assume`s only shrink it) satisfies at least one condition. Each condition
must be a conjunction of atoms (`semantics.atoms`: `attribute OP literal`, `x`, `not x`);
anything else, more than `MAX_CONDITIONS` conditions, or a search that grows past `MAX_STEPS`,
gives False ("not known"), never a wrong True.

How: each attribute's domain is cut into cells on which every atom over it has one truth value
(ints at the values where an atom's interval starts or ends; reals at every literal, as points
and the open gaps between them; enum and bool values one by one). A condition is then a box: a
set of cells per attribute. The boxes cover the domain if one of them is the whole domain, or,
splitting the domain on the cells of an attribute some box restricts, if they cover every part.
Cells that no box tells apart are taken together, so the cases of one decision tree are settled
in about as many steps as it has leaves.

The interval analysis (`semantics.intervals`) uses it for `one_of` groups: a group whose cases
cover every citizen always adds one of its cases' values, never the 0 of "no case fires".
Tied to brute-force enumeration by tests/test_cover.py.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.atoms import Atom, atom, holds

MAX_STEPS = 20_000  # boxes visited before giving up
MAX_CONDITIONS = (
    256  # more (a long list of bins, not a tree) is not tried: cost grows with the square
)

Box = dict[str, frozenset[int]]  # attribute → the cell indexes a condition allows


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    if isinstance(e, E.And):
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def covers(conditions: Sequence[E.Expr], types: Mapping[str, M.AttrType]) -> bool:
    """Whether every citizen satisfies one of `conditions` (module docstring)."""
    if len(conditions) > MAX_CONDITIONS:
        return False
    readable: list[list[Atom]] = []
    for cond in conditions:
        conj = _conjuncts(cond)
        if any(isinstance(c, E.BoolLit) and not c.value for c in conj):
            continue  # never holds
        found = [atom(c, types) for c in conj if not isinstance(c, E.BoolLit)]
        if not found:
            return True  # the condition `True`
        if all(a is not None for a in found):  # else left out: covering with fewer is sound
            readable.append([a for a in found if a is not None])
    names = sorted({a.name for conj in readable for a in conj})
    cells = {n: _cells(types[n], [a for c in readable for a in c if a.name == n]) for n in names}
    boxes = [b for b in (_box(conj, cells) for conj in readable) if b is not None]
    space = {n: frozenset(range(len(cells[n]))) for n in names}
    return _cover(boxes, space, [MAX_STEPS])


def _cells(typ: M.AttrType, atoms: list[Atom]) -> list[M.Value]:
    """One value standing for each cell of `typ`'s domain (module docstring)."""
    match typ:
        case M.BoolType():
            return [False, True]
        case M.EnumType(values):
            return list(values)
        case M.IntType(lo, hi):
            cuts = {lo}
            for k in _numbers(atoms):
                for c in (math.floor(k), math.floor(k) + 1, math.ceil(k), math.ceil(k) + 1):
                    if lo < c <= hi:
                        cuts.add(c)
            return sorted(cuts)  # a cell runs from its cut to the next one, less one
        case M.RealType(lo, hi):
            inside = {Fraction(k) for k in _numbers(atoms) if lo < k < hi}
            points = sorted({lo, hi} | inside)
            gaps = [(x + y) / 2 for x, y in itertools.pairwise(points)]
            return [*points, *gaps]
    raise AssertionError(typ)


def _numbers(atoms: list[Atom]) -> list[int | Fraction]:
    """The literals of numeric atoms (`atom` gives numbers for int and real attributes)."""
    return [
        a.value
        for a in atoms
        if isinstance(a.value, int | Fraction) and a.value is not True and a.value is not False
    ]


def _box(conj: list[Atom], cells: Mapping[str, list[M.Value]]) -> Box | None:
    """The cells each attribute may take under a conjunction (None: it never holds)."""
    box: Box = {}
    for a in conj:
        allowed = frozenset(i for i, v in enumerate(cells[a.name]) if holds(a, v))
        box[a.name] = box.get(a.name, allowed) & allowed
        if not box[a.name]:
            return None
    return box


def _cover(boxes: list[Box], space: Box, budget: list[int]) -> bool:
    """Whether `boxes` cover every point of `space` (both sets of cells per attribute)."""
    budget[0] -= 1
    if budget[0] < 0:
        return False
    live = [b for b in boxes if all(cells & space[n] for n, cells in b.items())]
    if not live:
        return False
    for b in live:
        if all(cells >= space[n] for n, cells in b.items()):
            return True  # this box holds everywhere in the space
    name = next(n for n, cells in live[0].items() if not cells >= space[n])
    groups: dict[frozenset[int], set[int]] = {}  # which boxes allow a cell → those cells
    for cell in space[name]:
        key = frozenset(i for i, b in enumerate(live) if cell in b.get(name, space[name]))
        groups.setdefault(key, set()).add(cell)
    for which, part in groups.items():
        sub = {**space, name: frozenset(part)}
        if not _cover([live[i] for i in sorted(which)], sub, budget):
            return False
    return True
