"""The family benchmark's report: rows (one per check) → markdown tables against the targets.

`write(path, rows, meta)` renders and writes `families.md` and returns its text. A row is a
dict with `family`, `size`, `seed`, `variant`, `kind`, `verdict`, `expected`, `seconds` (wall),
`cpu`, `peak_mib`, `message` and `blame` (non-empty for a wrong verdict); a kind the family
does not have is a row with the verdict `n/a`, listed apart and not counted as a check. The
targets are issue 14's: at 10,000 rules every kind ≤ 5 s, at 100,000 ≤ 20 s (worst case over
seeds, wall clock); no `unknown` (nor hang, crash or error) within the timeout; peak memory
≤ 2 GiB; at 2,000 rules of the clamped family `independent` ≥ 100× faster than the naive encoding.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

LIMITS = {10_000: 5.0, 100_000: 20.0}
MEMORY_MIB = 2048
Row = dict[str, Any]
FAILED = ("unknown", "hang", "crash", "error")
NOT_APPLICABLE = "n/a"  # the verdict of a kind the family cannot have (no property, no check)


def start_meta(argv: list[str]) -> dict[str, Any]:
    import z3

    return {
        "command": "python benchmarks/families_run.py " + " ".join(argv),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "z3": z3.get_version_string(),
        "load_start": os.getloadavg()[0],
        "start": time.time(),
    }


def finish_meta(meta: dict[str, Any]) -> None:
    meta["load_end"] = os.getloadavg()[0]
    meta["wall"] = time.time() - meta["start"]


def _s(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def _checks(rows: Iterable[Row]) -> list[Row]:
    return [
        r
        for r in rows
        if r["kind"] not in ("load", "generate", "baselines")
        and not r["kind"].startswith("baseline:")
        and r["verdict"] != NOT_APPLICABLE
    ]


def not_applicable(rows: list[Row]) -> list[str]:
    """One line per family: the kinds it cannot have, and why (not counted as checks)."""
    why: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        if r["verdict"] == NOT_APPLICABLE:
            why[r["family"]][r["kind"]] = str(r.get("message", ""))
    if not why:
        return []
    out = ["## Kinds a family does not have (not applicable, not checked)", ""]
    for fam, kinds in sorted(why.items()):
        for reason in sorted(set(kinds.values())):
            names = ", ".join(f"`{k}`" for k, v in kinds.items() if v == reason)
            out.append(f"- {fam}: {names} — {reason}")
    return out


def _cell(rs: list[Row]) -> str:
    """median / worst (seed of the worst) of wall seconds."""
    secs = [r for r in rs if r.get("seconds") is not None]
    if not secs:
        return "–"
    worst = max(secs, key=lambda r: r["seconds"])
    med = statistics.median(r["seconds"] for r in secs)
    return f"{_s(med)} / **{_s(worst['seconds'])}** (s{worst['seed']})"


def _verdicts(rs: list[Row]) -> str:
    ok = sum(r["verdict"] == r.get("expected") for r in rs)
    bad = [r for r in rs if r["verdict"] != r.get("expected")]
    parts = [f"{ok}/{len(rs)} as expected"]
    counts: dict[str, int] = defaultdict(int)
    for r in bad:
        counts["WRONG" if r.get("blame") else r["verdict"]] += 1
    parts += [f"{n} {what}" for what, n in sorted(counts.items())]
    return ", ".join(parts)


def _met(size: int, rs: list[Row]) -> str:
    fails = []
    limit = LIMITS.get(size)
    worst = max((r.get("seconds") or 0 for r in rs), default=0)
    if limit is not None and worst > limit:
        fails.append(f"> {limit:g} s")
    if any(r["verdict"] in FAILED for r in rs):
        fails.append("unknown")
    if any(r.get("blame") for r in rs):
        fails.append("WRONG")
    if max((r.get("peak_mib") or 0 for r in rs), default=0) > MEMORY_MIB:
        fails.append("> 2 GiB")
    if fails:
        return "**no**: " + ", ".join(fails)
    return "yes" if limit is not None else "yes (no time target)"


def main_table(rows: list[Row]) -> list[str]:
    groups: dict[tuple[str, int, str], list[Row]] = defaultdict(list)
    for r in _checks(rows):
        groups[(r["family"], r["size"], r["kind"])].append(r)
    out = [
        "| family | rules | kind | planted: median / **worst** s | clean: median / **worst** s "
        "| worst CPU s | verdicts | peak MiB | target | met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (fam, size, kind), rs in groups.items():
        planted = [r for r in rs if r["variant"] == "planted"]
        clean = [r for r in rs if r["variant"] == "clean"]
        cpu = max((r.get("cpu") or 0 for r in rs), default=0)
        peak = max((r.get("peak_mib") or 0 for r in rs), default=0)
        limit = LIMITS.get(size)
        target = f"≤ {limit:g} s" if limit else "no unknown"
        out.append(
            f"| {fam} | {size:,} | {kind} | {_cell(planted)} | {_cell(clean)} | {_s(cpu)} "
            f"| {_verdicts(rs)} | {peak:.0f} | {target} | {_met(size, rs)} |"
        )
    return out


def summary(rows: list[Row]) -> list[str]:
    """One line per family and size: kinds meeting their target, the worst check, failures."""
    groups: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for r in _checks(rows):
        groups[(r["family"], r["size"])].append(r)
    out = [
        "| family | rules | seeds | kinds meeting the target | worst check (wall s) "
        "| median of all checks s | unknown / hang | wrong | peak MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (fam, size), rs in sorted(groups.items()):
        kinds: dict[str, list[Row]] = defaultdict(list)
        for r in rs:
            kinds[r["kind"]].append(r)
        met = sum(_met(size, k).startswith("yes") for k in kinds.values())
        worst = max(rs, key=lambda r: r.get("seconds") or 0)
        secs = [r.get("seconds") or 0 for r in rs]
        failed = sum(r["verdict"] in FAILED for r in rs)
        wrong = sum(bool(r.get("blame")) for r in rs)
        peak = max((r.get("peak_mib") or 0 for r in rs), default=0)
        out.append(
            f"| {fam} | {size:,} | {len({r['seed'] for r in rs})} | {met}/{len(kinds)} "
            f"| {_s(worst.get('seconds'))} ({worst['kind']}, s{worst['seed']} {worst['variant']}) "
            f"| {_s(statistics.median(secs))} | {failed} of {len(rs)} | {wrong} | {peak:.0f} |"
        )
    return out


def command(r: Row, timeout: float = 60) -> str:
    """Shell commands that regenerate the ruleset of a row and re-run its check."""
    planted = " --planted" if r["variant"] == "planted" else ""
    d = f"/tmp/{r['family']}-{r['size']}-s{r['seed']}-{r['variant']}"
    gen = f"python benchmarks/families.py {r['family']} {r['size']} --seed {r['seed']}{planted}"
    gen += f" --out {d} && ruleproof"
    if r["kind"] == "diff":
        return f"{gen} diff {d}/ruleset.yaml {d}/ruleset-v2.yaml --timeout {timeout:g}"
    return f"{gen} check {d}/ruleset.yaml {d}/kinds/{r['kind']}.yaml --timeout {timeout:g}"


def _case(r: Row) -> str:
    return f"{r['family']} {r['size']:,} s{r['seed']} {r['variant']} `{r['kind']}`"


def problems(rows: list[Row]) -> list[str]:
    """Wrong verdicts, then generation failures, then every unknown / hang / crash / error."""
    wrong = [r for r in rows if r.get("blame")]
    out = ["## Wrong verdicts", ""]
    if not wrong:
        out.append("None: every decided verdict is the expected one.")
    for r in wrong:
        out.append(f"- **{_case(r)}**: ruleproof says {r['verdict']}. {r['blame']}  ")
        out.append(f"  `{command(r)}`")
    gen = [r for r in rows if r["kind"] == "generate"]
    if gen:
        out += ["", "## Generation failures (the family's expectation could not be made)", ""]
        out += [
            f"- {r['family']} {r['size']:,} s{r['seed']} {r['variant']}: {r['message']}"
            for r in gen
        ]
    failed = [r for r in rows if r["verdict"] in FAILED and r["kind"] != "generate"]
    out += ["", f"## Unknowns, hangs, crashes and errors ({len(failed)})", ""]
    if not failed:
        out.append("None.")
    else:
        out += ["| case | verdict | seconds | message |", "|---|---|---|---|"]
        for r in sorted(failed, key=lambda r: (r["family"], r["size"], r["kind"], r["seed"])):
            msg = str(r.get("message", "")).replace("|", "/")[:160]
            out.append(f"| {_case(r)} | {r['verdict']} | {_s(r.get('seconds'))} | {msg} |")
    return out


def baselines(rows: list[Row]) -> list[str]:
    ours = {
        (r["size"], r["seed"], r["variant"]): r
        for r in rows
        if r["family"] == "clamped" and r["kind"] == "independent"
    }
    base = [r for r in rows if r["kind"].startswith("baseline:")]
    if not base:
        return []
    out = [
        "## Baselines (clamped family, `independent` of associations)",
        "",
        "The naive encoding is `benchmarks/baselines.py` (one `If` per rule, two copies sharing "
        "the other attributes, the score clamped to its range, one check for a score difference); "
        "Hypothesis draws pairs that differ only in the association.",
        "",
        "| rules | seed | variant | ruleproof s | naive Z3 | speed-up | Hypothesis search |",
        "|---|---|---|---|---|---|---|",
    ]
    keyed: dict[tuple[int, int, str], dict[str, Row]] = defaultdict(dict)
    for r in base:
        keyed[(r["size"], r["seed"], r["variant"])][r["kind"]] = r
    for key in sorted(keyed):
        b = keyed[key]
        us = ours.get(key)
        naive, search = b.get("baseline:naive"), b.get("baseline:search")
        n_txt = ratio = "–"
        if naive is not None:
            n_txt = f"{naive['verdict']} {_s(naive['seconds'])} s"
            if us is not None and us.get("seconds"):
                more = "≥ " if naive["verdict"] == "timeout" else ""
                ratio = f"{more}{naive['seconds'] / us['seconds']:.0f}×"
        s_txt = "–"
        if search is not None:
            rate = search.get("pairs", 0) / max(search["seconds"], 1e-9)
            s_txt = f"{search['verdict']} in {_s(search['seconds'])} s ({rate:,.0f} pairs/s)"
        mine = f"{us['verdict']} {_s(us['seconds'])}" if us else "–"
        out.append(f"| {key[0]:,} | {key[1]} | {key[2]} | {mine} | {n_txt} | {ratio} | {s_txt} |")
    return out


def loads(rows: list[Row]) -> list[str]:
    groups: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "load":
            groups[(r["family"], r["size"])].append(r)
    out = [
        "## Load (read + parse + typecheck)",
        "",
        "| family | rules | load median / worst s |",
        "|---|---|---|",
    ]
    for (fam, size), rs in sorted(groups.items()):
        secs = [r["seconds"] for r in rs]
        med, worst = _s(statistics.median(secs)), _s(max(secs))
        out.append(f"| {fam} | {rs[0].get('rules', size):,} | {med} / {worst} |")
    return out


def slowest(rows: list[Row], n: int = 15) -> list[str]:
    checks = sorted(_checks(rows), key=lambda r: -(r.get("seconds") or 0))[:n]
    out = ["## Slowest checks, with the commands that reproduce them", ""]
    for r in checks:
        out.append(f"- {_case(r)}: {r['verdict']} in {_s(r.get('seconds'))} s  ")
        out.append(f"  `{command(r)}`")
    return out


def write(path: Path, rows: list[Row], meta: dict[str, Any]) -> str:
    """Render the report, write it to `path` and return it."""
    seeds = sorted({(r["size"], r["seed"]) for r in rows})
    per_size: dict[int, list[int]] = defaultdict(list)
    for size, seed in seeds:
        per_size[size].append(seed)
    lines = [
        "# Benchmark families (issue 14)",
        "",
        f"`{meta.get('command', '')}` — {meta.get('date', '')}, {meta.get('cpus')} CPUs "
        f"(load average {meta.get('load_start', 0):.1f} at the start, "
        f"{meta.get('load_end', 0):.1f} at the end: the machine is shared), Python "
        f"{meta.get('python')}, Z3 {meta.get('z3')}, {meta.get('wall', 0) / 60:.0f} min wall"
        + (" — **interrupted**" if meta.get("interrupted") else "")
        + ".",
        "",
        "Seeds per size: "
        + "; ".join(f"{s:,}: {len(v)} ({min(v)}–{max(v)})" for s, v in sorted(per_size.items()))
        + ".",
        "Each check runs alone (a fresh checker per property, `diff` as `ruleproof diff`) with a "
        "60 s timeout, in one child process per ruleset. Seconds are wall clock including the "
        "encoding; *worst* is over seeds, with the seed; CPU seconds show what the shared machine "
        "took from the wall. Targets: 10,000 rules ≤ 5 s, 100,000 ≤ 20 s per kind (worst case), "
        "never unknown, peak memory ≤ 2 GiB; at 1,000 rules only the last two apply.",
        "",
        "## Summary against the targets",
        "",
        *summary(rows),
        "",
        *problems(rows),
        "",
        *not_applicable(rows),
        "",
        "## Worst case and median per family, size and kind",
        "",
        *main_table(rows),
        "",
        *baselines(rows),
        "",
        *loads(rows),
        "",
        *slowest(rows),
    ]
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text
