"""The `ruleproof` command line (DESIGN §5): one function per subcommand, one dispatch table.

`main(argv)` parses the arguments, runs the subcommand and returns its exit code; it never lets
an exception reach the user. Exit codes: 0 success, 1 a finding (violated property, diff), 2 the
input is wrong (every `RulesetError`, rendered compiler-style with its source lines on stderr),
3 only unknowns, 70 an internal error (a bug in ruleproof), 130 interrupted.

Adding a subcommand: write `cmd_<name>(args, out) -> int`, a `_add_<name>(subparsers)` that
declares its arguments, and add both to `COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from ruleproof.commands.explain import explain_json, explain_text
from ruleproof.errors import Diagnostic, InternalError, RulesetError, Span
from ruleproof.language.load_ruleset import diagnose_text, load_text, read_text
from ruleproof.semantics.citizen import read_citizen
from ruleproof.semantics.evaluate import evaluate

EXIT_OK, EXIT_FINDING, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


class _Sources(dict[str, str]):
    """File name → text of every input read, so diagnostics can show their source lines."""

    def read(self, path: str) -> str:
        text = read_text(path)
        self[path] = text
        return text


# -- explain -------------------------------------------------------------------------------


def _add_explain(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="outcome and trace for one citizen",
        description="Show how one citizen is scored, tiered and sanctioned, and "
        "which actions it can take.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("citizen", metavar="CITIZEN.json")
    p.add_argument("--format", choices=["text", "json"], default="text")


def cmd_explain(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    ruleset = load_text(sources.read(args.spec), args.spec)
    citizen = read_citizen(sources.read(args.citizen), args.citizen, ruleset)
    outcome = evaluate(ruleset, citizen)
    doc = explain_json(ruleset, args.spec, args.citizen, citizen, outcome)
    if args.format == "json":
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        explain_text(doc, out)
    return EXIT_OK


# -- lint ----------------------------------------------------------------------------------


def _add_lint(sub: Any) -> None:
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
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="time for the solver-backed warnings (default 20)",
    )


def _sorted(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.span.file, d.span.line, d.span.col))


def cmd_lint(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    text = sources.read(args.spec)
    ruleset, diags = diagnose_text(text, args.spec)
    if ruleset is not None and not args.no_solver and not any(d.severity == "error" for d in diags):
        from ruleproof.proving.lintchecks import semantic_warnings

        diags = [*diags, *semantic_warnings(ruleset, args.timeout)]
    for d in _sorted(diags):
        out.write(d.render(text) + "\n\n")
    errors = sum(d.severity == "error" for d in diags)
    warnings = len(diags) - errors
    out.write(
        f"{args.spec}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}\n"
    )
    return EXIT_INPUT if errors else EXIT_OK


# -- diff ----------------------------------------------------------------------------------

EXIT_DIFF_UNKNOWN = 3


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds: {text!r}")
    return value


def _add_diff(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="who is treated differently by a new version of a ruleset",
        description="Decide whether two versions of a ruleset treat every possible citizen the "
        "same; for each output that changed show one minimal citizen treated differently, with "
        "both traces, the tier transitions and the sanctions gained and lost. Exit 0: no "
        "difference, 1: differences, 2: bad input, 3: undecided (timeout).",
    )
    rev = "a file, or REV:PATH for a file in a git revision (e.g. main:spec/x.yaml)"
    p.add_argument("old", metavar="OLD.yaml", help=rev)
    p.add_argument("new", metavar="NEW.yaml", help=rev)
    p.add_argument(
        "--outputs",
        metavar="LIST",
        help="comma-separated outputs to compare: "
        "score, tier, sanctions, a sanction or a define (default: score, tier, every "
        "sanction, every define both versions have)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help="solver time per query (default 30)",
    )


def cmd_diff(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from ruleproof.commands.gitsource import read_input
    from ruleproof.proving.diff import diff_rulesets
    from ruleproof.proving.diffplan import OUTPUTS_FILE
    from ruleproof.proving.solving import Limits
    from ruleproof.reporting.diffreport import render_text, to_json

    versions = []
    for spec in (args.old, args.new):
        name, text = read_input(spec)
        sources[name] = text
        versions.append(load_text(text, name))
    if args.outputs is not None:
        sources[OUTPUTS_FILE] = args.outputs
    result = diff_rulesets(
        versions[0], versions[1], args.old, args.new, args.outputs, Limits(timeout=args.timeout)
    )
    if args.format == "json":
        out.write(json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        render_text(result, out)
    return {"equivalent": EXIT_OK, "different": EXIT_FINDING, "unknown": EXIT_DIFF_UNKNOWN}[
        result.status
    ]


# -- init ----------------------------------------------------------------------------------


def _add_init(sub: Any) -> None:
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


def cmd_init(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from pathlib import Path

    from ruleproof.commands.scaffold import scaffold

    root = Path(args.dir)
    for path in scaffold(root, force=args.force):
        out.write(f"wrote {path}\n")
    out.write(f"next: cd {root} && ruleproof check spec/example.yaml properties/example.yaml\n")
    return EXIT_OK


# -- check ---------------------------------------------------------------------------------


def _add_check(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="prove or refute the properties of a ruleset",
        description="Check every property of a ruleset with Z3. Without property files, "
        "the suite next to the spec is used: properties/NAME.yaml for spec/NAME.yaml. "
        "Counterexamples of violated properties are written to OUT/RULESET/PROPERTY.json; "
        "files of properties that now hold are kept, as a regression corpus for `replay`. "
        "Exit status: 0 all as expected, 1 a property violated (or proved) against its "
        "expectation, 2 bad input or a property the checker cannot handle, 3 only unknowns.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")
    p.add_argument("properties", metavar="PROPERTIES.yaml", nargs="*")
    p.add_argument("--format", choices=["text", "json", "sarif", "junit"], default="text")
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="wall-clock limit per property (default 30)",
    )
    p.add_argument(
        "--rlimit",
        type=_natural,
        default=0,
        metavar="N",
        help="Z3 resource limit per solver call, reproducible across machines (default 0: none)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=1,
        metavar="N",
        help="check in N worker processes (output stays in file order)",
    )
    p.add_argument(
        "--out",
        default="counterexamples",
        metavar="DIR",
        help="where counterexample files go (default: counterexamples/)",
    )
    p.add_argument("--no-write", action="store_true", help="write no counterexample files")
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


def _number(kind: Callable[[str], Any], ok: Callable[[Any], bool], what: str) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


_positive_float = _number(float, lambda v: 0 < v < 1e9, "a positive number of seconds")
_positive_int = _number(int, lambda v: 0 < v <= 1024, "a whole number from 1 to 1024")
_natural = _number(int, lambda v: 0 <= v < 2**63, "a whole number, 0 or more")


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


def cmd_check(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from ruleproof.commands.run_suite import load_suite, run_suite
    from ruleproof.reporting.files import write_counterexamples
    from ruleproof.reporting.output import emit, exit_code

    suite = load_suite(args.spec, _property_files(args.spec, args.properties), sources)
    results = run_suite(suite, args.timeout, args.rlimit, args.jobs)
    written: list[str] = []
    if not args.no_write:
        written = [str(p) for p in write_counterexamples(args.out, suite.ruleset, results)]
    emit(
        args.format,
        out,
        suite,
        results,
        timing=not args.no_timing,
        show_all=args.show_all,
        written=written,
    )
    return exit_code(results)


# -- replay --------------------------------------------------------------------------------


def _add_replay(sub: Any) -> None:
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


def cmd_replay(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from pathlib import Path

    from ruleproof.commands.replay import render_replays, replay, replays_json
    from ruleproof.commands.run_suite import default_property_file, load_suite
    from ruleproof.reporting.files import read_counterexample_text

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
        saved = read_counterexample_text(sources.read(f), f, suite.ruleset)
        outcomes.append(replay(suite.ruleset, saved, props.get(saved.property)))
    if args.format == "json":
        out.write(
            json.dumps(replays_json(suite.ruleset, outcomes), indent=2, ensure_ascii=False) + "\n"
        )
    else:
        render_replays(out, suite.ruleset.id, outcomes, prop_files)
    return EXIT_FINDING if any(o.fails for o in outcomes) else EXIT_OK


# -- import --------------------------------------------------------------------------------


def _add_import(sub: Any) -> None:
    from ruleproof.commands.import_model import add_import

    add_import(sub)


def cmd_import(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from ruleproof.commands.import_model import cmd_import as run

    return run(args, out, sources.read)


# -- dispatch ------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace, IO[str], _Sources], int]
COMMANDS: dict[str, tuple[Callable[[Any], None], Command]] = {
    "explain": (_add_explain, cmd_explain),
    "lint": (_add_lint, cmd_lint),
    "check": (_add_check, cmd_check),
    "replay": (_add_replay, cmd_replay),
    "diff": (_add_diff, cmd_diff),
    "init": (_add_init, cmd_init),
    "import": (_add_import, cmd_import),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruleproof",
        description="Prove properties of scoring and sanctioning rulesets; explain outcomes.",
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
    sources = _Sources()
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
        err.write(f"ruleproof: {exc}\n")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        err.write("ruleproof: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so, never show a traceback as if it were a finding
        if os.environ.get("RULEPROOF_DEBUG"):
            raise
        err.write(f"ruleproof: {InternalError(f'{type(exc).__name__}: {exc}')}\n")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
