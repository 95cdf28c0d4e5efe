"""Typecheck: names, types, enum values, duplicates, references and define cycles.

`typecheck(ruleset)` returns diagnostics (errors and warnings) and never raises for bad input.
It also exposes `dependency_graph` and `name_types`, which the evaluator and the encoder use to
order their work: every define, the score, the tier and each sanction is a node; an edge means
"reads".
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import attrs

from ruleproof.errors import Diagnostic, Span, did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import (
    Node,
    dependency_graph,
    expr_depth,
    find_cycle,
    node_exprs,
    topological_order,
)
from ruleproof.language.exprparse import MAX_TREE_DEPTH
from ruleproof.language.types import (
    BOOL,
    INT,
    REAL,
    EnumT,
    ExprChecker,
    StrT,
    Type,
    is_num,
    of_attr_type,
)


class Scope:
    """Name → type for one ruleset; defines are typed lazily in dependency order."""

    def __init__(self, ruleset: M.Ruleset, diagnostics: list[Diagnostic]) -> None:
        self.ruleset = ruleset
        self.diagnostics = diagnostics
        self.types: dict[str, Type | None] = {
            a.name: of_attr_type(a.type, f"`{a.name}`") for a in ruleset.attributes
        }
        if ruleset.score is not None:
            self.types["score"] = REAL if ruleset.score.real else INT
        if ruleset.tiers:
            self.types["tier"] = EnumT(tuple(t.id for t in ruleset.tiers), "`tier`")
        for s in ruleset.sanctions:
            self.types[s.name] = BOOL
        self.types["sanctioned"] = BOOL
        self.pending = {d.name: d for d in ruleset.defines}
        self.params: dict[str, Type] = {}

    def known(self) -> list[str]:
        return [*self.types, *self.pending, *self.params]

    def resolve(self, var: E.Var) -> Type | None:
        if var.citizen is not None:
            self.diagnostics.append(
                Diagnostic(
                    "RP201",
                    f"`{var.citizen}.{var.name}` names a citizen outside a query",
                    var.span,
                    fix=f"write `{var.name}`",
                )
            )
            return None
        if var.name in self.params:
            return self.params[var.name]
        if var.name in self.pending:
            d = self.pending.pop(var.name)
            self.types[d.name] = ExprChecker(self.resolve, self.diagnostics).check(d.expr)
        if var.name in self.types:
            return self.types[var.name]
        hint = did_you_mean(var.name, self.known())
        self.diagnostics.append(
            Diagnostic(
                "RP201",
                f"unknown name `{var.name}`",
                var.span,
                why="names are attributes, defines, params, score, tier, sanctions and "
                "`sanctioned`",
                fix=hint or "declare it under `attributes:` or `define:`",
            )
        )
        self.types[var.name] = None  # report once
        return None


def _duplicates(items: Iterable[tuple[str, Span]], what: str, out: list[Diagnostic]) -> None:
    seen: dict[str, Span] = {}
    for name, span in items:
        if name in seen:
            out.append(
                Diagnostic(
                    "RP207",
                    f"duplicate {what} `{name}` (first at line {seen[name].line})",
                    span,
                    fix="rename one of them",
                )
            )
        else:
            seen[name] = span


def _too_deep(ruleset: M.Ruleset, graph: dict[Node, set[Node]]) -> Diagnostic | None:
    """RP103 when reading a value through its definitions nests deeper than the parser allows."""
    depth: dict[Node, int] = {}
    for node in topological_order(graph):
        if node == "score" and ruleset.score:
            own = max((r.height for r in ruleset.score.rules), default=1)
        else:
            own = max((expr_depth(x) for x in node_exprs(ruleset, node)), default=1)
        depth[node] = own + 1 + max((depth.get(d, 0) for d in graph.get(node, ())), default=0)
        if depth[node] > MAX_TREE_DEPTH:
            name = node.split(":")[-1]
            d = ruleset.define(name)
            return Diagnostic(
                "RP103",
                f"`{name}` nests more than {MAX_TREE_DEPTH} levels deep through the "
                "definitions it reads",
                d.span if d else ruleset.span,
                why="every stage evaluates definitions recursively; a deeper chain could exhaust "
                "its stack",
                fix="shorten the chain of definitions that read each other",
            )
    return None


def _score_type(score: M.Score, check: ExprChecker, out: list[Diagnostic]) -> Type:
    """Check every rule; the score is real when its base, a bound or some rule's `add` is."""
    real = any(isinstance(v, Fraction) for v in (score.base, score.lo, score.hi))
    for r in score.rules:
        for c in r.cases or (r,):
            check.expect(c.when, BOOL, f"`when` of rule `{c.id}`")
            add_type = check.check(c.add)
            if add_type is None:
                continue
            if not is_num(add_type):
                out.append(
                    Diagnostic(
                        "RP202",
                        f"`add` of rule `{c.id}` must be a number, but this is {add_type}",
                        c.add.span,
                        why="a rule adds to the score",
                        fix="count a condition with `(1 if flag else 0)`",
                    )
                )
            real = real or add_type == REAL
    return REAL if real else INT


