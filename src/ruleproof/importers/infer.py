"""Features inferred from a data file (CSV with a header row) instead of FEATURES.yaml.

Each column that the model reads becomes an attribute: `bool` when its values are 0 and 1,
`int` or `real` with the range the data shows (exact, from the text), else `enum` of the
distinct texts in sorted order (coded 0, 1, … in that order, like pandas' categorical codes).
Empty cells and `NA`/`NaN` mark a missing value: the attribute then gets a `<name>_missing`
companion. Names are made identifiers (`credit amount` → `credit_amount`). The ranges are what
the data shows, not what is possible: for properties about every possible applicant, write a
FEATURES.yaml with the ranges policy allows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from fractions import Fraction

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.importers.features import Declared, Feature, FeatureMap
from ruleproof.importers.floats import parse_float_text
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset.names import RESERVED

NA = {"", "na", "nan", "null", "none", "n/a"}


def _identifier(name: str, taken: set[str]) -> str:
    ident = re.sub(r"\W+", "_", name.strip()).strip("_") or "feature"
    if ident[0].isdigit() or ident in RESERVED:
        ident = "f_" + ident
    out, k = ident, 2
    while out in taken:
        out, k = f"{ident}_{k}", k + 1
    taken.add(out)
    return out


def _type(values: list[str], name: str, span: Span) -> M.AttrType:
    try:
        numbers = [parse_float_text(v) for v in values]
    except ValueError:
        texts = sorted(set(values))
        bad = [v for v in texts if "'" in v or "\\" in v or "\n" in v]
        if bad:
            raise RulesetError(
                [
                    Diagnostic(
                        "RP803",
                        f"column `{name}` has a value with a quote or backslash: {bad[0]!r}",
                        span,
                    )
                ]
            ) from None
        return M.EnumType(tuple(texts))
    if not numbers:
        return M.BoolType()
    if set(numbers) <= {Fraction(0), Fraction(1)}:
        return M.BoolType()
    lo, hi = min(numbers), max(numbers)
    if all(q.denominator == 1 for q in numbers):
        return M.IntType(int(lo), int(hi))
    return M.RealType(lo, hi)


def infer_features(text: str, file: str, keep: Collection[str] | None = None) -> FeatureMap:
    """A `FeatureMap` for the columns of a CSV (only those in `keep`, if given)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0]:
        raise RulesetError(
            [Diagnostic("RP803", "the data file has no header row", Span.point(file, 1, 1))]
        )
    header = rows[0]
    taken: set[str] = set()
    declared: list[Declared] = []
    features: dict[str, Feature] = {}
    for col, name in enumerate(header):
        if keep is not None and name not in keep:
            continue
        span = Span.point(file, 1, 1)
        cells = [r[col].strip() if col < len(r) else "" for r in rows[1:] if any(r)]
        present = [c for c in cells if c.lower() not in NA]
        attr = _identifier(name, taken)
        missing = _identifier(f"{attr}_missing", taken) if len(present) < len(cells) else None
        t = _type(present, name, span)
        a = M.Attribute(attr, t, doc=f"column `{name}` of {file}", span=span)
        declared.append(Declared(a, "no", _codes(t), missing))
        features[name] = Feature(name, attr, None, span)
    return FeatureMap(tuple(declared), features, file)


def _codes(t: M.AttrType) -> dict[str, float] | None:
    if isinstance(t, M.EnumType):
        return {v: float(i) for i, v in enumerate(t.values)}
    return None
