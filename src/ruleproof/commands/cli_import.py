"""`ruleproof import FORMAT MODEL --features FEATURES.yaml [--threshold T] [-o OUT.yaml]`.

Reads a model (XGBoost JSON, LightGBM JSON dump, scikit-learn pickle/joblib when trusted, or a
points table), maps its features to attributes, writes the ruleset (atomically, to `-o` or to
standard output) after checking it loads and scores like the model (`importers.selfcheck`).
Exit 0 on success, 2 for bad input (RulesetError with file:line:column where there is one).
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from ruleproof.commands.cli_common import EXIT_OK, Sources
from ruleproof.importers import FORMATS


def _threshold(text: str) -> Fraction:
    from ruleproof.importers.floats import parse_float_text

    try:
        return parse_float_text(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.5, got {text!r}") from None


def _ruleset_id(text: str) -> str:
    from ruleproof.language.load_ruleset.names import ID_RE

    if not ID_RE.match(text):
        raise argparse.ArgumentTypeError(f"a ruleset id matches [a-z0-9-]+, got {text!r}")
    return text


def add_parser(sub: Any) -> None:
    """Declare the `import` subcommand's arguments."""
    p = sub.add_parser(
        "import",
        help="turn a tree ensemble or points scorecard into a ruleset",
        description="Import a model as a ruleset whose score is the model's raw margin (base "
        "plus the leaves that fire), with tiers `positive` (prediction > T) and `negative`. "
        "FORMAT: xgboost (JSON model), lightgbm (JSON dump), sklearn (pickle or joblib file: "
        "needs --trust-pickle, since unpickling runs code), points (CSV or JSON points table). "
        "Exit status: 0 written, 2 bad input.",
    )
    p.add_argument("format", choices=FORMATS, metavar="FORMAT", help=", ".join(FORMATS))
    p.add_argument("model", metavar="MODEL")
    p.add_argument(
        "--features",
        required=True,
        metavar="FEATURES.yaml",
        help="how model features map to attributes (or a CSV data file to infer them from)",
    )
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        metavar="T",
        help="positive when the prediction (probability of class 1, or the regression value, "
        "or the points) is greater than T (default 0.5)",
    )
    p.add_argument(
        "--id",
        dest="ruleset_id",
        type=_ruleset_id,
        metavar="ID",
        help="the ruleset's id (default: FEATURES.yaml's `ruleset`, else the output file's name)",
    )
    p.add_argument("-o", "--out", metavar="OUT.yaml", help="write here (default: standard output)")
    p.add_argument(
        "--trust-pickle",
        action="store_true",
        help="allow loading a pickle/joblib file (it can run arbitrary code: trusted files only)",
    )


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    """Run `ruleproof import`; files read are recorded in `sources` for diagnostics."""
    from ruleproof.importers import import_file
    from ruleproof.reporting.files import write_atomic

    command = f"{args.format} {args.model}"
    text = import_file(
        args.format,
        args.model,
        args.features,
        args.threshold,
        args.out,
        trust_pickle=args.trust_pickle,
        command=command,
        read=sources.read,
        ruleset_id=args.ruleset_id,
    )
    if args.out is None:
        out.write(text)
        return EXIT_OK
    write_atomic(Path(args.out), text)
    cases = text.count("\n        - {id: ")
    out.write(f"wrote {args.out}: {text.count(chr(10) + '    - id: ')} groups, {cases} cases\n")
    return EXIT_OK
