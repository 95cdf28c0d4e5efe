"""Benchmark of `ruleproof impact` (issue 16): DuckDB throughput, counterfactuals, scale, Spark.

Runs on the 100-rule generated ruleset of `benchmarks/generate.py` and synthetic populations
generated inside DuckDB (`ruleproof.population.synthetic`), per seed:

- citizens/s: the aggregate impact query (score, tier, sanctions, favourable, groups) over
  `--rows` people read from Parquet, without and with a counterfactual over `e11` (an enum the
  rules read: 3 other values) and over `x6` (an int with 25 thresholds: 26 representatives);
- the same rates normalised by the process's CPU time (rows / (CPU seconds / 2)): what two free
  cores would give, since the machine is shared and wall time depends on its load;
- a hand-written minimal DuckDB query for the same ruleset (one CASE per rule, no validation,
  no counterfactual): the ceiling of this machine for the naive form;
- the compiled Python evaluator (`ruleproof.semantics.compiled`) on a sample, for the speed-up;
- end to end at `--scale-rows` people (generation in the engine included);
- Spark local[2] on the same Parquet file: the report must equal DuckDB's (with `--spark`);
- peak resident memory of this process.

Prints the median and the worst case over seeds and writes benchmarks/results/impact.md.
Usage: python benchmarks/impact.py [--rows 1000000] [--scale-rows 10000000 100000000] [--seeds 3]
       [--spark]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from ruleproof.language.load_ruleset import load_text
from ruleproof.population.engines import DuckDBEngine, SparkEngine
from ruleproof.population.impact import Options, analyse
from ruleproof.population.synthetic import synthetic_sql
from ruleproof.semantics.compiled import compile_ruleset

RESULTS = Path(__file__).resolve().parent / "results" / "impact.md"


def _timed(work: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = work()
    return time.perf_counter() - t, out


def _cpu_timed(work: Any) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds of this process (all threads) and the result."""
    t, c = time.perf_counter(), time.process_time()
    out = work()
    return time.perf_counter() - t, time.process_time() - c, out


def _sqlish(text: str) -> str:
    """A rule-language condition of the generated ruleset as plain SQL (its operators only)."""
    import re

    s = text.replace("==", "=").replace(" and ", " AND ").replace(" or ", " OR ")
    s = s.replace("not ", "NOT ").replace("True", "TRUE")
    return re.sub(r"(\w+) // (\d+)", r"CAST(FLOOR(\1 / \2) AS BIGINT)", s)


def _ceiling(ruleset: Any, parquet: str) -> tuple[float, float]:
    """A hand-written minimal query: score (one CASE per rule), tier, groups; no validation."""
    from ruleproof.language.pretty import pretty

    sc = ruleset.score
    terms = " + ".join(
        f"CASE WHEN {_sqlish(pretty(r.when))} THEN {_sqlish(pretty(r.add))} ELSE 0 END"
        for r in sc.rules
    )
    tiers = " ".join(f"WHEN {_sqlish(pretty(t.when))} THEN '{t.id}'" for t in ruleset.tiers)
    con = DuckDBEngine(threads=2).con
    sql = (
        f"SELECT religion, tier, score, count(*) FROM (SELECT religion, score, CASE {tiers} END "
        f"AS tier FROM (SELECT religion, {sc.base} + {terms} AS score FROM "
        f"read_parquet('{parquet}'))) GROUP BY ALL"
    )
    wall, cpu, _ = _cpu_timed(lambda: con.execute(sql).fetchall())
    return wall, cpu


def _python_rate(ruleset: Any, parquet: str, n: int) -> tuple[float, float]:
    """People per second of the compiled Python evaluator: wall clock and per CPU second."""
    import duckdb

    names = [a.name for a in ruleset.attributes]
    rows = duckdb.connect().execute(f"SELECT * FROM read_parquet('{parquet}') LIMIT {n}").fetchall()
    people = [dict(zip(names, r, strict=True)) for r in rows]
    compiled = compile_ruleset(ruleset)
    wall, cpu, _ = _cpu_timed(lambda: [compiled.outputs(p) for p in people])
    return len(people) / wall, len(people) / cpu


