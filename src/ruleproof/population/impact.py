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

Quantiles are the lower (inverted-CDF) quantiles of the exact scores.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from ruleproof.errors import Diagnostic, InternalError, RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.exprparse import Origin, parse_expr
from ruleproof.language.typecheck import Scope
from ruleproof.language.types import BOOL, ExprChecker
from ruleproof.language.values import fraction_text, value_json
from ruleproof.population import counterfactual as CF
from ruleproof.population.engines import SOURCE_VIEW, Engine
from ruleproof.population.inputs import (
    Mapping,
    TypedInput,
    category_of,
    load_mapping,
    scales,
    source_columns,
)
from ruleproof.population.numtypes import Unrepresentable
from ruleproof.population.plan import OutcomePlan
from ruleproof.population.query import Counterfactual, PopulationQuery, Region
from ruleproof.semantics.evaluate import evaluate, in_domain

QUANTILES = (
    ("min", Fraction(0)),
    ("p10", Fraction(1, 10)),
    ("p25", Fraction(1, 4)),
    ("median", Fraction(1, 2)),
    ("p75", Fraction(3, 4)),
    ("p90", Fraction(9, 10)),
    ("max", Fraction(1)),
)
FOUR_FIFTHS = Fraction(4, 5)


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
) -> list[list[tuple[str, str]]]:
    """Source columns → `r<i>` raw, `p<i>` parsed, `a<i>` typed and `bad_domain_`."""
    sql_types = {}
    for a in ruleset.attributes:
        if isinstance(a.type, M.IntType | M.RealType):
            try:
                sql_types[a.name] = plan.ranges.name(a.name).sql()
            except Unrepresentable as exc:
                exc.span = a.span
                raise unrepresentable(ruleset, exc) from None
    ti = TypedInput(ruleset, mapping, sc, sql_types, engine.full_match)
    raw, parsed, typed, reasons = [], [], [], []
    for i, a in enumerate(ruleset.attributes):
        col = columns[a.name]
        raw.append((f"r{i}", engine.quote(col)))
        parsed.append((f"p{i}", ti.parsed(a.name, f"r{i}", category_of(types[col]))))
        typed.append((f"a{i}", ti.typed(a.name, f"p{i}")))
        reasons.append(ti.reason(a.name, f"r{i}", f"p{i}", ti.typed(a.name, f"p{i}")))
    bad = f"COALESCE({', '.join(reasons)})" if len(reasons) > 1 else reasons[0]
    return [raw, parsed, [*typed, ("bad_domain_", bad)]]


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
    layers = typed_layers(ruleset, plan, mapping, sc, columns, types, engine)
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
        q = PopulationQuery(plan, layers, SOURCE_VIEW, groups, fav, cfs, regions)
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
    agg = _Aggregate(q, keys, rows)
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
        doc["overall"]["score"] = _quantiles_by_query(engine, q, agg.valid_n)
    if options.examples:
        _examples(engine, q, doc, options.examples)
    return doc


