"""The family benchmark of issue 14: every family × size × seed × planted/clean × kind.

    nice python benchmarks/families_run.py            # 1k/10k/100k, 8 seeds (hours)
    python benchmarks/families_run.py --quick         # 1k and 10k, 2 seeds
    python benchmarks/families_run.py --family clamped --sizes 10000 --seeds 3-3 --kinds independent

Each ruleset is checked in its own child process (`families_child.py`): one `Checker` per
property, as `ruleproof check RULESET KIND.yaml` would, with `--timeout` seconds per check
(default 60). The parent kills a child whose check overruns its timeout by far (`hang`) and
starts a new one for the remaining kinds, so one hang cannot stop the benchmark. The naive
hand-written Z3 encoding and Hypothesis random search run as baselines on the clamped family
at 1k, 2k and 10k rules (2k only for `independent`, the issue's comparison).

Results: a line per check on stdout; `benchmarks/results/families.md` (the tables, written by
`families_report.py`) and `families.json` (every row) at the end, also after Ctrl-C.
Seeds: `--seeds 8` means seeds 0-7, `--seeds 0,3` those two, `--seeds 3-3` seed 3 alone;
`--seeds-large` the same for 100,000 rules and more.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import families
import families_report

HERE = Path(__file__).resolve().parent
SIZES = (1000, 10000, 100000)
QUICK_SIZES = (1000, 10000)
NAIVE_SIZES = (1000, 2000, 10000)  # clamped family
NA = families_report.NOT_APPLICABLE


def seeds_of(text: str) -> list[int]:
    """`8` → seeds 0-7; `0,3` → 0 and 3; `3-5` → 3, 4, 5 (`3-3` is seed 3 alone)."""
    if text.isdigit():
        return list(range(int(text)))
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if part:
            out += list(range(int(lo), int(hi or lo) + 1))
    return out


def plan(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One child spec per family × size × seed × variant, in running order."""
    fams = args.family.split(",") if args.family else list(families.FAMILIES)
    kinds = args.kinds.split(",") if args.kinds else list(families.KINDS)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    specs = []
    for fam in fams:
        fam_sizes = sizes or list(QUICK_SIZES if args.quick else SIZES)
        if fam == "clamped" and sizes is None and not args.no_baselines:
            fam_sizes = sorted({*fam_sizes, 2000})
        for size in fam_sizes:
            seeds = seeds_of(
                args.seeds_large if size >= 100_000 and args.seeds_large else args.seeds
            )
            size_kinds = [k for k in kinds if size != 2000 or k == "independent"] or kinds
            for seed in seeds:
                for planted in (True, False):
                    base = fam == "clamped" and size in NAIVE_SIZES and not args.no_baselines
                    naive = base and seed in seeds[: args.naive_seeds]
                    specs.append(
                        {
                            "family": fam,
                            "size": size,
                            "seed": seed,
                            "planted": planted,
                            "kinds": size_kinds,
                            "timeout": args.timeout,
                            "naive": args.naive_timeout if naive else 0,
                            "search": args.search_seconds if base else 0,
                        }
                    )
    return specs


