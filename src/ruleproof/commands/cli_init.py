"""`ruleproof init [DIR]`: a starter project with its CI recipes."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from ruleproof.commands.cli_common import (
    EXIT_OK,
    Sources,
)
from ruleproof.printable import printable


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="start a rules project: spec/, properties/, counterexamples/, hook, CI",
        description="Write a starter ruleset and property suite (which `ruleproof check` "
        "passes), a pre-commit hook and a CI workflow that runs `check` and `diff` against the "
        "base branch. Existing files are never overwritten unless --force is given.",
    )
    p.add_argument(
        "dir",
        metavar="DIR",
        nargs="?",
        default=".",
        help="project directory (default: the current one)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument(
        "--install",
        metavar="REQUIREMENT",
        default=None,
        help="the pip requirement the CI recipes install ruleproof with, pinned, e.g. "
        "'ruleproof @ git+https://github.com/OWNER/ruleproof@COMMIT' (default: where this "
        "ruleproof was installed from, when known; else a repository variable RULEPROOF_PIP)",
    )


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:

    from ruleproof.commands.scaffold import install_requirement, scaffold

    root = Path(args.dir)
    install = args.install or install_requirement()
    for path in scaffold(root, force=args.force, install=install):
        out.write(f"wrote {printable(str(path))}\n")
    if install is None:
        out.write(
            "note: ruleproof is not on PyPI and this copy's source is unknown: set the "
            "repository variable RULEPROOF_PIP (GitHub: Settings, Secrets and variables, "
            "Actions) to a pinned requirement, e.g. "
            "'ruleproof @ git+https://github.com/OWNER/ruleproof@COMMIT', or run init with "
            "--install\n"
        )
    out.write(
        f"next: cd {printable(str(root))} && ruleproof check spec/example.yaml "
        "properties/example.yaml\n"
    )
    return EXIT_OK
