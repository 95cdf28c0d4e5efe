"""Citizen files: JSON text → a validated citizen of a ruleset, and citizen values → JSON.

`read_citizen(text, file, ruleset)` accepts one JSON object mapping every attribute to a value
and returns the citizen as `{name: Value}`; the citizen is possible (every value in its range
or enum, every `assume` true) or a `RulesetError` lists what is wrong: RP401 a missing
attribute, RP402 an unknown one, RP403 a value of the wrong type, RP404 a value out of range or
not in the enum, RP405 an `assume` that does not hold, RP406 malformed JSON. Real values may be
JSON numbers (read exactly, never through a float) or strings such as "1/3", "0.25" or "-2".
`value_json` is the inverse for output: reals become exact strings, everything else stays a
JSON scalar. `citizen_from_python(values, ruleset)` applies the same checks to a Python mapping
(the API's `Ruleset.evaluate`): there reals may also be `Fraction`, `Decimal` or a finite
`float` (read as the decimal it prints as, so `0.1` is 1/10), and positions are unknown.
Numbers are read within the digit limit (RP027, `ruleproof.limits`) before any is converted, a
file within the JSON size limit (RP021); at most `MAX_LISTED` problems of one kind are listed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text, value_json
from ruleproof.limits import (
    DIGITS,
    JSON_BYTES,
    decimal_too_long,
    exact_decimal,
    fraction_too_long,
    int_too_long,
    longest_digit_run,
)
from ruleproof.semantics.evaluate import State, eval_expr

MAX_LISTED = 20  # diagnostics of one code listed for a file; the rest are counted


class _TooLong(ValueError):
    """A JSON number over the digit limit (raised before Python converts it)."""


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Duplicate(k)
        out[k] = v
    return out


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


_KEY = re.compile(r'"(?:[^"\\]|\\.)*"\s*:')


class _Keys:
    """Where each key of a JSON text is written (first and last time), found in one pass."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self._where: dict[str, tuple[int, int, int]] | None = None  # first start, last, end

    def _index(self) -> dict[str, tuple[int, int, int]]:
        if self._where is None:
            where: dict[str, tuple[int, int, int]] = {}
            for m in _KEY.finditer(self.text):
                try:
                    key = json.loads(self.text[m.start() : m.end() - 1].rstrip())
                except ValueError:
                    continue
                first = where.get(key)
                where[key] = (first[0] if first else m.start(), m.start(), m.end())
            self._where = where
        return self._where

    def key(self, key: str, last: bool = False) -> Span:
        """The span of `"key"` (its first or last occurrence), else the file start."""
        found = self._index().get(key)
        if found is None:
            return Span.point(self.file, 1, 1)
        start = found[1] if last else found[0]
        line, col = _position(self.text, start)
        return Span(self.file, line, col, line, col + len(json.dumps(key)))

    def value(self, key: str) -> Span:
        """The span of the value written after the first `"key":`."""
        found = self._index().get(key)
        if found is None:
            return Span.point(self.file, 1, 1)
        rest = re.match(r'\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)', self.text[found[2] : found[2] + 10_000])
        start = found[2] + (rest.start(1) if rest else 0)
        line, col = _position(self.text, start)
        return Span(self.file, line, col, line, col + (len(rest.group(1)) if rest else 1))


