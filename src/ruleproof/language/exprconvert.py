"""Python `ast` expression → expression IR: the second half of `exprparse.parse_expr`.

`Converter(origin, offset, source).convert(node)` turns a node of the tree `ast.parse(source,
mode="eval")` returned into an `Expr` whose spans count characters from the origin (`offset`
is how many characters of the original text precede `source`). Only the subset of Python in
DESIGN §2 converts; anything else raises `RulesetError` (RP102 a construct outside the
language, RP104 a malformed decimal, RP027 a number with too many digits) at the node's
position. The caller has already bounded the tree's depth, so the recursion is safe.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import cast

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.limits import DIGITS, decimal_too_long, exact_decimal, int_too_long

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
_FUNCS_FIX = "the only functions are min, max, abs, implies"
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


def error(code: str, message: str, span: Span, why: str = "", fix: str = "") -> RulesetError:
    """A `RulesetError` holding the one diagnostic described by the arguments."""
    return RulesetError([Diagnostic(code, message, span, why, fix)])


class Converter:
    """Converts the nodes of one parsed expression text, mapping `ast` positions to spans."""

    def __init__(self, origin_file: str, line: int, base: int, source: str) -> None:
        """`source` is the text `ast` parsed; its first character is at `line`:`base` of
        `origin_file` (1-based line and column)."""
        self.source = source
        self.ascii = source.isascii()
        self.encoded = b"" if self.ascii else source.encode("utf-8", "surrogatepass")
        self.file = origin_file
        self.line = line
        self.base = base

    def text(self, node: ast.AST) -> str:
        """The source text of `node` (unparsed if `ast` cannot recover it)."""
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def chars(self, byte_offset: int) -> int:
        """`ast` columns count UTF-8 bytes; spans count characters."""
        if self.ascii:
            return byte_offset
        return len(self.encoded[:byte_offset].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Span:
        """The span of `node` in the file, at least one character wide."""
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
        """The RP102 error for `node`, a construct outside the rule language."""
        return error(
            "RP102",
            f"{what} is not part of the rule language: `{self.text(node)[:60]}`",
            self.span(node),
            why="expressions allow literals, names, + - *, // and % by a constant, comparisons, "
            "and/or/not, `x if c else y`, `x in [...]`, min, max, abs and implies",
            fix=fix,
        )

    def convert(self, node: ast.expr) -> E.Expr:
        """The IR of `node`.

        Raises:
            RulesetError: RP102, RP104 or RP027 for the first node (in conversion order) outside
            the language.
        """
        span = self.span(node)
        # Fast paths for the commonest nodes; each returns exactly what `_general` would.
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
        return self._general(node, span)

    def _general(self, node: ast.expr, span: Span) -> E.Expr:
        """The IR of any node, `span` being its span: a dispatch over `ast` node kinds (kept
        whole so the accepted subset reads as one table; `ast` is open, so it ends in RP102)."""
        match node:
            case ast.Constant():
                return self._constant(node, span)
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
            case ast.UnaryOp():
                return self._unary(node, span)
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
            case ast.Call():
                return self._call(node, span)
            case ast.List() | ast.Tuple() | ast.Set():
                raise self.unsupported(node, "a list on its own", "lists appear only after `in`")
            case _:
                raise self.unsupported(node, f"`{type(node).__name__}` syntax")

    def _constant(self, node: ast.Constant, span: Span) -> E.Expr:
        """The literal `node`: bool, int, exact decimal or enum string; RP102 for any other."""
        match node:
            case ast.Constant(value=bool() as b):
                return E.BoolLit(b, span)
            case ast.Constant(value=int() as i):
                return E.IntLit(i, span)
            case ast.Constant(value=float()):
                return E.RealLit(self._decimal(node), span)
            case ast.Constant(value=str() as s):
                return E.EnumLit(s, span)
            case _:
                raise self.unsupported(node, f"the literal `{ast.unparse(node)}`")

    def _unary(self, node: ast.UnaryOp, span: Span) -> E.Expr:
        """`-x` (folded into a negative literal when `x` is a number), `+x`, `not x`; RP102 `~`."""
        match node:
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
            case _:
                raise self.unsupported(node, f"`{type(node).__name__}` syntax")

    def _call(self, node: ast.Call, span: Span) -> E.Expr:
        """A call of min, max, abs or implies with the right number of positional arguments."""
        match node:
            case ast.Call(func=ast.Name(id=fname), args=args, keywords=[]):
                if fname not in _FUNCS:
                    raise self.unsupported(node, f"calling `{fname}`", _FUNCS_FIX)
                arity = _FUNCS[fname]
                if any(isinstance(a, ast.Starred) for a in args):
                    raise self.unsupported(node, "`*args`")
                if (arity is not None and len(args) != arity) or (arity is None and len(args) < 2):
                    need = f"exactly {arity}" if arity is not None else "at least 2"
                    raise error(
                        "RP102",
                        f"`{fname}` takes {need} arguments, got {len(args)}",
                        span,
                    )
                return E.Call(fname, tuple(self.convert(a) for a in args), span)  # type: ignore[arg-type]
            case _:
                raise self.unsupported(node, "this call", _FUNCS_FIX)

    def _decimal(self, node: ast.Constant) -> Fraction:
        """The exact value of a decimal literal, from its source text (never via float)."""
        text = self.text(node)
        if decimal_too_long(text):
            raise RulesetError([DIGITS.exceeded(self.span(node), "the decimal is too long")])
        value = exact_decimal(text)
        if value is None or abs(value) > 10**30:
            raise error(
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
        """A comparison chain, or `x in [...]` / `x not in [...]` with a non-empty literal list."""
        if any(isinstance(op, ast.In | ast.NotIn) for op in ops):
            if len(ops) != 1:
                raise self.unsupported(node, "chaining `in` with other comparisons")
            target = comps[0]
            if not isinstance(target, ast.List | ast.Tuple | ast.Set):
                raise self.unsupported(node, "`in` without a literal list", "write `x in [1, 2]`")
            options = tuple(self.convert(el) for el in target.elts)
            if not options:
                raise error("RP102", "`in` needs a non-empty list", span)
            return E.In(self.convert(left), options, isinstance(ops[0], ast.NotIn), span)
        cmp_ops: list[E.CmpOp] = []
        for op in ops:
            mapped = _CMP.get(type(op))
            if mapped is None:
                raise self.unsupported(node, f"`{type(op).__name__}` comparison", "use `==`")
            cmp_ops.append(mapped)
        operands = (self.convert(left), *(self.convert(c) for c in comps))
        return E.Compare(tuple(cmp_ops), operands, span)
