"""Links (margin → prediction) and exact margin thresholds for "prediction > T".

A link is monotone increasing, so "prediction > T" is "margin > link⁻¹(T)". For the identity that
is a rational; for the logistic and exponential links it is irrational (logit(T) and ln(T) are
irrational for every rational T but 1/2 and 1). Margins are not arbitrary reals, though: every
margin is a sum of the base and leaf values, all rationals, so every margin is a multiple of
1/D for D the least common multiple of their denominators. `margin_threshold` returns a short
rational θ with no multiple of 1/D between θ and link⁻¹(T): "margin > θ" then holds for exactly
the margins with "prediction > T" in exact real arithmetic.

The libraries compute in floating point, so their prediction can differ from the exact one when
the exact margin is within a rounding error of the threshold; `float_band` bounds that error.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Literal

import attrs

from ruleproof.importers.floats import Width, has_decimal, shortest_decimal_in

LinkKind = Literal["identity", "logistic", "exp"]


@attrs.frozen
class Link:
    """prediction = f(scale · margin) with f the identity, the logistic σ or exp."""

    kind: LinkKind
    scale: Fraction = Fraction(1)

    def describe(self) -> str:
        s = "" if self.scale == 1 else f"{self.scale} · "
        return {
            "identity": f"prediction = {s}margin",
            "logistic": f"P(class 1) = 1 / (1 + exp(-{s}margin))",
            "exp": f"prediction = exp({s}margin)",
        }[self.kind]


class ThresholdError(ValueError):
    """The threshold is outside the link's range (e.g. a probability of 1.5)."""


def _check(link: Link, t: Fraction) -> None:
    if link.kind == "logistic" and not 0 < t < 1:
        raise ThresholdError(f"a probability threshold must lie strictly between 0 and 1, got {t}")
    if link.kind == "exp" and t <= 0:
        raise ThresholdError(f"the prediction exp(margin) is positive; threshold {t} is not")


def granularity(values: Iterable[Fraction]) -> int:
    """The least D such that every value, hence every sum of them, is a multiple of 1/D."""
    d = 1
    for v in values:
        d = math.lcm(d, v.denominator)
    return d


def margin_threshold(link: Link, t: Fraction, denominator: int) -> Fraction:
    """θ such that for every multiple m of 1/`denominator`: m > θ ⟺ link(m) > t (exactly).

    Raises:
        ThresholdError: `t` is outside the link's range.
    """
    _check(link, t)
    if link.kind == "identity":
        exact = t / link.scale
        if has_decimal(exact):
            return exact
        below = math.floor(exact * denominator)
    elif (link.kind == "logistic" and t == Fraction(1, 2)) or (link.kind == "exp" and t == 1):
        return Fraction(0)
    else:
        below = _floor_scaled(link, t, denominator)  # the greatest multiple of 1/D below link⁻¹(t)
    return shortest_decimal_in(Fraction(below, denominator), Fraction(below + 1, denominator))


def _floor_scaled(link: Link, t: Fraction, denominator: int) -> int:
    """floor(link⁻¹(t) · D) for an irrational link⁻¹(t), with enough digits to be sure."""
    digits = len(str(denominator)) + 40
    while True:
        with decimal.localcontext() as ctx:
            ctx.prec = digits
            td = decimal.Decimal(t.numerator) / decimal.Decimal(t.denominator)
            inv = (td / (1 - td)).ln() if link.kind == "logistic" else td.ln()
            inv = inv * decimal.Decimal(link.scale.denominator) / link.scale.numerator
            scaled = inv * denominator
            low = math.floor(scaled)
            # the computed value is within a few units of its last digit of the true one
            slack = abs(scaled) * decimal.Decimal(10) ** (5 - digits) + decimal.Decimal(10) ** (
                5 - digits
            )
            if math.floor(scaled - slack) == low == math.floor(scaled + slack):
                return int(low)
        digits *= 2


def float_band(
    link: Link,
    t: Fraction,
    width: Width,
    terms: int,
    magnitude: Fraction,
    base_error: Fraction = Fraction(0),
) -> Fraction:
    """A bound on |library margin − exact margin| plus the link's rounding, in margin units.

    `terms` numbers are summed in `width`-bit floats whose absolute values add up to at most
    `magnitude` (the classic bound γ_n · Σ|x_i| for any summation order); `base_error` is an
    extra error on the base (XGBoost computes it with the C library's logf). The link's own
    rounding is bounded by 4 units in the last place of the prediction, carried back through
    the link's slope at the threshold.
    """
    u = Fraction(1, 2 ** (24 if width == 32 else 53))
    n = max(terms - 1, 1)
    gamma = n * u / (1 - n * u)
    band = gamma * magnitude + base_error
    if link.kind == "logistic":
        band += 4 * u / (t * (1 - t) * link.scale)
    elif link.kind == "exp":
        band += 4 * u / link.scale
    return band
