"""`ruleproof explain SPEC CITIZEN`: one citizen's outcome, trace and what it can do."""

from __future__ import annotations

import argparse
from typing import IO, Any

from ruleproof.commands.cli_common import (
    EXIT_OK,
    Sources,
)
from ruleproof.commands.explain import explain, explain_text
from ruleproof.language.load_ruleset import load_text
from ruleproof.limits import JSON_BYTES
from ruleproof.reporting.files import dumps
from ruleproof.semantics.citizen import read_citizen


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="outcome and trace for one citizen",
        description="Show how one citizen is scored, tiered and sanctioned, and "
        "which actions it can take.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("citizen", metavar="CITIZEN.json")
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    ruleset = load_text(sources.read(args.spec), args.spec)
    citizen = read_citizen(sources.read(args.citizen, JSON_BYTES), args.citizen, ruleset)
    doc = explain(ruleset, citizen).to_json(args.spec, args.citizen)
    if args.format == "json":
        out.write(dumps(doc))
    else:
        explain_text(doc, out)
    return EXIT_OK
