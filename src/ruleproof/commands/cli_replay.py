"""`ruleproof replay SPEC [FILES...]`: saved counterexamples re-checked, no solver."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from ruleproof.commands.cli_common import (
    EXIT_FINDING,
    EXIT_OK,
    Sources,
)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "replay",
        help="re-evaluate saved counterexamples (no solver)",
        description="Re-evaluate saved counterexample citizens against the current ruleset "
        "and say which still violate their property. Default: every file under "
        "counterexamples/RULESET/. Properties and expectations come from the property files "
        "(default: properties/NAME.yaml next to the spec's folder). Exit status: 0 none still "
        "violates (or only documented findings do), 1 otherwise, 2 bad input.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("files", metavar="COUNTEREXAMPLE.json", nargs="*")
    p.add_argument(
        "--properties",
        action="append",
        default=[],
        metavar="PROPERTIES.yaml",
        help="property file to replay against (repeatable)",
    )
    p.add_argument(
        "--dir",
        default="counterexamples",
        metavar="DIR",
        help="where to look for counterexample files (default: counterexamples/)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:

    from ruleproof.commands.replay import render_replays, replay, replays_json
    from ruleproof.commands.run_suite import default_property_file, load_suite
    from ruleproof.limits import JSON_BYTES
    from ruleproof.reporting.files import dumps, read_counterexample_text

    prop_files = list(args.properties)
    if not prop_files and (default := default_property_file(args.spec)).is_file():
        prop_files = [str(default)]
    suite = load_suite(args.spec, prop_files, sources)
    files = list(args.files) or sorted(
        str(p) for p in (Path(args.dir) / suite.ruleset.id).glob("*.json")
    )
    props = {p.id: p for p in suite.properties}
    outcomes = []
    for f in files:
        saved = read_counterexample_text(sources.read(f, JSON_BYTES), f, suite.ruleset)
        outcomes.append(replay(suite.ruleset, saved, props.get(saved.property)))
    if args.format == "json":
        out.write(dumps(replays_json(suite.ruleset, outcomes)))
    else:
        render_replays(out, suite.ruleset.id, outcomes, prop_files)
    return EXIT_FINDING if any(o.fails for o in outcomes) else EXIT_OK
