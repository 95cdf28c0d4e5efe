"""Partial evaluation (`ruleproof.population.fold`) keeps every expression's value: fixing some
attributes to a citizen's own values and folding gives, on that citizen, what the reference
evaluator gives for the original expression — over every expression of random rulesets (groups'
first matches, tiers and sanctions reading the score and tier, defines)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.population.fold import fold, is_literal
from ruleproof.semantics.evaluate import State, eval_expr
from ruleproof.testing import citizens, rulesets


def _exprs(rs: M.Ruleset) -> list[E.Expr]:
    out = [a.expr for a in rs.assumptions] + [d.expr for d in rs.defines]
    if rs.score is not None:
        out += [x for r in rs.score.rules for x in (r.when, r.add)]
    return out + [t.when for t in rs.tiers] + [s.when for s in rs.sanctions]


@settings(max_examples=150)
@given(st.data())
def test_fold_keeps_the_value(data: st.DataObject) -> None:
    rs = data.draw(rulesets(max_rules=5, max_depth=3, actions=False))
    citizen = data.draw(citizens(rs))
    names = data.draw(st.sets(st.sampled_from([a.name for a in rs.attributes])))
    fixed = {n: citizen[n] for n in names}
    lookup = State(rs, citizen).lookup
    for e in _exprs(rs):
        folded = fold(e, fixed)
        assert eval_expr(folded, lookup) == eval_expr(e, lookup)
        if names >= E.names(e):
            assert is_literal(folded)  # nothing left to read: a constant
