"""The property reader's state and its field readers: text, words, mappings, `within`,
expressions checked against the ruleset, `expect`.

`PropertyReader(file, ruleset)` collects every problem in `diagnostics` instead of raising; the
kind readers (`kinds`), the file and entry readers (`entries`) and the query reader
(`querytext`) all read through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from ruleproof.errors import Diagnostic, Span, did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.exprparse import Origin, parse_expr
from ruleproof.language.load_ruleset.fields import Reader
from ruleproof.language.typecheck import Scope
from ruleproof.language.types import BOOL, ExprChecker, Type
from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq

MAX_WITHIN = 50


class PropertyReader:
    """Turns YAML nodes into properties; every problem goes to `diagnostics`."""

    def __init__(self, file: str, ruleset: M.Ruleset) -> None:
        self.file = file
        self.ruleset = ruleset
        self.diagnostics: list[Diagnostic] = []
        self.reader = Reader(file, self.diagnostics)
        self.scope = Scope(ruleset, [])
        self.seen: dict[str, tuple[str, Span]] = {}  # lower-cased id → (id, where)

    def error(self, code: str, message: str, span: Span, why: str = "", fix: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, why, fix))

    # -- shapes ----------------------------------------------------------------------------
    def text(self, node: YNode, what: str) -> str | None:
        if isinstance(node, YScalar) and not isinstance(node.value, bool | None):
            return node.value if isinstance(node.value, str) else node.raw
        self.error("RP506", f"{what} must be text, got `{shown(node)}`", node.span)
        return None

    def words(self, node: YNode, what: str) -> list[tuple[str, Span]] | None:
        """A list of words, or one word standing for a one-item list."""
        items = node.items if isinstance(node, YSeq) else (node,)
        out: list[tuple[str, Span]] = []
        for item in items:
            word = self.text(item, f"each item of {what}")
            if word is None:
                return None
            if word in (w for w, _ in out):
                self.error(
                    "RP506",
                    f"`{word}` is listed twice in {what}",
                    item.span,
                    fix="remove the repetition",
                )
            out.append((word, item.span))
        return out

    def mapping(self, node: YNode, kind: str, allowed: list[str], example: str) -> YMap | None:
        if isinstance(node, YScalar) and node.value is None and not allowed:
            return YMap((), node.span, 1)
        if not isinstance(node, YMap):
            self.error(
                "RP506",
                f"`{kind}` must be a mapping, got `{shown(node)}`",
                node.span,
                fix=f"write `{kind}: {example}`",
            )
            return None
        for key, _ in node.items:
            if str(key.value) not in allowed:
                self.error(
                    "RP502",
                    f"unknown key `{key.value}` in `{kind}`",
                    key.span,
                    fix=did_you_mean(str(key.value), allowed)
                    or (
                        f"allowed keys: {', '.join(allowed)}"
                        if allowed
                        else f"`{kind}` takes no keys; write `{kind}: {{}}`"
                    ),
                )
        return node

    def required(self, node: YMap, key: str, kind: str, example: str) -> YNode | None:
        value = node.get(key)
        if value is None or (isinstance(value, YScalar) and value.value is None):
            self.error(
                "RP507", f"`{kind}` is missing `{key}`", node.span, fix=f"write `{kind}: {example}`"
            )
            return None
        return value

    def within(self, node: YMap, kind: str) -> int | None:
        value = self.required(node, "within", kind, "{within: 3}")
        if value is None:
            return None
        k = value.value if isinstance(value, YScalar) else None
        if not isinstance(k, int) or isinstance(k, bool):
            self.error(
                "RP506",
                f"`within` of `{kind}` must be a whole number, got `{shown(value)}`",
                value.span,
                fix="write a number of steps, e.g. 3",
            )
            return None
        if not 1 <= k <= MAX_WITHIN:
            self.error(
                "RP512",
                f"`within: {k}` is out of range: paths have 1 to {MAX_WITHIN} steps",
                value.span,
                why="the bound is the number of actions on a path; each step adds a copy "
                "of the ruleset to the solver's problem",
                fix=f"choose a bound between 1 and {MAX_WITHIN}",
            )
            return None
        return k

    def needs(
        self, what: Literal["score", "tiers", "sanctions", "rules"], span: Span, kind: str
    ) -> bool:
        has = {
            "score": self.ruleset.score is not None,
            "tiers": bool(self.ruleset.tiers),
            "sanctions": bool(self.ruleset.sanctions),
            "rules": bool(self.ruleset.score and self.ruleset.score.rules),
        }[what]
        if not has:
            noun = "score rules" if what == "rules" else what
            self.error(
                "RP510",
                f"{kind}: ruleset `{self.ruleset.id}` has no {noun}",
                span,
                why="a property about something the ruleset does not have would hold vacuously",
                fix=f"remove this property or check it against a ruleset that has {noun}",
            )
        return has

    # -- expressions -----------------------------------------------------------------------
    def expr(self, node: YNode, what: str, citizens: tuple[str, ...] | None = None) -> E.Expr:
        if not isinstance(node, YScalar) or node.value is None:
            self.error(
                "RP506",
                f"{what} must be an expression (text), got `{shown(node)}`",
                node.span,
                fix='quote it, e.g. "debt >= 0"',
            )
            return E.BoolLit(True, node.span)
        before = len(self.diagnostics)
        e, _ = self.reader.expr(node, what)
        if len(self.diagnostics) == before:
            self.check_bool(e, what, citizens)
        return e

    def check_bool(self, e: E.Expr, what: str, citizens: tuple[str, ...] | None) -> None:
        resolve = self.resolver(citizens)
        ExprChecker(resolve, self.diagnostics).expect(e, BOOL, what)

    def resolver(self, citizens: tuple[str, ...] | None) -> Callable[[E.Var], Type | None]:
        def resolve(var: E.Var) -> Type | None:
            if citizens is None and var.citizen is not None:
                self.error(
                    "RP515",
                    f"`{var.citizen}.{var.name}` names a citizen in a one-citizen property",
                    var.span,
                    fix=f"write `{var.name}`, or use `forall: [{var.citizen}]` with `assert:`",
                )
                return None
            if citizens is not None and var.citizen is None:
                self.error(
                    "RP515",
                    f"`{var.name}` does not say whose value it is",
                    var.span,
                    why="in a `forall` query every name belongs to one of the citizens "
                    f"{', '.join(citizens)}",
                    fix=f"write `{citizens[0]}.{var.name}`",
                )
                return None
            if citizens is not None and var.citizen not in citizens:
                self.error(
                    "RP515",
                    f"unknown citizen `{var.citizen}` in `{var.citizen}.{var.name}`",
                    var.span,
                    fix=did_you_mean(str(var.citizen), citizens)
                    or f"declare it: `forall: [{', '.join((*citizens, str(var.citizen)))}]`",
                )
                return None
            return self.name_type(E.Var(var.name, None, var.span))

        return resolve

    def name_type(self, var: E.Var) -> Type | None:
        s = self.scope
        if var.name in s.types or var.name in s.pending:
            return s.resolve(var)
        if var.name == "score":
            self.needs("score", var.span, "`score`")
        elif var.name == "tier":
            self.needs("tiers", var.span, "`tier`")
        else:
            self.error(
                "RP201",
                f"unknown name `{var.name}`",
                var.span,
                why="names are attributes, defines, score, tier, sanctions and `sanctioned`",
                fix=did_you_mean(var.name, s.known())
                or f"known names: {', '.join(sorted(s.known())[:12])}",
            )
        return None

    def default_expr(self, text: str, span: Span) -> E.Expr:
        return parse_expr(text, Origin(self.file, span.line, span.col))

    def optional_text(self, node: YMap, key: str) -> str:
        value = node.get(key)
        if value is None or (isinstance(value, YScalar) and value.value is None):
            return ""
        return self.text(value, f"`{key}`") or ""

    def expect(self, node: YNode | None) -> Literal["proved", "violated"] | None:
        if node is None:
            return None
        value = node.value if isinstance(node, YScalar) else None
        if value == "proved":
            return "proved"
        if value == "violated":
            return "violated"
        self.error(
            "RP506",
            f"`expect` must be proved or violated, got `{shown(node)}`",
            node.span,
            fix=did_you_mean(str(value), ["proved", "violated"])
            or "write `expect: violated` for a known finding, or remove `expect`",
        )
        return None


def key_of(node: YMap, name: str) -> YScalar | None:
    """The key scalar `name` of a mapping (for its position), or None."""
    return next((k for k, _ in node.items if k.value == name), None)


def shown(node: YNode | None) -> str:
    """How a node is shown in a message: a scalar's text, or `a list` / `a mapping`."""
    if isinstance(node, YScalar):
        return node.raw if node.value is not None else "null"
    return "a list" if isinstance(node, YSeq) else "a mapping"


def expr_text(node: YNode | None, default: str = "") -> str:
    """The source text of an expression scalar, `default` when absent."""
    if not isinstance(node, YScalar) or node.value is None:
        return default
    if isinstance(node.value, bool):
        return "True" if node.value else "False"
    return node.value if isinstance(node.value, str) else node.raw
