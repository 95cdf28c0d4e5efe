"""`ruleproof check SPEC [PROPERTIES...]`: every property's verdict, in any output format."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from typing import IO, Any

from ruleproof.commands.cli_common import (
    NATURAL,
    POSITIVE_INT,
    POSITIVE_SECONDS,
    Sources,
)
from ruleproof.errors import Diagnostic, RulesetError, Span


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="prove or refute the properties of a ruleset",
        description="Check every property of a ruleset with Z3. Without property files, "
        "the suite next to the spec is used: properties/NAME.yaml for spec/NAME.yaml. "
        "Counterexamples of violated properties are written to OUT/RULESET/PROPERTY.json; "
        "files of properties that now hold are kept, as a regression corpus for `replay`. "
        "Exit status: 0 all as expected, 1 a property violated (or proved) against its "
        "expectation, 2 bad input or a property the checker cannot handle, 3 only unknowns.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("properties", metavar="PROPERTIES.yaml", nargs="*")
    p.add_argument("--format", choices=["text", "json", "sarif", "junit"], default="text")
    p.add_argument(
        "--timeout",
        type=POSITIVE_SECONDS,
        default=30.0,
        metavar="SECONDS",
        help="wall-clock limit per property (default 30)",
    )
    p.add_argument(
        "--rlimit",
        type=NATURAL,
        default=0,
        metavar="N",
        help="Z3 resource limit per solver call, reproducible across machines (default 0: none)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=POSITIVE_INT,
        default=1,
        metavar="N",
        help="check in N worker processes (output stays in file order)",
    )
    p.add_argument(
        "--out",
        default="counterexamples",
        metavar="DIR",
        help="where counterexample files go (default: counterexamples/)",
    )
    p.add_argument("--no-write", action="store_true", help="write no counterexample files")
    p.add_argument(
        "--cross-check",
        action="store_true",
        help="decide every verdict a fast path gives again with the plain encoding; a "
        "disagreement is an internal error (slower; for audits and the deep test profile)",
    )
    p.add_argument(
        "--no-timing",
        action="store_true",
        help="leave seconds out of the text and JUnit reports (for reproducible output)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        dest="show_all",
        help="show every attribute of a counterexample, also those at the baseline",
    )


def _property_files(spec: str, given: Sequence[str]) -> list[str]:
    from ruleproof.commands.run_suite import default_property_file

    if given:
        return list(given)
    default = default_property_file(spec)
    if not default.is_file():
        raise RulesetError(
            [
                Diagnostic(
                    "RP603",
                    f"no property files given, and the default {default} does not exist",
                    Span.point(spec, 1, 1),
                    why="without property files `check` uses properties/NAME.yaml next to "
                    "the spec's folder",
                    fix=f"give property files: ruleproof check {spec} PROPERTIES.yaml",
                )
            ]
        )
    return [str(default)]


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    from ruleproof.commands.run_suite import load_suite, run_suite
    from ruleproof.proving.stages import Stages
    from ruleproof.reporting.files import write_counterexamples
    from ruleproof.reporting.output import emit, exit_code
    from ruleproof.reporting.progress import ProgressLine

    suite = load_suite(args.spec, _property_files(args.spec, args.properties), sources)
    stages = Stages(len(suite.properties))
    quiet = getattr(args, "quiet", False)
    with ProgressLine(stages, io.StringIO() if quiet else sys.stderr):
        results = run_suite(suite, args.timeout, args.rlimit, args.jobs, args.cross_check, stages)
    written: list[str] = []
    if not args.no_write:
        written = [str(p) for p in write_counterexamples(args.out, suite.ruleset, results)]
    emit(
        args.format,
        out,
        suite,
        results,
        timing=not args.no_timing,
        show_all=args.show_all,
        written=written,
    )
    return exit_code(results)