class _Aggregate:
    """The aggregate rows, summed up per group and overall."""

    def __init__(self, q: PopulationQuery, keys: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.q = q
        self.keys = keys
        self.cols = keys + self._value_names()
        self.rows = [dict(zip(self.cols, r, strict=True)) for r in rows]
        self.valid = [r for r in self.rows if r["bad_"] is None]
        self.valid_n = sum(r["n_"] for r in self.valid)

    def _value_names(self) -> list[str]:
        q = self.q
        out = ["n_"]
        if q.favourable is not None:
            out.append("fav_n")
        out += [f"s{i}_n" for i in range(len(q.rs.sanctions))]
        for k in range(len(q.counterfactuals)):
            out += [f"f{k}_{o}_n" for o in ("score", "tier", "sanc", "any")]
        out += [f"p{i}_n" for i in range(len(q.regions))]
        return out

    def invalid(self) -> dict[str, Any]:
        reasons: Counter[str] = Counter()
        for r in self.rows:
            if r["bad_"] is not None:
                reasons[r["bad_"]] += r["n_"]
        listed = [
            {"reason": k, "count": v}
            for k, v in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return {"count": sum(reasons.values()), "reasons": listed, "examples": []}

    def summary(self, member: Any) -> dict[str, Any]:
        rows = [r for r in self.valid if member(r)]
        n = sum(r["n_"] for r in rows)
        out: dict[str, Any] = {"n": n}
        rs = self.q.rs
        if rs.score is not None and self.q.histogram:
            hist: Counter[Any] = Counter()
            for r in rows:
                hist[r["o_score"]] += r["n_"]
            out["score"] = _quantiles(hist, n)
        if rs.tiers:
            tiers: Counter[Any] = Counter()
            for r in rows:
                tiers[r["o_tier"]] += r["n_"]
            order = [t.id for t in rs.tiers] + [None]
            out["tiers"] = [
                {"tier": t, "count": tiers[t]} for t in order if tiers[t] or t is not None
            ]
        out["sanctions"] = {
            s.name: sum(r[f"s{i}_n"] for r in rows) for i, s in enumerate(rs.sanctions)
        }
        if self.q.favourable is not None:
            fav = sum(r["fav_n"] for r in rows)
            out["favourable"] = fav
            out["favourable_rate"] = _rate(fav, n)
        return out

    def groups(self, labels: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for i, label in enumerate(labels):
            values = sorted({r[f"g{i}"] for r in self.valid}, key=_sort_key)
            entries = []
            for v in values:
                entry = {
                    "value": value_json(v),
                    **self.summary(lambda r, v=v, i=i: r[f"g{i}"] == v),
                }
                entries.append(entry)
            _disparate_impact(entries)
            out[label] = entries
        return out

    def counterfactuals(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for k, cf in enumerate(self.q.counterfactuals):
            counts = {
                name: sum(r[f"f{k}_{col}_n"] for r in self.valid)
                for name, col in (
                    ("score", "score"),
                    ("tier", "tier"),
                    ("sanctions", "sanc"),
                    ("any", "any"),
                )
            }
            out[cf.label] = {**counts, "alternatives": len(cf.values), "examples": []}
        return out

    def properties(self) -> list[dict[str, Any]]:
        return [
            {"property": r.label, "count": sum(row[f"p{i}_n"] for row in self.valid)}
            for i, r in enumerate(self.q.regions)
        ]


def _sort_key(v: Any) -> tuple[int, Any]:
    if v is None:
        return (2, "")
    if isinstance(v, str):
        return (1, v)
    return (0, v)


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 6) if n else None


def _disparate_impact(entries: list[dict[str, Any]]) -> None:
    rates = [Fraction(e["favourable"], e["n"]) for e in entries if "favourable" in e and e["n"]]
    if not rates:
        return
    best = max(rates)
    for e in entries:
        if "favourable" not in e or not e["n"] or best == 0:
            continue
        ratio = Fraction(e["favourable"], e["n"]) / best
        e["di_ratio"] = round(float(ratio), 6)
        e["four_fifths_ok"] = ratio >= FOUR_FIFTHS


def _quantiles(hist: Counter[Any], n: int) -> dict[str, Any]:
    if not n:
        return {}
    values = sorted(hist)
    out: dict[str, Any] = {}
    for name, q in QUANTILES:
        rank = max(1, -(-q * n // 1))  # ceil(q * n), at least 1
        seen = 0
        for v in values:
            seen += hist[v]
            if seen >= rank:
                out[name] = value_json(v)
                break
    total = sum(Fraction(v) * c for v, c in hist.items())
    mean: Fraction = round(Fraction(total) / n, 6)
    out["mean"] = fraction_text(mean)
    return out


def _quantiles_by_query(engine: Engine, q: PopulationQuery, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rows = q.rows_sql()
    for name, quant in QUANTILES:
        rank = max(1, int(-(-quant * n // 1)))
        got = engine.rows(
            f"SELECT o_score FROM ({rows}) AS r_ WHERE bad_ IS NULL ORDER BY o_score "
            f"LIMIT 1 OFFSET {rank - 1}",
            f"quantile {name}",
        )
        out[name] = value_json(got[0][0])
    return out


def _examples(engine: Engine, q: PopulationQuery, doc: dict[str, Any], limit: int) -> None:
    rs = q.rs
    attrs_sql = ", ".join(f"a{i}" for i in range(len(rs.attributes)))
    raws = ", ".join(f"r{i}" for i in range(len(rs.attributes)))
    rows_sql = q.rows_sql()
    if doc["invalid_rows"]["count"]:
        got = engine.rows(
            f"SELECT {raws}, bad_ FROM ({rows_sql}) AS r_ WHERE bad_ IS NOT NULL LIMIT {limit}",
            "examples",
        )
        doc["invalid_rows"]["examples"] = [
            {
                "row": {a.name: _jsonable(v) for a, v in zip(rs.attributes, r, strict=False)},
                "reason": r[-1],
            }
            for r in got
        ]
    for k, cf in enumerate(q.counterfactuals):
        entry = doc["counterfactual"][cf.label]
        if not entry["any"]:
            continue
        got = engine.rows(
            f"SELECT {attrs_sql}, f{k}_alt FROM ({rows_sql}) AS r_ "
            f"WHERE bad_ IS NULL AND f{k}_any = 1 LIMIT {limit}",
            "examples",
        )
        entry["examples"] = [_flip_example(rs, cf, r) for r in got]


def _jsonable(v: Any) -> Any:
    if isinstance(v, Fraction):
        return fraction_text(v)
    return v


def _flip_example(rs: M.Ruleset, cf: Counterfactual, row: tuple[Any, ...]) -> dict[str, Any]:
    """A flipped person, re-checked by the reference evaluator (a disagreement is a bug)."""
    citizen: dict[str, M.Value] = {}
    for a, v in zip(rs.attributes, row, strict=False):
        citizen[a.name] = Fraction(v) if isinstance(a.type, M.RealType) else v
    alt = {**citizen, **cf.values[int(row[-1])]}
    if in_domain(rs, citizen) is not None or in_domain(rs, alt) is not None:
        raise InternalError(f"impact: a counterfactual example is not a possible citizen: {alt}")
    before, after = evaluate(rs, citizen), evaluate(rs, alt)
    changes = []
    if before.score != after.score:
        changes.append("score")
    if before.tier != after.tier:
        changes.append("tier")
    if before.sanctions != after.sanctions:
        changes.append("sanctions")
    if not changes:
        raise InternalError(f"impact: SQL says {alt} changes the outcome of {citizen}; it does not")
    return {
        "citizen": {k: value_json(v) for k, v in citizen.items()},
        "changed": {n: value_json(cf.values[int(row[-1])][n]) for n in cf.names},
        "before": _outcome_json(before),
        "after": _outcome_json(after),
        "changes": changes,
    }


def _outcome_json(o: Any) -> dict[str, Any]:
    return {"score": value_json(o.score), "tier": o.tier, "sanctions": list(o.sanctions)}


__all__ = ["Options", "analyse", "build_query", "default_favourable", "defaultdict"]
