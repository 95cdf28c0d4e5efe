"""`ruleproof impact SPEC DATA`: what the ruleset does to the people in a data set.

Runs `ruleproof.population.impact.analyse` on DuckDB (default) or Spark and prints text tables
or JSON (`--format json`, documented in docs/impact.md); `--plot FILE.svg|FILE.html` also draws
the group outcome shares. Exit codes: 0 the report was made, 2 bad input (the ruleset, the data,
a mapping file or an option; also a ruleset that portable SQL cannot compute exactly).
"""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from ruleproof.language.load_ruleset import load_text


def add_parser(sub: Any) -> None:
    """Declare `impact` and its options."""
    p = sub.add_parser(
        "impact",
        help="outcomes, disparities and counterfactual flips over a population",
        description="Score every person in a data set with the ruleset (as SQL on DuckDB or "
        "Spark): outcome shares per group, disparate-impact ratios, and how many people would "
        "be treated differently if only some attributes changed.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument(
        "data",
        metavar="DATA",
        help="a .csv or .parquet file (or folder), or a .duckdb file with --table",
    )
    p.add_argument("--table", help="the table to read from a DuckDB file")
    p.add_argument("--mapping", metavar="FILE.yaml", help="columns, code tables and real scales")
    p.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="EXPR",
        help="group by an attribute or expression (repeatable)",
    )
    p.add_argument(
        "--counterfactual",
        action="append",
        default=[],
        metavar="ATTR[,ATTR...]",
        help="count people whose outcome changes when only these attributes change (repeatable)",
    )
    p.add_argument(
        "--favourable", metavar="EXPR", help="the favourable outcome (default: not sanctioned)"
    )
    p.add_argument(
        "--properties",
        action="append",
        default=[],
        metavar="PROPS.yaml",
        help="count people in each property's counterexample region",
    )
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument(
        "--master",
        metavar="URL",
        help="Spark master URL (default local[2]; spark-submit's when run under it)",
    )
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument(
        "--examples",
        type=int,
        default=5,
        metavar="N",
        help="examples per finding (default 5; 0 for none)",
    )
    p.add_argument(
        "--plot", metavar="FILE", help="write a plot of group outcome shares (.svg or .html)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace, out: IO[str], sources: dict[str, str]) -> int:
    """Run `impact`; returns the exit code (0)."""
    from ruleproof.population.engines import open_engine
    from ruleproof.population.impact import Options, analyse
    from ruleproof.population.render import impact_text, write_plot

    ruleset = load_text(_read(sources, args.spec), args.spec)
    for name, text in (
        ("--by", args.by),
        ("--favourable", [args.favourable] if args.favourable else []),
    ):
        for t in text:
            sources[name] = t
    options = Options(
        by=tuple(args.by),
        counterfactual=tuple(args.counterfactual),
        favourable=args.favourable,
        properties=tuple(args.properties),
        mapping=args.mapping,
        table=args.table,
        examples=max(0, args.examples),
    )
    engine = open_engine(args.engine, master=args.master, threads=args.threads)
    try:
        doc = analyse(ruleset, args.data, engine, options)
    finally:
        engine.close()
    if args.plot:
        write_plot(doc, args.plot)
    if args.format == "json":
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        impact_text(doc, out)
    return 0


def _read(sources: dict[str, str], path: str) -> str:
    from ruleproof.language.load_ruleset import read_text

    text = read_text(path)
    sources[path] = text
    return text
