"""Expression parsing: the accepted subset, errors with positions, and parse(pretty(e)) == e."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.errors import RulesetError
from ruleproof.language import expr as E
from ruleproof.language.exprparse import Origin, parse_expr
from ruleproof.language.pretty import pretty
from ruleproof.language.types import BOOL, INT, REAL, EnumT, Type
from ruleproof.testing import expressions

ORIGIN = Origin("f.yaml", 3, 10)


def parse(text: str) -> E.Expr:
    return parse_expr(text, ORIGIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", E.IntLit(1)),
        ("-5", E.IntLit(-5)),
        ("0.0001", E.RealLit(Fraction(1, 10000))),
        ("-0.5", E.RealLit(Fraction(-1, 2))),
        ("true", E.BoolLit(True)),
        ("'a'", E.EnumLit("a")),
        ("a.debt", E.Var("debt", "a")),
        ("-x", E.Neg(E.Var("x"))),
        ("x // 3", E.Arith("//", E.Var("x"), E.IntLit(3))),
        ("a < b <= c", E.Compare(("<", "<="), (E.Var("a"), E.Var("b"), E.Var("c")))),
        ("a and b and c", E.And((E.Var("a"), E.Var("b"), E.Var("c")))),
        ("(a and b) and c", E.And((E.And((E.Var("a"), E.Var("b"))), E.Var("c")))),
        ("x not in [1, 2]", E.In(E.Var("x"), (E.IntLit(1), E.IntLit(2)), True)),
        ("implies(p, q)", E.Call("implies", (E.Var("p"), E.Var("q")))),
        ("x if c else y", E.IfElse(E.Var("c"), E.Var("x"), E.Var("y"))),
    ],
)
def test_parses(text: str, expected: E.Expr) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("__import__('os').system('x')", "RP102"),
        ("x / 2", "RP102"),
        ("x ** 2", "RP102"),
        ("lambda: 1", "RP102"),
        ("[1, 2]", "RP102"),
        ("x[0]", "RP102"),
        ("min(x)", "RP102"),
        ("x in y", "RP102"),
        ("x >", "RP101"),
        ("", "RP101"),
        ("1e400", "RP104"),
        ("(" * 101 + "x" + ")" * 101, "RP026"),
        ("x" * 100_001, "RP025"),
    ],
)
def test_rejects(text: str, code: str) -> None:
    with pytest.raises(RulesetError) as info:
        parse(text)
    assert [d.code for d in info.value.diagnostics] == [code]


def test_spans_point_into_the_file() -> None:
    e = parse("debt > 0 and evades")
    assert isinstance(e, E.And)
    second = e.args[1]
    assert (second.span.line, second.span.col, second.span.end_col) == (3, 23, 29)


def test_spans_count_characters_not_utf8_bytes() -> None:
    # Regression: `ast` columns are byte offsets; a non-ASCII literal shifted later spans.
    e = parse("x == 'ü' and yy")
    assert isinstance(e, E.And)
    assert e.args[1].span.col == ORIGIN.col + 13


def test_error_position_of_unsupported_node() -> None:
    with pytest.raises(RulesetError) as info:
        parse("x + y ** 2")
    span = info.value.diagnostics[0].span
    assert (span.line, span.col) == (3, 14)


@pytest.mark.parametrize(
    ("e", "text"),
    [
        (E.Arith("-", E.Var("a"), E.Arith("-", E.Var("b"), E.Var("c"))), "a - (b - c)"),
        (E.Arith("-", E.Arith("-", E.Var("a"), E.Var("b")), E.Var("c")), "a - b - c"),
        (E.Neg(E.IntLit(5)), "-(+5)"),
        (E.Neg(E.IntLit(-5)), "-(-5)"),
        (E.Arith("*", E.Var("x"), E.IntLit(-2)), "x * -2"),
        (E.RealLit(Fraction(3)), "3.0"),
        (E.Not(E.And((E.Var("a"), E.Var("b")))), "not (a and b)"),
        (
            E.IfElse(E.Var("c"), E.IfElse(E.Var("d"), E.Var("x"), E.Var("y")), E.Var("z")),
            "(x if d else y) if c else z",
        ),
    ],
)
def test_pretty_examples(e: E.Expr, text: str) -> None:
    assert pretty(e) == text
    assert parse(text) == e


SCOPE: dict[str, Type] = {
    "b": BOOL,
    "c": BOOL,
    "n": INT,
    "m": INT,
    "r": REAL,
    "color": EnumT(("red", "green", "blue")),
}


@settings(max_examples=300)
@given(
    st.sampled_from([BOOL, INT, REAL, SCOPE["color"]]).flatmap(
        lambda t: expressions(SCOPE, t, max_depth=4)
    )
)
def test_parse_pretty_round_trip(e: E.Expr) -> None:
    assert parse(pretty(e)) == _spelled(e)


def _spelled(e: E.Expr) -> E.Expr:
    """`e` as text spells it: a `FirstMatch` (no syntax of its own) is its conditional chain."""
    if isinstance(e, E.FirstMatch):
        out = _spelled(e.default)
        for cond, value in reversed(e.branches):
            out = E.IfElse(_spelled(cond), _spelled(value), out)
        return out
    rebuilt = E.map_children(e, _spelled)
    return rebuilt


def _strings() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)


@given(_strings())
def test_enum_literal_round_trip_any_text(s: str) -> None:
    assert parse(pretty(E.EnumLit(s))) == E.EnumLit(s)


@given(st.integers(-(10**20), 10**20), st.integers(0, 12), st.integers(0, 12))
def test_real_literal_round_trip(n: int, twos: int, fives: int) -> None:
    e = E.RealLit(Fraction(n, 2**twos * 5**fives))
    assert parse(pretty(e)) == e
