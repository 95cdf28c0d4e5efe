"""`ruleproof check SPEC [PROPERTIES...]`: every property's verdict, in any output format.

Defaults come from `[tool.ruleproof]` in pyproject.toml (`commands.config`), and the command
line wins over them. Counterexample files go to `counterexamples/` of the spec's project (the
folder above `spec/`, or the spec's own folder) unless `--out` says otherwise.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from ruleproof.commands.cli_common import (
    POSITIVE_INT,
    POSITIVE_SECONDS,
    RLIMIT,
    Sources,
)
from ruleproof.errors import Diagnostic, RulesetError, Span

DEFAULTS: dict[str, Any] = {"timeout": 30.0, "rlimit": 0, "jobs": 1, "format": "text"}


def add_parser(sub: Any) -> None:
    """Declare `check` and its options (one call per option: a table, kept in one place)."""
    p = sub.add_parser(
        "check",
        help="prove or refute the properties of a ruleset",
        description="Check every property of a ruleset with Z3. Without property files, "
        "the suite next to the spec is used: properties/NAME.yaml for spec/NAME.yaml. "
        "Counterexamples of violated properties are written to OUT/RULESET/PROPERTY.json "
        "(OUT: counterexamples/ of the spec's project); files of properties that now hold are "
        "kept, as a regression corpus for `replay`. Defaults for every option (and SPEC) may "
        "be set in [tool.ruleproof] of pyproject.toml. "
        "Exit status: 0 all as expected, 1 a property violated (or proved) against its "
        "expectation, 2 bad input or a property the checker cannot handle, 3 only unknowns.",
    )
    p.add_argument("spec", metavar="SPEC.yaml", nargs="?", default=None)
    p.add_argument("properties", metavar="PROPERTIES.yaml", nargs="*")
    p.add_argument("--format", choices=["text", "json", "sarif", "junit"], default=None)
    p.add_argument(
        "--timeout",
        type=POSITIVE_SECONDS,
        default=None,
        metavar="SECONDS",
        help="wall-clock limit per property (default 30)",
    )
    p.add_argument(
        "--rlimit",
        type=RLIMIT,
        default=None,
        metavar="N",
        help="Z3 resource limit per solver call, reproducible across machines "
        "(0 to 4,294,967,295; default 0: none)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=POSITIVE_INT,
        default=None,
        metavar="N",
        help="check in N worker processes (output stays in file order)",
    )
    p.add_argument(
        "--select",
        action="append",
        default=None,
        metavar="IDS",
        help="check only these properties: ids or patterns such as 'no-*', comma-separated",
    )
    p.add_argument(
        "-k",
        dest="keyword",
        default=None,
        metavar="EXPR",
        help="check only properties whose id or kind matches EXPR: words with and, or, not "
        "(as in pytest)",
    )
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="text output: only the properties that are not as expected, and the summary",
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="where counterexample files go (default: counterexamples/ of the spec's project)",
    )
    p.add_argument("--no-write", action="store_true", help="write no counterexample files")
    p.add_argument(
        "--sarif",
        default=None,
        metavar="FILE",
        help="also write the SARIF log to FILE (for code scanning), whatever --format is",
    )
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


def project_folder(spec: str) -> Path:
    """The project a spec belongs to: the folder above `spec/`, else the spec's folder."""
    folder = Path(spec).parent
    return folder.parent if folder.name == "spec" else folder


def _settings(args: argparse.Namespace) -> None:
    """Fill the options the command line left out from pyproject.toml, then the defaults."""
    from ruleproof.commands.config import load_config

    config = load_config()
    for key in ("timeout", "rlimit", "jobs", "format", "out", "sarif", "select"):
        if getattr(args, key) is None:
            setattr(args, key, config.get(key, DEFAULTS.get(key)))
    if args.spec is None:
        args.spec = config.get("spec")
        if not args.properties:
            args.properties = config.get("properties", [])
    if args.spec is None:
        raise RulesetError(
            [
                Diagnostic(
                    "RP603",
                    "no spec given",
                    Span.point("<command line>", 1, 1),
                    fix="ruleproof check SPEC.yaml [PROPERTIES.yaml ...], or set `spec` in "
                    "[tool.ruleproof] of pyproject.toml",
                )
            ]
        )
    if args.out is None:
        args.out = str(project_folder(args.spec) / "counterexamples")


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    from ruleproof.commands.run_suite import load_suite, run_suite
    from ruleproof.commands.selection import select
    from ruleproof.proving.stages import Stages
    from ruleproof.reporting.diagnostics_out import emit_input_errors
    from ruleproof.reporting.files import write_counterexample_files
    from ruleproof.reporting.output import EXIT_INTERNAL, emit, exit_code, write_sarif
    from ruleproof.reporting.progress import ProgressLine
    from ruleproof.safefiles import check_root

    fmt = args.format or "text"
    try:
        _settings(args)
        fmt = args.format
        sources.read(args.spec)  # a mistyped spec path is RP006, before looking for properties
        suite = load_suite(args.spec, _property_files(args.spec, args.properties), sources)
        if args.select or args.keyword is not None:
            chosen = select(suite.properties, args.select or (), args.keyword)
            suite = attrs.evolve(suite, properties=tuple(chosen))
        if not args.no_write:
            check_root(args.out)  # before any work: a file or a link where the folder goes
    except RulesetError as exc:
        emit_input_errors(fmt, out, args.spec or "<no spec>", exc.diagnostics, sources)
        raise
    stages = Stages(len(suite.properties))
    quiet = getattr(args, "quiet", False)
    with ProgressLine(stages, io.StringIO() if quiet else sys.stderr):
        results = run_suite(suite, args.timeout, args.rlimit, args.jobs, args.cross_check, stages)
    written: list[str] = []
    problems: list[Diagnostic] = []
    if not args.no_write:
        paths, problems = write_counterexample_files(args.out, suite.ruleset, results)
        written = [str(p) for p in paths]
    if args.sarif:
        try:
            write_sarif(args.sarif, suite, results)
        except RulesetError as exc:  # reported after the results, as the other files
            problems += exc.diagnostics
    emit(
        fmt,
        out,
        suite,
        results,
        timing=not args.no_timing,
        show_all=args.show_all,
        written=written,
        quiet=args.quiet,
    )
    code = exit_code(results)
    if problems and code != EXIT_INTERNAL:
        raise RulesetError(problems)  # every result is shown; the files that failed say why
    return code
