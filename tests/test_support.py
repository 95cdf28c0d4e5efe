"""`support_sets` against a direct transitive-closure reference, its per-object cache, and the
per-rule `ScoreRule.reads` / `.height` against separate walks."""

from __future__ import annotations

import attrs
from hypothesis import given, settings

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import expr_depth, node_exprs, node_of
from ruleproof.language.support import support_sets
from ruleproof.testing import rulesets


def _reference(ruleset: M.Ruleset, exprs: list[E.Expr]) -> frozenset[str]:
    """The attributes `exprs` read, following derived names until nothing new appears."""
    out: set[str] = set()
    seen: set[str] = set()
    todo = list(exprs)
    while todo:
        for name in E.names(todo.pop()):
            if name in ruleset.attribute_index:
                out.add(name)
            node = node_of(ruleset, name)
            if node is not None and node not in seen:
                seen.add(node)
                todo += node_exprs(ruleset, node)
    return frozenset(out)


@settings(max_examples=150)
@given(rulesets())
def test_support_sets_match_the_transitive_closure(ruleset: M.Ruleset) -> None:
    support = support_sets(ruleset)
    for node, attrs_ in support.items():
        if node.startswith("rule:"):
            continue
        assert attrs_ == _reference(ruleset, node_exprs(ruleset, node)), node
    for r in ruleset.score.rules if ruleset.score else ():
        assert support[f"rule:{r.id}"] == _reference(ruleset, [r.when, r.add]), r.id


@settings(max_examples=30)
@given(rulesets())
def test_support_sets_are_per_ruleset_object(ruleset: M.Ruleset) -> None:
    assert support_sets(ruleset) is support_sets(ruleset)
    if ruleset.score is None or not ruleset.score.rules:
        return
    # A derived ruleset sharing the rule objects but reading one more attribute in its score.
    extra = M.Attribute("extra~", M.BoolType())
    rule = M.ScoreRule("extra~", E.Var("extra~"), E.IntLit(1), "extra~", "1")
    derived = attrs.evolve(
        ruleset,
        attributes=(*ruleset.attributes, extra),
        score=attrs.evolve(ruleset.score, rules=(*ruleset.score.rules, rule)),
    )
    assert support_sets(derived)["score"] == support_sets(ruleset)["score"] | {"extra~"}
    assert support_sets(derived)["rule:extra~"] == {"extra~"}


@settings(max_examples=100)
@given(rulesets())
def test_rule_reads_and_height_match_separate_walks(ruleset: M.Ruleset) -> None:
    for r in ruleset.score.rules if ruleset.score else ():
        assert r.reads == E.names(r.when) | E.names(r.add)
        assert r.height == max(expr_depth(r.when), expr_depth(r.add))