def _malformed(file: str, message: str, line: int = 1, col: int = 1, fix: str = "") -> RulesetError:
    return RulesetError(
        [
            Diagnostic(
                "RP406",
                message,
                Span.point(file, line, col),
                fix=fix or 'write one JSON object, e.g. {"debt": 0, "evades": false}',
            )
        ]
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a JSON number")


def _int(text: str) -> int:
    if len(text) > DIGITS.value + 1:
        raise _TooLong(text)
    return int(text)


def _decimal(text: str) -> Decimal:
    if decimal_too_long(text):
        raise _TooLong(text)
    return Decimal(text)


def parse_json_object(text: str, file: str) -> dict[str, Any]:
    """One JSON object with exact decimals (`Decimal`) and no duplicate keys.

    Raises:
        RulesetError: RP406 malformed, RP021 too large, RP027 a number over the digit limit.
    """
    size = len(text)
    if size * 4 > JSON_BYTES.value:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > JSON_BYTES.value:
        raise RulesetError(
            [JSON_BYTES.exceeded(Span.point(file, 1, 1), f"the file is {size:,} bytes")]
        )
    try:
        data = json.loads(
            text,
            parse_float=_decimal,
            parse_int=_int,
            object_pairs_hook=_pairs,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise _malformed(file, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except _TooLong as exc:
        raise RulesetError([_too_long(text, file, str(exc))]) from None
    except _Duplicate as exc:
        key = str(exc)
        raise RulesetError(
            [
                Diagnostic(
                    "RP406",
                    f"duplicate key `{key}`",
                    _Keys(text, file).key(key, last=True),
                    fix="give each attribute once",
                )
            ]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise _malformed(file, f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _malformed(file, f"a citizen must be a JSON object, not {type(data).__name__}")
    return data


def _too_long(text: str, file: str, number: str) -> Diagnostic:
    """RP027 at the longest number in `text` (or at its start)."""
    length, start = longest_digit_run(text)
    if length > DIGITS.value:
        line, col = _position(text, start)
        span = Span(file, line, col, line, col + length)
    else:
        span = Span.point(file, 1, 1)
    shown = number if len(number) <= 30 else f"{number[:12]}…{number[-12:]}"
    return DIGITS.exceeded(span, f"the number `{shown}` is too long")


def _as_fraction(v: Any) -> Fraction | None:
    """A real value: a number, or a string such as "1/3", "0.25" or "-2"; None for anything
    else and for numbers over the digit limit (`_too_long_number` tells those apart)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, Decimal):
        return Fraction(v) if v.is_finite() and not decimal_too_long(str(v)) else None
    if isinstance(v, int | Fraction):
        return None if _too_long_number(v) else Fraction(v)
    if isinstance(v, float):
        return Fraction(repr(v)) if math.isfinite(v) else None
    if not isinstance(v, str):
        return None
    num, slash, den = v.partition("/")
    value = exact_decimal(num)
    if not slash:
        return value
    if value is None or not re.fullmatch(r"\s*[0-9]+\s*", den) or len(den.strip()) > DIGITS.value:
        return None
    d = int(den)
    return value / d if d else None


def _too_long_number(v: Any) -> bool:
    """Whether `v` is a number (or the text of one) over the digit limit."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return int_too_long(v)
    if isinstance(v, Fraction):
        return fraction_too_long(v)
    if isinstance(v, Decimal):
        return v.is_finite() and decimal_too_long(str(v))
    return isinstance(v, str) and (
        any(decimal_too_long(part) for part in v.split("/", 1))
        or longest_digit_run(v)[0] > DIGITS.value
    )


def _convert(attr: M.Attribute, v: Any) -> tuple[M.Value | None, str, str]:
    """(value, code, message): value is None when the raw JSON value is unusable."""
    if _too_long_number(v):  # checked first: such a number cannot even be shown
        return None, DIGITS.code, f"`{attr.name}` is a number with too many digits"
    shown = str(v) if isinstance(v, Decimal | float) else json.dumps(v, default=str)
    match attr.type:
        case M.BoolType():
            if isinstance(v, bool):
                return v, "", ""
            return None, "RP403", f"`{attr.name}` must be true or false, got {shown}"
        case M.IntType(lo, hi):
            if isinstance(v, int) and not isinstance(v, bool):
                if lo <= v <= hi:
                    return v, "", ""
                return None, "RP404", f"`{attr.name}` = {v} is outside its range [{lo}, {hi}]"
            return None, "RP403", f"`{attr.name}` must be a whole number, got {shown}"
        case M.RealType(lo, hi):
            r = _as_fraction(v)
            if r is None:
                return (
                    None,
                    "RP403",
                    (
                        f"`{attr.name}` must be a number or a string such as "
                        f'"1/3" or "0.25", got {shown}'
                    ),
                )
            if lo <= r <= hi:
                return r, "", ""
            return (
                None,
                "RP404",
                (
                    f"`{attr.name}` = {fraction_text(r)} is outside its range "
                    f"[{fraction_text(lo)}, {fraction_text(hi)}]"
                ),
            )
        case M.EnumType(values):
            if not isinstance(v, str):
                return (
                    None,
                    "RP403",
                    f"`{attr.name}` must be one of its values as text, got {shown}",
                )
            if v in values:
                return v, "", ""
            return None, "RP404", f"`{attr.name}` = {shown} is not one of {', '.join(values)}"


Locate = Callable[[str], Span]  # where an attribute's value is (for diagnostics)


def read_citizen(text: str, file: str, ruleset: M.Ruleset) -> dict[str, M.Value]:
    """Validate a citizen JSON text against `ruleset`. Raises `RulesetError` (RP401–RP406)."""
    data = parse_json_object(text, file)
    start = Span.point(file, *_position(text, max(text.find("{"), 0)))
    keys = _Keys(text, file)
    return _validate(data, ruleset, start, keys.key, keys.value)


def citizen_from_python(
    values: object, ruleset: M.Ruleset, file: str = "<citizen>"
) -> dict[str, M.Value]:
    """Validate a citizen given as a Python mapping (attribute name → value) against `ruleset`.

    Returns the citizen with exact values (reals as `Fraction`).

    Raises:
        RulesetError: RP406 not a mapping; RP401–RP405 as `read_citizen`.
    """
    start = Span.point(file, 1, 1)
    if not isinstance(values, Mapping):
        raise _malformed(
            file,
            "a citizen must be a mapping of attribute names to values, not "
            f"{type(values).__name__}",
            fix='pass a dict, e.g. {"debt": 0, "evades": False}',
        )
    data = {k if isinstance(k, str) else repr(k): v for k, v in values.items()}
    return _validate(data, ruleset, start, lambda _: start, lambda _: start)


def _validate(
    data: Mapping[str, Any],
    ruleset: M.Ruleset,
    start: Span,
    key_span: Locate,
    value_span: Locate,
) -> dict[str, M.Value]:
    diags: list[Diagnostic] = []
    citizen: dict[str, M.Value] = {}
    names = [a.name for a in ruleset.attributes]
    unknown = [key for key in data if key not in ruleset.attribute_index]
    for key in unknown[:MAX_LISTED]:
        diags.append(
            Diagnostic(
                "RP402",
                f"unknown attribute `{key}`",
                key_span(key),
                why=f"ruleset `{ruleset.id}` has no attribute `{key}`",
                fix=did_you_mean(key, names) or "remove it",
            )
        )
    if len(unknown) > MAX_LISTED:
        diags.append(_more("RP402", len(unknown) - MAX_LISTED, "unknown attributes", start))
    missing = 0
    for attr in ruleset.attributes:
        if attr.name not in data:
            missing += 1
            if missing <= MAX_LISTED:
                diags.append(
                    Diagnostic(
                        "RP401",
                        f"attribute `{attr.name}` is missing",
                        start,
                        why="a citizen gives a value to every attribute",
                        fix=f'add "{attr.name}": {_example(attr)}',
                    )
                )
            continue
        value, code, message = _convert(attr, data[attr.name])
        if value is None:
            diags.append(
                Diagnostic(
                    code,
                    message,
                    value_span(attr.name),
                    fix=f"write e.g. {_example(attr)} ({attr.type})",
                )
            )
        else:
            citizen[attr.name] = value
    if missing > MAX_LISTED:
        diags.append(_more("RP401", missing - MAX_LISTED, "missing attributes", start))
    if diags:
        raise RulesetError(diags)
    _check_assumptions(ruleset, citizen, start)
    return citizen


def _check_assumptions(ruleset: M.Ruleset, citizen: dict[str, M.Value], start: Span) -> None:
    state = State(ruleset, citizen)
    for asm in ruleset.assumptions:
        if not eval_expr(asm.expr, state.lookup):
            raise RulesetError(
                [
                    Diagnostic(
                        "RP405",
                        f"this citizen is impossible: assume #{asm.index} `{asm.text}` does not "
                        "hold",
                        start,
                        why=f"the ruleset assumes it at {asm.span}; such a citizen cannot "
                        "exist under its rules",
                        fix="change the values so that the assumption holds",
                    )
                ]
            )


def _more(code: str, n: int, what: str, span: Span) -> Diagnostic:
    return Diagnostic(code, f"… and {n:,} more {what}", span, fix="see the ones listed above")


def _example(attr: M.Attribute) -> str:
    return json.dumps(value_json(attr.baseline()))
