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
import itertools
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from ruleproof.errors import Diagnostic, InternalError, RulesetError
from ruleproof.spec import model as M
from ruleproof.spec.citizen import read_citizen, value_json
from ruleproof.spec.evaluate import Outcome, evaluate, fmt_value, step
from ruleproof.spec.load import diagnose_text, load_text, read_text

EXIT_OK, EXIT_FINDING, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
MAX_PARAM_TRIES = 27


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


def _param_candidates(action: M.Action) -> list[dict[str, M.Value]]:
    """Param values tried: each param at its baseline, low and high end (a bounded product)."""
    per_param: list[list[M.Value]] = []
    for p in action.params:
        probe = M.Attribute(p.name, p.type)
        vals: list[M.Value] = [probe.baseline()]
        match p.type:
            case M.IntType(lo, hi) | M.RealType(lo, hi):
                vals += [lo, hi]
            case M.BoolType():
                vals.append(True)
            case M.EnumType(values):
                vals += list(values)
        per_param.append(list(dict.fromkeys(vals)))
    combos = itertools.islice(itertools.product(*per_param), MAX_PARAM_TRIES)
    return [dict(zip((p.name for p in action.params), c, strict=True)) for c in combos]


def action_statuses(ruleset: M.Ruleset, citizen: dict[str, M.Value]) -> list[dict[str, Any]]:
    """For each action: enabled or not, why, and the param values that enable it."""
    out: list[dict[str, Any]] = []
    for action in ruleset.actions:
        tried = _param_candidates(action)
        first_reason = ""
        found: dict[str, M.Value] | None = None
        for params in tried:
            new, reason = step(ruleset, action, citizen, params)
            if new is not None:
                found = params
                break
            first_reason = first_reason or reason
        note = ""
        if action.params:
            note = "params tried at their baseline, low and high values"
        out.append(
            {
                "name": action.name,
                "by": action.by,
                "enabled": found is not None,
                "reason": "enabled" if found is not None else first_reason,
                "params": {k: value_json(v) for k, v in (found or {}).items()},
                "note": note,
            }
        )
    return out


def explain_json(
    ruleset: M.Ruleset, spec: str, citizen_file: str, citizen: dict[str, M.Value], outcome: Outcome
) -> dict[str, Any]:
    t = outcome.trace
    return {
        "ruleset": ruleset.id,
        "file": spec,
        "citizen_file": citizen_file,
        "citizen": {a.name: value_json(citizen[a.name]) for a in ruleset.attributes},
        "outcome": {
            "score": outcome.score,
            "tier": outcome.tier,
            "sanctions": list(outcome.sanctions),
        },
        "defines": {k: value_json(v) for k, v in outcome.defines.items()},
        "trace": {
            "base": t.base,
            "rules": [{"id": r.id, "delta": r.delta, "running": r.running} for r in t.rules],
            "raw_score": t.raw_score,
            "clamped": t.clamped,
            "tier": t.tier,
            "sanctions": [
                {
                    "name": s.name,
                    "imposed": s.imposed,
                    "when": s.when,
                    "values": {k: value_json(v) for k, v in s.values},
                }
                for s in t.sanctions
            ],
            "lines": t.lines(),
        },
        "actions": action_statuses(ruleset, citizen),
    }


