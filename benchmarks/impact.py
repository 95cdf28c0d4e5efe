"""Benchmark of `ruleproof impact` (issue 16): DuckDB throughput, counterfactuals, scale, Spark.

Runs on the 100-rule generated ruleset of `benchmarks/generate.py` and synthetic populations
generated inside DuckDB (`ruleproof.population.synthetic`), per seed:

- evaluations/s: the aggregate impact query (score, tier, sanctions, favourable, groups) over
  `--rows` people read from Parquet, without and with a counterfactual over the protected
  characteristic (people × alternatives counted as evaluations);
- the compiled Python evaluator (`ruleproof.semantics.compiled`) on a sample, for the speed-up;
- end to end at `--scale-rows` people (generation in the engine included);
- Spark local[2] on the same Parquet file: the report must equal DuckDB's (with `--spark`);
- peak resident memory of this process.

Prints the median and the worst case over seeds and writes benchmarks/results/impact.md.
Usage: python benchmarks/impact.py [--rows 2000000] [--scale-rows 100000000] [--seeds 3] [--spark]
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


def _python_rate(ruleset: Any, parquet: str, n: int) -> float:
    import duckdb

    names = [a.name for a in ruleset.attributes]
    rows = duckdb.connect().execute(f"SELECT * FROM read_parquet('{parquet}') LIMIT {n}").fetchall()
    people = [dict(zip(names, r, strict=True)) for r in rows]
    compiled = compile_ruleset(ruleset)
    dt, _ = _timed(lambda: [compiled.outputs(p) for p in people])
    return len(people) / dt


def run_seed(
    ruleset: Any, seed: int, rows: int, tmp: Path, spark: SparkEngine | None
) -> dict[str, Any]:
    eng = DuckDBEngine()
    parquet = str(tmp / f"pop{seed}.parquet")
    eng.con.execute(
        f"COPY ({synthetic_sql(ruleset, rows, eng, seed=seed)}) TO '{parquet}' (FORMAT parquet)"
    )
    by = ("religion",)
    plain, _doc = _timed(
        lambda: analyse(ruleset, parquet, DuckDBEngine(), Options(by=by, examples=0))
    )
    cf_opts = Options(by=by, counterfactual=("religion",), examples=0)
    cf, cf_doc = _timed(lambda: analyse(ruleset, parquet, DuckDBEngine(), cf_opts))
    alts = cf_doc["counterfactual"]["religion"]["alternatives"]
    out = {
        "seed": seed,
        "rate": rows / plain,
        "cf_rate": rows / cf,
        "cf_eval_rate": rows * (1 + alts) / cf,
        "python_rate": _python_rate(ruleset, parquet, 20_000),
    }
    if spark is not None:
        sdt, sdoc = _timed(lambda: analyse(ruleset, parquet, spark, cf_opts))
        same = {k: v for k, v in sdoc.items() if k != "engine"} == {
            k: v for k, v in cf_doc.items() if k != "engine"
        }
        out["spark_same"] = same
        out["spark_seconds"] = sdt
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--rows", type=int, default=2_000_000)
    p.add_argument("--scale-rows", type=int, default=0, help="end-to-end synthetic run size")
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
            print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in r.items()}))
            results.append(r)
    scale = None
    if args.scale_rows:
        dt, doc = _timed(
            lambda: analyse(
                ruleset,
                f"synthetic:{args.scale_rows}",
                DuckDBEngine(),
                Options(by=("religion",), examples=0),
            )
        )
        scale = (args.scale_rows, dt, doc["rows"])
        print(f"end to end: {args.scale_rows} synthetic people in {dt:.1f} s")
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

    speedups = [r["rate"] / r["python_rate"] for r in results]
    lines = [
        "# impact benchmark (issue 16)",
        "",
        f"Generated by `python benchmarks/impact.py --rows {args.rows} --seeds {args.seeds}"
        + (f" --scale-rows {args.scale_rows}" if args.scale_rows else "")
        + (" --spark" if args.spark else "")
        + "` on this machine (2 cores). 100-rule generated ruleset (20 attributes, 7 sanctions,",
        "3 tiers); synthetic people generated in DuckDB and read from Parquet.",
        "Median and worst over seeds.",
        "",
        "| measure | target | result |",
        "|---|---|---|",
        f"| DuckDB citizens/s (score, tier, sanctions, groups) | ≥ 5 M/s | {med_worst('rate')} |",
        f"| with counterfactual `religion`: people/s | ≥ 2.5 M/s | {med_worst('cf_rate')} |",
        "| with counterfactual: evaluations/s (people × (1 + alternatives)) | | "
        f"{med_worst('cf_eval_rate')} |",
        f"| compiled Python evaluator | | {med_worst('python_rate')} |",
        f"| DuckDB over compiled Python | ≥ 100× | {statistics.median(speedups):.0f}× "
        f"(worst {min(speedups):.0f}×) |",
    ]
    if scale:
        lines.append(f"| {scale[0]:,} synthetic people end to end | ≤ 60 s | {scale[1]:.1f} s |")
    if any("spark_same" in r for r in results):
        same = all(r.get("spark_same") for r in results)
        secs = statistics.median(r["spark_seconds"] for r in results)
        lines.append(
            f"| Spark local[2] report equals DuckDB's | bit for bit | {'yes' if same else 'NO'} "
            f"({secs:.1f} s per run) |"
        )
    lines.append(f"| peak resident memory of the benchmark process | bounded | {peak_mb:.0f} MB |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
