"""Results and counterexamples as JSON: the `check --format json` document and the files in
`counterexamples/<ruleset>/<property>.json` (DESIGN §4–5), and reading those files back.

Every document is built in a fixed key order (citizens' attributes in declaration order, tags
and sanctions sorted), so the same results always give the same bytes. Counterexample files
carry no timings and no paths, only what the finding is: they are byte-identical on re-runs of
the same check, and a file changes only when its finding does. Files are written atomically and
only below the output folder, never through a link (`ruleproof.safefiles`). No `z3` here.

`read_counterexample_text` reads a file back into a `Saved` record. Structural problems (not
JSON, not a counterexample file, another ruleset) raise `RulesetError` (RP406, RP601, RP602);
citizens are kept as raw JSON values, to be judged against the current ruleset by `replay`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import ruleset as M
from ruleproof.language.values import value_json
from ruleproof.printable import json_safe
from ruleproof.safefiles import write_text
from ruleproof.semantics.citizen import parse_json_object
from ruleproof.semantics.outcome import Outcome, Step
from ruleproof.verdicts.result import Counterexample, Result

FORMAT = 1
PATH_KIND_NAMES = ("appeal_path", "expires", "recourse")
JsonDoc = dict[str, Any]


def dumps(doc: Any) -> str:
    """The JSON text ruleproof writes: two-space indent, UTF-8 as is (control characters and
    the other characters `printable` escapes written as `\\uXXXX`), one final newline."""
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def citizen_json(ruleset: M.Ruleset, citizen: Mapping[str, M.Value]) -> JsonDoc:
    """Every attribute in declaration order (names the ruleset lacks come last, sorted)."""
    names = [a.name for a in ruleset.attributes if a.name in citizen]
    names += sorted(set(citizen) - set(names))
    return {n: value_json(citizen[n]) for n in names}


def outcome_json(o: Outcome) -> JsonDoc:
    """An outcome as JSON: score, tier, sorted sanctions and the defines' values."""
    return {
        "score": value_json(o.score),
        "tier": o.tier,
        "sanctions": sorted(o.sanctions),
        "defines": {k: value_json(v) for k, v in o.defines.items()},
    }


def step_json(s: Step) -> JsonDoc:
    """A path step as JSON (params sorted by name; `sanction` only when the step has one)."""
    doc: JsonDoc = {
        "citizen": s.citizen,
        "action": s.action,
        "enabled": s.enabled,
        "detail": s.detail,
        "params": {k: value_json(s.params[k]) for k in sorted(s.params)},
    }
    if s.sanction is not None:
        doc["sanction"] = s.sanction
    return doc


def counterexample_json(ruleset: M.Ruleset, cex: Counterexample, path: bool) -> JsonDoc:
    """`citizens`, `outcomes`, `trace` (lines per citizen), `sanction`, `note`; `failing` (each
    failing sanction with its citizen's tag) when several sanctions fail; `steps` if path."""
    tags = sorted(cex.citizens)
    doc: JsonDoc = {
        "citizens": {t: citizen_json(ruleset, cex.citizens[t]) for t in tags},
        "outcomes": {t: outcome_json(cex.outcomes[t]) for t in tags if t in cex.outcomes},
        "trace": {t: cex.outcomes[t].trace.lines() for t in tags if t in cex.outcomes},
        "sanction": cex.sanction,
        "note": cex.note,
    }
    if cex.failing:
        doc["failing"] = [{"sanction": n, "citizen": t} for n, t in cex.failing]
    if path:
        doc["steps"] = [step_json(s) for s in cex.steps]
    return doc


def result_json(ruleset: M.Ruleset, r: Result) -> JsonDoc:
    """One entry of `results` in `check --format json` (DESIGN §5, plus `expect`, `because`,
    and `witnesses`: who shows a `reachable` goal or an `exists` query possible)."""
    p = r.property
    cex = r.counterexample
    return {
        "property": p.id,
        "kind": p.kind_name,
        "status": r.status,
        "expect": p.expect,
        "matches_expectation": r.matches_expectation,
        "bound": r.bound,
        "seconds": r.seconds,
        "message": r.message,
        "affected": r.affected,
        "because": list(r.because),
        "witnesses": {k: citizen_json(ruleset, c) for k, c in r.witnesses.items()},
        "counterexample": (
            None
            if cex is None
            else counterexample_json(ruleset, cex, p.kind_name in PATH_KIND_NAMES)
        ),
    }


