"""Follow-up queries of an impact report: exact quantiles of wide scores, and examples.

`quantiles_by_query(engine, query, n)` finds each quantile of the score with one ordered query
(for scores too wide for a histogram). `add_examples(engine, query, doc, limit)` adds a few
refused rows with their reasons and, per counterfactual set, a few people whose outcome changes:
each re-checked by the reference evaluator (`ruleproof.semantics.evaluate`); a disagreement is an
internal error, never a finding.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text, value_json
from ruleproof.population.aggregate import QUANTILES
from ruleproof.population.engines import Engine
from ruleproof.population.query import Counterfactual, PopulationQuery
from ruleproof.semantics.evaluate import evaluate, in_domain


def quantiles_by_query(engine: Engine, q: PopulationQuery, n: int) -> dict[str, Any]:
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


def add_examples(engine: Engine, q: PopulationQuery, doc: dict[str, Any], limit: int) -> None:
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
                "reason": q.reasons[r[-1]],
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
