"""Population impact: what a ruleset does to the people in a data set (`ruleproof impact`).

`analyse(ruleset, data, engine, options)` runs one aggregate query (plus small follow-ups for
examples and, for wide score ranges, quantiles) and returns the report as a JSON-ready dict:

- `rows` (people scored) and `invalid_rows` (`count`, `reasons` with counts, a few `examples`):
  a row whose values break the typed domain or an `assume` is never scored;
- `overall` and `groups` (one entry per `--by` expression, one row per value): people, score
  quantiles, tier counts (`null` for no tier), sanction counts, the favourable outcome count and
  rate, and per group the disparate-impact ratio (its rate over the highest group rate) with
  the four-fifths rule (`four_fifths_ok`: ratio ≥ 0.8);
- `counterfactual` per varied attribute set: how many people get another score, tier, sanction
  set, or any of these for some other possible value (`score`, `tier`, `sanctions`, `any`),
  with examples re-checked by the reference evaluator;
- `properties`: per single-citizen property, how many people lie in its counterexample region.

The query is assembled here (`build_query`: input stage, outcome plan, counterfactual
representatives, property regions); its rows are summed up by `ruleproof.population.aggregate`
and the follow-up queries (wide-score quantiles, examples) live in
`ruleproof.population.examples`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.exprparse import Origin, parse_expr
from ruleproof.language.typecheck import Scope
from ruleproof.language.types import BOOL, ExprChecker
from ruleproof.population import counterfactual as CF
from ruleproof.population.aggregate import Aggregate
from ruleproof.population.engines import SOURCE_VIEW, Engine
from ruleproof.population.examples import add_examples, quantiles_by_query
from ruleproof.population.inputs import (
    Mapping,
    TypedInput,
    category_of,
    domain_check,
    load_mapping,
    scales,
    source_columns,
)
from ruleproof.population.numtypes import Unrepresentable
from ruleproof.population.plan import OutcomePlan
from ruleproof.population.query import Counterfactual, PopulationQuery, Region


@attrs.frozen
class Options:
    by: tuple[str, ...] = ()
    counterfactual: tuple[str, ...] = ()
    favourable: str | None = None
    properties: tuple[str, ...] = ()
    mapping: str | None = None
    table: str | None = None
    examples: int = 5
    keep: tuple[str, ...] = ()  # source columns passed through as k0, k1, … (e.g. a row id)


def parse_option_expr(ruleset: M.Ruleset, text: str, where: str, want_bool: bool) -> E.Expr:
    """A `--by` or `--favourable` expression, parsed and typechecked against the ruleset."""
    e = parse_expr(text, Origin(where, 1, 1))
    diags: list[Diagnostic] = []
    checker = ExprChecker(Scope(ruleset, diags).resolve, diags)
    t = checker.expect(e, BOOL, where) if want_bool else checker.check(e)
    if t is None or any(d.severity == "error" for d in diags):
        raise RulesetError([d for d in diags if d.severity == "error"])
    return e


def default_favourable(ruleset: M.Ruleset) -> str | None:
    """`not sanctioned` when the ruleset has sanctions, else the first tier, else none."""
    if ruleset.sanctions:
        return "not sanctioned"
    if ruleset.tiers:
        return f"tier == '{ruleset.tiers[0].id}'"
    return None


def _regions(ruleset: M.Ruleset, paths: Sequence[str]) -> tuple[list[Region], list[dict[str, Any]]]:
    from ruleproof.language.load_suite import load_properties
    from ruleproof.semantics.templates import queries

    regions: list[Region] = []
    skipped: list[dict[str, Any]] = []
    for path in paths:
        for prop in load_properties(path, ruleset):
            try:
                qs = queries(ruleset, prop)
            except ValueError:
                skipped.append({"property": prop.id, "why": "a path property"})
                continue
            if prop.kind_name == "reachable":
                skipped.append({"property": prop.id, "why": "reachability has no region"})
                continue
            for q in qs:
                if q.citizens != ("a",):
                    skipped.append({"property": prop.id, "why": "it relates several citizens"})
                    continue
                region = E.And((q.assume, E.Not(q.assert_)))
                plain = E.map_vars(region, lambda v: E.Var(v.name, None, v.span))
                label = prop.id + (f" ({q.label})" if q.label else "")
                regions.append(Region(label, plain))
    return regions, skipped


def _plan(ruleset: M.Ruleset, sc: dict[str, int]) -> OutcomePlan:
    try:
        return OutcomePlan(ruleset, sc)
    except Unrepresentable as exc:
        raise unrepresentable(ruleset, exc) from None


def unrepresentable(ruleset: M.Ruleset, exc: Unrepresentable) -> RulesetError:
    """RP701 for a value the portable SQL subset cannot hold exactly."""
    span = exc.span or Span.point(ruleset.file, 1, 1)
    return RulesetError(
        [
            Diagnostic(
                "RP701",
                "this cannot be computed exactly in portable SQL",
                span,
                why=str(exc),
                fix="narrow the attribute ranges this expression reads",
            )
        ]
    )


def typed_layers(
    ruleset: M.Ruleset,
    plan: OutcomePlan,
    mapping: Mapping,
    sc: dict[str, int],
    columns: dict[str, str],
    types: dict[str, str],
    engine: Engine,
) -> tuple[list[list[tuple[str, str]]], list[str]]:
    """Source columns → `r<i>` raw, `p<i>` parsed, `a<i>` typed and `bad_domain_` (a reason
    code), and the reasons' texts by code."""
    sql_types = {}
    for a in ruleset.attributes:
        if isinstance(a.type, M.IntType | M.RealType):
            try:
                sql_types[a.name] = plan.ranges.name(a.name).sql()
            except Unrepresentable as exc:
                exc.span = a.span
                raise unrepresentable(ruleset, exc) from None
    ti = TypedInput(ruleset, mapping, sc, sql_types, engine.full_match)
    raw, parsed, typed = [], [], []
    reasons: list[str] = []
    for i, a in enumerate(ruleset.attributes):
        col = columns[a.name]
        raw.append((f"r{i}", engine.quote(col)))
        parsed.append((f"p{i}", ti.parsed(a.name, f"r{i}", category_of(types[col]))))
        typed.append((f"a{i}", ti.typed(a.name, f"p{i}")))
        reasons += ti.reasons(a.name)
    return [raw, parsed, typed, [domain_check(len(ruleset.attributes))]], reasons