def _explain_text(doc: dict[str, Any], out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    tty = out.isatty()
    console = Console(
        file=out,
        width=None if tty else 100,
        force_terminal=tty,
        color_system="auto" if tty else None,
        force_jupyter=False,
        highlight=False,
        emoji=False,
        markup=False,
    )
    o = doc["outcome"]
    console.print(f"ruleset {doc['ruleset']} ({doc['file']}), citizen {doc['citizen_file']}")
    summary = Table(title="outcome", show_header=False, title_justify="left")
    summary.add_column("what")
    summary.add_column("value")
    if o["score"] is not None:
        summary.add_row("score", str(o["score"]))
    summary.add_row("tier", o["tier"] if o["tier"] is not None else "(no tier matches)")
    summary.add_row("sanctions", ", ".join(o["sanctions"]) or "(none)")
    console.print(summary)

    cit = Table(title="citizen", title_justify="left")
    cit.add_column("attribute")
    cit.add_column("value")
    for k, v in doc["citizen"].items():
        cit.add_row(k, _show_json(v))
    console.print(cit)

    tr = doc["trace"]
    if tr["base"] is not None:
        rules = Table(title="score", title_justify="left")
        rules.add_column("step")
        rules.add_column("delta", justify="right")
        rules.add_column("running", justify="right")
        rules.add_row("base", "", str(tr["base"]))
        for r in tr["rules"]:
            rules.add_row(f"rule {r['id']}", f"{r['delta']:+d}", str(r["running"]))
        if tr["clamped"]:
            rules.add_row("clamp to range", "", str(o["score"]))
        console.print(rules)
    if doc["defines"]:
        defs = Table(title="defines", title_justify="left")
        defs.add_column("name")
        defs.add_column("value")
        for k, v in doc["defines"].items():
            defs.add_row(k, _show_json(v))
        console.print(defs)
    if tr["sanctions"]:
        sanc = Table(title="sanctions", title_justify="left")
        for col in ("sanction", "imposed", "when", "values"):
            sanc.add_column(col)
        for s in tr["sanctions"]:
            vals = ", ".join(f"{k}={_show_json(v)}" for k, v in s["values"].items())
            sanc.add_row(s["name"], "yes" if s["imposed"] else "no", s["when"], vals)
        console.print(sanc)
    if doc["actions"]:
        acts = Table(title="actions", title_justify="left")
        for col in ("action", "by", "enabled", "why / params"):
            acts.add_column(col)
        for a in doc["actions"]:
            if a["enabled"]:
                detail = ", ".join(f"{k}={_show_json(v)}" for k, v in a["params"].items())
            else:
                detail = a["reason"]
            if a["note"]:
                detail += f" ({a['note']})"
            acts.add_row(a["name"], a["by"], "yes" if a["enabled"] else "no", detail)
        console.print(acts)


def _show_json(v: Any) -> str:
    """A JSON-ready value for a table cell: True/False, None, numbers and text as they are."""
    return fmt_value(v) if isinstance(v, bool) else str(v)


def cmd_explain(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    ruleset = load_text(sources.read(args.spec), args.spec)
    citizen = read_citizen(sources.read(args.citizen), args.citizen, ruleset)
    outcome = evaluate(ruleset, citizen)
    doc = explain_json(ruleset, args.spec, args.citizen, citizen, outcome)
    if args.format == "json":
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        _explain_text(doc, out)
    return EXIT_OK


# -- lint ----------------------------------------------------------------------------------


def _add_lint(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="every diagnostic for a ruleset",
        description="Report every error and warning in a ruleset file.",
    )
    p.add_argument("spec", metavar="SPEC.yaml")


def _sorted(diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.span.file, d.span.line, d.span.col))


def cmd_lint(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    text = sources.read(args.spec)
    _, diags = diagnose_text(text, args.spec)
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
    p.add_argument("--outputs", metavar="LIST", help="comma-separated outputs to compare: "
                   "score, tier, sanctions, a sanction or a define (default: score, tier, every "
                   "sanction, every define both versions have)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                   help="solver time per query (default 30)")


def cmd_diff(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from ruleproof.counterexamples.diffreport import render_text, to_json
    from ruleproof.gitsource import read_input
    from ruleproof.properties.diff import diff_rulesets
    from ruleproof.properties.diffplan import OUTPUTS_FILE
    from ruleproof.properties.solving import Limits

    versions = []
    for spec in (args.old, args.new):
        name, text = read_input(spec)
        sources[name] = text
        versions.append(load_text(text, name))
    if args.outputs is not None:
        sources[OUTPUTS_FILE] = args.outputs
    result = diff_rulesets(versions[0], versions[1], args.old, args.new, args.outputs,
                           Limits(timeout=args.timeout))
    if args.format == "json":
        out.write(json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        render_text(result, out)
    return {"equivalent": EXIT_OK, "different": EXIT_FINDING,
            "unknown": EXIT_DIFF_UNKNOWN}[result.status]


# -- init ----------------------------------------------------------------------------------


def _add_init(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="start a rules project: spec/, properties/, counterexamples/, hook, CI",
        description="Write a starter ruleset and property suite (which `ruleproof check` "
        "passes), a pre-commit hook and a CI workflow that runs `check` and `diff` against the "
        "base branch. Existing files are never overwritten unless --force is given.",
    )
    p.add_argument("dir", metavar="DIR", nargs="?", default=".",
                   help="project directory (default: the current one)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")


def cmd_init(args: argparse.Namespace, out: IO[str], sources: _Sources) -> int:
    from pathlib import Path

    from ruleproof.scaffold import scaffold

    root = Path(args.dir)
    for path in scaffold(root, force=args.force):
        out.write(f"wrote {path}\n")
    out.write(
        f"next: cd {root} && ruleproof check spec/example.yaml properties/example.yaml\n"
    )
    return EXIT_OK


# -- dispatch ------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace, IO[str], _Sources], int]
COMMANDS: dict[str, tuple[Callable[[Any], None], Command]] = {
    "explain": (_add_explain, cmd_explain),
    "lint": (_add_lint, cmd_lint),
    "diff": (_add_diff, cmd_diff),
    "init": (_add_init, cmd_init),
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
