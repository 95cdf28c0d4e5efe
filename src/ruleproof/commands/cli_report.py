"""`ruleproof report SPEC [PROPERTIES...] [--diff OLD] [--impact DATA] -o report.html`.

Checks the suite as `check` does (without writing counterexample files), optionally compares
with an older version as `diff` does and reads a population-impact document, and writes one
self-contained HTML file (`ruleproof.reporting.html`). Exit 0 when the report is written (its
findings are in the document, not in the exit code), 2 for bad input.

`--impact` takes the JSON that `ruleproof impact SPEC DATA --format json` prints. A data file
(CSV, Parquet, …) needs the population package to score it; `impact_document` is the one place
that will call it, and until then it refuses such a file with a message saying how to make the
JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
from pathlib import Path
from typing import IO, Any

from ruleproof.commands.cli_common import NATURAL, POSITIVE_INT, POSITIVE_SECONDS, Sources
from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import ruleset as M


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="an HTML report with pictures, for people who read the findings",
        description="Check the properties of a ruleset and write one self-contained HTML file "
        "(no network needed to open it): a summary, a card per violated property with the "
        "counterexample citizens and their score waterfalls, the sanction → appeal graph, and "
        "with --diff the tier transitions and sanctions gained and lost, with --impact the "
        "outcome shares and counterfactual flips in a population. Exit 0 when the report is "
        "written, 2 for bad input.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("properties", metavar="PROPERTIES.yaml", nargs="*")
    p.add_argument(
        "--diff",
        metavar="OLD.yaml",
        help="an older version to compare with (a file, or REV:PATH in a git revision)",
    )
    p.add_argument(
        "--impact",
        metavar="DATA",
        help="population impact: the JSON of `ruleproof impact SPEC DATA --format json`",
    )
    p.add_argument(
        "-o",
        "--output",
        default="report.html",
        metavar="FILE.html",
        help="where to write the report (default: report.html)",
    )
    p.add_argument(
        "--timeout",
        type=POSITIVE_SECONDS,
        default=30.0,
        metavar="SECONDS",
        help="wall-clock limit per property and per diff query (default 30)",
    )
    p.add_argument(
        "--rlimit",
        type=NATURAL,
        default=0,
        metavar="N",
        help="Z3 resource limit per solver call (default 0: none)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=POSITIVE_INT,
        default=1,
        metavar="N",
        help="check in N worker processes",
    )


def _fail(code: str, message: str, file: str, why: str = "", fix: str = "") -> RulesetError:
    return RulesetError([Diagnostic(code, message, Span.point(file, 1, 1), why=why, fix=fix)])


def impact_document(path: str, ruleset: M.Ruleset, sources: Sources) -> dict[str, Any]:
    """The impact document for `--impact PATH`: a JSON file as `ruleproof impact` writes it.

    Raises:
        RulesetError: RP901 the JSON is malformed; RP903 PATH is a data file, which this
            version cannot score itself.
    """
    from ruleproof.reporting.html.impactdoc import read_impact

    if Path(path).suffix.lower() != ".json":
        # The seam for the population package: score the data file here and return the same
        # document `ruleproof impact --format json` prints.
        raise _fail(
            "RP903",
            f"`--impact` got a data file, {path}; this version reads only the JSON of "
            "`ruleproof impact`",
            path,
            why="scoring a data set needs the population package, which this installation "
            "does not have",
            fix=f"run `ruleproof impact {ruleset.file} {path} --format json > impact.json` and "
            "pass `--impact impact.json`",
        )
    return read_impact(sources.read(path), path)


def _diff(spec: str, new: M.Ruleset, new_file: str, timeout: float, sources: Sources) -> Any:
    from ruleproof.commands.gitsource import read_input
    from ruleproof.language.load_ruleset import load_text
    from ruleproof.proving.diff import diff_rulesets
    from ruleproof.proving.solving import Limits
    from ruleproof.reporting.html import DiffInput

    name, text = read_input(spec)
    sources[name] = text
    old = load_text(text, name)
    result = diff_rulesets(old, new, spec, new_file, None, Limits(timeout=timeout))
    return DiffInput(result, old, new)


def missing_pictures() -> list[str]:
    """What the pictures need and this installation lacks (empty when everything is there)."""
    out = []
    if importlib.util.find_spec("matplotlib") is None:
        out.append("matplotlib (charts and waterfalls)")
    if importlib.util.find_spec("graphviz") is None or shutil.which("dot") is None:
        out.append("Graphviz and its `dot` program (the appeal graph)")
    return out


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    from ruleproof.commands.cli_check import _property_files
    from ruleproof.commands.run_suite import load_suite, run_suite
    from ruleproof.reporting.files import write_atomic
    from ruleproof.reporting.html import ImpactInput, ReportInput, render
    from ruleproof.reporting.sarif import tool_version

    suite = load_suite(args.spec, _property_files(args.spec, args.properties), sources)
    impact = None
    if args.impact is not None:
        impact = ImpactInput(impact_document(args.impact, suite.ruleset, sources), args.impact)
    results = run_suite(suite, args.timeout, args.rlimit, args.jobs)
    diff = None
    if args.diff is not None:
        diff = _diff(args.diff, suite.ruleset, args.spec, args.timeout, sources)
    embedded = {k: v for k, v in sources.items() if k != args.impact}
    text = render(ReportInput(suite, results, embedded, diff, impact, tool_version()))
    target = Path(args.output)
    try:
        write_atomic(target, text)
        target.chmod(0o644)  # a document to share, not a private temporary file
    except OSError as exc:
        raise _fail(
            "RP902",
            f"cannot write the report to {target}: {exc.strerror or exc}",
            str(target),
            fix="choose a file in a folder you can write to",
        ) from None
    counts = {s: sum(1 for r in results if r.status == s) for s in ("proved", "violated")}
    other = len(results) - sum(counts.values())
    out.write(
        f"wrote {target}: {len(results)} properties ({counts['proved']} proved, "
        f"{counts['violated']} violated" + (f", {other} other" if other else "") + ")\n"
    )
    for what in missing_pictures():
        out.write(
            f"note: pictures left out, not installed: {what}; see pip install 'ruleproof[report]'\n"
        )
    return 0
