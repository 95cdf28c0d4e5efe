"""Score rules that are monotone in an attribute by their shape alone, without a solver.

`monotone_by_shape(ruleset, rule, var, direction, support)` is True when the rule's
contribution cannot go the wrong way as `var` grows, whatever the other attributes are: a plain
rule (no `one_of` cases) that adds a constant `k`, guarded by a conjunction in which every
conjunct that reads `var` (directly or through defines) is `var OP literal` with OP one of
`>`/`>=` (the set of `var` values where it holds is closed upward) or one of `<`/`<=` (closed
downward), and nothing else reads it:

- with `k = 0` the rule adds nothing;
- nondecreasing: with `k > 0` every such conjunct is closed upward (once the guard holds it
  keeps holding as `var` grows), with `k < 0` closed downward (once it fails it keeps failing);
- nonincreasing: the other way round.

The conjuncts that do not read `var` are the same for both citizens of a pair that differs
only in `var`, so they cannot make the contribution fall. Anything else (cases, a non-constant
add, `==`, `!=`, a disjunction) is False here and left to the solver. Used by
`FastPaths.monotone_by_parts` and tied to the reference evaluator by
tests/test_monotone_parts.py.
"""

from __future__ import annotations

from fractions import Fraction

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.support import Support, name_support
from ruleproof.semantics.atoms import atom, literal

UPWARD: frozenset[E.CmpOp] = frozenset({">", ">="})
DOWNWARD: frozenset[E.CmpOp] = frozenset({"<", "<="})


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    if isinstance(e, E.And):
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def monotone_by_shape(
    ruleset: M.Ruleset, rule: M.ScoreRule, var: str, direction: str, support: Support
) -> bool:
    """Whether `rule` is monotone in `var` by its shape (module docstring)."""
    k = literal(rule.add)
    if rule.cases or isinstance(k, bool) or not isinstance(k, int | Fraction):
        return False
    if k == 0:
        return True
    rising = (k > 0) == (direction == "nondecreasing")
    wanted = UPWARD if rising else DOWNWARD
    types = {a.name: a.type for a in ruleset.attributes}
    if not isinstance(types.get(var), M.IntType | M.RealType):
        return False
    for c in _conjuncts(rule.when):
        if var not in name_support(ruleset, E.names(c), support):
            continue
        a = atom(c, types)
        if a is None or a.name != var or a.op not in wanted:
            return False
    return True
