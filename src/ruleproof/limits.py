"""Every resource limit on input, in one table, with one family of error codes (RP020-RP031).

Untrusted rulesets, property files, citizens and counterexample files are read with these
limits, each checked before the work it bounds is done (a file is read only up to its limit, an
alias is counted, never expanded, digits are counted before a number is converted), so no
input can make ruleproof run out of memory or time while reading it. A limit that is exceeded
is a `Diagnostic` with the limit's own code (`Limit.exceeded`), and the command line exits with
status 2. `LIMITS` is the table; docs/limits.md shows it and a test keeps the two equal.

`whole_number_digits` and `exact_decimal` count and convert numbers without ever handing
Python's `int()` more digits than `DIGITS` allows (Python refuses conversions over 4,300 digits
with a `ValueError`, and big exponents would build huge numbers).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from ruleproof.errors import Diagnostic, Span

MIB = 1024 * 1024


@attrs.frozen
class Limit:
    """One limit: its code, what it bounds, its value and unit, and how to stay within it."""

    code: str
    name: str
    value: int
    unit: str
    bounds: str
    fix: str

    def exceeded(self, span: Span, found: str, why: str = "") -> Diagnostic:
        """The diagnostic for an input over this limit; `found` says what the input holds."""
        return Diagnostic(
            self.code,
            f"{found} (limit: {self.value:,} {self.unit})",
            span,
            why,
            self.fix,
        )


FILE_BYTES = Limit(
    "RP020",
    "file size",
    64 * MIB,
    "bytes",
    "a ruleset or property file (YAML), read up to the limit and no further",
    "split the ruleset into several files",
)
JSON_BYTES = Limit(
    "RP021",
    "JSON size",
    16 * MIB,
    "bytes",
    "a citizen or counterexample file (JSON), read up to the limit and no further",
    "give one citizen per file; counterexample files are written by `ruleproof check`",
)
DEPTH = Limit(
    "RP022",
    "nesting",
    64,
    "levels",
    "how deep YAML mappings and lists nest",
    "a ruleset needs only a few levels; flatten the structure",
)
NODES = Limit(
    "RP023",
    "nodes",
    5_000_000,
    "nodes",
    "YAML nodes (keys, values, items) in a file, every use of an alias (`*name`) counted",
    "split the ruleset, or use fewer aliases",
)
TEXT = Limit(
    "RP024",
    "expanded text",
    16_000_000,
    "characters",
    "characters of text in a file's values (expressions included), every use of an alias "
    "counted; bounds the total size of the expressions to parse",
    "split the ruleset, name repeated conditions once with `define:`, or use fewer aliases",
)
EXPR_CHARS = Limit(
    "RP025",
    "expression length",
    100_000,
    "characters",
    "one expression or query text",
    "split it into named `define:` entries",
)
EXPR_DEPTH = Limit(
    "RP026",
    "expression depth",
    100,
    "levels",
    "brackets nested in an expression; operators nest at most twice as deep, also when "
    "reached through defines",
    "flatten it, or name parts of it with `define:`",
)
DIGITS = Limit(
    "RP027",
    "digits",
    1_000,
    "digits",
    "digits of a number (integer, decimal, exponent) in YAML, an expression or JSON, and of "
    "the values a ruleset's arithmetic can produce",
    "rulesets need no numbers this large; scale the values down",
)
ENUM_VALUES = Limit(
    "RP028",
    "enum values",
    100_000,
    "values",
    "values of one enum attribute or param",
    "use an int attribute for a code of this size",
)
TIERS = Limit(
    "RP029",
    "tiers",
    10_000,
    "tiers",
    "tiers of a ruleset",
    "a scheme has a handful of tiers; compute fine grades with `define:`",
)
CITIZENS = Limit(
    "RP030",
    "citizens per query",
    4,
    "citizens",
    "citizens a `forall` query compares",
    "compare at most four citizens at once",
)
ID_CHARS = Limit(
    "RP031",
    "id length",
    100,
    "characters",
    "a ruleset or property id (ids name folders and files)",
    "choose a shorter id",
)

LIMITS: tuple[Limit, ...] = (
    FILE_BYTES,
    JSON_BYTES,
    DEPTH,
    NODES,
    TEXT,
    EXPR_CHARS,
    EXPR_DEPTH,
    DIGITS,
    ENUM_VALUES,
    TIERS,
    CITIZENS,
    ID_CHARS,
)

# log10(2) from above, so a bit length never under-counts digits: n bits give at most
# ceil(n * 0.30103) + 1 decimal digits.
_LOG10_2 = 0.30103


def int_too_long(value: int, limit: int | None = None) -> bool:
    """True when `value` may have more than `limit` (default `DIGITS`) decimal digits.

    Decided from the bit length, without converting to text; a value up to a digit or so
    above the limit may be let through, never one far above it.
    """
    limit = DIGITS.value if limit is None else limit
    return int(abs(value).bit_length() * _LOG10_2) > limit


def fraction_too_long(value: Fraction) -> bool:
    """True when the numerator or the denominator of `value` is over the digit limit."""
    return int_too_long(value.numerator) or int_too_long(value.denominator)


_DIGIT_RUN = re.compile(r"(?<![A-Za-z0-9_])[0-9][0-9_]*")


def longest_digit_run(text: str) -> tuple[int, int]:
    """(length, start) of the longest number-like run of digits (underscores included) in
    `text`; digits inside a name (`x123`) do not count."""
    best = (0, 0)
    for m in _DIGIT_RUN.finditer(text):
        if m.end() - m.start() > best[0]:
            best = (m.end() - m.start(), m.start())
    return best


_DECIMAL = re.compile(
    r"\s*[-+]?(?P<mantissa>[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)"
    r"(?:[eE](?P<exponent>[-+]?[0-9]+))?\s*"
)


def decimal_too_long(text: str) -> bool:
    """True when `text` is a decimal literal whose digits plus exponent are over the limit.

    Such a literal stands for a number too long to handle, and building it (`1e999999999`)
    could take for ever.
    """
    m = _DECIMAL.fullmatch(text)
    if m is None:
        return False
    digits = sum(ch.isdigit() for ch in m.group("mantissa"))
    exponent = m.group("exponent") or "0"
    return len(exponent.lstrip("+-")) > 9 or digits + abs(int(exponent)) > DIGITS.value


def exact_decimal(text: str) -> Fraction | None:
    """The exact value of a decimal literal (`0.25`, `-1e3`, `1_000`), or None.

    None for anything else (infinities and NaN included), and for literals over the digit
    limit (`decimal_too_long`).
    """
    if _DECIMAL.fullmatch(text) is None or decimal_too_long(text):
        return None
    try:
        return Fraction(Decimal(text.replace("_", "").strip()))
    except (InvalidOperation, ValueError, ArithmeticError):
        return None
