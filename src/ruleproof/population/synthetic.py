"""Synthetic populations from a ruleset's typed domain, generated inside the SQL engine.

`synthetic_sql(ruleset, rows, engine, seed, rho)` is a SELECT producing `rows` citizens with one
column per attribute (named after it, typed as the input stage reads it) without any row passing
through Python. Generation is cheap integer hashing in BIGINT arithmetic that both engines
compute alike, so DuckDB and Spark generate the same rows:

- each row gets a state `h` in [1, P - 1] (P = 2^31 - 1) from its number and the seed by two
  rounds of the Lehmer generator (multiplier 48271 modulo P);
- attribute `i` draws `u_i = ((h * M_i) mod P) / P`, where `M_i` is the multiplier raised to a
  power of its own (computed here, exactly), so every draw costs one product and one remainder
  (the product stays below 2^62);
- 2.5 % of draws (`u_i` below 0.025) take the low end of the range and 2.5 % (above 0.975) the
  high end; the others are rescaled to [0, 1) and mixed with the first protected attribute's draw
  with weight `rho`, which correlates that attribute with every other one (as real data would);
- ints and reals are spread over the range (reals at `scale` places, exactly), enums and bools
  over their values.
"""

from __future__ import annotations

from fractions import Fraction

from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text
from ruleproof.population.engines import Engine
from ruleproof.population.numtypes import decimal_places
from ruleproof.population.sqlexpr import str_literal

P = 2**31 - 1
MULT = 48271
WIDE = 2**40


def _power(k: int) -> int:
    return pow(MULT, k, P)


def _state(seed: int) -> str:
    """The row's state in [1, P - 1] from its number `id` and the seed."""
    offset = (seed * 7919) % (P - 1)
    start = f"(((id + {offset}) % {P - 1}) + 1)"
    return f"((({start} * {_power(2)}) % {P}) * {_power(3)}) % {P}"


def _draw(i: int) -> str:
    """Attribute `i`'s uniform DOUBLE in (0, 1), from the state `h_`."""
    return f"(CAST((h_ * {_power(101 + 7 * i)}) % {P} AS DOUBLE) / CAST({P} AS DOUBLE))"


def _dbl(v: int) -> str:
    return f"CAST({v} AS DOUBLE)"


def _value(a: M.Attribute, u: str, scale: int) -> str:
    t = a.type
    match t:
        case M.BoolType():
            return f"({u} < {_dbl(1)} / {_dbl(2)})"
        case M.EnumType(values):
            n = len(values)
            cases = " ".join(f"WHEN {i} THEN {str_literal(v)}" for i, v in enumerate(values))
            last = str_literal(values[-1])
            return f"(CASE CAST(FLOOR({u} * {_dbl(n)}) AS BIGINT) {cases} ELSE {last} END)"
        case M.IntType(lo, hi):
            return _grid(u, Fraction(lo), hi - lo, Fraction(1), _int_type(t))
        case M.RealType(lo, hi):
            steps = int((hi - lo) * 10**scale)
            return _grid(u, lo, steps, Fraction(1, 10**scale), f"DECIMAL(38,{scale})")


def _grid(u: str, lo: Fraction, n: int, unit: Fraction, typ: str) -> str:
    """`lo + k * unit` for k spread over 0..n by the uniform `u`; beyond `WIDE` grid points, k
    takes 2^31 evenly spaced values (FLOOR of a DOUBLE stays far inside BIGINT either way)."""
    wide = "BIGINT" if typ == "BIGINT" else "DECIMAL(38,0)"  # holds every k * stride <= n
    if n < WIDE:
        k = f"CAST(LEAST(FLOOR({u} * {_dbl(n + 1)}), {_dbl(n)}) AS {wide})"
    else:
        k = f"(CAST(FLOOR({u} * {_dbl(2**31)}) AS {wide}) * CAST({n // 2**31} AS {wide}))"
    if unit == 1:
        return f"(CAST('{fraction_text(lo)}' AS {typ}) + CAST({k} AS {typ}))"
    # the fewest digits each operand needs, so Spark's decimal rules never round a product
    s = decimal_places(unit) or 0
    lo_sql = f"CAST('{fraction_text(lo)}' AS DECIMAL({len(str(abs(int(lo * 10**s)))) + s + 1},{s}))"
    k_sql = f"CAST({k} AS DECIMAL({len(str(n))},0))"
    step = f"(CAST('{fraction_text(unit)}' AS DECIMAL({s + 1},{s})) * {k_sql})"
    return f"CAST({lo_sql} + {step} AS {typ})"


def _int_type(t: M.IntType) -> str:
    return "BIGINT" if t.lo > -(2**62) and t.hi < 2**62 else "DECIMAL(38,0)"


def _ends(a: M.Attribute, scale: int) -> tuple[str, str] | None:
    t = a.type
    if isinstance(t, M.IntType):
        it = _int_type(t)
        return f"CAST({t.lo} AS {it})", f"CAST({t.hi} AS {it})"
    if isinstance(t, M.RealType):
        dec = f"DECIMAL(38,{scale})"
        return f"CAST('{fraction_text(t.lo)}' AS {dec})", f"CAST('{fraction_text(t.hi)}' AS {dec})"
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
    lead = next((i for i, a in enumerate(order) if a.protected == "true"), None)
    draws = ", ".join(f"{_draw(i)} AS u{i}" for i in range(len(order)))
    inner = (
        f"SELECT {draws} FROM (SELECT {_state(seed)} AS h_ FROM {engine.range_sql(rows)} "
        "AS ids_) AS h_"
    )
    cols = []
    for i, a in enumerate(order):
        ends = _ends(a, scales.get(a.name, 0))
        u = f"u{i}"
        if ends is not None:  # the draws between the edges, rescaled to [0, 1]
            u = f"((u{i} - {_dbl(1)} / {_dbl(40)}) / ({_dbl(19)} / {_dbl(20)}))"
        if lead is not None and i != lead:
            w = Fraction(rho).limit_denominator(1000)
            keep = f"{_dbl(w.denominator - w.numerator)} / {_dbl(w.denominator)}"
            mix = f"{_dbl(w.numerator)} / {_dbl(w.denominator)}"
            u = f"({keep} * {u} + {mix} * u{lead})"
        value = _value(a, u, scales.get(a.name, 0))
        if ends is not None:
            edge = f"{_dbl(1)} / {_dbl(40)}"
            value = (
                f"(CASE WHEN u{i} < {edge} THEN {ends[0]} "
                f"WHEN u{i} > {_dbl(1)} - {edge} THEN {ends[1]} ELSE {value} END)"
            )
        cols.append(f"{value} AS {engine.quote(a.name)}")
    return f"SELECT {', '.join(cols)} FROM ({inner}) AS u_"
