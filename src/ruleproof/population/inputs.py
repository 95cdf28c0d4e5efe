"""Input columns → typed attribute columns, with a reason for every row that is not possible.

A data source has columns of some engine types. Each attribute reads one column (its own name,
or the one a mapping file names) and becomes the typed column the compiled ruleset reads: BOOLEAN,
BIGINT or DECIMAL(p, s) (the attribute's `NumType`), or a string for an enum. A value that does
not parse exactly, or lies outside the declared range or enum, makes the typed value NULL and
gives the row a reason (the first failing attribute, in declaration order); such rows are counted
and never scored. Text is parsed strictly so both engines read it alike: ints are `[+-]digits`;
reals are plain decimals with at most the attribute's scale of significant places (more places
are refused, never rounded); bools are `true`/`false`/`1`/`0` in any case; enum values match
exactly. A DOUBLE column of a real attribute is read as the decimal at the attribute's scale that
equals it, and refused when none does.

A mapping file (YAML) may say `columns: {attribute: column}`, `values: {attribute: {raw: value}}`
(a code table applied to the column's text first) and `scale: {attribute: places}` for reals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import attrs
import yaml

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text
from ruleproof.population.numtypes import decimal_places
from ruleproof.population.sqlexpr import str_literal

DEFAULT_SCALE = 6
Category = str  # "text", "bool", "int", "decimal", "float", "other"
FullMatch = Callable[[str, str], str]  # (sql text expression, regex) → bool SQL (dialect)


@attrs.frozen
class Mapping:
    columns: dict[str, str] = attrs.field(factory=dict)
    values: dict[str, dict[str, str]] = attrs.field(factory=dict)
    scales: dict[str, int] = attrs.field(factory=dict)


def _bad(path: str, message: str, fix: str = "") -> RulesetError:
    return RulesetError([Diagnostic("RP702", message, Span.point(path, 1, 1), fix=fix)])


def load_mapping(path: str, ruleset: M.Ruleset) -> Mapping:
    """Read a mapping file; raises `RulesetError` (RP702) when it is malformed."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _bad(path, f"cannot read the mapping file: {exc}") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict) or set(doc) - {"columns", "values", "scale"}:
        raise _bad(path, "a mapping file has only the keys `columns`, `values` and `scale`")
    names = [a.name for a in ruleset.attributes]

    def section(key: str) -> dict[str, object]:
        part = doc.get(key) or {}
        if not isinstance(part, dict):
            raise _bad(path, f"`{key}` must map attribute names to values")
        for k in part:
            if str(k) not in names:
                hint = did_you_mean(str(k), names)
                raise _bad(path, f"`{key}` names `{k}`, which is no attribute", hint)
        return {str(k): v for k, v in part.items()}

    columns = {k: str(v) for k, v in section("columns").items()}
    values: dict[str, dict[str, str]] = {}
    for k, table in section("values").items():
        if not isinstance(table, dict):
            raise _bad(path, f"`values.{k}` must map raw values to attribute values")
        values[k] = {_yaml_text(raw): _yaml_text(v) for raw, v in table.items()}
    scales: dict[str, int] = {}
    for k, v in section("scale").items():
        if not isinstance(ruleset.attribute(k).type, M.RealType):
            raise _bad(path, f"`scale.{k}`: only real attributes have a scale")
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 30:
            raise _bad(path, f"`scale.{k}` must be an int from 0 to 30, got {v!r}")
        scales[k] = v
    return Mapping(columns, values, scales)


