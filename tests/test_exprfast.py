"""Differential: `exprfast.parse_simple` gives exactly the `ast` route's IR, spans included; so
does a tree `ExprCache` moves to another origin."""

from __future__ import annotations

from typing import Any, get_args

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.errors import RulesetError
from ruleproof.language import expr as E
from ruleproof.language import exprparse
from ruleproof.language.exprfast import parse_simple
from ruleproof.language.exprparse import ExprCache, Origin, parse_expr
from ruleproof.language.pretty import pretty
from ruleproof.language.types import BOOL, INT, REAL, EnumT, Type
from ruleproof.testing import expressions

# Pieces chosen around the edges of the fast grammar: keywords, literal forms it must refuse,
# strings with quotes and escapes, operators that only look like comparisons.
PIECES = [
    "x", "y1", "_z", "true", "false", "True", "None", "not", "and", "or", "in", "if", "match",
    "0", "7", "42", "007", "1_0", "1.5", "1e3", "0x1", "-3",
    "'v1'", '"v 2"', "''", "'a\\'b'", "'\\n'", "u'x'", "'#'", '"it\'s"',
    "==", "!=", "<", "<=", ">", ">=", "=", "<>", "===", "!",
    "(", ")", ",", ".", "#", "\t", "+",
]  # fmt: skip


pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # `3and x` via `ast`
NODES = (*get_args(E.Expr), tuple)


def _shape(e: E.Expr) -> list[Any]:
    """Every node's type, fields and span, in walk order (`==` on the IR ignores spans)."""
    out: list[Any] = []
    stack = [e]
    while stack:
        node = stack.pop()
        fields = {
            f.name: getattr(node, f.name)
            for f in attrs.fields(type(node))
            if f.name != "span" and type(getattr(node, f.name)) not in NODES
        }
        out.append((type(node).__name__, fields, node.span))
        stack.extend(reversed(E.children(node)))
    return out


def _ast_route(text: str, origin: Origin, monkeypatch: pytest.MonkeyPatch) -> E.Expr | str:
    with monkeypatch.context() as m:
        m.setattr(exprparse, "parse_simple", lambda *args: None)
        try:
            return parse_expr(text, origin)
        except RulesetError as exc:
            return exc.diagnostics[0].code


def _check(text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Assert agreement; returns whether the fast route took the text."""
    origin = Origin("f.yaml", 3, 9)
    stripped = text.strip()
    offset = len(text) - len(text.lstrip())
    fast = parse_simple(stripped.replace("\n", " "), "f.yaml", 3, 9 + offset) if stripped else None
    slow = _ast_route(text, origin, monkeypatch)
    if fast is not None:
        assert not isinstance(slow, str), (text, slow)
        assert fast == slow, text
        assert _shape(fast) == _shape(slow), text
    return fast is not None


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(["", " ", "  "])), max_size=9))
def test_fast_route_agrees_with_ast(parts: list[tuple[str, str]]) -> None:
    text = "".join(p + sep for p, sep in parts)
    with pytest.MonkeyPatch.context() as mp:
        _check(text, mp)


SPACE = st.sampled_from(["", " ", "  "])
OPERAND = st.sampled_from(["x", "b_2", "true", "false", "match", "0", "12", "007", "'v1'", '"a b"'])
KEYWORD_OR_NAME = st.sampled_from(["x", "b_2", "true", "not", "None", "in"])


@st.composite
def _simple(draw: st.DrawFn) -> str:
    """Texts of (mostly) the fast shape, spacing varied; some fall just outside it."""
    atoms = []
    for _ in range(draw(st.integers(1, 4))):
        match draw(st.integers(0, 2)):
            case 0:
                atom = draw(OPERAND)
            case 1:
                op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
                atom = f"{draw(OPERAND)}{draw(SPACE)}{op}{draw(SPACE)}{draw(OPERAND)}"
            case _:
                atom = f"not {draw(KEYWORD_OR_NAME)}"
        atoms.append(atom)
    joiner = draw(st.sampled_from([" and ", "  and  ", " and", " or "]))
    return draw(SPACE) + joiner.join(atoms) + draw(SPACE)


@settings(max_examples=2000, deadline=None)
@given(_simple())
def test_fast_shapes_agree_with_ast(text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        _check(text, mp)


@pytest.mark.parametrize(
    "text",
    [
        "x0 >= 57 and b3 and e5 == 'v2'",
        "not b1 and x < 3",
        '  x == "v 1"  ',
        "a != b",
        "true and false",
        "3 > x",
        "x",
    ],
)
def test_common_shapes_take_the_fast_route(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _check(text, monkeypatch)


@pytest.mark.parametrize(
    "text",
    ["not x == 3", "x < 3 < y", "x >= -1", "(x)", "a or b", "x == 1.5", "007 == x", "3and x"],
)
def test_other_shapes_take_the_ast_route(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not _check(text, monkeypatch)


SCOPE: dict[str, Type] = {"x": INT, "b": BOOL, "r": REAL, "color": EnumT(("red", "green", "blue"))}


@settings(max_examples=300)
@given(
    st.sampled_from([BOOL, INT, REAL]).flatmap(lambda t: expressions(SCOPE, t, max_depth=4)),
    st.integers(1, 40),
    st.integers(1, 40),
)
def test_cached_copy_is_what_parsing_there_gives(e: E.Expr, line: int, col: int) -> None:
    """`ExprCache` moves a cached tree to a new origin: spans must match a fresh parse there."""
    text = pretty(e)
    cache = ExprCache()
    cache.parse(text, Origin("f.yaml", 2, 7))
    moved = cache.parse(text, Origin("f.yaml", line, col))
    fresh = parse_expr(text, Origin("f.yaml", line, col))
    assert moved == fresh
    assert _shape(moved) == _shape(fresh)