def build_query(
    ruleset: M.Ruleset, data: str, engine: Engine, options: Options
) -> tuple[PopulationQuery, dict[str, Any]]:
    """Register the data (`synthetic:N[:SEED]` generates N people in the engine) and assemble
    the query; the dict holds facts for the report."""
    mapping = load_mapping(options.mapping, ruleset) if options.mapping else Mapping()
    where = options.mapping or data
    sc = scales(ruleset, mapping, where)
    if data.startswith("synthetic:"):
        described = engine.register_sql(_synthetic(ruleset, data, engine, sc))
    else:
        described = engine.register(data, options.table)
    types = dict(described)
    columns = source_columns(ruleset, mapping, [n for n, _ in described], where)
    plan = _plan(ruleset, sc)
    layers, reasons = typed_layers(ruleset, plan, mapping, sc, columns, types, engine)
    layers[0] += [(f"k{i}", engine.quote(c)) for i, c in enumerate(options.keep)]
    groups = [parse_option_expr(ruleset, b, "--by", False) for b in options.by]
    fav_text = options.favourable or default_favourable(ruleset)
    fav = parse_option_expr(ruleset, fav_text, "--favourable", True) if fav_text else None
    cfs = []
    for spec in options.counterfactual:
        names = tuple(n.strip() for n in spec.split(",") if n.strip())
        for n in names:
            CF.check_name(ruleset, n, "--counterfactual")
        values = tuple(CF.alternatives(ruleset, names, sc))
        cfs.append(Counterfactual(spec, names, values))
    regions, skipped = _regions(ruleset, options.properties)
    try:
        q = PopulationQuery(plan, layers, reasons, SOURCE_VIEW, groups, fav, cfs, regions)
        q.rows_sql()
    except Unrepresentable as exc:
        raise unrepresentable(ruleset, exc) from None
    facts = {"favourable": fav_text, "skipped": skipped, "scales": sc}
    return q, facts


def _synthetic(ruleset: M.Ruleset, data: str, engine: Engine, sc: dict[str, int]) -> str:
    from ruleproof.population.synthetic import synthetic_sql

    parts = data.split(":")
    try:
        rows = int(parts[1])
        seed = int(parts[2]) if len(parts) > 2 else 0
    except (IndexError, ValueError):
        raise RulesetError(
            [
                Diagnostic(
                    "RP705",
                    f"`{data}`: expected synthetic:ROWS or synthetic:ROWS:SEED",
                    Span.point(data, 1, 1),
                )
            ]
        ) from None
    return synthetic_sql(ruleset, rows, engine, seed=seed, scales=sc)


def analyse(ruleset: M.Ruleset, data: str, engine: Engine, options: Options) -> dict[str, Any]:
    """The impact report of `ruleset` on the people in `data` (module docstring)."""
    q, facts = build_query(ruleset, data, engine, options)
    keys = q.key_names()
    rows = engine.rows(q.aggregate_sql(), "impact")
    agg = Aggregate(q, keys, rows)
    doc: dict[str, Any] = {
        "format": 1,
        "ruleset": ruleset.id,
        "spec": ruleset.file,
        "data": data,
        "engine": engine.name,
        "rows": agg.valid_n,
        "invalid_rows": agg.invalid(),
        "favourable": facts["favourable"],
        "overall": agg.summary(lambda key: True),
        "groups": agg.groups(options.by),
        "counterfactual": agg.counterfactuals(),
        "properties": agg.properties() + facts["skipped"],
    }
    if not q.histogram and ruleset.score is not None and agg.valid_n:
        doc["overall"]["score"] = quantiles_by_query(engine, q, agg.valid_n)
    if options.examples:
        add_examples(engine, q, doc, options.examples)
    return doc


__all__ = ["Options", "analyse", "build_query", "default_favourable"]
