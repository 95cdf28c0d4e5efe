"""Loading properties: a property file or a query text → `Property` IR, checked against a ruleset.

`load_properties(path, ruleset)` / `load_properties_text(text, file, ruleset)` read the file with
the safe YAML reader. The file is a mapping `properties: [...]` (a bare top-level list is also
accepted); each entry has an `id` (unique in the file), exactly one kind key of DESIGN §3
(`always`, `independent`, `monotone`, `same_context`, `appeal_path`, `expires`, `recourse`,
`tiers_total`, `reachable`, `forall` — the last with `assume` and `assert`), and optionally
`doc`, `cites` and `expect: proved | violated`. Every name, selector, output, action and
expression is checked against the ruleset; a property that would be about nothing (a selector
that selects no attribute, `tiers_total` without tiers, …) is an error, not a vacuous proof.
All problems are collected and raised together as one `RulesetError` (codes RP5xx, plus the
expression codes RP1xx/RP2xx); `read_properties_text` returns them as values instead.

`parse_query(text, ruleset)` reads the Python API's query text into one `Property` (id `query`):

- `forall a, b: ASSERT` — a relational query; `assume` is `True`;
- `forall a, b: ASSUME => ASSERT` — with an assumption (`=>` outside quotes, at most once);
- inside a `forall` body, a top-level `P implies Q` (outside brackets) means `implies(P, Q)`,
  so `forall a, b: a.debt == b.debt implies a.tier == b.tier` is one assertion;
- `always: PHI` or just `PHI` — a one-citizen property, ∀c. PHI(c);
- `KIND: VALUE` for any other kind key — the YAML of that kind, e.g. `reachable: tiers` or
  `independent: {of: protected, outputs: [tier]}`.

Nothing in a file or a query is ever executed: expressions go through `parse_expr` (`ast`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from ruleproof.errors import Diagnostic, Span, did_you_mean, raise_if_errors
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.exprparse import Origin, parse_expr
from ruleproof.language.load_ruleset import Reader, read_text
from ruleproof.language.load_suite import kinds as K
from ruleproof.language.load_suite import querytext
from ruleproof.language.load_suite.kinds import expr_text, key_of, shown
from ruleproof.language.typecheck import Scope
from ruleproof.language.types import BOOL, ExprChecker, Type
from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq, read_yaml

KINDS = list(P.KIND_KEYS.values())
ENTRY_KEYS = ["id", "doc", "cites", "expect", *KINDS, "assume", "assert"]
PROPERTY_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
MAX_WITHIN = 50


def load_properties(path: str | Path, ruleset: M.Ruleset) -> list[P.Property]:
    """Load a property file and check it against `ruleset`.

    Raises:
        RulesetError: every problem in the file (RP0xx reading, RP1xx/RP2xx expressions, RP5xx).
    """
    return load_properties_text(read_text(path), str(path), ruleset)


def load_properties_text(text: str, file: str, ruleset: M.Ruleset) -> list[P.Property]:
    """Like `load_properties`, for YAML given as text; `file` names it in diagnostics."""
    props, diagnostics = read_properties_text(text, file, ruleset)
    raise_if_errors(diagnostics)
    return props


def read_properties_text(
    text: str, file: str, ruleset: M.Ruleset
) -> tuple[list[P.Property], list[Diagnostic]]:
    """The properties that could be read and every diagnostic (errors and warnings).

    Raises:
        RulesetError: only when the YAML itself cannot be read (RP0xx).
    """
    loader = PropertyReader(file, ruleset)
    props = loader.properties_file(read_yaml(text, file))
    return props, loader.diagnostics


def parse_query(text: str, ruleset: M.Ruleset, file: str = "<query>") -> P.Property:
    """Read one query text (syntax in the module docstring) into a `Property` with id `query`.

    Raises:
        RulesetError: the query is malformed (RP516) or does not fit the ruleset.
    """
    loader = PropertyReader(file, ruleset)
    prop = querytext.query(loader, text)
    raise_if_errors(loader.diagnostics)
    assert prop is not None
    return prop


class PropertyReader:
    """Turns YAML nodes into properties; every problem goes to `diagnostics`."""

    def __init__(self, file: str, ruleset: M.Ruleset) -> None:
        self.file = file
        self.ruleset = ruleset
        self.diagnostics: list[Diagnostic] = []
        self.reader = Reader(file)
        self.reader.diagnostics = self.diagnostics
        self.scope = Scope(ruleset, [])
        self.seen: dict[str, Span] = {}

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

    # -- the file --------------------------------------------------------------------------
    def properties_file(self, root: YNode | None) -> list[P.Property]:
        top = Span.point(self.file, 1, 1)
        fix = "write `properties:` followed by a list of `- id: ...` entries"
        seq: YNode | None = root
        if isinstance(root, YMap):
            for key, _ in root.items:
                if key.value != "properties":
                    self.error(
                        "RP502",
                        f"unknown top-level key `{key.value}`",
                        key.span,
                        fix=did_you_mean(str(key.value), ["properties"])
                        or "a property file holds only `properties:`",
                    )
            seq = root.get("properties")
            if seq is None:
                self.error("RP501", "the file has no `properties:` list", root.span, fix=fix)
                return []
        if not isinstance(seq, YSeq):
            span = seq.span if seq is not None else top
            what = "the file is empty" if root is None else f"expected a list, got `{shown(seq)}`"
            self.error("RP501", f"no properties: {what}", span, fix=fix)
            return []
        return [p for item in seq.items if (p := self.entry(item)) is not None]

    def entry(self, node: YNode, default_id: str | None = None) -> P.Property | None:
        if not isinstance(node, YMap):
            self.error(
                "RP501",
                f"a property must be a mapping, got `{shown(node)}`",
                node.span,
                fix="write `- id: my-property` followed by one kind key, e.g. "
                '`always: "score >= 0"`',
            )
            return None
        for key, _ in node.items:
            if str(key.value) not in ENTRY_KEYS:
                self.error(
                    "RP502",
                    f"unknown key `{key.value}` in a property",
                    key.span,
                    fix=did_you_mean(str(key.value), ENTRY_KEYS)
                    or f"a property has `id`, one of {', '.join(KINDS)}, and optionally "
                    "`doc`, `cites`, `expect`",
                )
        pid = self.property_id(node, default_id)
        kinds = [(k, v) for k, v in node.items if k.value in KINDS]
        if len(kinds) != 1:
            what = (
                "no kind key"
                if not kinds
                else "several kind keys: " + ", ".join(f"`{k.value}`" for k, _ in kinds)
            )
            where = kinds[1][0].span if kinds else node.span
            self.error(
                "RP503",
                f"property `{pid}` has {what}",
                where,
                why="each property states exactly one thing",
                fix=f"use exactly one of {', '.join(KINDS)}; split it into several "
                "properties if needed",
            )
            return None
        key, value = kinds[0]
        if key.value != "forall":
            for extra in ("assume", "assert"):
                if (k := key_of(node, extra)) is not None:
                    self.error(
                        "RP502",
                        f"`{extra}` belongs to `forall` queries, not `{key.value}`",
                        k.span,
                        fix=f"remove `{extra}`, or write a `forall` query",
                    )
        kind = self.kind(str(key.value), key, value, node)
        doc = self.optional_text(node, "doc")
        cites = self.optional_text(node, "cites")
        expect = self.expect(node.get("expect"))
        if kind is None or pid is None:
            return None
        return P.Property(pid, kind, doc, cites, expect, self.file, node.span)

    def property_id(self, node: YMap, default: str | None) -> str | None:
        value = node.get("id")
        if value is None and default is not None:
            return default
        if value is None:
            self.error(
                "RP504",
                "a property is missing its `id`",
                node.span,
                fix="add `id: a-short-name`; it names results and counterexample files",
            )
            return None
        pid = self.text(value, "`id`")
        if pid is not None and not PROPERTY_ID_RE.match(pid):
            self.error(
                "RP504",
                f"property id `{pid}` is not a valid id",
                value.span,
                why="ids name counterexample files: letters, digits, `-` and `_`, at most "
                "100 characters, not starting with `-` or `_`",
                fix=f"e.g. `{re.sub(r'[^A-Za-z0-9_-]+', '-', pid).strip('-_') or 'p'}`",
            )
            return None
        if pid is not None and pid in self.seen:
            self.error(
                "RP505",
                f"duplicate property id `{pid}` (first at line {self.seen[pid].line})",
                value.span,
                why="results and counterexample files are named by the id",
                fix="rename one of them",
            )
        elif pid is not None:
            self.seen[pid] = value.span
        return pid

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

    # -- kinds -----------------------------------------------------------------------------
    def kind(self, name: str, key: YScalar, value: YNode, entry: YMap) -> P.Kind | None:
        if name == "always":
            if isinstance(value, YScalar) and value.value is None:
                self.error(
                    "RP507",
                    "`always` needs an expression",
                    key.span,
                    fix='write `always: "score >= 0"`',
                )
                return None
            e = self.expr(value, "`always`")
            return P.Always(e, expr_text(value))
        if name == "independent":
            return K.independent(self, value)
        if name == "monotone":
            return K.monotone(self, value)
        if name in ("same_context", "tiers_total"):
            if not (isinstance(value, YScalar) and value.value in (None, True)):
                self.mapping(value, name, [], "{}")
            if name == "same_context":
                return P.SameContext() if self.needs("sanctions", key.span, f"`{name}`") else None
            return P.TiersTotal() if self.needs("tiers", key.span, f"`{name}`") else None
        if name in ("appeal_path", "expires"):
            mp = self.mapping(value, name, ["within"], "{within: 3}")
            k = self.within(mp, name) if mp is not None else None
            if not self.needs("sanctions", key.span, f"`{name}`") or k is None:
                return None
            return P.AppealPath(k) if name == "appeal_path" else P.Expires(k)
        if name == "recourse":
            return K.recourse(self, value)
        if name == "reachable":
            return K.reachable(self, value, key)
        return K.forall(self, value, entry)
