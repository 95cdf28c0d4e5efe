"""Hypothesis strategies over the rule language: citizens, expressions and whole rulesets.

- `citizens(ruleset)` draws only possible citizens: every value in its range or enum and every
  `assume` true (checked with the evaluator's `in_domain`). Values lean on the boundaries
  (low, high, their neighbours, zero) and, when the ruleset has assumptions, on citizens near
  a small pool of possible ones found by a deterministic local search, so rarely satisfied
  assumptions do not starve the filter.
- `expressions(scope, want)` draws well-typed expressions of type `want` over the names in
  `scope`, covering every node of `ruleproof.language.expr`, linear (`*` always has a literal side,
  `//` and `%` a positive literal divisor), bounded in depth.
- `rulesets()` draws random well-typed `Ruleset`s built directly as IR: every attribute type
  (real ranges are exact decimals), defines, assumptions (always satisfiable: each holds for a
  drawn witness citizen), a score with rules and an optional clamp range, tiers with and
  without a catch-all, sanctions (reading score, tier and each other) and actions with params
  and `set`s. Every ruleset it draws passes `ruleproof.language.typecheck.typecheck` without errors.

- `realistic_rulesets()` draws rulesets shaped like real schemes and scorecards, up to 40
  attributes and 200 rules, huge and negative ranges, real scores, groups and clamps
  (`ruleproof.testing.realistic`), for differential tests at the sizes where fast paths run.

These are the base of the differential tests between the evaluator and the Z3 encoding.
"""

from ruleproof.testing.citizens import Citizen, Scope, citizens, possible_pool, values
from ruleproof.testing.exprs import expressions
from ruleproof.testing.realistic import realistic_rulesets
from ruleproof.testing.rulesets import rulesets

__all__ = [
    "Citizen",
    "Scope",
    "citizens",
    "expressions",
    "possible_pool",
    "realistic_rulesets",
    "rulesets",
    "values",
]
