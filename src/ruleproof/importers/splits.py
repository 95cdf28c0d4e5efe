"""Split tests of tree models, with each library's exact decision rule.

A split reads one model input (a Python float, NaN meaning missing) and says whether the tree
goes left. The rules, as the libraries implement them:

- XGBoost numeric: the input is rounded to float32 and goes left ("yes") iff it is `<` the
  stored float32 threshold; a missing input goes the node's default way.
- scikit-learn: the input is rounded to float32 and goes left iff it is `<=` the stored float64
  threshold; a missing input goes where `missing_go_to_left` says.
- LightGBM numeric: the float64 input goes left iff `<=` the float64 threshold; by the node's
  `missing_type`, NaN is read as 0 (`None`), or NaN and every |x| <= 1e-35f goes the default way
  (`Zero`), or NaN goes the default way (`NaN`).
- LightGBM categorical: NaN and negative inputs go right; otherwise the input truncated to an
  int goes left iff it is one of the node's categories.
- XGBoost categorical: a missing input goes the default way; an input whose truncated value is
  one of the node's categories goes right, any other goes left.
- scikit-learn histogram gradient boosting, categorical: an input equal to one of the node's
  left categories goes left, one equal to another category seen in training goes right; NaN
  and every other value (an unknown category) go the missing-value way.

`goes_left(x)` is the reference; `pieces()` describes a numeric split over all float64 inputs as
consecutive intervals `(previous end, end]` with a constant decision, which the translation into
exact conditions (`translate`) needs. `pieces()` checks itself against `goes_left` at every end.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal

import attrs

from ruleproof.errors import InternalError
from ruleproof.importers.floats import INF, Width, at_most, next_down, next_up, round_to

ZERO_THRESHOLD = round_to(32, Fraction("1e-35"))  # LightGBM's kZeroThreshold, a float32


@attrs.frozen
class NumericSplit:
    """`x op threshold` after rounding `x` to `cast` bits, with the missing-value rules above."""

    feature: int
    threshold: float
    op: Literal["<", "<="]
    cast: Width
    default_left: bool
    nan_as_zero: bool = False  # LightGBM missing_type None
    zero_is_missing: bool = False  # LightGBM missing_type Zero

    def goes_left(self, x: float) -> bool:
        """The library's decision for the model input `x`."""
        if math.isnan(x):
            if not self.nan_as_zero:
                return self.default_left
            x = 0.0
        if self.zero_is_missing and -ZERO_THRESHOLD <= x <= ZERO_THRESHOLD:
            return self.default_left
        v = round_to(self.cast, x)
        return v < self.threshold if self.op == "<" else v <= self.threshold

    def _last_left(self) -> float:
        """The greatest float64 input the comparison alone sends left (-inf: none)."""
        t = self.threshold
        if self.cast == 64:
            return t if self.op == "<=" else next_down(64, t)
        f = round_to(32, t)  # the greatest float32 that satisfies the comparison
        while f != -INF and ((f > t) if self.op == "<=" else (f >= t)):
            f = next_down(32, f)
        cut, inclusive = at_most(32, f)
        if cut is None:
            return INF
        x = float(cut)
        return x if inclusive else next_down(64, x)

    def pieces(self) -> list[tuple[float, bool]]:
        """`[(end, left), ...]`: float64 inputs in `(previous end, end]` all go left or all go
        right; the first piece starts at -inf (included), the last ends at +inf.

        Raises:
            InternalError: the pieces disagree with `goes_left` at an end (a bug).
        """
        ends = {self._last_left()}
        if self.zero_is_missing:
            ends |= {next_down(64, -ZERO_THRESHOLD), ZERO_THRESHOLD}
        ends.add(INF)
        out: list[tuple[float, bool]] = []
        previous = -INF
        for end in sorted(ends):
            if end < previous or (end == previous and out):
                continue
            left = self.goes_left(end)
            first = previous if not out else next_up(64, previous)
            if self.goes_left(first) != left:
                raise InternalError(f"split {self} is not constant on ({previous}, {end}]")
            if out and out[-1][1] == left:
                out[-1] = (end, left)
            else:
                out.append((end, left))
            previous = end
        return out


@attrs.frozen
class CategoricalSplit:
    """A split on category codes: `left` go left, `right` go right, the rest as `style` says.

    `style` is the library whose rule for everything else applies: LightGBM sends NaN, negative
    and unlisted inputs right; XGBoost sends a missing input the default way and every
    non-listed (or invalid) input left; scikit-learn's histogram gradient boosting sends NaN
    and unknown categories the default (missing) way.
    """

    feature: int
    left: frozenset[int]
    right: frozenset[int]
    style: Literal["lightgbm", "xgboost", "sklearn"]
    default_left: bool = False

    @property
    def others_go_left(self) -> bool:
        """Where a non-negative whole input in neither set goes."""
        return {"lightgbm": False, "xgboost": True, "sklearn": self.default_left}[self.style]

    def goes_left(self, x: float) -> bool:
        """The library's decision for the model input `x`."""
        if self.style == "lightgbm":
            if math.isnan(x) or x <= -1 or x >= 2**31:
                return False
            return int(x) in self.left
        if math.isnan(x):
            return self.default_left
        if self.style == "xgboost":
            v = round_to(32, x)
            if not math.isfinite(v) or v < 0 or v >= 2**24:
                return True
            return int(v) not in self.right
        if not x.is_integer():
            return self.default_left
        c = int(x)
        return True if c in self.left else False if c in self.right else self.default_left


Split = NumericSplit | CategoricalSplit
