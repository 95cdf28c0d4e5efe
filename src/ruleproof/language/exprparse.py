"""Expression text → expression IR, through the standard library's `ast` (never `eval`).

`parse_expr(text, origin)` accepts the subset of Python described in DESIGN §2 and returns an
`Expr` whose spans point into the original file (`origin` is where the text starts); the
commonest shape takes a faster route with the same result (`exprfast`), the rest is parsed by
`ast` and converted by `exprconvert`. Anything outside the subset raises `RulesetError` with the
offending node's position. Deep nesting, huge inputs and numbers over the digit limit are refused
before `ast` sees them (limits RP025-RP027, `ruleproof.limits`), so no input can exhaust the stack
or Python's int conversion.
"""

from __future__ import annotations

import ast

import attrs

from ruleproof.errors import RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.language.exprconvert import Converter, error
from ruleproof.language.exprfast import parse_simple
from ruleproof.limits import DIGITS, EXPR_CHARS, EXPR_DEPTH, longest_digit_run

MAX_EXPR_CHARS = EXPR_CHARS.value
MAX_NESTING = EXPR_DEPTH.value
MAX_TREE_DEPTH = 2 * EXPR_DEPTH.value


@attrs.frozen
class Origin:
    """Where an expression's text starts in a file (1-based line and column of its first char)."""

    file: str
    line: int
    col: int
    key: str = ""  # the YAML key the expression sits under, for messages


def _nesting_depth(text: str) -> int:
    """The deepest bracket nesting in `text` (brackets inside strings count too)."""
    depth = best = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            best = max(best, depth)
        elif ch in ")]}":
            depth -= 1
    return best


def _tree_depth(node: ast.AST) -> int:
    """The number of levels of the `ast` tree under (and including) `node`, walked iteratively."""
    best = 0
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(n))
    return best


def parse_expr(text: str, origin: Origin) -> E.Expr:
    """Parse `text` into the IR.

    Raises:
        RulesetError: RP101 syntax error, RP102 a construct outside the language, RP104 a
        malformed literal, RP025 too long, RP026 too deep, RP027 a number with too many digits.
    """
    _check_text_limits(text, origin)
    stripped = text.strip()
    if not stripped:
        raise error(
            "RP101",
            "empty expression",
            _whole(text, origin),
            fix='write a condition such as "True"',
        )
    source = stripped.replace("\n", " ")
    offset = len(text) - len(text.lstrip())
    simple = parse_simple(source, origin.file, origin.line, origin.col + offset)
    if simple is not None:
        return simple
    tree = _parse_tree(text, source, origin)
    return Converter(origin.file, origin.line, origin.col + offset, source).convert(tree)


def _check_text_limits(text: str, origin: Origin) -> None:
    """Refuse (RP025, RP026, RP027) a text too long, too deeply bracketed or holding a number
    with too many digits, before any parser sees it."""
    n = len(text)
    if n > MAX_EXPR_CHARS:
        raise RulesetError(
            [EXPR_CHARS.exceeded(_whole(text, origin), f"the expression is {n:,} characters long")]
        )
    # Nesting brackets more than MAX_NESTING deep takes more than MAX_NESTING characters.
    if n > MAX_NESTING and _nesting_depth(text) > MAX_NESTING:
        raise RulesetError(
            [
                EXPR_DEPTH.exceeded(
                    _whole(text, origin),
                    "the expression nests brackets too deep",
                    why="deeply nested expressions are refused before parsing so they cannot "
                    "exhaust the parser's stack",
                )
            ]
        )
    # A number longer than the limit needs a text longer than the limit.
    if n > DIGITS.value and (run := longest_digit_run(text))[0] > DIGITS.value:
        length, start = run
        span = Span(
            origin.file, origin.line, origin.col + start, origin.line, origin.col + start + length
        )
        raise RulesetError([DIGITS.exceeded(span, f"the number has {length:,} digits")])


