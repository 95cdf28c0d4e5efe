"""Replay: saved counterexample citizens re-evaluated against the current ruleset, without Z3.

`replay(ruleset, saved, prop)` says whether a saved counterexample still violates its property:

- one-state and pair properties (`always`, `independent`, `monotone`, `same_context`,
  `tiers_total`, `forall`): the property's queries (`templates.queries`) are evaluated on the
  saved citizens; the counterexample still violates iff for some query the citizens agree
  outside the varied attributes, its `assume` holds and its `assert` fails;
- path properties (`appeal_path`, `expires`, `recourse`): the citizen must still be in the
  starting condition (its sanction, or any sanction, still imposed; the `recourse` `when`
  still true), and no recorded step from it may now be enabled and reach the target. Longer
  paths that a rule change opened are not searched here: `ruleproof check` finds them;
- `reachable` and `exists` findings have no citizens and are `skipped` (only the solver can
  re-check them; the pytest plugin does).

Saved citizens are judged against the current attributes: an attribute the ruleset gained
takes its baseline value and one it lost is dropped (both noted); a citizen that is no longer
possible (a value out of range, a broken `assume`) is `impossible`, which no longer violates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import IO, Any, Literal

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.reporting.files import Saved
from ruleproof.semantics.citizen import read_citizen
from ruleproof.semantics.evaluate import evaluate, holds, step
from ruleproof.semantics.templates import queries
from ruleproof.semantics.validate import holds_relational
from ruleproof.verdicts.result import Counterexample

Verdict = Literal["still violates", "fixed", "impossible", "skipped"]


@attrs.frozen
class Replay:
    saved: Saved
    verdict: Verdict
    detail: str
    expect: Literal["proved", "violated"] | None = None
    notes: tuple[str, ...] = ()
    counterexample: Counterexample | None = None

    @property
    def fails(self) -> bool:
        """True when the counterexample still violates and the property does not expect it."""
        return self.verdict == "still violates" and self.expect != "violated"


def citizens_of(
    ruleset: M.Ruleset, saved: Saved
) -> tuple[dict[str, dict[str, M.Value]] | None, list[str], str]:
    """(citizens, notes, why impossible): the saved citizens as possible citizens, or None."""
    notes: list[str] = []
    out: dict[str, dict[str, M.Value]] = {}
    for tag, raw in saved.citizens.items():
        values: dict[str, Any] = {}
        for a in ruleset.attributes:
            if a.name in raw:
                values[a.name] = raw[a.name]
            else:
                values[a.name] = _json_value(a.baseline())
                notes.append(f"{tag}.{a.name} was not saved; it takes its baseline value")
        for name in sorted(set(raw) - set(values)):
            notes.append(f"{tag}.{name} is no longer an attribute; dropped")
        try:
            out[tag] = read_citizen(json.dumps(values), f"{saved.file} (citizen {tag})", ruleset)
        except RulesetError as exc:
            why = "; ".join(d.message for d in exc.diagnostics)
            return None, notes, f"citizen {tag} is no longer possible: {why}"
    return out, notes, ""


def _json_value(v: M.Value) -> Any:
    from ruleproof.language.values import value_json

    return value_json(v)


def replay(ruleset: M.Ruleset, saved: Saved, prop: P.Property | None) -> Replay:
    """Re-evaluate one saved counterexample against the current ruleset and property."""
    if prop is None:
        return Replay(
            saved,
            "skipped",
            f"property `{saved.property}` is not in the property files; nothing to replay against",
        )
    if isinstance(prop.kind, P.Reachable | P.Exists):
        return Replay(
            saved,
            "skipped",
            f"a `{prop.kind_name}` finding has no citizens; `ruleproof check` re-checks it",
            prop.expect,
        )
    _check_citizens(ruleset, saved, prop)
    citizens, notes, impossible = citizens_of(ruleset, saved)
    if citizens is None:
        return Replay(saved, "impossible", impossible, prop.expect, tuple(notes))
    cex = Counterexample(
        citizens,
        {t: evaluate(ruleset, c) for t, c in citizens.items()},
        saved.steps,
        sanction=saved.sanction,
        failing=saved.failing,
        baseline=ruleset.baseline(),
    )
    if isinstance(prop.kind, P.AppealPath | P.Expires | P.Recourse):
        still, detail = _path_still(ruleset, saved, prop, citizens)
    else:
        still, detail = _query_still(ruleset, prop, citizens)
    return Replay(
        saved, "still violates" if still else "fixed", detail, prop.expect, tuple(notes), cex
    )


def _check_citizens(ruleset: M.Ruleset, saved: Saved, prop: P.Property) -> None:
    """RP601 when the file lacks a citizen the property compares (a truncated or edited file
    must not pass as a fixed finding)."""
    if isinstance(prop.kind, P.AppealPath | P.Expires | P.Recourse):
        needed = {"a"}
    else:
        needed = {t for q in queries(ruleset, prop) for t in q.citizens}
    missing = sorted(needed - set(saved.citizens))
    if missing:
        names = ", ".join(f"`{t}`" for t in missing)
        raise RulesetError(
            [
                Diagnostic(
                    "RP601",
                    f"the file has no citizen {names}, which property `{prop.id}` "
                    f"({prop.kind_name}) compares",
                    Span.point(saved.file, 1, 1),
                    why="a counterexample file holds every citizen of its finding; this one "
                    "was cut or edited",
                    fix="re-create it with `ruleproof check`, or remove it",
                )
            ]
        )


def _query_still(
    ruleset: M.Ruleset, prop: P.Property, citizens: Mapping[str, Mapping[str, M.Value]]
) -> tuple[bool, str]:
    for q in queries(ruleset, prop):
        if not set(q.citizens) <= set(citizens):
            continue
        sub = {t: citizens[t] for t in q.citizens}
        if q.varied is not None:
            first = sub[q.citizens[0]]
            if any(
                c[a.name] != first[a.name]
                for c in sub.values()
                for a in ruleset.attributes
                if a.name not in q.varied
            ):
                continue
        if holds_relational(ruleset, q.assume, sub) and not holds_relational(
            ruleset, q.assert_, sub
        ):
            what = f" for {q.label}" if q.label else ""
            return True, f"the saved citizens still violate the property{what}"
    return False, "the saved citizens no longer violate the property"


def _path_still(
    ruleset: M.Ruleset,
    saved: Saved,
    prop: P.Property,
    citizens: Mapping[str, Mapping[str, M.Value]],
) -> tuple[bool, str]:
    if saved.failing:
        return _each_failing(ruleset, saved, prop, citizens)
    a = citizens.get("a") or next(iter(citizens.values()))
    k = prop.kind
    if isinstance(k, P.Recourse):
        start_ok = holds(ruleset, k.when, a)
        start = f"`{k.when_text}` still holds"
    else:
        names = [saved.sanction] if saved.sanction else [s.name for s in ruleset.sanctions]
        sanctioned = set(evaluate(ruleset, a).sanctions)
        imposed = [n for n in names if n in sanctioned]
        start_ok = bool(imposed)
        start = f"still sanctioned ({', '.join(imposed)})" if imposed else ""
    if not start_ok:
        return False, "the saved citizen is no longer in the property's starting condition"
    for s in saved.steps:
        action = ruleset.action(s.action)
        if action is None or s.citizen not in citizens:
            continue
        params = {p.name: s.params.get(p.name) for p in action.params}
        typed = _typed_params(action, params)
        if typed is None:
            continue
        new, _ = step(ruleset, action, citizens[s.citizen], typed)
        if new is not None and _target(ruleset, saved, prop, new):
            return False, f"the recorded step `{s.action}` now reaches the target"
    return True, f"{start}; the recorded steps still do not reach the target"


def _each_failing(
    ruleset: M.Ruleset,
    saved: Saved,
    prop: P.Property,
    citizens: Mapping[str, Mapping[str, M.Value]],
) -> tuple[bool, str]:
    """A file explaining several failing sanctions still violates while one of them does: a
    sanction with no appeal action declared (`appeal_path`), or a citizen that still has its
    sanction and whose recorded steps for it still do not end it."""
    still: list[str] = []
    for name, tag in saved.failing:
        sanction = ruleset.sanction(name)
        if sanction is None:
            continue
        if isinstance(prop.kind, P.AppealPath) and not sanction.appeal:
            still.append(f"`{name}` declares no appeal action")
            continue
        if tag is None or tag not in citizens:
            continue
        one = attrs.evolve(
            saved,
            sanction=name,
            failing=(),
            steps=tuple(
                attrs.evolve(s, citizen="a")
                for s in saved.steps
                if s.citizen == tag and s.sanction == name
            ),
        )
        found, _ = _path_still(ruleset, one, prop, {"a": citizens[tag]})
        if found:
            still.append(f"`{name}` (citizen {tag})")
    if still:
        return True, "still violated for " + ", ".join(still)
    return False, "no saved citizen is still stuck with its sanction"


def _typed_params(action: M.Action, raw: Mapping[str, Any]) -> dict[str, M.Value] | None:
    from fractions import Fraction

    out: dict[str, M.Value] = {}
    for p in action.params:
        v = raw.get(p.name)
        if isinstance(p.type, M.RealType) and isinstance(v, str | int) and not isinstance(v, bool):
            try:
                v = Fraction(v)
            except (ValueError, ZeroDivisionError):
                return None
        if v is None:
            return None
        out[p.name] = v
    return out


def _target(
    ruleset: M.Ruleset, saved: Saved, prop: P.Property, state: Mapping[str, M.Value]
) -> bool:
    k = prop.kind
    if isinstance(k, P.Recourse):
        return holds(ruleset, k.target, state)
    names = [saved.sanction] if saved.sanction else [s.name for s in ruleset.sanctions]
    outcome = evaluate(ruleset, state)
    return not any(n in outcome.sanctions for n in names)


def replays_json(ruleset: M.Ruleset, replays: Sequence[Replay]) -> dict[str, Any]:
    """`replay --format json`: one entry per file, in the order given."""
    from ruleproof.reporting.files import FORMAT

    return {
        "format": FORMAT,
        "ruleset": ruleset.id,
        "replays": [
            {
                "file": r.saved.file,
                "property": r.saved.property,
                "verdict": r.verdict,
                "expect": r.expect,
                "fails": r.fails,
                "detail": r.detail,
                "notes": list(r.notes),
            }
            for r in replays
        ],
    }


def render_replays(
    out: IO[str], ruleset_id: str, replays: Sequence[Replay], property_files: Sequence[str]
) -> None:
    """`replay` text output: a table of files and verdicts, then each still-violating one."""
    from rich.table import Table
    from rich.text import Text

    from ruleproof.verdicts.display import counterexample_group, make_console

    console = make_console(out)
    files = ", ".join(property_files) or "no property file"
    console.print(
        f"ruleset {ruleset_id}: {len(replays)} counterexample file"
        f"{'s' * (len(replays) != 1)} replayed against {files}"
    )
    if not replays:
        return
    table = Table(title="replay", title_justify="left")
    for col in ("property", "verdict", "expectation", "file"):
        table.add_column(col, overflow="fold")
    styles = {
        "still violates": "bold red",
        "fixed": "bold green",
        "impossible": "bold green",
        "skipped": "yellow",
    }
    for r in replays:
        note = f"expected {r.expect}" if r.expect else ""
        table.add_row(
            r.saved.property, Text(r.verdict, style=styles[r.verdict]), note, r.saved.file
        )
    console.print(table)
    for r in replays:
        console.print()
        console.print(f"{r.saved.property}: {r.verdict} — {r.detail}")
        for n in r.notes:
            console.print(f"  note: {n}")
        if r.verdict == "still violates" and r.counterexample is not None and r.fails:
            console.print(counterexample_group(r.counterexample))
    failing = sum(r.fails for r in replays)
    console.print()
    console.print(
        f"{failing} still violate{'s' * (failing == 1)} against expectation"
        if failing
        else "none still violates against expectation"
    )
