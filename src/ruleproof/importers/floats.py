"""Exact facts about IEEE-754 binary32 and binary64 numbers, for the model importers.

Every stored threshold and leaf value of a model is a binary floating-point number, hence an
exact rational. This module rounds rationals to the nearest float32 / float64 (round half to
even, overflow to infinity, exactly as the hardware does), steps to neighbouring floats, and turns
"the library's rounded input is at most X" into an exact cut on the unrounded rational value.
No numpy: the JSON importers must not need a numerical library.

The two float grids are extended with ±2**128 (float32) and ±2**1024 (float64) standing for the
infinities, so that rounding near the largest finite float follows the standard's rule (a value
halfway between the largest finite float and 2**emax+1 rounds to infinity, whose "mantissa" is
even).
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Width = Literal[32, 64]
INF = math.inf
_GRID = {32: (24, -149, 128), 64: (53, -1074, 1024)}  # precision, least exponent, overflow


def parse_float_text(text: str) -> Fraction:
    """The exact rational written by a JSON or CSV number (`1E-1`, `-0.5`, `3`).

    Raises:
        ValueError: `text` is not a finite decimal number.
    """
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not d.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return Fraction(d)


def round_to(width: Width, q: Fraction | int | float) -> float:
    """The float of the given width nearest to `q` (ties to even; ±inf on overflow), as a
    Python float (every float32 is exactly a float64)."""
    if isinstance(q, float):
        if width == 64 or not math.isfinite(q):
            return q
        try:
            return float(struct.unpack("<f", struct.pack("<f", q))[0])
        except OverflowError:
            return math.copysign(INF, q)
    q = Fraction(q)
    if q == 0:
        return 0.0
    if width == 32:
        fast = _round32_via_double(q)
        if fast is not None:
            return fast
    precision, least, overflow = _GRID[width]
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    quantum = Fraction(2) ** max(e - precision + 1, least)
    n = round(a / quantum)  # Fraction.__round__ rounds half to even
    v = n * quantum
    sign = -1.0 if q < 0 else 1.0
    if v >= Fraction(2) ** overflow:
        return sign * INF
    return sign * float(v)


def round_decimal(width: Width, d: Decimal) -> float:
    """`round_to(width, d)` for a finite `Decimal`, fast when rounding through float64 is safe."""
    if width == 32:
        fast = _round32_of_double(float(d))  # float(Decimal) is correctly rounded
        if fast is not None:
            return fast
    return round_to(width, Fraction(d))


def _round32_via_double(q: Fraction) -> float | None:
    """float32 rounding of `q` through its float64 rounding, when that is provably the same.

    Rounding twice differs from rounding once only when the first result lies exactly halfway
    between two float32s; that (and the subnormal and overflow ranges) is left to the slow path.
    """
    try:
        d = q.numerator / q.denominator  # correctly rounded
    except OverflowError:
        return None
    return _round32_of_double(d)


def _round32_of_double(d: float) -> float | None:
    """float32 rounding of the exact value `d` stood for, or None when `d` may be a double
    rounding's midpoint (or outside the normal float32 range)."""
    if not 2.0**-126 <= abs(d) < 2.0**127:
        return None
    bits = int(struct.unpack("<Q", struct.pack("<d", d))[0])
    if bits & 0x1FFFFFFF == 0x10000000:  # the 29 bits float32 drops: exactly one half
        return None
    return float(struct.unpack("<f", struct.pack("<f", d))[0])


def _bits32(x: float) -> int:
    return int(struct.unpack("<I", struct.pack("<f", x))[0])


def _from_bits32(b: int) -> float:
    return float(struct.unpack("<f", struct.pack("<I", b))[0])


def next_up(width: Width, x: float) -> float:
    """The least float of the given width above `x` (`x` must be representable; inf stays)."""
    if width == 64:
        return math.nextafter(x, INF)
    if math.isnan(x) or x == INF:
        return x
    if x == 0:
        return _from_bits32(1)
    b = _bits32(x)
    return _from_bits32(b + 1 if x > 0 else b - 1)


def next_down(width: Width, x: float) -> float:
    """The greatest float of the given width below `x`."""
    return -next_up(width, -x)


def is_float32(x: float) -> bool:
    """Whether `x` is exactly a float32 (infinities included; NaN is not)."""
    return not math.isnan(x) and round_to(32, x) == x


def _grid_value(width: Width, x: float) -> Fraction:
    """`x` as an exact rational, the infinities as ±2**overflow."""
    if math.isinf(x):
        return Fraction(2) ** _GRID[width][2] * (1 if x > 0 else -1)
    return Fraction(x)


def _even(width: Width, x: float) -> bool:
    """Whether `x` has an even significand (zero and the infinities do)."""
    if x == 0 or math.isinf(x):
        return True
    q = abs(Fraction(x))
    precision, least, _ = _GRID[width]
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if Fraction(2) ** e > q:
        e -= 1
    quantum = Fraction(2) ** max(e - precision + 1, least)
    return (q / quantum).numerator % 2 == 0


def at_most(width: Width, x: float) -> tuple[Fraction | None, bool]:
    """The exact cut `{q : round_to(width, q) <= x}` as `(c, inclusive)`: `q <= c` when
    inclusive, else `q < c`; `(None, True)` when every rational qualifies (`x` = +inf).

    `x` must be a float of that width (or ±inf).
    """
    if x == INF:
        return None, True
    if x == 0:
        x = 0.0  # -0.0 and 0.0 round alike
    up = next_up(width, x) if x != -INF else -_largest(width)
    hi = _grid_value(width, up)
    mid = (_grid_value(width, x) + hi) / 2
    return mid, _even(width, x)


def _largest(width: Width) -> float:
    return next_down(width, INF) if width == 64 else _from_bits32(0x7F7FFFFF)


def largest_float(width: Width) -> float:
    """The largest finite float of the given width."""
    return _largest(width)


def decimal_text(q: Fraction | int) -> str:
    """The exact decimal text of a rational whose denominator has no prime factor but 2 and 5
    (every binary float is one): `0.0421875`, `-3`, never an exponent.

    Raises:
        ValueError: `q` has no finite decimal expansion.
    """
    q = Fraction(q)
    if q.denominator == 1:
        return str(q.numerator)
    d = q.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        raise ValueError(f"{q} has no finite decimal expansion")
    digits = max(twos, fives)
    scaled = q * 10**digits
    assert scaled.denominator == 1
    n = abs(scaled.numerator)
    text = str(n).rjust(digits + 1, "0")
    body = f"{text[:-digits]}.{text[-digits:]}".rstrip("0").rstrip(".")
    return ("-" if q < 0 else "") + body


def has_decimal(q: Fraction) -> bool:
    """Whether `q` has a finite decimal expansion."""
    d = q.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def shortest_decimal_in(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the fewest decimal places in `[lo, hi)` (`lo < hi`), the least such."""
    assert lo < hi
    digits = 0
    while True:
        scale = 10**digits
        c = Fraction(math.ceil(lo * scale), scale)
        if c < hi:
            return c
        digits += 1
