"""The first two criteria of a minimal counterexample, and reals near their boundary.

A counterexample is minimal as a person reads it (DESIGN §4, issue 18): first the fewest
attributes that differ between its citizens (for pairs and tuples), then the fewest attributes
away from the baseline, then (in `solving.minimise`) each attribute in declaration order at or
nearest its baseline. `fewest(check, model, indicators)` finds the least number of true
indicators by bisection over `AtMost` bounds and returns the constraint that pins it; only
satisfiability decides each step, so the bound does not depend on which model the solver found.
`least_real(check, var, lo, hi)` moves a real attribute that cannot be at its low end to the
shortest decimal just above the infimum of its possible values (0.3334 for `3*rate > 1`, not
the solver's 2/3), or exactly to the boundary when it is attained.

`check(extra)` is the minimiser's solver call under the pins so far: it answers `z3.sat`,
`z3.unsat` or `z3.unknown` (out of time), and after `sat` `model()` gives the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import z3

from ruleproof.proving.encode import Term

Check = Callable[[Sequence[Term]], Any]
REAL_TOLERANCE = 4  # a real sits within 1/10**4 of its range's width of its boundary
REAL_DIGITS = 12  # at most this many decimal places in a chosen real


def _count(model: Any, indicators: Sequence[Term]) -> int:
    return sum(z3.is_true(model.eval(i, model_completion=True)) for i in indicators)


def fewest(
    check: Check, model_of: Callable[[], Any], model: Any, indicators: Sequence[Term]
) -> tuple[Any, Term | None]:
    """(a model with the fewest true `indicators`, the `AtMost` pin that keeps it so), or the
    given model and None when there is nothing to count or time runs out at once."""
    if not indicators:
        return model, None
    lo, hi = 0, _count(model, indicators)
    best = model
    first = True
    while lo < hi:
        # The model usually comes nearly minimal (`_mostly_baseline`): one below it first, so
        # that a minimal count costs one check; then bisection.
        mid = hi - 1 if first else (lo + hi) // 2
        first = False
        r = check([z3.AtMost(*indicators, mid)])
        if r == z3.sat:
            best = model_of()
            hi = min(mid, _count(best, indicators))
        elif r == z3.unsat:
            lo = mid + 1
        else:
            break
    return best, z3.AtMost(*indicators, hi)


def least_real(
    check: Check,
    model_of: Callable[[], Any],
    var: Term,
    lo: Fraction,
    high: Fraction,
    width: Fraction,
) -> Any | None:
    """A model with `var` just above the infimum of its possible values in (lo, high]: the
    shortest decimal within `width / 10**4` of it that works; None if no check succeeds (keep
    the model you have). `width` is the attribute's range width.

    Precondition: `var == lo` is impossible and `var <= high` is possible.
    """
    tol = width / 10**REAL_TOLERANCE
    below, above = lo, high
    best = None
    while above - below > tol / 100:
        mid = (below + above) / 2
        r = check([var <= _real(mid)])
        if r == z3.sat:
            above, best = mid, model_of()
        elif r == z3.unsat:
            below = mid
        else:
            return best
    for digits in range(REAL_DIGITS + 1):
        step = Fraction(1, 10**digits)
        for k in (1, 2):  # the two least multiples of `step` above `below` (the first may be
            candidate = (below // step + k) * step  # the boundary itself, when not attained)
            if candidate - below > tol:
                break
            r = check([var == _real(candidate)])
            if r == z3.sat:
                return model_of()
            if r != z3.unsat:
                return best
    return best


def _real(v: Fraction) -> Term:
    return z3.RealVal(f"{v.numerator}/{v.denominator}")