class Child:
    """A running child process and a thread that queues its JSON lines."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.err = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in kill)
        cmd = [sys.executable, str(HERE / "families_child.py"), json.dumps(spec)]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=self.err, text=True, start_new_session=True
        )
        self.lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.lines.put(json.loads(line))
        self.lines.put(None)

    def next(self, deadline: float) -> dict[str, Any] | str | None:
        """The next event, None at the end of output, or "timeout"."""
        try:
            return self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return "timeout"

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the child's own session, nothing else
        self.proc.wait()

    def stderr_tail(self) -> str:
        """The last line the child wrote to stderr (read after `kill`)."""
        self.err.seek(0)
        lines = self.err.read().strip().splitlines()
        return lines[-1][:200] if lines else ""

    def close(self) -> None:
        self.kill()
        self.err.close()


def _limit(kind: str, spec: dict[str, Any]) -> float:
    """How long a check may run before its child is killed: its timeout, generously."""
    factor = 4 if kind == "diff" else 2
    return float(spec["timeout"]) * factor + 60


def run_spec(spec: dict[str, Any], args: argparse.Namespace, out: list[dict[str, Any]]) -> None:
    """Run one spec to the end (restarting after a hang or crash), appending rows to `out`."""
    key = {k: spec[k] for k in ("family", "size", "seed")}
    key["variant"] = "planted" if spec["planted"] else "clean"
    todo = list(spec["kinds"])
    baselines_left = bool(spec["naive"] or spec["search"])
    meta: dict[str, Any] = {}
    while todo or baselines_left:
        child = Child({**spec, "kinds": todo})
        current, deadline = "generate", time.monotonic() + args.generate_timeout
        since = time.monotonic()
        while True:
            ev = child.next(deadline)
            if ev == "timeout" or ev is None:
                how = "hang" if ev == "timeout" else "crash"
                child.close()
                waited = time.monotonic() - since
                why = f"{how} in {current} after {waited:.0f} s" + (
                    "" if how == "hang" else f": {child.stderr_tail()}"
                )
                if current == "generate":
                    out.append({**key, "kind": "generate", "verdict": "error", "message": why})
                    return
                if current in todo:
                    out.append({**key, **meta, "kind": current, "verdict": how, "message": why})
                    todo.remove(current)
                else:
                    baselines_left = False
                    out.append({**key, "kind": "baselines", "verdict": how, "message": why})
                break
            assert isinstance(ev, dict)
            if ev["event"] == "error":
                out.append(
                    {**key, "kind": "generate", "verdict": "error", "message": ev["message"]}
                )
                child.close()
                return
            if ev["event"] == "ready":
                meta = {"rules": ev["rules"], "load": ev["load"], "gen": ev["gen"]}
                out.append(
                    {
                        **key,
                        "kind": "load",
                        "verdict": "ok",
                        "seconds": ev["load"],
                        "peak_mib": ev["peak_mib"],
                        "rules": ev["rules"],
                        "message": ev["notes"],
                    }
                )
                current, since = "baselines", time.monotonic()
                deadline = since + _baseline_limit(spec)
            elif ev["event"] == "skipped":
                out.append(
                    {
                        **key,
                        **meta,
                        "kind": ev["kind"],
                        "verdict": NA,
                        "expected": NA,
                        "message": ev["message"],
                    }
                )
                todo.remove(ev["kind"])
            elif ev["event"] == "start":
                current, since = ev["kind"], time.monotonic()
                deadline = since + _limit(current, spec)
            elif ev["event"] == "result":
                row = {**key, **meta, **{k: v for k, v in ev.items() if k != "event"}}
                out.append(row)
                _progress(row)
                todo.remove(ev["kind"])
                current, since = "baselines", time.monotonic()
                deadline = since + _baseline_limit(spec)
            elif ev["event"] == "baseline":
                row = {**key, **meta, **{k: v for k, v in ev.items() if k != "event"}}
                row["kind"] = f"baseline:{ev['kind']}"
                out.append(row)
                _progress(row)
            elif ev["event"] == "done":
                baselines_left = False
                child.close()
                break


def _baseline_limit(spec: dict[str, Any]) -> float:
    return float(spec["naive"]) * 1.5 + float(spec["search"]) * 2 + 120


def _progress(row: dict[str, Any]) -> None:
    flag = " <<< " + row["blame"] if row.get("blame") else ""
    print(
        f"{row['family']:<8} {row['size']:>7} s{row['seed']:<2} {row['variant']:<7} "
        f"{row['kind']:<20} {row.get('verdict', '')!s:<11} {row.get('seconds', 0):>8.2f}s "
        f"cpu {row.get('cpu', 0) or 0:>7.2f}s {row.get('peak_mib', 0) or 0:>6.0f}MiB{flag}",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k rules, 2 seeds")
    ap.add_argument("--family", help="comma-separated: " + ", ".join(families.FAMILIES))
    ap.add_argument("--sizes", help="comma-separated rule counts (default 1000,10000,100000)")
    ap.add_argument("--seeds", help="a count (8: seeds 0-7) or a list (0,3); default 8, quick 2")
    ap.add_argument("--seeds-large", help="seeds for sizes of 100,000 and more (default: --seeds)")
    ap.add_argument("--kinds", help="comma-separated: " + ", ".join(families.KINDS))
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per check (default 60)")
    ap.add_argument("--generate-timeout", type=float, default=1800.0)
    ap.add_argument("--naive-timeout", type=float, default=300.0)
    ap.add_argument("--naive-seeds", type=int, default=2, help="seeds that run the naive baseline")
    ap.add_argument("--search-seconds", type=float, default=10.0)
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results" / "families.md"))
    ap.add_argument("--report-only", help="re-render the tables from a saved families.json")
    args = ap.parse_args()
    args.seeds = args.seeds or ("2" if args.quick else "8")
    rows: list[dict[str, Any]] = []
    out = Path(args.out)
    if args.report_only:
        saved = json.loads(Path(args.report_only).read_text())
        families_report.write(out, saved["rows"], saved["meta"])
        return 0
    meta = families_report.start_meta(sys.argv[1:])
    try:
        for spec in plan(args):
            run_spec(spec, args, rows)
    except KeyboardInterrupt:
        meta["interrupted"] = True
    families_report.finish_meta(meta)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=0))
    text = families_report.write(out, rows, meta)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
