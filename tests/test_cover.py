"""`semantics.cover.covers` against brute force: never a wrong True, and True for the cases of
any decision tree (their conditions partition the domain).

Domains are small enough to enumerate: ints over a short range, reals whose literals are
halves (every cell between them contains a quarter, so a quarter grid visits every cell),
enums and bools.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.cover import covers
from ruleproof.semantics.evaluate import eval_expr

TYPES: dict[str, M.AttrType] = {
    "i": M.IntType(-3, 4),
    "r": M.RealType(Fraction(-1), Fraction(2)),
    "e": M.EnumType(("p", "q", "s")),
    "b": M.BoolType(),
}
GRID: dict[str, list[M.Value]] = {
    "i": list(range(-3, 5)),
    "r": [Fraction(k, 4) for k in range(-4, 9)],
    "e": ["p", "q", "s"],
    "b": [False, True],
}
OPS: list[E.CmpOp] = ["<", "<=", ">", ">=", "==", "!="]


def _numeric_atom(name: str, op: E.CmpOp, half: int) -> E.Expr:
    """`name op half/2`: an int literal where the value is whole."""
    k = Fraction(half, 2)
    lit: E.Expr = E.IntLit(int(k)) if k.denominator == 1 else E.RealLit(k)
    return E.Compare((op,), (E.Var(name), lit))


def numeric_atoms(name: str) -> st.SearchStrategy[E.Expr]:
    halves = st.integers(-9, 10) if name == "i" else st.integers(-4, 6)
    return st.builds(_numeric_atom, st.just(name), st.sampled_from(OPS), halves)


@st.composite
def atoms(draw: st.DrawFn) -> E.Expr:
    name = draw(st.sampled_from(sorted(TYPES)))
    if name == "b":
        return E.Var("b") if draw(st.booleans()) else E.Not(E.Var("b"))
    if name == "e":
        op: E.CmpOp = draw(st.sampled_from(["==", "!="]))
        return E.Compare((op,), (E.Var("e"), E.EnumLit(draw(st.sampled_from(["p", "q", "s"])))))
    return draw(numeric_atoms(name))


def _and(parts: list[E.Expr]) -> E.Expr:
    return parts[0] if len(parts) == 1 else E.And(tuple(parts))


def _citizens() -> list[dict[str, M.Value]]:
    names = sorted(GRID)
    return [
        dict(zip(names, vs, strict=True)) for vs in itertools.product(*(GRID[n] for n in names))
    ]


CITIZENS = _citizens()


def _holds(e: E.Expr, c: dict[str, M.Value]) -> bool:
    return bool(eval_expr(e, lambda v: c[v.name]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(atoms(), min_size=1, max_size=3).map(_and), min_size=1, max_size=6))
def test_covers_is_never_wrong(conds: list[E.Expr]) -> None:
    truth = all(any(_holds(c, who) for c in conds) for who in CITIZENS)
    assert covers(conds, TYPES) == truth


@st.composite
def trees(draw: st.DrawFn, depth: int = 3) -> list[E.Expr]:
    """The leaf conditions of a random decision tree: paths of splits and their negations."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return [E.BoolLit(True)]
    split = draw(atoms())
    left, right = draw(trees(depth - 1)), draw(trees(depth - 1))
    return [_and([split, c]) for c in left] + [_and([E.Not(split), c]) for c in right]


def _negation_free(e: E.Expr) -> E.Expr:
    """`not (x OP k)` as `x OP' k`, as an importer writes a tree's right branch."""
    flip: dict[E.CmpOp, E.CmpOp] = {
        "<": ">=",
        "<=": ">",
        ">": "<=",
        ">=": "<",
        "==": "!=",
        "!=": "==",
    }
    match e:
        case E.And(args):
            return _and([_negation_free(a) for a in args])
        case E.Not(E.Compare((op,), operands)):
            return E.Compare((flip[op],), operands)
        case E.Not(E.Not(x)):
            return x
    return e


@settings(max_examples=100, deadline=None)
@given(trees())
def test_the_leaves_of_a_tree_cover_the_domain(leaves: list[E.Expr]) -> None:
    conds = [_negation_free(c) for c in leaves]
    assert all(any(_holds(c, who) for c in conds) for who in CITIZENS)  # the premise
    assert covers(conds, TYPES)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["i", "r"]), st.data())
def test_covers_cuts_every_number_where_an_atom_changes(name: str, data: st.DataObject) -> None:
    conds = data.draw(st.lists(numeric_atoms(name), min_size=1, max_size=4))
    truth = all(any(_holds(c, {name: v}) for c in conds) for v in GRID[name])
    assert covers(conds, TYPES) == truth
