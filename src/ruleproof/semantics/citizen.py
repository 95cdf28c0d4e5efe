"""Citizen files: JSON text → a validated citizen of a ruleset, and citizen values → JSON.

`read_citizen(text, file, ruleset)` accepts one JSON object mapping every attribute to a value
and returns the citizen as `{name: Value}`; the citizen is possible (every value in its range
or enum, every `assume` true) or a `RulesetError` lists what is wrong: RP401 a missing
attribute, RP402 an unknown one, RP403 a value of the wrong type, RP404 a value out of range or
not in the enum, RP405 an `assume` that does not hold, RP406 malformed JSON. Real values may be
JSON numbers (read exactly, never through a float) or strings such as "1/3", "0.25" or "-2".
`value_json` is the inverse for output: reals become exact strings, everything else stays a
JSON scalar.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text, value_json
from ruleproof.semantics.evaluate import State, eval_expr

MAX_CITIZEN_BYTES = 1024 * 1024


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


def _locate(text: str, file: str, key: str, last: bool = False) -> Span:
    """The span of `"key"` in the object (first or last occurrence), else the file start."""
    found = list(re.finditer(re.escape(json.dumps(key)) + r"\s*:", text))
    if not found:
        return Span.point(file, 1, 1)
    m = found[-1] if last else found[0]
    line, col = _position(text, m.start())
    return Span(file, line, col, line, col + len(json.dumps(key)))


def _value_span(text: str, file: str, key: str) -> Span:
    m = re.search(re.escape(json.dumps(key)) + r"\s*:\s*", text)
    if m is None:
        return Span.point(file, 1, 1)
    rest = re.match(r'"(?:[^"\\]|\\.)*"|[^,}\s]+', text[m.end() :])
    line, col = _position(text, m.end())
    return Span(file, line, col, line, col + (len(rest.group(0)) if rest else 1))


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


def parse_json_object(text: str, file: str) -> dict[str, Any]:
    """One JSON object with exact decimals (`Decimal`) and no duplicate keys. Raises RP406."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CITIZEN_BYTES:
        raise _malformed(file, f"file is over the {MAX_CITIZEN_BYTES:,}-byte limit")
    try:
        data = json.loads(
            text, parse_float=Decimal, object_pairs_hook=_pairs, parse_constant=_no_constant
        )
    except json.JSONDecodeError as exc:
        raise _malformed(file, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except _Duplicate as exc:
        key = str(exc)
        raise RulesetError(
            [
                Diagnostic(
                    "RP406",
                    f"duplicate key `{key}`",
                    _locate(text, file, key, last=True),
                    fix="give each attribute once",
                )
            ]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise _malformed(file, f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _malformed(file, f"a citizen must be a JSON object, not {type(data).__name__}")
    return data


def _as_fraction(v: Any) -> Fraction | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | Decimal):
        return Fraction(v)
    if isinstance(v, str) and re.fullmatch(
        r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
        r"(\s*/\s*\d+)?\s*",
        v,
    ):
        try:
            return Fraction(v.replace(" ", ""))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _convert(attr: M.Attribute, v: Any) -> tuple[M.Value | None, str, str]:
    """(value, code, message): value is None when the raw JSON value is unusable."""
    shown = str(v) if isinstance(v, Decimal) else json.dumps(v, default=str)
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


def read_citizen(text: str, file: str, ruleset: M.Ruleset) -> dict[str, M.Value]:
    """Validate a citizen JSON text against `ruleset`. Raises `RulesetError` (RP401–RP406)."""
    data = parse_json_object(text, file)
    start = Span.point(file, *_position(text, max(text.find("{"), 0)))
    diags: list[Diagnostic] = []
    citizen: dict[str, M.Value] = {}
    names = [a.name for a in ruleset.attributes]
    for key in data:
        if key not in ruleset.attribute_index:
            diags.append(
                Diagnostic(
                    "RP402",
                    f"unknown attribute `{key}`",
                    _locate(text, file, key),
                    why=f"ruleset `{ruleset.id}` has no attribute `{key}`",
                    fix=did_you_mean(key, names) or "remove it",
                )
            )
    for attr in ruleset.attributes:
        if attr.name not in data:
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
                    _value_span(text, file, attr.name),
                    fix=f"write e.g. {_example(attr)} ({attr.type})",
                )
            )
        else:
            citizen[attr.name] = value
    if diags:
        raise RulesetError(diags)
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
    return citizen


def _example(attr: M.Attribute) -> str:
    return json.dumps(value_json(attr.baseline()))