def report_json(ruleset: M.Ruleset, spec_file: str, results: Sequence[Result]) -> JsonDoc:
    """The whole `check --format json` document, with the `format` version first."""
    return {
        "format": FORMAT,
        "ruleset": ruleset.id,
        "file": spec_file,
        "results": [result_json(ruleset, r) for r in results],
    }


def counterexample_file_json(ruleset: M.Ruleset, r: Result) -> JsonDoc:
    """The content of `counterexamples/<ruleset>/<property>.json` for a violated result."""
    assert r.counterexample is not None, "only violated results have counterexample files"
    p = r.property
    return {
        "format": FORMAT,
        "ruleset": ruleset.id,
        "property": p.id,
        "kind": p.kind_name,
        "message": r.message,
        "counterexample": counterexample_json(
            ruleset, r.counterexample, p.kind_name in PATH_KIND_NAMES
        ),
    }


def counterexample_path(out_dir: str | Path, ruleset_id: str, property_id: str) -> Path:
    """Where a property's counterexample lives: `<out_dir>/<ruleset>/<property>.json`."""
    return Path(out_dir) / ruleset_id / f"{property_id}.json"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` so readers see the old file or the new one, never half
    (`ruleproof.safefiles.write_text`, with `path`'s folder as the root).

    Raises:
        RulesetError: RP607 when it cannot be written.
    """
    write_text(path.parent, path, text)


def write_counterexample_files(
    out_dir: str | Path, ruleset: M.Ruleset, results: Iterable[Result]
) -> tuple[list[Path], list[Diagnostic]]:
    """Write one file per violated result below `out_dir`, as many as can be written.

    Returns the paths of the files (written, or already holding that content), in result order,
    and an RP607 diagnostic for each file that could not be written: a link or a file where a
    folder goes, a read-only file, a folder that cannot be written (`safefiles.write_text`).
    A file whose content would not change is left untouched (not even its modification time).
    Files of properties that are now proved are kept: they are the regression corpus that
    `ruleproof replay` and the pytest plugin re-run to show the fix works.
    """
    written: list[Path] = []
    problems: list[Diagnostic] = []
    for r in results:
        if r.status != "violated" or r.counterexample is None:
            continue
        path = counterexample_path(out_dir, ruleset.id, r.property.id)
        try:
            write_text(out_dir, path, dumps(counterexample_file_json(ruleset, r)))
        except RulesetError as exc:
            # A wrong folder fails every file the same way: say so once.
            problems += [d for d in exc.diagnostics if d not in problems]
            continue
        written.append(path)
    return written, problems


def write_counterexamples(
    out_dir: str | Path, ruleset: M.Ruleset, results: Iterable[Result]
) -> list[Path]:
    """`write_counterexample_files`, raising `RulesetError` (RP607) for the files that could
    not be written after writing the others; returns the paths written, in result order."""
    written, problems = write_counterexample_files(out_dir, ruleset, results)
    if problems:
        raise RulesetError(problems)
    return written


# -- reading back --------------------------------------------------------------------------


@attrs.frozen
class Saved:
    """A counterexample file as read back: citizens hold raw JSON values, not yet validated."""

    file: str
    ruleset: str
    property: str
    kind: str
    citizens: Mapping[str, Mapping[str, Any]]
    steps: tuple[Step, ...] = ()
    sanction: str | None = None
    message: str = ""
    failing: tuple[tuple[str, str | None], ...] = ()


def _bad(file: str, message: str, fix: str = "") -> RulesetError:
    return RulesetError(
        [
            Diagnostic(
                "RP601",
                message,
                Span.point(file, 1, 1),
                why="counterexample files are written by `ruleproof check`",
                fix=fix or "re-create it with `ruleproof check`, or remove it",
            )
        ]
    )


def _plain(v: Any) -> Any:
    """A parsed JSON value with exact decimals turned back into text for re-reading."""
    if isinstance(v, Decimal):
        return str(v)
    return v


def read_counterexample_text(text: str, file: str, ruleset: M.Ruleset | None = None) -> Saved:
    """Read a counterexample file; with `ruleset`, it must belong to that ruleset.

    Raises:
        RulesetError: RP406 not JSON, RP601 not a counterexample file of this format,
            RP602 written for another ruleset.
    """
    data = parse_json_object(text, file)
    _check_header(data, file)
    cex = data.get("counterexample")
    if not isinstance(cex, dict) or not isinstance(cex.get("citizens"), dict):
        raise _bad(file, "`counterexample.citizens` is missing or not an object")
    citizens = _read_citizens(cex["citizens"], file)
    steps = _read_steps(cex.get("steps") or [], file)
    failing = _read_failing(cex.get("failing") or [], file)
    sanction = cex.get("sanction")
    saved = Saved(
        file,
        data["ruleset"],
        data["property"],
        data["kind"],
        citizens,
        steps,
        sanction if isinstance(sanction, str) else None,
        str(data.get("message", "")),
        failing,
    )
    if ruleset is not None and saved.ruleset != ruleset.id:
        raise RulesetError(
            [
                Diagnostic(
                    "RP602",
                    f"counterexample of ruleset `{saved.ruleset}`, replayed against `{ruleset.id}`",
                    Span.point(file, 1, 1),
                    why="a counterexample only means something for the ruleset it was found in",
                    fix=f"replay it against the spec of `{saved.ruleset}`, or give files under "
                    f"counterexamples/{ruleset.id}/",
                )
            ]
        )
    return saved


def _check_header(data: dict[str, Any], file: str) -> None:
    """RP601 unless `data` has this `format` and text `ruleset`, `property` and `kind`."""
    if type(data.get("format")) is not int or data["format"] != FORMAT:  # `true` == 1 in Python
        raise _bad(
            file,
            f"not a ruleproof counterexample file of format {FORMAT} "
            f"(`format` is {json.dumps(_plain(data.get('format')))})",
        )
    for key in ("ruleset", "property", "kind"):
        if not isinstance(data.get(key), str):
            raise _bad(file, f"`{key}` is missing or not text")


def _read_citizens(raw: dict[str, Any], file: str) -> dict[str, dict[str, Any]]:
    """The citizens by tag, in tag order, each value made plain (RP601 a citizen not an object)."""
    citizens: dict[str, dict[str, Any]] = {}
    for tag in sorted(raw):
        values = raw[tag]
        if not isinstance(values, dict):
            raise _bad(file, f"citizen `{tag}` is not an object")
        citizens[tag] = {k: _plain(v) for k, v in values.items()}
    return citizens


def _read_steps(raw: Iterable[Any], file: str) -> tuple[Step, ...]:
    """The steps of a path counterexample (RP601 a step without an `action`)."""
    steps: list[Step] = []
    for s in raw:
        if not (isinstance(s, dict) and isinstance(s.get("action"), str)):
            raise _bad(file, "each of `counterexample.steps` needs an `action`")
        raw_params = s.get("params")
        params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
        for_sanction = s.get("sanction")
        steps.append(
            Step(
                str(s.get("citizen", "a")),
                s["action"],
                bool(s.get("enabled", False)),
                str(s.get("detail", "")),
                {k: _plain(v) for k, v in params.items()},
                for_sanction if isinstance(for_sanction, str) else None,
            )
        )
    return tuple(steps)


def _read_failing(raw: Iterable[Any], file: str) -> tuple[tuple[str, str | None], ...]:
    """The (sanction, citizen tag or None) pairs that fail (RP601 one without a `sanction`)."""
    failing: list[tuple[str, str | None]] = []
    for f in raw:
        if not (isinstance(f, dict) and isinstance(f.get("sanction"), str)):
            raise _bad(file, "each of `counterexample.failing` needs a `sanction`")
        tag = f.get("citizen")
        failing.append((f["sanction"], tag if isinstance(tag, str) else None))
    return tuple(failing)
