"""Reading the fields of a ruleset file: mappings, lists, keys, text, numbers, names, types and
expressions, each with a diagnostic (and a position) when it is not what the file must hold.

`Reader(file)` collects every problem in `diagnostics` instead of stopping at the first; the
section readers (`sections`) and the property reader build on it.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.exprparse import ExprCache, Origin, parse_expr
from ruleproof.language.load_ruleset.names import NAME_RE, RESERVED, VALUE_NAME_RE
from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq
from ruleproof.limits import DIGITS, ENUM_VALUES, decimal_too_long, exact_decimal


class Reader:
    """Turns YAML nodes into IR pieces, collecting diagnostics instead of stopping at the first."""

    def __init__(self, file: str, diagnostics: list[Diagnostic] | None = None) -> None:
        """`diagnostics`: the list to collect into (a new one by default)."""
        self.file = file
        self.diagnostics: list[Diagnostic] = [] if diagnostics is None else diagnostics
        self.exprs = ExprCache()  # generated rulesets repeat expression texts many times

    # -- reporting -------------------------------------------------------------------------
    def error(self, code: str, message: str, span: Span, why: str = "", fix: str = "") -> None:
        """Record one diagnostic."""
        self.diagnostics.append(Diagnostic(code, message, span, why, fix))

    def expect_map(self, node: YNode | None, what: str, span: Span) -> YMap | None:
        """`node` if it is a mapping; otherwise `None` after RP212 (at `span` if `node` is
        missing)."""
        if isinstance(node, YMap):
            return node
        self.error(
            "RP212",
            f"{what} must be a mapping (`key: value` lines)",
            node.span if node is not None else span,
        )
        return None

    def expect_seq(self, node: YNode | None, what: str, span: Span) -> YSeq | None:
        """`node` if it is a list; otherwise `None` after RP212 (at `span` if `node` is missing)."""
        if isinstance(node, YSeq):
            return node
        self.error(
            "RP212",
            f"{what} must be a list (`- item` lines)",
            node.span if node is not None else span,
        )
        return None

    def check_keys(
        self, node: YMap, allowed: list[str], what: str, required: tuple[str, ...] = ()
    ) -> None:
        """Record RP211 for every key of `node` not in `allowed`, RP210 for every `required`
        key missing."""
        for key, _ in node.items:
            name = str(key.value)
            if name not in allowed:
                hint = did_you_mean(name, allowed)
                self.error(
                    "RP211",
                    f"unknown key `{name}` in {what}",
                    key.span,
                    fix=hint or f"allowed keys: {', '.join(allowed)}",
                )
        for name in required:
            if node.get(name) is None:
                self.error("RP210", f"{what} is missing the required key `{name}`", node.span)

    def string(self, node: YNode | None, what: str, default: str = "") -> str:
        """The text of a scalar (a bool or number as written); `default` if `node` is missing,
        or after RP212 if it is not a scalar."""
        if node is None:
            return default
        if (
            isinstance(node, YScalar)
            and node.value is not None
            and not isinstance(node.value, bool)
        ):
            return str(node.value) if isinstance(node.value, str) else node.raw
        if isinstance(node, YScalar) and isinstance(node.value, bool):
            return node.raw
        self.error("RP212", f"{what} must be text", node.span)
        return default

    def integer(self, node: YNode | None, what: str) -> int | None:
        """A whole number; `None` after RP212 for anything else."""
        if (
            isinstance(node, YScalar)
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            return node.value
        span = node.span if node is not None else Span.point(self.file, 1, 1)
        self.error(
            "RP212",
            f"{what} must be a whole number",
            span,
            fix=f"got `{node.raw if isinstance(node, YScalar) else '…'}`",
        )
        return None

    def rational(self, node: YNode | None, what: str) -> Fraction | None:
        """The exact rational a number scalar writes; `None` after RP212 (RP027 too many
        digits)."""
        if (
            isinstance(node, YScalar)
            and not isinstance(node.value, bool)
            and node.value is not None
        ):
            if decimal_too_long(node.raw):
                self.diagnostics.append(DIGITS.exceeded(node.span, f"{what} is too long"))
                return None
            value = exact_decimal(node.raw)
            if value is not None:
                return value
        span = node.span if node is not None else Span.point(self.file, 1, 1)
        self.error("RP212", f"{what} must be a number", span)
        return None

    def number(self, node: YNode | None, what: str) -> M.Num | None:
        """A whole number as an int, a decimal (plain or quoted, e.g. `"-0.125"`) as the exact
        rational it writes."""
        if isinstance(node, YScalar) and isinstance(node.value, int | float | str):
            if isinstance(node.value, int) and not isinstance(node.value, bool):
                return node.value
            text = node.value if isinstance(node.value, str) else node.raw
            if decimal_too_long(text):
                self.diagnostics.append(DIGITS.exceeded(node.span, f"{what} is too long"))
                return None
            value = exact_decimal(text)
            if value is not None:
                return value.numerator if value.denominator == 1 and "." not in text else value
        span = node.span if node is not None else Span.point(self.file, 1, 1)
        shown = node.raw if isinstance(node, YScalar) else "…"
        self.error("RP212", f"{what} must be a number, got `{shown}`", span)
        return None

    # -- expressions -----------------------------------------------------------------------
    def expr(self, node: YNode | None, what: str, default: str | None = None) -> tuple[E.Expr, str]:
        """An expression and its text: a quoted or plain string parsed, a bool or number scalar as
        that literal, `default` parsed if `node` is missing (the caller checked required keys).
        A bad expression records its diagnostics (or RP212) and gives `True` in its place."""
        if node is None:
            if default is None:
                raise AssertionError("caller checks required keys")
            return parse_expr(default, Origin(self.file, 1, 1)), default
        if isinstance(node, YScalar):
            v = node.value
            if isinstance(v, bool):
                return E.BoolLit(v, node.span), "True" if v else "False"
            if isinstance(v, int):
                return E.IntLit(v, node.span), node.raw
            if isinstance(v, float):
                r = self.rational(node, what)
                return E.RealLit(r if r is not None else Fraction(0), node.span), node.raw
            if isinstance(v, str):
                line, col = node.text_origin()
                try:
                    return self.exprs.parse(v, Origin(self.file, line, col, what)), v
                except RulesetError as exc:
                    self.diagnostics.extend(exc.diagnostics)
                    return E.BoolLit(True, node.span), v
        self.error(
            "RP212",
            f"{what} must be an expression (text)",
            node.span,
            fix='quote it, e.g. when: "debt > 0"',
        )
        return E.BoolLit(True, node.span), "True"

    # -- types -----------------------------------------------------------------------------
    def attr_type(self, node: YMap, what: str) -> M.AttrType | None:
        """The type declared by an attribute's mapping (`type:` with its `range:` or `values:`);
        `None` after recording the diagnostics (RP204, RP207, RP212, RP218, RP028) if it is not
        a valid one."""
        kind = self.string(node.get("type"), f"`type` of {what}")
        if kind == "bool":
            return M.BoolType()
        if kind in ("int", "real"):
            return self._numeric_type(node, what, kind)
        if kind == "enum":
            return self._enum_type(node, what)
        if node.get("type") is not None:
            self.error(
                "RP212",
                f"unknown type `{kind}` for {what}",
                node.get("type").span,  # type: ignore[union-attr]
                fix=did_you_mean(kind, ["bool", "int", "real", "enum"])
                or "use bool, int, real or enum",
            )
        return None

    def _numeric_type(self, node: YMap, what: str, kind: str) -> M.AttrType | None:
        """An `int` or `real` type (`kind`) with its `range: [low, high]`, low at most high."""
        rng = node.get("range")
        seq = self.expect_seq(
            rng, f"`range` of {what} ({kind} needs `range: [low, high]`)", node.span
        )
        if seq is None:
            return None
        if len(seq.items) != 2:
            self.error(
                "RP204",
                f"`range` of {what} must have two bounds, got {len(seq.items)}",
                seq.span,
                fix="write `range: [low, high]`",
            )
            return None
        if kind == "int":
            lo, hi = (self.integer(b, f"a bound of {what}") for b in seq.items)
            if lo is None or hi is None:
                return None
            if lo > hi:
                self.error(
                    "RP204",
                    f"empty range [{lo}, {hi}] for {what}",
                    seq.span,
                    fix=f"write the low bound first: [{hi}, {lo}]",
                )
                return None
            return M.IntType(lo, hi)
        rlo, rhi = (self.rational(b, f"a bound of {what}") for b in seq.items)
        if rlo is None or rhi is None:
            return None
        if rlo > rhi:
            self.error(
                "RP204",
                f"empty range [{rlo}, {rhi}] for {what}",
                seq.span,
                fix="write the low bound first",
            )
            return None
        return M.RealType(rlo, rhi)

    def _enum_type(self, node: YMap, what: str) -> M.AttrType | None:
        """An `enum` type with its `values:`, a non-empty list of distinct value names within
        the ENUM_VALUES limit (bad values are reported and left out)."""
        vals = self.expect_seq(node.get("values"), f"`values` of {what}", node.span)
        if vals is None:
            return None
        if len(vals.items) > ENUM_VALUES.value:
            self.diagnostics.append(
                ENUM_VALUES.exceeded(vals.span, f"{what} lists {len(vals.items):,} values")
            )
            return None
        out: list[str] = []
        seen: set[str] = set()
        for v in vals.items:
            if not (isinstance(v, YScalar) and isinstance(v.value, str)):
                raw = v.raw if isinstance(v, YScalar) else "…"
                self.error(
                    "RP212",
                    f"enum value `{raw}` of {what} must be text",
                    v.span,
                    fix=f'quote it: "{raw}"',
                )
                continue
            if not VALUE_NAME_RE.match(v.value):
                self.bad_value_name(v, what)
                continue
            if v.value in seen:
                self.error("RP207", f"enum value `{v.value}` is listed twice in {what}", v.span)
                continue
            seen.add(v.value)
            out.append(v.value)
        if not out:
            self.error("RP204", f"enum {what} has no values", vals.span)
            return None
        return M.EnumType(tuple(out))

    def bad_value_name(self, v: YScalar, what: str) -> None:
        """RP218: an enum value that cannot be a name (with the likely fix)."""
        text = str(v.value)
        words = text.split()
        if len(words) > 1 and all(VALUE_NAME_RE.match(w) for w in words):
            fix = (
                f"if these are {len(words)} values, separate them with commas: "
                f"`{', '.join(words)}`; else write `{'_'.join(words)}`"
            )
        else:
            fix = (
                "use letters, digits, `_`, `-` or `.`, e.g. `"
                + ("_".join(re.findall(r"[^\s'\",\[\]{}:#\x00-\x1f\x7f]+", text)) or "value")
                + "`"
            )
        self.error(
            "RP218",
            f"enum value {json.dumps(text, ensure_ascii=False)} of {what} is not a name",
            v.span,
            why="expressions name enum values in quotes ('x') and messages print them bare; "
            "a space, quote, comma, bracket, colon or control character is almost always a "
            "slip, such as a missing comma in `[a b, c]`",
            fix=fix,
        )

    def name(self, key: YScalar, what: str) -> str:
        """The text of a key naming something; RP213 if not an identifier, RP217 if reserved."""
        name = str(key.value)
        if not NAME_RE.match(name):
            self.error(
                "RP213",
                f"{what} name `{name}` is not an identifier",
                key.span,
                fix="use letters, digits and `_`, starting with a letter",
            )
        elif name in RESERVED:
            self.error(
                "RP217", f"{what} name `{name}` is reserved", key.span, fix="choose another name"
            )
        return name
