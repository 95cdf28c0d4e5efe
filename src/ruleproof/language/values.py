"""Values as the rule language writes them, in one place: every renderer and the evaluator use it.

`fmt_value` gives a value as an expression would spell it (`True`, `'muslim'`, `0.25`, `1/3`);
`fraction_text` gives an exact rational as a finite decimal where one exists, else `p/q`;
`value_json` gives a value for JSON output (reals as exact strings, the rest unchanged).
"""

from __future__ import annotations

from fractions import Fraction

from ruleproof.language.ruleset import Value


def fmt_value(v: object) -> str:
    """A value as the rule language would write it."""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, Fraction):
        return fraction_text(v)
    if isinstance(v, str):
        return f"'{v}'"
    return str(v)


def signed(v: int | Fraction) -> str:
    """A score contribution with its sign: `+5`, `-3`, `+0.25`, `+0`."""
    text = fmt_value(v)
    return text if text.startswith("-") else "+" + text


def fraction_text(v: Fraction) -> str:
    """Exact text for a rational: a finite decimal where one exists, else `p/q`."""
    if v.denominator == 1:
        return str(v.numerator)
    d = v.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{v.numerator}/{v.denominator}"
    places = max(twos, fives)
    scaled = abs(v.numerator) * 10**places // v.denominator
    sign = "-" if v < 0 else ""
    digits = str(scaled).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def value_json(v: Value | None) -> bool | int | str | None:
    """A value for JSON output: reals as exact strings ("0.25", "1/3"), the rest unchanged."""
    if isinstance(v, Fraction):
        return fraction_text(v)
    return v
