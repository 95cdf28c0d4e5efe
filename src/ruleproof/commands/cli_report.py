"""`ruleproof report SPEC [PROPERTIES...] [--diff OLD] [--impact DATA] -o report.html`.

Checks the suite as `check` does (without writing counterexample files), optionally compares
with an older version as `diff` does and reads a population-impact document, and writes one
self-contained HTML file (`ruleproof.reporting.html`). Exit 0 when the report is written (its
findings are in the document, not in the exit code), 2 for bad input.

`--impact` takes the JSON that `ruleproof impact SPEC DATA --format json` prints, or a data file
(CSV, Parquet, a folder of Parquet files) that `impact_document` scores with the population
package on DuckDB, as `ruleproof impact` would: grouped by `--by` (default: each protected
attribute that is a bool or an enum), with the counterfactual flips of `--counterfactual`
(default: each protected bool, enum or int attribute whose values the population package can
try), and the people in each property's counterexample region.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
from pathlib import Path
from typing import IO, Any

from ruleproof.commands.cli_common import POSITIVE_INT, POSITIVE_SECONDS, RLIMIT, Sources
from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P


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
        help="population impact: a data file (.csv, .parquet) to score, or the JSON of "
        "`ruleproof impact SPEC DATA --format json`",
    )
    _impact_options(p)
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
        type=RLIMIT,
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


def _impact_options(p: Any) -> None:
    """What to compute from a data file given to `--impact`."""
    p.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="EXPR",
        help="with a data file for --impact: group by an attribute or expression (repeatable; "
        "default: each protected bool or enum attribute)",
    )
    p.add_argument(
        "--counterfactual",
        action="append",
        default=[],
        metavar="ATTR[,ATTR...]",
        help="with a data file for --impact: count people whose outcome changes when only "
        "these attributes change (repeatable; default: each protected attribute that can be "
        "varied)",
    )


def _fail(code: str, message: str, file: str, why: str = "", fix: str = "") -> RulesetError:
    return RulesetError([Diagnostic(code, message, Span.point(file, 1, 1), why=why, fix=fix)])


def default_groupings(ruleset: M.Ruleset) -> list[str]:
    """Each protected attribute with few values (a bool or an enum), as a `--by` expression."""
    return [
        a.name
        for a in ruleset.attributes
        if a.protected != "false" and isinstance(a.type, M.BoolType | M.EnumType)
    ]


def default_counterfactuals(ruleset: M.Ruleset) -> list[str]:
    """Each protected bool, enum or int attribute whose values the population package can try
    (`population.counterfactual.representatives` does not refuse it)."""
    from ruleproof.population.counterfactual import representatives

    out = []
    for a in ruleset.attributes:
        if a.protected == "false" or isinstance(a.type, M.RealType):
            continue
        try:
            representatives(ruleset, a.name, 0)
        except RulesetError:
            continue
        out.append(a.name)
    return out


def impact_document(
    path: str, suite: P.Suite, by: list[str], counterfactual: list[str], sources: Sources
) -> dict[str, Any]:
    """The impact document for `--impact PATH`: a JSON file as `ruleproof impact` writes it, or
    the same document computed from a data file on DuckDB (see the module docstring).

    Raises:
        RulesetError: RP901 the JSON is malformed; RP903 `--by` or `--counterfactual` with a
            JSON file; the population package's errors (RP70x) for a data file.
    """
    from ruleproof.reporting.html.impactdoc import check_impact, read_impact

    if Path(path).suffix.lower() == ".json":
        if by or counterfactual:
            raise _fail(
                "RP903",
                "`--by` and `--counterfactual` choose what to compute from a data file; "
                f"{path} is an impact document, computed already",
                path,
                fix="leave them out, or give them to `ruleproof impact` when making the JSON",
            )
        return read_impact(sources.read(path), path)
    from ruleproof.population.engines import open_engine
    from ruleproof.population.impact import Options, analyse

    ruleset = suite.ruleset
    for text in by:
        sources["--by"] = text
    options = Options(
        by=tuple(by or default_groupings(ruleset)),
        counterfactual=tuple(counterfactual or default_counterfactuals(ruleset)),
        properties=suite.property_files,
        examples=3,
    )
    engine = open_engine("duckdb")
    try:
        return check_impact(analyse(ruleset, path, engine, options), path)
    finally:
        engine.close()


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
    if (args.by or args.counterfactual) and args.impact is None:
        raise _fail(
            "RP903",
            "`--by` and `--counterfactual` need a data file for `--impact`",
            args.spec,
            fix="add --impact DATA.csv, or leave them out",
        )
    impact = None
    if args.impact is not None:
        doc = impact_document(args.impact, suite, args.by, args.counterfactual, sources)
        impact = ImpactInput(doc, args.impact)
    results = run_suite(suite, args.timeout, args.rlimit, args.jobs)
    diff = None
    if args.diff is not None:
        diff = _diff(args.diff, suite.ruleset, args.spec, args.timeout, sources)
    embedded = {k: v for k, v in sources.items() if k != args.impact and not k.startswith("--")}
    text = render(ReportInput(suite, results, embedded, diff, impact, tool_version()))
    target = Path(args.output)
    try:
        write_atomic(target, text)  # never through a link; a read-only file is kept
        target.chmod(0o644)  # a document to share, not a private temporary file
    except (OSError, RulesetError) as exc:
        why = exc.diagnostics[0].message if isinstance(exc, RulesetError) else exc.strerror
        raise _fail(
            "RP902",
            f"cannot write the report to {target}: {why or exc}",
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
