"""Loading: YAML text → `Ruleset` IR, with a span on every node.

`load(path)` / `load_text(text, file)` read the file safely (`yamlsource`), check its structure
(required and unknown keys, kinds of values, identifiers, ranges), parse every expression
(`exprparse`) and finally run the typecheck. All problems found are reported together in one
`RulesetError`; nothing in a file is ever executed.
"""

from __future__ import annotations

import gc
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import cast

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean, raise_if_errors
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.exprparse import ExprCache, Origin, parse_expr
from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq, read_yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED = {
    "score",
    "tier",
    "sanctioned",
    "True",
    "False",
    "true",
    "false",
    "implies",
    "min",
    "max",
    "abs",
    "and",
    "or",
    "not",
    "in",
    "if",
    "else",
}

TOP_KEYS = [
    "ruleset",
    "title",
    "source",
    "attributes",
    "assume",
    "define",
    "score",
    "tiers",
    "sanctions",
    "actions",
]
ATTR_KEYS = ["type", "range", "values", "protected", "domain", "changes", "doc"]
RULE_KEYS = ["id", "when", "add", "cites", "doc"]
TIER_KEYS = ["id", "when", "doc"]
SANCTION_KEYS = ["when", "domain", "appeal", "cites", "doc"]
ACTION_KEYS = ["by", "when", "params", "set", "cites", "doc"]
PARAM_KEYS = ["type", "range", "values", "doc"]


