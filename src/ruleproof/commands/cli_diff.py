"""`ruleproof diff OLD NEW`: who is treated differently by a new version of a ruleset."""

from __future__ import annotations

import argparse
from typing import IO, Any

from ruleproof.commands.cli_common import (
    EXIT_FINDING,
    EXIT_OK,
    EXIT_UNKNOWN,
    Sources,
    seconds,
)
from ruleproof.language.load_ruleset import load_text


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="who is treated differently by a new version of a ruleset",
        description="Decide whether two versions of a ruleset treat every possible citizen the "
        "same; for each output that changed show one minimal citizen treated differently, with "
        "both traces, the tier transitions and the sanctions gained and lost. Exit 0: no "
        "difference, 1: differences, 2: bad input, 3: undecided (timeout).",
    )
    rev = "a file, or REV:PATH for a file in a git revision (e.g. main:spec/x.yaml)"
    p.add_argument("old", metavar="OLD.yaml", help=rev)
    p.add_argument("new", metavar="NEW.yaml", help=rev)
    p.add_argument(
        "--outputs",
        metavar="LIST",
        help="comma-separated outputs to compare: "
        "score, tier, sanctions, a sanction or a define (default: score, tier, every "
        "sanction, every define both versions have)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--timeout",
        type=seconds,
        default=30.0,
        metavar="SECONDS",
        help="solver time per query (default 30)",
    )
    p.add_argument(
        "--cross-check",
        action="store_true",
        help="repeat a folded comparison on the unfolded versions; a disagreement is an "
        "internal error (slower)",
    )


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    from ruleproof.commands.gitsource import read_input
    from ruleproof.proving.diff import diff_rulesets
    from ruleproof.proving.diffplan import OUTPUTS_FILE
    from ruleproof.proving.solving import Limits
    from ruleproof.reporting.diffreport import render_text, to_json
    from ruleproof.reporting.files import dumps

    versions = []
    for spec in (args.old, args.new):
        name, text = read_input(spec)
        sources[name] = text
        versions.append(load_text(text, name))
    if args.outputs is not None:
        sources[OUTPUTS_FILE] = args.outputs
    result = diff_rulesets(
        versions[0],
        versions[1],
        args.old,
        args.new,
        args.outputs,
        Limits(timeout=args.timeout, cross_check=args.cross_check),
    )
    if args.format == "json":
        out.write(dumps(to_json(result)))
    else:
        render_text(result, out)
    return {"equivalent": EXIT_OK, "different": EXIT_FINDING, "unknown": EXIT_UNKNOWN}[
        result.status
    ]
