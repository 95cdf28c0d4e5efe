"""Synthetic populations from a ruleset's typed domain, generated inside the SQL engine.

`synthetic_sql(ruleset, rows, engine, seed, rho)` is a SELECT producing `rows` citizens with one
column per attribute (named after it, typed as the input stage reads it) without any row passing
through Python. Each attribute gets a uniform draw from a Lehmer generator (multiplier 48271
modulo 2^31 - 1, run a few rounds from the row number, the seed and the attribute's index), in
BIGINT arithmetic both engines compute alike, so DuckDB and Spark generate the same rows. The
first protected attribute is drawn first; every other attribute's draw is mixed with it with
weight `rho`, which correlates the protected attribute with the rest (as real data would). About
5 % of each attribute's values sit exactly on the ends of its range. Ints and reals are spread
over the range (reals at `scale` places, exactly); enums and bools over their values.
"""

from __future__ import annotations

from fractions import Fraction

from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text
from ruleproof.population.engines import Engine
from ruleproof.population.sqlexpr import str_literal

MOD = 2**31 - 1
MULT = 48271


def _lehmer(seed_sql: str, rounds: int) -> str:
    x = seed_sql
    for _ in range(rounds):
        x = f"(({x} * {MULT}) % {MOD})"
    return x


def _uniform(index: int, seed: int) -> str:
    """A DOUBLE in [0, 1) for attribute `index` of row `id`."""
    start = f"((id % {MOD - 1}) + {1 + (seed * 7919 + index * 104729) % (MOD - 2)}) % {MOD} + 1"
    return f"(CAST({_lehmer(f'({start})', 3 + index % 3)} AS DOUBLE) / {MOD}.0)"


def _value(a: M.Attribute, u: str, scale: int) -> str:
    t = a.type
    match t:
        case M.BoolType():
            return f"({u} < 0.5)"
        case M.EnumType(values):
            n = len(values)
            cases = " ".join(f"WHEN {i} THEN {str_literal(v)}" for i, v in enumerate(values))
            last = str_literal(values[-1])
            return f"(CASE CAST(FLOOR({u} * {n}) AS BIGINT) {cases} ELSE {last} END)"
        case M.IntType(lo, hi):
            width = hi - lo + 1
            it = "BIGINT" if lo > -(2**62) and hi < 2**62 else "DECIMAL(38,0)"
            inner = f"(CAST({lo} AS {it}) + CAST(FLOOR({u} * {float(width)!r}) AS {it}))"
            return f"LEAST({inner}, CAST({hi} AS {it}))"
        case M.RealType(lo, hi):
            steps = int((hi - lo) * 10**scale)
            unit = fraction_text(Fraction(1, 10**scale)) if scale else "1"
            k = f"CAST(LEAST(FLOOR({u} * {float(steps + 1)!r}), {steps}) AS DECIMAL(38,0))"
            lo_sql = f"CAST('{fraction_text(lo)}' AS DECIMAL(38,{scale}))"
            dec = f"DECIMAL(38,{scale})"
            return f"CAST({lo_sql} + {k} * CAST('{unit}' AS {dec}) AS {dec})"


def _edge(a: M.Attribute, scale: int) -> tuple[str, str] | None:
    t = a.type
    if isinstance(t, M.IntType):
        it = "BIGINT" if t.lo > -(2**62) and t.hi < 2**62 else "DECIMAL(38,0)"
        return f"CAST({t.lo} AS {it})", f"CAST({t.hi} AS {it})"
    if isinstance(t, M.RealType):
        return (
            f"CAST('{fraction_text(t.lo)}' AS DECIMAL(38,{scale}))",
            f"CAST('{fraction_text(t.hi)}' AS DECIMAL(38,{scale}))",
        )
    return None


def synthetic_sql(
    ruleset: M.Ruleset,
    rows: int,
    engine: Engine,
    seed: int = 0,
    rho: float = 0.3,
    scales: dict[str, int] | None = None,
) -> str:
    """A SELECT of `rows` synthetic citizens (module docstring)."""
    scales = scales or {}
    order = list(ruleset.attributes)
    lead = next((a for a in order if a.protected == "true"), None)
    cols = []
    lead_u = _uniform(order.index(lead), seed) if lead is not None else None
    for i, a in enumerate(order):
        u = _uniform(i, seed)
        if lead_u is not None and a is not lead:
            u = f"({1 - rho!r} * {u} + {rho!r} * {lead_u})"
        value = _value(a, u, scales.get(a.name, 0))
        edge = _edge(a, scales.get(a.name, 0))
        if edge is not None:
            pick = _uniform(i + 1000, seed)
            ends = f"WHEN {pick} < 0.025 THEN {edge[0]} WHEN {pick} > 0.975 THEN {edge[1]}"
            value = f"(CASE {ends} ELSE {value} END)"
        cols.append(f"{value} AS {engine.quote(a.name)}")
    return f"SELECT {', '.join(cols)} FROM {engine.range_sql(rows)} AS ids_"
