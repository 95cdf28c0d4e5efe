"""The scale benchmark of issue #7: `python benchmarks/run.py [--quick] [--targets] [--repeat N]`.

For each size (rules × attributes) and variant (planted, clean) one child process generates the
ruleset (`generate.py`), loads it (read + parse + typecheck) and checks every property kind with
one shared `Checker`, then runs the baselines (`baselines.py`): the naive hand-written Z3
encoding and Hypothesis random search. Each row reports the verdict, load / encode / solve
seconds and the child's peak memory (max RSS, so it includes everything checked before in that
child). Results go to stdout and to `benchmarks/results/latest.md`; `--targets` adds the table of
issue #7 targets, met or missed, with the measured medians (`--repeat N` runs each size N times).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PATH_KINDS = ("appeal_path", "expires")
ONE_STATE = ("always", "tiers_total", "reachable", "forall", "reachable_rules")
RELATIONAL = ("independent", "monotone", "same_context", "diff")
ALL_KINDS = RELATIONAL + ONE_STATE + PATH_KINDS

# (rules, attributes, kinds); one-state and path kinds have targets up to 10,000 rules.
FULL = [
    (10, 10, ALL_KINDS),
    (100, 50, ALL_KINDS),
    (1000, 200, ALL_KINDS),
    (10000, 500, tuple(k for k in ALL_KINDS if k != "reachable_rules")),
    (100000, 1000, RELATIONAL),
]
QUICK = [
    (10, 10, ALL_KINDS),
    (1000, 200, tuple(k for k in ALL_KINDS if k != "reachable_rules")),
    (10000, 500, tuple(k for k in ALL_KINDS if k != "reachable_rules")),
]
EXPECTED = {  # verdict per kind for the planted variant; the clean one proves everything
    "independent": "violated",
    "monotone": "violated",
    "same_context": "violated",
    "diff": "different",
    "tiers_total": "violated",
    "reachable": "violated",
}


# -- child ---------------------------------------------------------------------------------


def _properties(rs: Any, g: Any) -> dict[str, Any]:
    from ruleproof.language import suite as P
    from ruleproof.language.exprparse import Origin, parse_expr

    def ex(text: str) -> Any:
        return parse_expr(text, Origin("<bench>", 1, 1))

    always = f"{g.score_lo} <= score <= {g.score_hi}"
    return {
        "independent": P.Independent(P.Selector("associations"), None),
        "monotone": P.Monotone("x0", "score", "nonincreasing"),
        "same_context": P.SameContext(),
        "always": P.Always(ex(always), always),
        "tiers_total": P.TiersTotal(),
        "reachable": P.Reachable("sanctions"),
        "reachable_rules": P.Reachable("rules"),
        "forall": P.Forall(
            ("a", "b"),
            ex("a.score == b.score"),
            ex("a.tier == b.tier"),
            "a.score == b.score",
            "a.tier == b.tier",
        ),
        "appeal_path": P.AppealPath(1),
        "expires": P.Expires(1),
    }


class _Timer:
    """Accumulates the seconds spent inside Z3 calls (solve, minimise)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


def _instrument(timer: _Timer) -> None:
    import importlib

    from ruleproof.proving import solving

    names = ["checker", "paths", "diff", "fastpaths"]
    mods = [importlib.import_module("ruleproof.proving.solving")]
    for n in names:
        with contextlib.suppress(ImportError):
            mods.append(importlib.import_module(f"ruleproof.proving.{n}"))
    originals = {"solve": solving.solve, "minimise": solving.minimise}
    for m in mods:
        for name, fn in originals.items():
            if getattr(m, name, None) is fn:
                setattr(m, name, timer.wrap(fn))


def _diff(old: Any, new: Any, timeout: float) -> str:
    import importlib

    mod = importlib.import_module("ruleproof.proving.diff")
    fn = getattr(mod, "diff_rulesets", None) or mod.diff
    try:
        from ruleproof.proving.solving import Limits

        out = fn(old, new, limits=Limits(timeout=timeout))
    except TypeError:
        out = fn(old, new)
    status = getattr(out, "status", None)  # equivalent | different | unknown
    if status is not None:
        return str(status)
    eq = out.get("equivalent") if isinstance(out, dict) else None
    return "?" if eq is None else "equivalent" if eq else "different"


def _evaluator(rs: Any) -> tuple[str, Any]:
    try:
        from ruleproof.semantics.compiled import compile_ruleset

        compiled = compile_ruleset(rs)

        class Outputs:  # score, tier, sanctions without the trace
            def __init__(self, c: Any) -> None:
                self.score, self.tier, self.sanctions = compiled.outputs(c)

        return "compiled, no trace", Outputs
    except ImportError:
        from ruleproof.semantics.evaluate import evaluate

        return "reference", lambda c: evaluate(rs, c)