def _parse_tree(text: str, source: str, origin: Origin) -> ast.expr:
    """The body of `ast.parse(source, mode="eval")`, `source` being `text` stripped onto one line.

    Raises:
        RulesetError: RP101 a syntax error (at its column in `text`), RP026 a tree the parser
        cannot build or one deeper than MAX_TREE_DEPTH.
    """
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = origin.col + max((exc.offset or 1) - 1, 0) + (len(text) - len(text.lstrip()))
        raise error(
            "RP101",
            f"syntax error in expression: {exc.msg}",
            Span.point(origin.file, origin.line, col),
            fix="expressions use Python syntax, e.g. `debt > 0 and not paid`",
        ) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise RulesetError(
            [
                EXPR_DEPTH.exceeded(
                    _whole(text, origin),
                    f"the expression cannot be parsed ({type(exc).__name__})",
                    why="it nests operators too deeply or holds a literal too large for the parser",
                )
            ]
        ) from None
    # Every level of the tree below its root needs at least one character of its own (a leaf name
    # adds its `Load` context), so a short text cannot be too deep: walk only longer ones.
    if len(source) + 2 > MAX_TREE_DEPTH and _tree_depth(tree.body) > MAX_TREE_DEPTH:
        raise RulesetError(
            [
                EXPR_DEPTH.exceeded(
                    _whole(text, origin),
                    f"the expression nests operators more than {MAX_TREE_DEPTH} deep",
                    why="every stage walks expressions recursively; a deeper tree could exhaust "
                    "its stack",
                )
            ]
        )
    return tree.body


class ExprCache:
    """`parse_expr` for many expressions of one file, parsing each distinct text once.

    A text seen before is not parsed again: its first tree is copied with every span moved to the
    new origin. Spans of a parsed expression all lie on the origin's line at columns offset from
    the origin's, so the copy is exactly what `parse_expr` would return there. Errors are not
    cached (a failing text is parsed again and reports at its own position).
    """

    def __init__(self) -> None:
        """An empty cache."""
        self._trees: dict[str, tuple[E.Expr, int]] = {}

    def parse(self, text: str, origin: Origin) -> E.Expr:
        """`parse_expr(text, origin)`; raises what it raises."""
        hit = self._trees.get(text)
        if hit is None:
            tree = parse_expr(text, origin)
            self._trees[text] = (tree, origin.col)
            return tree
        tree, col = hit
        return _moved(tree, origin.file, origin.line, origin.col - col)


def _moved(e: E.Expr, file: str, line: int, dc: int) -> E.Expr:
    """`e` with every span on `line` of `file`, `dc` columns further right (recursive; parsed trees
    are at most MAX_TREE_DEPTH deep). Node kinds are tested in order of frequency."""
    s = e.span
    span = Span(file, line, s.col + dc, line, s.end_col + dc)
    if isinstance(e, E.Var):
        return E.Var(e.name, e.citizen, span)
    if isinstance(e, E.IntLit):
        return E.IntLit(e.value, span)
    if isinstance(e, E.Compare):
        return E.Compare(e.ops, tuple([_moved(o, file, line, dc) for o in e.operands]), span)
    if isinstance(e, E.EnumLit):
        return E.EnumLit(e.value, span)
    if isinstance(e, E.And):
        return E.And(tuple([_moved(a, file, line, dc) for a in e.args]), span)
    if isinstance(e, E.Not):
        return E.Not(_moved(e.arg, file, line, dc), span)
    if isinstance(e, E.BoolLit):
        return E.BoolLit(e.value, span)
    if isinstance(e, E.RealLit):
        return E.RealLit(e.value, span)
    if isinstance(e, E.Neg):
        return E.Neg(_moved(e.arg, file, line, dc), span)
    if isinstance(e, E.Or):
        return E.Or(tuple([_moved(a, file, line, dc) for a in e.args]), span)
    if isinstance(e, E.Arith):
        return E.Arith(e.op, _moved(e.left, file, line, dc), _moved(e.right, file, line, dc), span)
    if isinstance(e, E.IfElse):
        cond, then = _moved(e.cond, file, line, dc), _moved(e.then, file, line, dc)
        return E.IfElse(cond, then, _moved(e.orelse, file, line, dc), span)
    if isinstance(e, E.In):
        options = tuple([_moved(o, file, line, dc) for o in e.options])
        return E.In(_moved(e.item, file, line, dc), options, e.negated, span)
    if isinstance(e, E.Call):
        return E.Call(e.func, tuple([_moved(a, file, line, dc) for a in e.args]), span)
    raise AssertionError(e)


def _whole(text: str, origin: Origin) -> Span:
    """The span of the whole expression text (at least one character wide)."""
    return Span(origin.file, origin.line, origin.col, origin.line, origin.col + max(len(text), 1))