def score_is_real(ruleset: M.Ruleset) -> bool:
    """Whether the typecheck finds the score real (see `_score_type`); False without a score.

    `load` sets `Score.real` from it; rulesets built in Python use `with_score_type`.
    """
    if ruleset.score is None:
        return False
    scope = Scope(ruleset, [])
    return _score_type(ruleset.score, ExprChecker(scope.resolve, []), []) == REAL


def with_score_type(ruleset: M.Ruleset) -> M.Ruleset:
    """The ruleset with `Score.real` as the typecheck infers it."""
    if ruleset.score is None or ruleset.score.real == score_is_real(ruleset):
        return ruleset
    return attrs.evolve(ruleset, score=attrs.evolve(ruleset.score, real=not ruleset.score.real))


def typecheck(ruleset: M.Ruleset) -> list[Diagnostic]:
    """Every problem with names, types, references and cycles in `ruleset`."""
    out: list[Diagnostic] = []
    names = (
        [(a.name, a.span) for a in ruleset.attributes]
        + [(d.name, d.span) for d in ruleset.defines]
        + [(s.name, s.span) for s in ruleset.sanctions]
    )
    _duplicates(names, "name", out)
    _duplicates([(a.name, a.span) for a in ruleset.actions], "action", out)
    if ruleset.score:
        ids = [(r.id, r.span) for r in ruleset.score.rules]
        ids += [(c.id, c.span) for r in ruleset.score.rules for c in r.cases]
        _duplicates(ids, "rule id", out)
    _duplicates([(t.id, t.span) for t in ruleset.tiers], "tier id", out)

    graph = dependency_graph(ruleset)
    cycle = find_cycle(graph)
    if cycle:
        pretty = " → ".join(c.split(":")[-1] for c in cycle)
        first = cycle[0].split(":")[-1]
        d = ruleset.define(first)
        span = d.span if d else ruleset.span
        out.append(
            Diagnostic(
                "RP205",
                f"definitions form a cycle: {pretty}",
                span,
                why="each value must be computable from the attributes",
                fix="break the cycle by rewriting one of them without the others",
            )
        )
        return out
    too_deep = _too_deep(ruleset, graph)
    if too_deep is not None:
        out.append(too_deep)
        return out

    scope = Scope(ruleset, out)
    check = ExprChecker(scope.resolve, out)
    if ruleset.score:  # first: defines and tiers may read the score
        scope.types["score"] = _score_type(ruleset.score, check, out)
    for d in ruleset.defines:
        scope.resolve(E.Var(d.name, None, d.span))
    for a in ruleset.assumptions:
        check.expect(a.expr, BOOL, f"assume #{a.index}")
    for t in ruleset.tiers:
        check.expect(t.when, BOOL, f"`when` of tier `{t.id}`")
    action_names = [a.name for a in ruleset.actions]
    for s in ruleset.sanctions:
        check.expect(s.when, BOOL, f"`when` of sanction `{s.name}`")
        for name in s.appeal:
            if name not in action_names:
                out.append(
                    Diagnostic(
                        "RP214",
                        f"sanction `{s.name}` names unknown appeal action `{name}`",
                        s.span,
                        fix=did_you_mean(name, action_names) or "declare it under `actions:`",
                    )
                )
    for act in ruleset.actions:
        _check_action(ruleset, scope, act, out)
    return out


def _check_action(
    ruleset: M.Ruleset, scope: Scope, action: M.Action, out: list[Diagnostic]
) -> None:
    scope.params = {}
    for p in action.params:
        if p.name in scope.types or p.name in scope.pending:
            out.append(
                Diagnostic(
                    "RP217",
                    f"param `{p.name}` of action `{action.name}` hides another name",
                    p.span,
                    fix="rename the param",
                )
            )
        scope.params[p.name] = of_attr_type(p.type, f"`{p.name}`")
    check = ExprChecker(scope.resolve, out)
    check.expect(action.when, BOOL, f"`when` of action `{action.name}`")
    attrs_by_name = ruleset.attribute_index
    _duplicates([(s.attribute, s.span) for s in action.sets], "assignment", out)
    for s in action.sets:
        attr = attrs_by_name.get(s.attribute)
        if attr is None:
            out.append(
                Diagnostic(
                    "RP206",
                    f"action `{action.name}` sets unknown attribute `{s.attribute}`",
                    s.span,
                    fix=did_you_mean(s.attribute, attrs_by_name) or "only attributes can be set",
                )
            )
            continue
        want = of_attr_type(attr.type, f"`{attr.name}`")
        got = check.check(s.expr)
        if got is None:
            continue
        ok = (
            got == want
            or (want == REAL and got == INT)
            or (
                isinstance(want, EnumT) and isinstance(got, StrT) and got.values <= set(want.values)
            )
            or (isinstance(want, EnumT) and isinstance(got, EnumT) and want.values == got.values)
        )
        if not ok:
            out.append(
                Diagnostic(
                    "RP202",
                    f"action `{action.name}` sets `{attr.name}` ({want}) to a value of type {got}",
                    s.expr.span,
                )
            )
    scope.params = {}