def run_seed(
    ruleset: Any, seed: int, rows: int, tmp: Path, spark: SparkEngine | None
) -> dict[str, Any]:
    eng = DuckDBEngine()
    parquet = str(tmp / f"pop{seed}.parquet")
    eng.con.execute(
        f"COPY ({synthetic_sql(ruleset, rows, eng, seed=seed)}) TO '{parquet}' (FORMAT parquet)"
    )
    by = ("religion",)
    out: dict[str, Any] = {"seed": seed}
    for label, cf in (("plain", ()), ("cf_e11", ("e11",)), ("cf_x6", ("x6",))):
        opts = Options(by=by, counterfactual=cf, examples=0)
        wall, cpu, doc = _cpu_timed(lambda o=opts: analyse(ruleset, parquet, DuckDBEngine(), o))
        out[f"{label}_rate"] = rows / wall
        out[f"{label}_cpu_rate"] = rows / (cpu / 2)
        if cf:
            out[f"{label}_alts"] = doc["counterfactual"][cf[0]]["alternatives"]
        if label == "cf_e11":
            cf_doc = doc
    wall, cpu = _ceiling(ruleset, parquet)
    out["ceiling_rate"], out["ceiling_cpu_rate"] = rows / wall, rows / (cpu / 2)
    out["python_rate"], out["python_cpu_rate"] = _python_rate(ruleset, parquet, 20_000)
    if spark is not None:
        opts = Options(by=by, counterfactual=("e11",), examples=0)
        sdt, sdoc = _timed(lambda: analyse(ruleset, parquet, spark, opts))
        same = {k: v for k, v in sdoc.items() if k != "engine"} == {
            k: v for k, v in cf_doc.items() if k != "engine"
        }
        out["spark_same"] = same
        out["spark_seconds"] = sdt
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--scale-rows", type=int, nargs="*", default=[], help="end-to-end sizes")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--spark", action="store_true")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args(argv)
    g = generate(100, 20, False, 0)
    ruleset = load_text(g.text, "generated-100.yaml")
    spark = SparkEngine("local[2]") if args.spark else None
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seeds):
            r = run_seed(ruleset, seed, args.rows, Path(tmp), spark)
            print(json.dumps({k: round(v) if isinstance(v, float) else v for k, v in r.items()}))
            results.append(r)
    scale = []
    for n in args.scale_rows:
        opts = Options(by=("religion",), examples=0)
        wall, cpu, doc = _cpu_timed(
            lambda n=n, o=opts: analyse(ruleset, f"synthetic:{n}", DuckDBEngine(), o)
        )
        assert doc["rows"] + doc["invalid_rows"]["count"] == n
        scale.append((n, wall, cpu))
        print(f"end to end: {n} synthetic people in {wall:.1f} s (CPU {cpu:.1f} s)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = _report(results, args, scale, peak_mb)
    print("\n".join(lines))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


def _report(results: list[dict[str, Any]], args: Any, scale: Any, peak_mb: float) -> list[str]:
    def med_worst(key: str) -> str:
        vals = [r[key] for r in results]
        return f"{statistics.median(vals) / 1e6:.2f} M/s (worst {min(vals) / 1e6:.2f})"

    def row(label: str, target: str, key: str) -> str:
        return (
            f"| {label} | {target} | {med_worst(key + '_rate')} | {med_worst(key + '_cpu_rate')} |"
        )

    speedups = [r["plain_rate"] / r["python_rate"] for r in results]
    cpu_speedups = [r["plain_cpu_rate"] / 2 / r["python_cpu_rate"] for r in results]
    alts = (results[0]["cf_e11_alts"], results[0]["cf_x6_alts"])
    lines = [
        "# impact benchmark (issue 16)",
        "",
        f"Generated by `python benchmarks/impact.py --rows {args.rows} --seeds {args.seeds}"
        + (f" --scale-rows {' '.join(map(str, args.scale_rows))}" if args.scale_rows else "")
        + (" --spark" if args.spark else "")
        + "` on this machine (2 cores, shared with other jobs while it ran: wall-clock rates",
        "depend on their load; the CPU column is rows per CPU second of this process times two,",
        "what two free cores give). 100-rule generated ruleset (20 attributes, 7 sanctions,",
        "3 tiers); synthetic people generated in DuckDB and read from Parquet. Median and worst",
        "over seeds.",
        "",
        "| measure | target | wall clock | CPU-normalised (2 cores) |",
        "|---|---|---|---|",
        row("DuckDB citizens/s (score, tier, sanctions, groups)", "≥ 5 M/s", "plain"),
        row(f"with counterfactual `e11` ({alts[0]} alternatives): people/s", "≥ 2.5 M/s", "cf_e11"),
        row(f"with counterfactual `x6` ({alts[1]} alternatives): people/s", "", "cf_x6"),
        row("hand-written minimal DuckDB query (one CASE per rule): ceiling", "", "ceiling"),
        f"| compiled Python evaluator (1 thread) | | {med_worst('python_rate')} | "
        f"{med_worst('python_cpu_rate')} per CPU second |",
        f"| DuckDB over compiled Python | ≥ 100× | {statistics.median(speedups):.0f}× "
        f"(worst {min(speedups):.0f}×) | {statistics.median(cpu_speedups):.0f}× per CPU second "
        f"(worst {min(cpu_speedups):.0f}×) |",
    ]
    for n, wall, cpu in scale:
        lines.append(
            f"| {n:,} synthetic people end to end | ≤ 60 s | {wall:.1f} s | {cpu / 2:.1f} s |"
        )
    if any("spark_same" in r for r in results):
        same = all(r.get("spark_same") for r in results)
        secs = statistics.median(r["spark_seconds"] for r in results)
        lines.append(
            f"| Spark local[2] report equals DuckDB's (counterfactual `e11`) | bit for bit | "
            f"{'yes' if same else 'NO'} ({secs:.1f} s per run) | |"
        )
    lines.append(
        f"| peak resident memory of the benchmark process | bounded | {peak_mb:.0f} MB | |"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
