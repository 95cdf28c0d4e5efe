"""Expression text → expression IR, through the standard library's `ast` (never `eval`).

`parse_expr(text, origin)` accepts the subset of Python described in DESIGN §2 and returns an
`Expr` whose spans point into the original file (`origin` is where the text starts); the
commonest shape takes a faster route with the same result (`exprfast`). Anything
outside the subset raises `RulesetError` with the offending node's position. Deep nesting,
huge inputs and numbers over the digit limit are refused before `ast` sees them (limits
RP025-RP027, `ruleproof.limits`), so no input can exhaust the stack or Python's int conversion.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import cast

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.language.exprfast import parse_simple
from ruleproof.limits import (
    DIGITS,
    EXPR_CHARS,
    EXPR_DEPTH,
    decimal_too_long,
    exact_decimal,
    int_too_long,
    longest_digit_run,
)

MAX_EXPR_CHARS = EXPR_CHARS.value
MAX_NESTING = EXPR_DEPTH.value
MAX_TREE_DEPTH = 2 * EXPR_DEPTH.value

_ARITH: dict[type[ast.operator], E.ArithOp] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}
_CMP: dict[type[ast.cmpop], E.CmpOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_FUNCS: dict[str, int | None] = {"min": None, "max": None, "abs": 1, "implies": 2}
_OP_HINTS: dict[type[ast.AST], str] = {
    ast.Div: "`/` is not allowed (it is not exact on ints); use `//` by a positive constant, or "
    "multiply by a decimal such as `0.5`",
    ast.Pow: "`**` is not allowed; write the product out, e.g. `x * x` is non-linear anyway",
    ast.BitAnd: "`&` is not allowed; use `and`",
    ast.BitOr: "`|` is not allowed; use `or`",
    ast.BitXor: "`^` is not allowed; use `!=` between bools",
    ast.LShift: "`<<` is not allowed; multiply by a constant",
    ast.RShift: "`>>` is not allowed; use `//` by a constant",
    ast.MatMult: "`@` is not allowed",
}


@attrs.frozen
class Origin:
    """Where an expression's text starts in a file (1-based line and column of its first char)."""

    file: str
    line: int
    col: int
    key: str = ""  # the YAML key the expression sits under, for messages


def _error(code: str, message: str, span: Span, why: str = "", fix: str = "") -> RulesetError:
    return RulesetError([Diagnostic(code, message, span, why, fix)])


def _nesting_depth(text: str) -> int:
    depth = best = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            best = max(best, depth)
        elif ch in ")]}":
            depth -= 1
    return best


