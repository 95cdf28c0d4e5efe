"""One benchmark child process: one family instance, every requested kind, printed as JSON lines.

`run(spec)` generates the instance (`families.generate`), loads both versions, confirms every
witness with the reference evaluator, then checks each kind with a fresh `Checker` (what
`ruleproof check RULESET KIND.yaml` does: nothing cached from another property) or, for
`diff`, with `diff_rulesets` (what `ruleproof diff` does). Per kind it prints `start` and then
`result` with the verdict, wall and CPU seconds and the peak memory of that check (VmHWM,
reset before each check where Linux allows it). Baselines, when asked, follow: the naive
hand-written Z3 encoding and Hypothesis random search (`baselines.py`). A kind the family does
not have (`Instance.not_applicable`) is printed as `skipped` with the reason. A generation failure
(no witness found, or a witness the evaluator refutes) is printed as an `error` event.

The parent (`families_run.py`) watches these lines and kills the child if a check overruns.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import families
from family_model import properties_yaml
from family_verify import Expect, explain_counterexample

from ruleproof.language import ruleset as M
from ruleproof.language.load_suite import load_properties_text


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}, default=str), flush=True)


def _status(key: str) -> int:
    m = re.search(rf"{key}:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(m.group(1)) if m else 0


def peak_mib() -> float:
    """The process's peak resident memory in MiB since the last `reset_peak`."""
    return _status("VmHWM") / 1024


def reset_peak() -> None:
    with contextlib.suppress(OSError):  # without it the peak covers the whole process
        Path("/proc/self/clear_refs").write_text("5")


def _blame(kind: str, verdict: str, want: Expect, result: Any, rs: M.Ruleset) -> str:
    if verdict == want.verdict or verdict in ("unknown", "error", "not run"):
        return ""
    if want.verdict in ("violated", "different"):
        how = "confirmed by the reference evaluator" if want.witness else "argued, no witness"
        return f"SOUNDNESS: expected {want.verdict} ({want.why}; {how}), ruleproof says {verdict}"
    if kind == "diff":
        return f"expected equivalent ({want.why}), ruleproof found a difference"
    return f"expected proved ({want.why}); {explain_counterexample(result, rs)}"


def _check(kind: str, props: dict[str, Any], rs: M.Ruleset, new: M.Ruleset, timeout: float) -> Any:
    from ruleproof.commands.run_suite import check_one
    from ruleproof.proving.checker import Checker
    from ruleproof.proving.diff import diff_rulesets
    from ruleproof.proving.solving import Limits

    if kind == "diff":
        return diff_rulesets(rs, new, limits=Limits(timeout=timeout))
    return check_one(Checker(rs, Limits(timeout=timeout)), props[kind])


def check_kind(
    kind: str, inst: Any, props: dict[str, Any], rs: M.Ruleset, new: M.Ruleset, timeout: float
) -> None:
    emit("start", kind=kind)
    reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = _check(kind, props, rs, new, timeout)
        verdict = str(result.status)
        message = "" if verdict in ("proved", "violated") else str(getattr(result, "message", ""))
        if kind == "diff" and verdict == "unknown":
            message = "; ".join(f"{o}: {why}" for o, why in result.unknown)
    except Exception as exc:  # a benchmark reports a crash as a row; it does not stop
        result, verdict = None, "error"
        message = f"{type(exc).__name__}: {exc}"
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    want = inst.expects[kind]
    emit(
        "result",
        kind=kind,
        verdict=verdict,
        expected=want.verdict,
        seconds=round(wall, 3),
        cpu=round(cpu, 3),
        peak_mib=round(peak_mib(), 1),
        message=message[:300],
        blame=_blame(kind, verdict, want, result, rs),
    )


def baselines(spec: dict[str, Any], rs: M.Ruleset) -> None:
    from baselines import naive_independent, random_search

    from ruleproof.semantics.compiled import compile_ruleset

    if spec.get("naive"):
        reset_peak()
        verdict, secs = naive_independent(rs, spec["naive"])
        emit(
            "baseline",
            kind="naive",
            verdict=verdict,
            seconds=round(secs, 3),
            peak_mib=round(peak_mib(), 1),
        )
    if spec.get("search"):
        compiled = compile_ruleset(rs)

        class Outputs:  # score, tier, sanctions without the trace
            def __init__(self, c: Any) -> None:
                self.score, self.tier, self.sanctions = compiled.outputs(c)

        found, n, secs = random_search(rs, spec["search"], Outputs)
        emit(
            "baseline",
            kind="search",
            verdict="found" if found else "not found",
            seconds=round(secs, 3),
            pairs=n,
        )


def run(spec: dict[str, Any]) -> None:
    """Generate, load, confirm, check every kind of `spec` (see the module docstring)."""
    t = time.perf_counter()
    try:
        inst = families.generate(spec["family"], spec["size"], spec["seed"], spec["planted"])
        gen = time.perf_counter() - t
        t = time.perf_counter()
        rs, new = families.load_versions(inst)
        load = time.perf_counter() - t
        t = time.perf_counter()
        families.confirm(inst, rs, new)
        confirm = time.perf_counter() - t
    except Exception as exc:
        emit("error", where="generate", message=f"{type(exc).__name__}: {exc}")
        return
    rules = sum(max(1, len(r.cases)) for r in rs.score.rules) if rs.score else 0
    emit(
        "ready",
        gen=round(gen, 2),
        load=round(load, 2),
        confirm=round(confirm, 2),
        rules=rules,
        attributes=len(rs.attributes),
        notes=inst.notes,
        peak_mib=round(peak_mib(), 1),
    )
    for kind in spec["kinds"]:
        if kind not in inst.expects:  # the family cannot have it: reported, not checked
            why = inst.not_applicable.get(kind, "the family does not generate this kind")
            emit("skipped", kind=kind, message=why)
    kinds = [k for k in spec["kinds"] if k in inst.expects]
    entries = {k: v for k, v in inst.properties.items() if k in kinds}
    props: dict[str, Any] = {}
    if entries:
        file = f"{inst.name}-properties.yaml"
        props = {p.id: p for p in load_properties_text(properties_yaml(entries), file, rs)}
    for kind in kinds:
        check_kind(kind, inst, props, rs, new, spec["timeout"])
    baselines(spec, rs)
    emit("done")


if __name__ == "__main__":
    run(json.loads(sys.argv[1]))
