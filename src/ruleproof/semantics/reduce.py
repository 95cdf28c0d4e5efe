"""Reduced rulesets: score rules folded into one bounded attribute, or summed per attribute.

`reduce_for(ruleset, varied)` is the ruleset with every score rule whose support misses
`varied` folded into one rule adding the new int attribute `score~rest` (its range: the interval
sum of the folded rules' contributions, `ruleproof.semantics.sumbounds`), and each group of
`GROUP_MIN` or more scorecard-form rules on one attribute summed into one rule adding the
group's step function of that attribute. Both are sound abstractions for pair queries that vary
only `varied`: the folded rules add the same to both citizens, and a summed group is exact.
`set_by_actions` gives the attributes actions can change (the rest are fixed along a path).
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.memo import per_ruleset
from ruleproof.language.support import name_support, support_sets
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.sumbounds import Fires, group_steps, simple_rules

SUMMED = "score~"  # id prefix of the rules the reduction makes (user rule ids may be any text)
REST = SUMMED + "rest"
# Smaller groups stay as they are, so the proofs of small rulesets name their own rules.
GROUP_MIN = 8


@attrs.frozen
class Reduction:
    """A reduced ruleset and what was folded into its `score~rest` (none: only summed)."""

    ruleset: M.Ruleset
    folded: tuple[M.ScoreRule, ...]

    def rest(self) -> M.IntType | M.RealType | None:
        """The type (range) of `score~rest`, None when nothing was folded."""
        a = self.ruleset.attribute_index.get(REST)
        if a is None:
            return None
        assert isinstance(a.type, M.IntType | M.RealType)
        return a.type


def reduce_for(ruleset: M.Ruleset, varied: frozenset[str]) -> M.Ruleset | None:
    """The ruleset of `fold_for(ruleset, varied)`, or None."""
    r = fold_for(ruleset, varied)
    return None if r is None else r.ruleset


def fold_for(ruleset: M.Ruleset, varied: frozenset[str]) -> Reduction | None:
    """The ruleset with every score rule independent of `varied` folded into `score~rest`, and
    the scorecard-form rules on each remaining attribute summed into one rule (`_summed`).

    `score~rest` is an int attribute when every folded contribution has integer bounds, else
    a real one. None when there is nothing to fold or sum, a folded rule's contribution is
    unbounded, or a rule of the ruleset has an id of the kind this gives its own rules
    (`score~...`).
    """
    sc = ruleset.score
    if sc is None or not sc.rules or any(r.id.startswith(SUMMED) for r in sc.rules):
        return None
    support = support_sets(ruleset)
    bounds = Bounds(ruleset)
    kept: list[M.ScoreRule] = []
    folded: list[M.ScoreRule] = []
    lo: M.Num = 0
    hi: M.Num = 0
    for r in sc.rules:
        if name_support(ruleset, r.reads, support) & varied:  # by the rule, not its id
            kept.append(r)
            continue
        clo, chi = bounds.contribution(r)
        if clo is None or chi is None:
            return None
        lo, hi = lo + clo, hi + chi
        folded.append(r)
    rules = _summed(ruleset, kept)
    if not folded and len(rules) == len(kept):
        return None
    attributes = ruleset.attributes
    if folded:
        whole = all(isinstance(x, int) or x.denominator == 1 for x in (lo, hi))
        typ: M.AttrType = (
            M.IntType(int(lo), int(hi))
            if whole and not sc.real
            else M.RealType(Fraction(lo), Fraction(hi))
        )
        rest = M.Attribute(REST, typ, doc="sum of the folded rules' contributions")
        attributes = (*attributes, rest)
        rules = [M.ScoreRule(REST, E.BoolLit(True), E.Var(REST), "True", REST), *rules]
    score = attrs.evolve(sc, rules=tuple(rules))
    reduced = attrs.evolve(ruleset, attributes=attributes, score=score)
    return Reduction(reduced, tuple(folded))


def read_outside_rest(rs: M.Ruleset) -> set[str]:
    """Attributes a folded ruleset reads other than through `score~rest`."""
    out: set[str] = set()
    support = support_sets(rs)
    for node, names in support.items():
        if node != f"rule:{REST}":
            out |= names
    for a in rs.assumptions:
        out |= name_support(rs, E.names(a.expr), support)
    out.discard(REST)
    return out


def _summed(ruleset: M.Ruleset, rules: list[M.ScoreRule]) -> list[M.ScoreRule]:
    """`rules` with each group of `GROUP_MIN` or more scorecard-form rules on one attribute (a
    condition on it alone, a constant add: `spec.sumbounds.simple_rule`) replaced, where its
    first member stood, by one rule adding the group's sum as a step function of that
    attribute.

    Exact, since the group's sum depends on that attribute alone; Z3 then sees one balanced
    `If` tree per attribute instead of one `If` per rule, which it handles far better in the
    two copies of a relational query.
    """
    groups: dict[str, list[tuple[Fires, int]]] = {}
    members: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    simples = simple_rules(ruleset, rules)
    for i, (r, simple) in enumerate(zip(rules, simples, strict=True)):
        if simple is not None:
            name, fires, add = simple
            groups.setdefault(name, []).append((fires, add))
            members.setdefault(name, []).append(r.id)
            first.setdefault(name, i)
    big = {name for name, group in groups.items() if len(group) >= GROUP_MIN}
    if not big:
        return rules
    out: list[M.ScoreRule] = []
    for i, (r, simple) in enumerate(zip(rules, simples, strict=True)):
        if simple is None or simple[0] not in big:
            out.append(r)
        elif first[simple[0]] == i:
            out.append(_step_rule(ruleset, simple[0], groups[simple[0]], members[simple[0]]))
    return out


@per_ruleset
def _step_rules(ruleset: M.Ruleset) -> dict[tuple[str, ...], M.ScoreRule]:
    return {}  # (attribute, member ids...) → its step rule: queries often sum the same group


def _step_rule(
    ruleset: M.Ruleset, name: str, group: list[tuple[Fires, int]], ids: list[str]
) -> M.ScoreRule:
    memo = _step_rules(ruleset)
    key = (name, *ids)
    rule = memo.get(key)
    if rule is None:
        steps = group_steps(ruleset.attribute(name).type, group)
        shown = ", ".join(ids[:4]) + (", …" if len(ids) > 4 else "")
        about = f"{len(ids)} rules on {name} alone, summed per value ({shown})"
        add = _step_expr(name, steps)
        rule = memo[key] = M.ScoreRule(SUMMED + name, E.BoolLit(True), add, "True", about)
    return rule


def _step_expr(name: str, steps: list[tuple[M.Value, int]]) -> E.Expr:
    """The step function `steps` (`sumbounds.group_steps`) of attribute `name` as an expression:
    a balanced tree of `x >= start` tests for an int, an equality chain otherwise."""
    x = E.Var(name)
    if isinstance(steps[0][0], bool):
        by = dict(steps)
        return E.IfElse(x, E.IntLit(by[True]), E.IntLit(by[False]))
    if isinstance(steps[0][0], str):
        out: E.Expr = E.IntLit(steps[-1][1])
        for value, total in reversed(steps[:-1]):
            assert isinstance(value, str)
            is_value = E.Compare(("==",), (x, E.EnumLit(value)))
            out = E.IfElse(is_value, E.IntLit(total), out)
        return out

    def tree(lo: int, hi: int) -> E.Expr:  # steps[lo:hi]
        if hi - lo == 1:
            return E.IntLit(steps[lo][1])
        mid = (lo + hi) // 2
        start = steps[mid][0]
        assert isinstance(start, int)
        at_least = E.Compare((">=",), (x, E.IntLit(start)))
        return E.IfElse(at_least, tree(mid, hi), tree(lo, mid))

    return tree(0, len(steps))


def set_by_actions(ruleset: M.Ruleset) -> frozenset[str]:
    """The attributes some action sets: the rest stay fixed along every path."""
    return frozenset(s.attribute for a in ruleset.actions for s in a.sets)