def child(spec: dict[str, Any]) -> None:
    from generate import generate

    from ruleproof.language.load_ruleset import load
    from ruleproof.proving.checker import Checker
    from ruleproof.proving.solving import Limits

    rules, nattrs, planted = spec["rules"], spec["attrs"], spec["planted"]
    timeout = spec["timeout"]
    g = generate(rules, nattrs, planted)
    tmp = Path(tempfile.mkdtemp(prefix="rpbench-"))
    (tmp / "old.yaml").write_text(g.text)
    (tmp / "new.yaml").write_text(g.diff_text)

    def emit(row: dict[str, Any]) -> None:
        row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(row), flush=True)

    t = time.perf_counter()
    rs = load(tmp / "old.yaml")
    load_s = time.perf_counter() - t
    emit({"kind": "load", "verdict": f"{rules} rules", "load": load_s})

    which, outcome = _evaluator(rs)
    citizen = rs.baseline()
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        outcome(citizen)
        samples.append(time.perf_counter() - t)
    emit(
        {
            "kind": f"evaluate ({which})",
            "verdict": "one citizen",
            "solve": statistics.median(samples),
        }
    )

    timer = _Timer()
    _instrument(timer)
    props = _properties(rs, g)
    from ruleproof.language import suite as P

    checker = Checker(rs, Limits(timeout=timeout))
    indep_s = None
    for kind in spec["kinds"]:
        timer.seconds = 0.0
        t = time.perf_counter()
        try:
            if kind == "diff":
                t0 = time.perf_counter()
                new = load(tmp / "new.yaml")
                t = time.perf_counter()
                dl = t - t0
                verdict = _diff(rs, new, timeout)
            else:
                dl = 0.0
                verdict = checker.check(P.Property(kind, props[kind])).status
        except ImportError as exc:
            emit({"kind": kind, "verdict": f"n/a ({exc.name} missing)"})
            continue
        except Exception as exc:  # a benchmark reports failures as rows, it does not stop
            verdict = f"error: {type(exc).__name__}: {str(exc)[:80]}"
        total = time.perf_counter() - t
        if kind == "independent":
            indep_s = total
        emit(
            {
                "kind": kind,
                "verdict": verdict,
                "load": dl,
                "encode": total - timer.seconds,
                "solve": timer.seconds,
                "total": total,
            }
        )

    if spec.get("naive"):
        from baselines import naive_independent

        verdict, secs = naive_independent(rs, spec["naive"])
        emit(
            {
                "kind": "naive Z3 (independent, score)",
                "verdict": verdict,
                "total": secs,
                "solve": secs,
            }
        )
    if spec.get("search"):
        from baselines import random_search

        budget = min(max(indep_s or 1.0, 1.0), 20.0)
        found, n, secs = random_search(rs, budget, outcome)
        emit(
            {
                "kind": "Hypothesis search (independent)",
                "verdict": ("found" if found else "not found") + f", {n / secs:,.0f} pairs/s",
                "total": secs,
            }
        )


# -- parent --------------------------------------------------------------------------------


def run_group(
    rules: int, nattrs: int, planted: bool, kinds: tuple[str, ...], args: argparse.Namespace
) -> list[dict[str, Any]]:
    spec = {
        "rules": rules,
        "attrs": nattrs,
        "planted": planted,
        "kinds": list(kinds),
        "timeout": args.timeout,
        "naive": args.naive_timeout if rules <= 3000 else 0,
        "search": rules <= 10000,
    }
    rows: list[dict[str, Any]] = []
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=args.group_timeout,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        out, err = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = f"group timed out after {args.group_timeout} s"
    for line in out.splitlines():
        if line.startswith("{"):
            rows.append(json.loads(line))
    done = {r["kind"] for r in rows}
    for k in kinds:
        if k not in done:
            rows.append(
                {"kind": k, "verdict": "not run: " + (err.strip().splitlines() or ["?"])[-1][:100]}
            )
    for r in rows:
        r.update(rules=rules, attrs=nattrs, variant="planted" if planted else "clean")
        want = (
            EXPECTED.get(r["kind"], "proved")
            if planted
            else ("equivalent" if r["kind"] == "diff" else "proved")
        )
        if r["kind"] in ALL_KINDS and r.get("verdict") != want:
            r["verdict"] = f"{r.get('verdict')} (expected {want})"
    return rows


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| rules | attrs | variant | property | verdict | load s | encode s | solve s | "
        "total s | peak MiB |"
    )
    out = [head, "|" + "---|" * 10]
    for r in rows:
        out.append(
            "| "
            + " | ".join(
                _fmt(r.get(k))
                for k in (
                    "rules",
                    "attrs",
                    "variant",
                    "kind",
                    "verdict",
                    "load",
                    "encode",
                    "solve",
                    "total",
                )
            )
            + f" | {r.get('peak_mib', 0):.0f} |"
        )
    return "\n".join(out)


def _median(rows: list[dict[str, Any]], key: str, **where: Any) -> float | None:
    vals = [r[key] for r in rows if key in r and all(r.get(k) == v for k, v in where.items())]
    return statistics.median(vals) if vals else None


