"""`ruleproof schema ruleset|properties`: the JSON Schema of a file kind, for editors.

The schemas ship in the package (`ruleproof/data/*.schema.json`); editors with a YAML
language server use them for completion and checks as you type (docs/editors.md). They check
the shape of a file; `ruleproof lint` and `check` remain the full check (names, types,
ranges, cycles).
"""

from __future__ import annotations

import argparse
from importlib.resources import files
from typing import IO, Any

from ruleproof.commands.cli_common import EXIT_OK, Sources


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of ruleset or property files (for editor completion)",
        description="Print the JSON Schema of a ruleset file or a property file, e.g. "
        "`ruleproof schema ruleset > .ruleproof/ruleset.schema.json`, and point your editor's "
        "YAML support at it (see docs/editors.md).",
    )
    p.add_argument("kind", choices=["ruleset", "properties"])


def schema_text(kind: str) -> str:
    """The schema of `kind` (`ruleset` or `properties`) as JSON text."""
    return files("ruleproof").joinpath("data", f"{kind}.schema.json").read_text(encoding="utf-8")


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    out.write(schema_text(args.kind))
    return EXIT_OK
