"""Reading model files: JSON with exact numbers, and errors that say where.

`load_json(text, file)` parses with every number kept exactly (`Decimal`, never a rounded
float) and turns a syntax error into an RP801 diagnostic at its line and column. `Doc` wraps a
parsed value with its path (`learner.gradient_booster.trees[3]`) so that a missing key or a
value of the wrong kind is reported as "at <path>: expected ..." (RP801), never as a traceback.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.importers.floats import round_decimal, round_to


def model_error(file: str, message: str, fix: str = "", code: str = "RP801") -> RulesetError:
    return RulesetError([Diagnostic(code, message, Span.point(file, 1, 1), fix=fix)])


def load_json(text: str, file: str) -> Any:
    """The JSON value of `text`, numbers as `Decimal` (non-integral) or `int`."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise RulesetError(
            [
                Diagnostic(
                    "RP801",
                    f"malformed JSON: {exc.msg}",
                    Span.point(file, exc.lineno, exc.colno),
                    fix="is this the model file the format names? (e.g. Booster.save_model "
                    "for XGBoost, json.dump(booster.dump_model(), f) for LightGBM)",
                )
            ]
        ) from None
    except RecursionError:
        raise model_error(file, "JSON nests too deeply") from None


def _constant(name: str) -> Decimal:
    return Decimal(name.replace("Infinity", "Inf"))  # NaN, Infinity, -Infinity as Decimal


class Doc:
    """A parsed JSON value and where it is, with typed accessors that fail with RP801."""

    def __init__(self, value: Any, file: str, path: str = "") -> None:
        self.value = value
        self.file = file
        self.path = path

    def fail(self, expected: str) -> NoReturn:
        where = self.path or "the top level"
        shown = json.dumps(self.value, default=str)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        raise model_error(self.file, f"at {where}: expected {expected}, got {shown}")

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def __getitem__(self, key: str | int) -> Doc:
        path = (
            f"{self.path}[{key}]"
            if isinstance(key, int)
            else (f"{self.path}.{key}" if self.path else key)
        )
        if isinstance(key, int):
            if not isinstance(self.value, list) or not 0 <= key < len(self.value):
                self.fail(f"a list with an item {key}")
            return Doc(self.value[key], self.file, path)
        if not isinstance(self.value, dict):
            self.fail(f"an object with key `{key}`")
        if key not in self.value:
            raise model_error(self.file, f"at {self.path or 'the top level'}: no key `{key}`")
        return Doc(self.value[key], self.file, path)

    def get(self, key: str, default: Any = None) -> Doc:
        if self.has(key):
            return self[key]
        return Doc(default, self.file, f"{self.path}.{key}")

    def items(self) -> list[Doc]:
        if not isinstance(self.value, list):
            self.fail("a list")
        return [self[i] for i in range(len(self.value))]

    def text(self) -> str:
        if not isinstance(self.value, str):
            self.fail("text")
        return self.value

    def integer(self) -> int:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | str):
            self.fail("a whole number")
        try:
            return int(v)
        except ValueError:
            self.fail("a whole number")

    def boolean(self) -> bool:
        v = self.value
        if isinstance(v, bool):
            return v
        if isinstance(v, int) and v in (0, 1):
            return bool(v)
        self.fail("true or false")

    def float32(self) -> float:
        """The float32 nearest the number (exactly: rounded once, ties to even)."""
        v = self.value
        if isinstance(v, Decimal) and v.is_finite():
            return round_decimal(32, v)
        return round_to(32, self.number())

    def number(self) -> Fraction:
        """An exact finite number (JSON number or a numeric string such as "5E-1")."""
        v = self.value
        if isinstance(v, bool):
            self.fail("a number")
        if isinstance(v, str):
            try:
                v = Decimal(v.strip())
            except ArithmeticError:
                self.fail("a number")
        if isinstance(v, int):
            return Fraction(v)
        if isinstance(v, Decimal) and v.is_finite():
            return Fraction(v)
        self.fail("a finite number")
