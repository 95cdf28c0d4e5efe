"""The `ruleproof` command line (DESIGN §5): one module per subcommand, one dispatch table.

`main(argv)` parses the arguments, runs the subcommand and returns its exit code; it never lets
an exception reach the user. Exit codes: 0 success, 1 a finding (violated property, diff), 2 the
input is wrong (every `RulesetError`, rendered compiler-style with its source lines on stderr),
3 only unknowns, 70 an internal error (a bug in ruleproof), 130 interrupted.

Adding a subcommand: write a module `cli_<name>.py` with `add_parser(subparsers)`, which
declares its arguments, and `run(args, out, sources) -> int`, and add both to `COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from ruleproof.commands import (
    cli_check,
    cli_diff,
    cli_explain,
    cli_impact,
    cli_import,
    cli_init,
    cli_lint,
    cli_replay,
    cli_report,
    cli_rule,
    cli_schema,
)
from ruleproof.commands.cli_common import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Sources,
)
from ruleproof.errors import InternalError, RulesetError
from ruleproof.printable import printable

Command = Callable[[argparse.Namespace, IO[str], Sources], int]
COMMANDS: dict[str, tuple[Callable[[Any], None], Command]] = {
    "explain": (cli_explain.add_parser, cli_explain.run),
    "lint": (cli_lint.add_parser, cli_lint.run),
    "check": (cli_check.add_parser, cli_check.run),
    "replay": (cli_replay.add_parser, cli_replay.run),
    "diff": (cli_diff.add_parser, cli_diff.run),
    "init": (cli_init.add_parser, cli_init.run),
    "impact": (cli_impact.add_parser, cli_impact.run),
    "rule": (cli_rule.add_parser, cli_rule.run),
    "schema": (cli_schema.add_parser, cli_schema.run),
    "report": (cli_report.add_parser, cli_report.run),
    "import": (cli_import.add_parser, cli_import.run),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ruleproof")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruleproof",
        description="Prove properties of scoring and sanctioning rulesets; explain outcomes.",
    )
    parser.add_argument(
        "--version", action="version", version=f"ruleproof {_version()}", help="show the version"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, out: IO[str] | None = None, err: IO[str] | None = None
) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    sources = Sources()
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            return exc.code if isinstance(exc.code, int) else EXIT_INPUT
        return COMMANDS[args.command][1](args, out, sources)
    except RulesetError as exc:
        err.write(exc.render(sources) + "\n")
        return EXIT_INPUT
    except InternalError as exc:
        err.write(f"ruleproof: {printable(str(exc), lines=True)}\n")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        err.write("ruleproof: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so, never show a traceback as if it were a finding
        if os.environ.get("RULEPROOF_DEBUG"):
            raise
        message = printable(f"{type(exc).__name__}: {exc}")
        err.write(f"ruleproof: {printable(str(InternalError(message)), lines=True)}\n")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