def read_text(path: str | Path) -> str:
    """Read a UTF-8 file, turning OS and decoding problems into RP006 diagnostics."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
        return data.decode("utf-8")
    except OSError as exc:
        raise RulesetError(
            [
                Diagnostic(
                    "RP006",
                    f"cannot read file: {exc.strerror or exc}",
                    Span.point(file, 1, 1),
                    fix="check the path",
                )
            ]
        ) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RulesetError(
            [
                Diagnostic(
                    "RP006",
                    f"file is not UTF-8 (byte {exc.start}: {data[exc.start]:#04x})",
                    Span.point(file, line, col),
                    fix="save the file as UTF-8",
                )
            ]
        ) from None


def load(path: str | Path) -> M.Ruleset:
    """Load and typecheck a ruleset file. Raises `RulesetError` with every problem found."""
    return load_text(read_text(path), str(path))


def load_text(text: str, file: str = "<string>") -> M.Ruleset:
    """Load and typecheck ruleset YAML given as text."""
    ruleset, diagnostics = diagnose_text(text, file)
    raise_if_errors(diagnostics)
    assert ruleset is not None
    return ruleset


def diagnose_text(text: str, file: str = "<string>") -> tuple[M.Ruleset | None, list[Diagnostic]]:
    """Every diagnostic for ruleset YAML, warnings included, without raising for bad input.

    Returns the ruleset too when no diagnostic is an error (it may carry warnings).
    """
    # Loading builds millions of small acyclic objects; the cyclic collector would rescan the
    # growing heap again and again (over half the time on a 100,000-rule file) while finding
    # nothing to free. Reference counting still frees everything; collection resumes after.
    # A large ruleset then goes to the permanent generation (`gc.freeze`): it lives as long as
    # the checks, and the first collections after loading would otherwise rescan all of it
    # during compilation, matching and encoding (compiling 100,000 rules: 7.7 s → 1.5 s).
    enabled = gc.isenabled()
    gc.disable()
    ruleset: M.Ruleset | None = None
    try:
        ruleset, diagnostics = _diagnose_text(text, file)
        return ruleset, diagnostics
    finally:
        if enabled:
            if ruleset is not None and _size(ruleset) >= FREEZE_SIZE:
                gc.freeze()
            gc.enable()


FREEZE_SIZE = 5_000  # rules, defines, tiers and sanctions


def _size(ruleset: M.Ruleset) -> int:
    rules = len(ruleset.score.rules) if ruleset.score else 0
    return rules + len(ruleset.defines) + len(ruleset.tiers) + len(ruleset.sanctions)


def _diagnose_text(text: str, file: str) -> tuple[M.Ruleset | None, list[Diagnostic]]:
    from ruleproof.language.typecheck import typecheck

    try:
        root = read_yaml(text, file)
    except RulesetError as exc:
        return None, list(exc.diagnostics)
    reader = Reader(file)
    ruleset = reader.ruleset(root)
    if ruleset is None or any(d.severity == "error" for d in reader.diagnostics):
        return None, reader.diagnostics
    diagnostics = reader.diagnostics + typecheck(ruleset)
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    return ruleset, diagnostics


class Reader:
    """Turns YAML nodes into IR pieces, collecting diagnostics instead of stopping at the first."""

    def __init__(self, file: str, diagnostics: list[Diagnostic] | None = None) -> None:
        """`diagnostics`: the list to collect into (a new one by default)."""
        self.file = file
        self.diagnostics: list[Diagnostic] = [] if diagnostics is None else diagnostics
        self.exprs = ExprCache()  # generated rulesets repeat expression texts many times

    # -- reporting -------------------------------------------------------------------------
    def error(self, code: str, message: str, span: Span, why: str = "", fix: str = "") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, why, fix))

    def expect_map(self, node: YNode | None, what: str, span: Span) -> YMap | None:
        if isinstance(node, YMap):
            return node
        self.error(
            "RP212",
            f"{what} must be a mapping (`key: value` lines)",
            node.span if node is not None else span,
        )
        return None

    def expect_seq(self, node: YNode | None, what: str, span: Span) -> YSeq | None:
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
        if (
            isinstance(node, YScalar)
            and not isinstance(node.value, bool)
            and node.value is not None
        ):
            try:
                return Fraction(Decimal(node.raw.replace("_", "")))
            except (InvalidOperation, ValueError, ArithmeticError):
                pass
        span = node.span if node is not None else Span.point(self.file, 1, 1)
        self.error("RP212", f"{what} must be a number", span)
        return None

    # -- expressions -----------------------------------------------------------------------
    def expr(self, node: YNode | None, what: str, default: str | None = None) -> tuple[E.Expr, str]:
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
        kind = self.string(node.get("type"), f"`type` of {what}")
        if kind == "bool":
            return M.BoolType()
        if kind in ("int", "real"):
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
        if kind == "enum":
            vals = self.expect_seq(node.get("values"), f"`values` of {what}", node.span)
            if vals is None:
                return None
            out: list[str] = []
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
                if v.value in out:
                    self.error("RP207", f"enum value `{v.value}` is listed twice in {what}", v.span)
                    continue
                out.append(v.value)
            if not out:
                self.error("RP204", f"enum {what} has no values", vals.span)
                return None
            return M.EnumType(tuple(out))
        if node.get("type") is not None:
            self.error(
                "RP212",
                f"unknown type `{kind}` for {what}",
                node.get("type").span,  # type: ignore[union-attr]
                fix=did_you_mean(kind, ["bool", "int", "real", "enum"])
                or "use bool, int, real or enum",
            )
        return None

    # -- sections --------------------------------------------------------------------------
    def ruleset(self, root: YNode | None) -> M.Ruleset | None:
        top = Span.point(self.file, 1, 1)
        node = self.expect_map(root, "a ruleset file", top)
        if node is None:
            return None
        self.check_keys(node, TOP_KEYS, "the ruleset", ("ruleset", "attributes"))
        rid = self.string(node.get("ruleset"), "`ruleset`", "unnamed")
        if node.get("ruleset") is not None and not ID_RE.match(rid):
            self.error(
                "RP213",
                f"ruleset id `{rid}` must match [a-z0-9-]+",
                node.get("ruleset").span,  # type: ignore[union-attr]
                fix=f"e.g. `{re.sub(r'[^a-z0-9-]+', '-', rid.lower()).strip('-') or 'x'}`",
            )
        attributes = self.attributes(node.get("attributes"), node.span)
        assumptions = []
        assume = node.get("assume")
        if assume is not None and (seq := self.expect_seq(assume, "`assume`", node.span)):
            for i, item in enumerate(seq.items):
                e, text = self.expr(item, f"assume #{i + 1}")
                assumptions.append(M.Assumption(e, text, i + 1, item.span))
        defines = []
        define = node.get("define")
        if define is not None and (mp := self.expect_map(define, "`define`", node.span)):
            for key, value in mp.items:
                name = self.name(key, "define")
                e, text = self.expr(value, f"define `{name}`")
                defines.append(M.Define(name, e, text, key.span))
        score = self.score(node.get("score"), node.span) if node.get("score") is not None else None
        tiers = self.tiers(node.get("tiers"), node.span) if node.get("tiers") is not None else ()
        sanctions = (
            self.sanctions(node.get("sanctions"), node.span)
            if node.get("sanctions") is not None
            else ()
        )
        actions = (
            self.actions(node.get("actions"), node.span) if node.get("actions") is not None else ()
        )
        return M.Ruleset(
            id=rid,
            attributes=tuple(attributes),
            title=self.string(node.get("title"), "`title`"),
            source=self.string(node.get("source"), "`source`"),
            assumptions=tuple(assumptions),
            defines=tuple(defines),
            score=score,
            tiers=tuple(tiers),
            sanctions=tuple(sanctions),
            actions=tuple(actions),
            file=self.file,
            span=node.span,
        )

    def name(self, key: YScalar, what: str) -> str:
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

    def attributes(self, node: YNode | None, span: Span) -> list[M.Attribute]:
        out: list[M.Attribute] = []
        mp = self.expect_map(node, "`attributes`", span)
        if mp is None:
            return out
        for key, value in mp.items:
            name = self.name(key, "attribute")
            what = f"attribute `{name}`"
            spec = self.expect_map(value, what, key.span)
            if spec is None:
                continue
            self.check_keys(spec, ATTR_KEYS, what, ("type",))
            typ = self.attr_type(spec, what)
            prot_node = spec.get("protected")
            protected: M.Protection = "false"
            if prot_node is not None:
                pv = prot_node.value if isinstance(prot_node, YScalar) else None
                if pv is True:
                    protected = "true"
                elif pv is False:
                    protected = "false"
                elif pv == "association":
                    protected = "association"
                else:
                    self.error(
                        "RP212",
                        f"`protected` of {what} must be false, true or association",
                        prot_node.span,
                    )
            changes = self.string(spec.get("changes"), "`changes`", "fixed")
            if changes not in ("fixed", "time"):
                where = spec.get("changes") or spec
                self.error("RP212", f"`changes` of {what} must be fixed or time", where.span)
                changes = "fixed"
            domain = self.string(spec.get("domain"), "`domain`") or None
            if typ is not None:
                out.append(
                    M.Attribute(
                        name,
                        typ,
                        protected,
                        domain,
                        changes,  # type: ignore[arg-type]
                        self.string(spec.get("doc"), "`doc`"),
                        key.span,
                    )
                )
        return out

    def score(self, node: YNode | None, span: Span) -> M.Score | None:
        mp = self.expect_map(node, "`score`", span)
        if mp is None:
            return None
        self.check_keys(mp, ["base", "range", "rules"], "`score`")
        base = 0
        if mp.get("base") is not None:
            base = self.integer(mp.get("base"), "`score.base`") or 0
        lo = hi = None
        if mp.get("range") is not None and (
            seq := self.expect_seq(mp.get("range"), "`score.range`", mp.span)
        ):
            if len(seq.items) == 2:
                lo, hi = (self.integer(b, "a bound of `score.range`") for b in seq.items)
                if lo is not None and hi is not None and lo > hi:
                    self.error(
                        "RP204",
                        f"empty score range [{lo}, {hi}]",
                        seq.span,
                        fix="write the low bound first",
                    )
            else:
                self.error("RP204", "`score.range` must have two bounds", seq.span)
        rules: list[M.ScoreRule] = []
        if mp.get("rules") is not None and (
            seq := self.expect_seq(mp.get("rules"), "`score.rules`", mp.span)
        ):
            for i, item in enumerate(seq.items):
                rm = self.expect_map(item, f"score rule #{i + 1}", seq.span)
                if rm is None:
                    continue
                self.check_keys(rm, RULE_KEYS, f"score rule #{i + 1}", ("id", "add"))
                get = rm.get  # bound once: six keys are read for each of up to 100,000 rules
                rid = self.string(get("id"), "rule `id`", f"rule-{i + 1}")
                add_node = get("add")
                if add_node is None:
                    continue
                when, wt = self.expr(get("when"), f"`when` of rule `{rid}`", "True")
                add, at = self.expr(add_node, f"`add` of rule `{rid}`")
                rules.append(
                    M.ScoreRule(
                        rid,
                        when,
                        add,
                        wt,
                        at,
                        self.string(get("cites"), "`cites`"),
                        self.string(get("doc"), "`doc`"),
                        rm.span,
                    )
                )
        return M.Score(base, tuple(rules), lo, hi, mp.span)

    def tiers(self, node: YNode | None, span: Span) -> list[M.Tier]:
        out: list[M.Tier] = []
        seq = self.expect_seq(node, "`tiers`", span)
        if seq is None:
            return out
        for i, item in enumerate(seq.items):
            tm = self.expect_map(item, f"tier #{i + 1}", seq.span)
            if tm is None:
                continue
            self.check_keys(tm, TIER_KEYS, f"tier #{i + 1}", ("id", "when"))
            tid = self.string(tm.get("id"), "tier `id`", f"tier-{i + 1}")
            if tm.get("when") is None:
                continue
            when, wt = self.expr(tm.get("when"), f"`when` of tier `{tid}`")
            out.append(M.Tier(tid, when, wt, self.string(tm.get("doc"), "`doc`"), tm.span))
        return out

    def sanctions(self, node: YNode | None, span: Span) -> list[M.Sanction]:
        out: list[M.Sanction] = []
        mp = self.expect_map(node, "`sanctions`", span)
        if mp is None:
            return out
        for key, value in mp.items:
            name = self.name(key, "sanction")
            what = f"sanction `{name}`"
            sm = self.expect_map(value, what, key.span)
            if sm is None:
                continue
            self.check_keys(sm, SANCTION_KEYS, what, ("when",))
            if sm.get("when") is None:
                continue
            when, wt = self.expr(sm.get("when"), f"`when` of {what}")
            appeal: list[str] = []
            if sm.get("appeal") is not None and (
                seq := self.expect_seq(sm.get("appeal"), f"`appeal` of {what}", sm.span)
            ):
                appeal = [self.string(a, "an appeal action name") for a in seq.items]
            out.append(
                M.Sanction(
                    name,
                    when,
                    wt,
                    self.string(sm.get("domain"), "`domain`") or None,
                    tuple(appeal),
                    self.string(sm.get("cites"), "`cites`"),
                    self.string(sm.get("doc"), "`doc`"),
                    key.span,
                )
            )
        return out

    def actions(self, node: YNode | None, span: Span) -> list[M.Action]:
        out: list[M.Action] = []
        mp = self.expect_map(node, "`actions`", span)
        if mp is None:
            return out
        for key, value in mp.items:
            name = self.name(key, "action")
            what = f"action `{name}`"
            am = self.expect_map(value, what, key.span)
            if am is None:
                continue
            self.check_keys(am, ACTION_KEYS, what, ("by",))
            by = self.string(am.get("by"), "`by`", "citizen")
            if am.get("by") is not None and by not in M.ACTOR_KINDS:
                self.error(
                    "RP212",
                    f"`by` of {what} must be citizen, authority or time",
                    am.get("by").span,  # type: ignore[union-attr]
                    fix=did_you_mean(by, M.ACTOR_KINDS) or "",
                )
                by = "citizen"
            when, wt = self.expr(am.get("when"), f"`when` of {what}", "True")
            params: list[M.Param] = []
            if am.get("params") is not None and (
                pm := self.expect_map(am.get("params"), f"`params` of {what}", am.span)
            ):
                for pk, pv in pm.items:
                    pname = self.name(pk, "param")
                    pspec = self.expect_map(pv, f"param `{pname}`", pk.span)
                    if pspec is None:
                        continue
                    self.check_keys(pspec, PARAM_KEYS, f"param `{pname}`", ("type",))
                    ptype = self.attr_type(pspec, f"param `{pname}`")
                    if ptype is not None:
                        params.append(M.Param(pname, ptype, pk.span))
            sets: list[M.Assignment] = []
            if am.get("set") is not None and (
                sm := self.expect_map(am.get("set"), f"`set` of {what}", am.span)
            ):
                for sk, sv in sm.items:
                    e, text = self.expr(sv, f"`set.{sk.value}` of {what}")
                    sets.append(M.Assignment(str(sk.value), e, text, sk.span))
            out.append(
                M.Action(
                    name,
                    cast(M.ActorKind, by),
                    when,
                    wt,
                    tuple(params),
                    tuple(sets),
                    self.string(am.get("cites"), "`cites`"),
                    self.string(am.get("doc"), "`doc`"),
                    key.span,
                )
            )
        return out