def _tree_depth(node: ast.AST) -> int:
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
    stripped = text.strip()
    if not stripped:
        raise _error(
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
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = origin.col + max((exc.offset or 1) - 1, 0) + (len(text) - len(text.lstrip()))
        raise _error(
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
    return _Converter(origin, offset, source).convert(tree.body)


class ExprCache:
    """`parse_expr` for many expressions of one file, parsing each distinct text once.

    A text seen before is not parsed again: its first tree is copied with every span moved to the
    new origin. Spans of a parsed expression all lie on the origin's line at columns offset from
    the origin's, so the copy is exactly what `parse_expr` would return there. Errors are not
    cached (a failing text is parsed again and reports at its own position).
    """

    def __init__(self) -> None:
        self._trees: dict[str, tuple[E.Expr, int]] = {}

    def parse(self, text: str, origin: Origin) -> E.Expr:
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
    return Span(origin.file, origin.line, origin.col, origin.line, origin.col + max(len(text), 1))


class _Converter:
    def __init__(self, origin: Origin, offset: int, source: str) -> None:
        self.origin = origin
        self.offset = offset
        self.source = source
        self.ascii = source.isascii()
        self.encoded = b"" if self.ascii else source.encode("utf-8", "surrogatepass")
        self.file = origin.file
        self.line = origin.line
        self.base = origin.col + offset

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def chars(self, byte_offset: int) -> int:
        """`ast` columns count UTF-8 bytes; spans count characters."""
        if self.ascii:
            return byte_offset
        return len(self.encoded[:byte_offset].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Span:
        if self.ascii:
            col = getattr(node, "col_offset", 0)
            end = getattr(node, "end_col_offset", None)
            end_col = end if end is not None else col + 1
        else:
            col = self.chars(getattr(node, "col_offset", 0))
            end = getattr(node, "end_col_offset", None)
            end_col = self.chars(end) if end is not None else col + 1
        base = self.base
        line = self.line
        return Span(self.file, line, base + col, line, base + max(end_col, col + 1))

    def unsupported(self, node: ast.AST, what: str, fix: str = "") -> RulesetError:
        return _error(
            "RP102",
            f"{what} is not part of the rule language: `{self.text(node)[:60]}`",
            self.span(node),
            why="expressions allow literals, names, + - *, // and % by a constant, comparisons, "
            "and/or/not, `x if c else y`, `x in [...]`, min, max, abs and implies",
            fix=fix,
        )

    def convert(self, node: ast.expr) -> E.Expr:
        span = self.span(node)
        # Fast paths for the commonest nodes; each returns exactly what the `match` below would.
        kind = type(node)
        if kind is ast.Name:
            name = node.id  # type: ignore[attr-defined]
            if name in ("true", "false"):
                return E.BoolLit(name == "true", span)
            return E.Var(name, None, span)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            vkind = type(value)
            if vkind is int:
                if value.bit_length() > 3000 and int_too_long(value):  # e.g. a long hex literal
                    raise RulesetError([DIGITS.exceeded(span, "the integer is too long")])
                return E.IntLit(value, span)
            if vkind is str:
                return E.EnumLit(value, span)
            if vkind is bool:
                return E.BoolLit(value, span)
        elif kind is ast.Compare:
            cmp = cast(ast.Compare, node)
            return self._compare(cmp, cmp.left, cmp.ops, cmp.comparators, span)
        elif kind is ast.BoolOp:
            operands = tuple([self.convert(v) for v in node.values])  # type: ignore[attr-defined]
            if type(node.op) is ast.And:  # type: ignore[attr-defined]
                return E.And(operands, span)
            return E.Or(operands, span)
        elif kind is ast.UnaryOp and type(node.op) is ast.Not:  # type: ignore[attr-defined]
            return E.Not(self.convert(node.operand), span)  # type: ignore[attr-defined]
        match node:
            case ast.Constant(value=bool() as b):
                return E.BoolLit(b, span)
            case ast.Constant(value=int() as i):
                return E.IntLit(i, span)
            case ast.Constant(value=float()):
                return E.RealLit(self._decimal(node), span)
            case ast.Constant(value=str() as s):
                return E.EnumLit(s, span)
            case ast.Constant():
                raise self.unsupported(node, f"the literal `{ast.unparse(node)}`")
            case ast.Name(id=name):
                if name in ("true", "false"):
                    return E.BoolLit(name == "true", span)
                return E.Var(name, None, span)
            case ast.Attribute(value=ast.Name(id=citizen), attr=attr):
                return E.Var(attr, citizen, span)
            case ast.Attribute():
                raise self.unsupported(
                    node,
                    "attribute access",
                    "only `a.name` for a citizen `a` is allowed in queries",
                )
            case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=int() | float()) as c):
                inner = self.convert(c)
                if isinstance(inner, E.IntLit):
                    return E.IntLit(-inner.value, span)
                if isinstance(inner, E.RealLit):
                    return E.RealLit(-inner.value, span)
                return E.Neg(inner, span)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return E.Neg(self.convert(operand), span)
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.convert(operand)
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return E.Not(self.convert(operand), span)
            case ast.UnaryOp(op=ast.Invert()):
                raise self.unsupported(node, "`~`", "use `not` for bools, `-` for numbers")
            case ast.BinOp(left=left, op=op, right=right):
                arith = _ARITH.get(type(op))
                if arith is None:
                    hint = _OP_HINTS.get(type(op), "")
                    raise self.unsupported(node, "this operator", hint)
                return E.Arith(arith, self.convert(left), self.convert(right), span)
            case ast.BoolOp(op=op, values=values):
                args = tuple(self.convert(v) for v in values)
                return E.And(args, span) if isinstance(op, ast.And) else E.Or(args, span)
            case ast.Compare(left=left, ops=ops, comparators=comps):
                return self._compare(node, left, ops, comps, span)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return E.IfElse(self.convert(test), self.convert(body), self.convert(orelse), span)
            case ast.Call(func=ast.Name(id=fname), args=args, keywords=[]):
                if fname not in _FUNCS:
                    raise self.unsupported(
                        node, f"calling `{fname}`", "the only functions are min, max, abs, implies"
                    )
                arity = _FUNCS[fname]
                if any(isinstance(a, ast.Starred) for a in args):
                    raise self.unsupported(node, "`*args`")
                if (arity is not None and len(args) != arity) or (arity is None and len(args) < 2):
                    need = f"exactly {arity}" if arity is not None else "at least 2"
                    raise _error(
                        "RP102",
                        f"`{fname}` takes {need} arguments, got {len(args)}",
                        span,
                    )
                return E.Call(fname, tuple(self.convert(a) for a in args), span)  # type: ignore[arg-type]
            case ast.Call():
                raise self.unsupported(
                    node, "this call", "the only functions are min, max, abs, implies"
                )
            case ast.List() | ast.Tuple() | ast.Set():
                raise self.unsupported(node, "a list on its own", "lists appear only after `in`")
            case _:
                raise self.unsupported(node, f"`{type(node).__name__}` syntax")

    def _decimal(self, node: ast.Constant) -> Fraction:
        text = self.text(node)
        if decimal_too_long(text):
            raise RulesetError([DIGITS.exceeded(self.span(node), "the decimal is too long")])
        value = exact_decimal(text)
        if value is None or abs(value) > 10**30:
            raise _error(
                "RP104",
                f"`{text}` is not a usable decimal literal",
                self.span(node),
                why="decimals are exact rationals and must be finite and at most 10**30",
                fix="write the number as a plain decimal such as `0.0001`",
            )
        return value

    def _compare(
        self,
        node: ast.Compare,
        left: ast.expr,
        ops: list[ast.cmpop],
        comps: list[ast.expr],
        span: Span,
    ) -> E.Expr:
        if any(isinstance(op, ast.In | ast.NotIn) for op in ops):
            if len(ops) != 1:
                raise self.unsupported(node, "chaining `in` with other comparisons")
            target = comps[0]
            if not isinstance(target, ast.List | ast.Tuple | ast.Set):
                raise self.unsupported(node, "`in` without a literal list", "write `x in [1, 2]`")
            options = tuple(self.convert(el) for el in target.elts)
            if not options:
                raise _error("RP102", "`in` needs a non-empty list", span)
            return E.In(self.convert(left), options, isinstance(ops[0], ast.NotIn), span)
        cmp_ops: list[E.CmpOp] = []
        for op in ops:
            mapped = _CMP.get(type(op))
            if mapped is None:
                raise self.unsupported(node, f"`{type(op).__name__}` comparison", "use `==`")
            cmp_ops.append(mapped)
        operands = (self.convert(left), *(self.convert(c) for c in comps))
        return E.Compare(tuple(cmp_ops), operands, span)
