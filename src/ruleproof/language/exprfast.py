"""The commonest expression shape parsed without `ast`: a fast path of `exprparse.parse_expr`.

`parse_simple(source, file, line, col)` accepts a conjunction (`and`) of atoms, each `operand`,
`operand OP operand` (one comparison operator) or `not name`, where an operand is a name, a
decimal integer or a quoted string without escapes, everything ASCII and separated by spaces.
It returns exactly the IR, spans included, that the `ast` route of `parse_expr` builds for the
same text (`col` is the column of the text's first character), and None for anything else, which
then takes that route (and reports its errors). A differential test keeps the two equal.
"""

from __future__ import annotations

import keyword
import re

from ruleproof.errors import Span
from ruleproof.language import expr as E

# One token after optional spaces: a name, an integer not followed by what would make it another
# literal (`1.5`, `1e5`, `0x1`, `1_0`, `007`), a string of printable ASCII without quote or
# backslash, or a comparison operator.
_TOKEN = re.compile(
    r" *(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<int>0|[1-9][0-9]*)(?![A-Za-z0-9_.])"
    r"|(?P<str>'[ -&(-\[\]-~]*'|\"[ !#-\[\]-~]*\")|(?P<op><=|>=|==|!=|<|>))"
)
_KEYWORDS = frozenset(keyword.kwlist)
_OPS: dict[str, E.CmpOp] = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

Token = tuple[str, str, int, int]  # kind (name, int, str, op), text, start, end


def _tokens(source: str) -> list[Token] | None:
    """The tokens of `source`; None if some part of it is no token."""
    out: list[Token] = []
    pos, n = 0, len(source)
    match = _TOKEN.match
    while pos < n:
        m = match(source, pos)
        if m is None:
            return None
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind), m.start(kind), m.end()))
        pos = m.end()
    return out


def parse_simple(source: str, file: str, line: int, col: int) -> E.Expr | None:
    """The IR of `source` (stripped, one line) if it has the simple shape, else None."""
    toks = _tokens(source)
    if not toks:
        return None
    at = _At(file, line, col)
    atoms: list[E.Expr] = []
    i, n = 0, len(toks)
    while True:
        found = _atom(toks, i, at)
        if found is None:
            return None
        atom, i = found
        atoms.append(atom)
        if i == n:
            break
        if toks[i][:2] != ("name", "and") or i + 1 == n:
            return None
        i += 1
    if len(atoms) == 1:
        return atoms[0]
    return E.And(tuple(atoms), at.span(toks[0][2], toks[-1][3]))


class _At:
    """Where the text starts: makes the spans of its tokens."""

    __slots__ = ("col", "file", "line")

    def __init__(self, file: str, line: int, col: int) -> None:
        """The text's first character is at `line`:`col` of `file`."""
        self.file, self.line, self.col = file, line, col

    def span(self, start: int, end: int) -> Span:
        """The span of characters `start` to `end` (exclusive) of the text."""
        return Span(self.file, self.line, self.col + start, self.line, self.col + end)


def _atom(toks: list[Token], i: int, at: _At) -> tuple[E.Expr, int] | None:
    """The atom starting at token `i` (`not name`, `operand` or `operand OP operand`) and the
    index of the token after it; None if the tokens there are no atom."""
    kind, text, start, _ = toks[i]
    n = len(toks)
    atom: E.Expr | None
    if kind == "name" and text == "not":
        if i + 1 == n:
            return None
        atom = _operand(toks[i + 1], at)
        if not isinstance(atom, E.Var):
            return None
        return E.Not(atom, at.span(start, toks[i + 1][3])), i + 2
    atom = _operand(toks[i], at)
    if atom is None:
        return None
    i += 1
    if i < n and toks[i][0] == "op":
        if i + 1 == n:
            return None
        right = _operand(toks[i + 1], at)
        if right is None:
            return None
        span = at.span(start, toks[i + 1][3])
        return E.Compare((_OPS[toks[i][1]],), (atom, right), span), i + 2
    return atom, i


def _operand(tok: Token, at: _At) -> E.Expr | None:
    """The IR of a name (not a keyword), integer or string token; None for anything else."""
    kind, text, start, end = tok
    if kind == "name":
        if text in _KEYWORDS:
            return None
        if text in ("true", "false"):
            return E.BoolLit(text == "true", at.span(start, end))
        return E.Var(text, None, at.span(start, end))
    if kind == "int":
        return E.IntLit(int(text), at.span(start, end))
    if kind == "str":
        return E.EnumLit(text[1:-1], at.span(start, end))
    return None