def _yaml_text(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def literal_places(ruleset: M.Ruleset) -> int:
    """The most decimal places of any real literal or real range end of the ruleset."""
    places = 0
    exprs: list[E.Expr] = [a.expr for a in ruleset.assumptions] + [d.expr for d in ruleset.defines]
    if ruleset.score:
        exprs += [x for r in ruleset.score.rules for x in (r.when, r.add)]
    exprs += [t.when for t in ruleset.tiers] + [s.when for s in ruleset.sanctions]
    stack = list(exprs)
    while stack:
        node = stack.pop()
        if isinstance(node, E.RealLit):
            places = max(places, decimal_places(node.value) or 0)
        stack.extend(E.children(node))
    for a in ruleset.attributes:
        if isinstance(a.type, M.RealType):
            places = max(places, decimal_places(a.type.lo) or 0, decimal_places(a.type.hi) or 0)
    return places


def scales(ruleset: M.Ruleset, mapping: Mapping, where: str) -> dict[str, int]:
    """Each real attribute's scale: the mapping's, else `DEFAULT_SCALE`, and always at least one
    place more than any literal or range end (so every value class between thresholds has a
    representative at that scale)."""
    need = literal_places(ruleset) + 1
    out: dict[str, int] = {}
    for a in ruleset.attributes:
        if not isinstance(a.type, M.RealType):
            continue
        s = mapping.scales.get(a.name, max(DEFAULT_SCALE, need))
        if s < need:
            raise _bad(
                where,
                f"`scale.{a.name}` is {s}, but the ruleset's literals need {need} places",
                fix=f"set `scale: {{{a.name}: {need}}}` or more",
            )
        out[a.name] = s
    return out


def source_columns(
    ruleset: M.Ruleset, mapping: Mapping, available: Sequence[str], where: str
) -> dict[str, str]:
    """Attribute → source column; raises RP702 for a column the data lacks."""
    out = {}
    for a in ruleset.attributes:
        col = mapping.columns.get(a.name, a.name)
        if col not in available:
            hint = did_you_mean(col, available)
            raise _bad(
                where,
                f"the data has no column `{col}` for attribute `{a.name}`",
                hint
                or f"map it in a mapping file: `columns: {{{a.name}: <column>}}`; the data "
                f"has {', '.join(available[:20])}",
            )
        out[a.name] = col
    return out


class TypedInput:
    """The two projections from source columns to typed attribute columns and a reason."""

    def __init__(
        self,
        ruleset: M.Ruleset,
        mapping: Mapping,
        scales: dict[str, int],
        sql_types: dict[str, str],
        full_match: FullMatch,
    ) -> None:
        self.ruleset, self.mapping, self.scales = ruleset, mapping, scales
        self.sql_types = sql_types  # attribute → its typed column's SQL type (numbers)
        self.full_match = full_match
        self.narrow: dict[str, bool] = {}  # int attributes parsed straight into BIGINT

    def parsed(self, name: str, col: str, category: Category) -> str:
        """SQL parsing the source column `col` (quoted) into a wide exact value, or NULL."""
        t = self.ruleset.attribute(name).type
        if name in self.mapping.values:
            col = _recode(f"CAST({col} AS STRING)", self.mapping.values[name])
            category = "text"
        match t:
            case M.BoolType():
                return self._bool(col, category)
            case M.EnumType(values):
                text = col if category == "text" else f"CAST({col} AS STRING)"
                opts = ", ".join(str_literal(v) for v in values)
                return f"(CASE WHEN {text} IN ({opts}) THEN {text} END)"
            case M.IntType():
                narrow = category == "int" and self.sql_types[name] == "BIGINT"
                self.narrow[name] = narrow
                return self._number(col, category, 0, narrow)
            case M.RealType():
                return self._number(col, category, self.scales[name])

    def _bool(self, col: str, category: Category) -> str:
        if category == "bool":
            return col
        if category in ("int", "decimal"):
            return f"(CASE WHEN {col} = 1 THEN TRUE WHEN {col} = 0 THEN FALSE END)"
        text = f"lower(trim(CAST({col} AS STRING)))"
        return (
            f"(CASE WHEN {text} IN ('true', '1') THEN TRUE "
            f"WHEN {text} IN ('false', '0') THEN FALSE END)"
        )

    def _number(self, col: str, category: Category, scale: int, narrow: bool = False) -> str:
        wide = "BIGINT" if narrow else f"DECIMAL(38,{scale})"
        if category == "int":
            return f"TRY_CAST({col} AS {wide})"
        if category in ("decimal", "float"):
            return (
                f"(CASE WHEN TRY_CAST({col} AS {wide}) = {col} THEN TRY_CAST({col} AS {wide}) END)"
            )
        text = f"trim(CAST({col} AS STRING))"
        if scale == 0:
            ok = self.full_match(text, "[+-]?[0-9]+")
        else:
            syntax = self.full_match(text, "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)")
            extra = self.full_match(text, f"[^.]*[.][0-9]{{{scale}}}[0-9]*[1-9][0-9]*")
            ok = f"({syntax} AND NOT {extra})"
        return f"(CASE WHEN {ok} THEN TRY_CAST({text} AS {wide}) END)"

    def typed(self, name: str, parsed: str) -> str:
        """SQL turning the parsed value (a column name) into the typed value, NULL outside the
        declared range."""
        t = self.ruleset.attribute(name).type
        if isinstance(t, M.IntType | M.RealType):
            s = self.scales.get(name, 0)
            want = self.sql_types[name]
            wide = "BIGINT" if self.narrow.get(name) else f"DECIMAL(38,{s})"
            lo = f"CAST('{fraction_text(Fraction(t.lo))}' AS {wide})"
            hi = f"CAST('{fraction_text(Fraction(t.hi))}' AS {wide})"
            inside = f"{parsed} >= {lo} AND {parsed} <= {hi}"
            return f"(CASE WHEN {inside} THEN CAST({parsed} AS {want}) END)"
        return parsed

    def reason(self, name: str, raw: str, parsed: str, typed: str) -> str:
        """SQL for this attribute's reason to refuse the row, or NULL."""
        t = self.ruleset.attribute(name).type
        what = {
            M.BoolType: "not a bool (true/false/1/0)",
            M.IntType: "not an int",
            M.RealType: f"not a decimal with at most {self.scales.get(name, 0)} places",
            M.EnumType: f"not one of {t}",
        }[type(t)]
        return (
            f"(CASE WHEN {raw} IS NULL THEN {str_literal(f'`{name}` is missing')} "
            f"WHEN {parsed} IS NULL THEN {str_literal(f'`{name}` is {what}')} "
            f"WHEN {typed} IS NULL THEN {str_literal(f'`{name}` is outside {t}')} END)"
        )


def _recode(text: str, table: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {str_literal(k)} THEN {str_literal(v)}" for k, v in table.items())
    return f"(CASE {text} {cases} ELSE {text} END)"


def category_of(engine_type: str) -> Category:
    """An engine's column type name, as one of the categories the parser distinguishes."""
    t = engine_type.upper()
    if t in ("VARCHAR", "STRING", "TEXT") or t.startswith(("VARCHAR", "CHAR")):
        return "text"
    if t == "BOOLEAN":
        return "bool"
    if t in (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "INT",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "LONG",
        "SHORT",
        "BYTE",
    ):
        return "int"
    if t.startswith("DECIMAL"):
        return "decimal"
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return "float"
    return "other"