def targets(rows: list[dict[str, Any]]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of issue #7 (None: not measured in this run)."""
    out: list[tuple[str, str, bool | None]] = []

    def add(
        name: str, value: float | None, limit: float, unit: str = "s", ok: bool | None = None
    ) -> None:
        if value is None:
            out.append((name, "not measured", None))
            return
        met = value <= limit if ok is None else ok
        out.append((name, f"{value:.3f} {unit}", met))

    add(
        "100k rules / 1k attrs: load + typecheck ≤ 5 s",
        _median(rows, "load", rules=100000, kind="load"),
        5,
    )
    for kind in RELATIONAL:
        for variant in ("planted", "clean"):
            vals = [
                r
                for r in rows
                if r["rules"] == 100000 and r["kind"] == kind and r["variant"] == variant
            ]
            good = bool(vals) and all("expected" not in str(r["verdict"]) for r in vals)
            v = _median(rows, "total", rules=100000, kind=kind, variant=variant)
            add(
                f"100k rules: {kind} ({variant}) ≤ 10 s",
                v,
                10,
                ok=None if v is None else (v <= 10 and good),
            )
    for n, limit in ((10000, 10.0), (1000, 2.0)):
        for kind in ("always", "tiers_total", "reachable", *PATH_KINDS):
            for variant in ("planted", "clean"):
                vals = [
                    r
                    for r in rows
                    if r["rules"] == n and r["kind"] == kind and r["variant"] == variant
                ]
                good = bool(vals) and all("expected" not in str(r["verdict"]) for r in vals)
                v = _median(rows, "total", rules=n, kind=kind, variant=variant)
                add(
                    f"{n:,} rules: {kind} ({variant}) ≤ {limit:g} s",
                    v,
                    limit,
                    ok=None if v is None else (v <= limit and good),
                )
    ours = _median(rows, "total", rules=1000, kind="independent", variant="planted")
    naive = _median(
        rows, "total", rules=1000, kind="naive Z3 (independent, score)", variant="planted"
    )
    nv = [
        r
        for r in rows
        if r["rules"] == 1000 and r["variant"] == "planted" and r["kind"].startswith("naive")
    ]
    timed_out = any(r["verdict"] == "timeout" for r in nv)
    if ours and naive:
        ratio = naive / ours
        out.append(
            (
                "1,000 rules: ≥ 20× faster than the naive encoding (planted)",
                f"{'≥ ' if timed_out else ''}{ratio:.0f}× ({ours:.2f} s vs "
                f"{'> ' if timed_out else ''}{naive:.1f} s)",
                ratio >= 20,
            )
        )
    else:
        out.append(
            ("1,000 rules: ≥ 20× faster than the naive encoding (planted)", "not measured", None)
        )
    peak = max((r.get("peak_mib", 0) for r in rows), default=None)
    add("peak memory ≤ 2 GiB", peak, 2048, "MiB")
    ev = [r for r in rows if r["rules"] == 100000 and r["kind"].startswith("evaluate")]
    add(
        "evaluate one citizen at 100k rules ≤ 50 ms",
        statistics.median(r["solve"] * 1000 for r in ev) if ev else None,
        50,
        "ms",
    )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes up to 10,000 rules (~2 min)")
    ap.add_argument("--targets", action="store_true", help="report issue #7 targets")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (medians)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per property")
    ap.add_argument("--naive-timeout", type=float, default=60.0)
    ap.add_argument("--group-timeout", type=float, default=1800.0)
    ap.add_argument("--sizes", help="only these rule counts, e.g. 1000,10000")
    ap.add_argument("--out", default=str(HERE / "results" / "latest.md"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(json.loads(args.child))
        return 0
    grid = QUICK if args.quick else FULL
    if args.quick:
        args.naive_timeout = min(args.naive_timeout, 30.0)
    if args.sizes:
        keep = {int(x) for x in args.sizes.split(",")}
        grid = [g for g in grid if g[0] in keep]
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for rules, nattrs, kinds in grid:
        for planted in (True, False):
            for _ in range(args.repeat):
                new = run_group(rules, nattrs, planted, kinds, args)
                rows += new
                for r in new:
                    print(
                        f"{rules:>7} {nattrs:>5} {r['variant']:<8} {r['kind']:<34} "
                        f"{r.get('verdict')!s:<40} total={_fmt(r.get('total'))} "
                        f"load={_fmt(r.get('load'))} peak={r.get('peak_mib', 0):.0f}MiB",
                        flush=True,
                    )
    wall = time.perf_counter() - start
    import z3

    lines = [
        "# Benchmark results (issue #7)",
        "",
        f"`python benchmarks/run.py {' '.join(sys.argv[1:])}` — "
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Z3 {z3.get_version_string()}, {wall:.0f} s wall.",
        "Verdicts other than the expected one are marked `(expected …)`. Peak memory is the "
        "max RSS of the child process that checked the size/variant, up to that row.",
        "",
        table(rows),
    ]
    if args.targets:
        tg = targets(rows)
        lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
        for name, measured, met in tg:
            lines.append(
                f"| {name} | {measured} | {'yes' if met else 'n/a' if met is None else '**no**'} |"
            )
    text = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
