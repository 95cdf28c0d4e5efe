"""`ruleproof lint SPEC`: every diagnostic of a ruleset, and what the solver proves about it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import IO, Any

from ruleproof.commands.cli_common import (
    EXIT_INPUT,
    EXIT_OK,
    Sources,
)
from ruleproof.errors import Diagnostic, RulesetError
from ruleproof.language.load_ruleset import diagnose_text
from ruleproof.printable import printable


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="every diagnostic for a ruleset",
        description="Report every error and warning in a ruleset file, including what the "
        "solver proves about it: rules that never fire, tiers no one gets, citizens without a "
        "tier, sanctions never imposed, actions never enabled or disabled by the range rule.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument(
        "--no-solver",
        action="store_true",
        help="only the static checks (no Z3 warnings RP301-RP306)",
    )
    p.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text (compiler-style), json, or github (workflow commands that GitHub Actions "
        "shows as annotations)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="time for the solver-backed warnings (default 20)",
    )


def _sorted(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.span.file, d.span.line, d.span.col))


def _write(args: argparse.Namespace, out: IO[str], diags: list[Diagnostic]) -> None:
    """The diagnostics in `--format json` or `github` (nothing for text)."""
    from ruleproof.reporting.diagnostics_out import github_annotations, lint_json
    from ruleproof.reporting.files import dumps

    if args.format == "json":
        out.write(dumps(lint_json(args.spec, diags)))
    elif args.format == "github":
        out.write(github_annotations(diags))


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    try:
        text = sources.read(args.spec)
    except RulesetError as exc:
        _write(args, out, list(exc.diagnostics))
        raise
    ruleset, diags = diagnose_text(text, args.spec)
    if ruleset is not None and not args.no_solver and not any(d.severity == "error" for d in diags):
        from ruleproof.proving.lintchecks import semantic_warnings

        diags = [*diags, *semantic_warnings(ruleset, args.timeout)]
    diags = _sorted(diags)
    errors = sum(d.severity == "error" for d in diags)
    if args.format != "text":
        _write(args, out, diags)
        return EXIT_INPUT if errors else EXIT_OK
    for d in diags:
        out.write(d.render(text) + "\n\n")
    warnings = len(diags) - errors
    out.write(
        f"{printable(args.spec)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}\n"
    )
    return EXIT_INPUT if errors else EXIT_OK
