"""Mutation evidence: plant known bugs in the shortcuts and abstract domains, see a test fail.

Each mutant replaces one exact snippet of `src/` (as committed: `git archive HEAD`) with a
wrong one (a sentinel for infinity, an off-by-one step end, a wrong clamp end, a dropped rule,
a swapped tier, truncating division, …). For each, the script makes a scratch copy of the
repository, applies the mutant there, runs the tests that guard the shortcuts (`TESTS`,
stopping at the first failure) and records which test failed. A mutant that no test kills is
a hole in the tests. The copy is deleted after.

    python scripts/mutants.py                  # every mutant; table on stdout
    python scripts/mutants.py --only sentinel  # one
    python scripts/mutants.py --out docs/mutants.md

Exit status 1 if some mutant survives.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/test_soundness_regressions.py",
    "tests/test_language_groups.py",
    "tests/test_evaluate.py",
    "tests/test_intervals.py",
    "tests/test_fastpaths.py",
    "tests/test_difffold.py",
    "tests/test_encode_differential.py",
    "tests/test_differential_scale.py",
]


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str
    new: str
    what: str


SEM = "src/ruleproof/semantics/"
MUTANTS = [
    Mutant(
        "sentinel",
        SEM + "atoms.py",
        "            return (high, None)",
        "            return (high, 1 << 62)",
        "an unbounded interval end written as 2**62 (`x >= k`, the reported bug)",
    ),
    Mutant(
        "sentinel-below",
        SEM + "atoms.py",
        "            return (None, high - 1)",
        "            return (-(1 << 62), high - 1)",
        "an unbounded interval end written as -2**62 (`x < k`)",
    ),
    Mutant(
        "step-end",
        SEM + "sumbounds.py",
        "                events[end + 1] = events.get(end + 1, 0) - add",
        "                events[end] = events.get(end, 0) - add",
        "a summed rule's step ends one value early",
    ),
    Mutant(
        "clamp-end",
        SEM + "intervals.py",
        'self.memo["score"] = clamp_interval(self.raw_score(), sc.lo, sc.hi)',
        'self.memo["score"] = clamp_interval(self.raw_score(), sc.lo, sc.lo)',
        "the interval analysis clamps the score to its low end at both ends",
    ),
    Mutant(
        "dropped-rule",
        SEM + "reduce.py",
        "        lo, hi = lo + clo, hi + chi\n        folded.append(r)",
        "        lo, hi = (lo + clo, hi + chi) if folded else (lo, hi)\n        folded.append(r)",
        "the first folded rule is left out of the folded sum's range",
    ),
    Mutant(
        "swapped-tier",
        SEM + "compiled.py",
        "            i = first_index(partial(f, env) for f in tier_fns)",
        "            i = first_index(partial(f, env) for f in tier_fns[::-1])",
        "the compiled evaluator tries the tiers last to first",
    ),
    Mutant(
        "truncating-division",
        SEM + "compiled.py",
        '    "//": floordiv,',
        '    "//": lambda x, k: int(x / k),',
        "the compiled evaluator truncates `//` toward zero",
    ),
    Mutant(
        "modulo-range",
        SEM + "intervals.py",
        "        return (0, k - 1)",
        "        return (0, k - 2)",
        "the interval of `x % k` misses k - 1",
    ),
    Mutant(
        "strict-less",
        SEM + "intervals.py",
        "        return True if lt(b, c) else False if le(d, a) else None",
        "        return True if le(b, c) else False if le(d, a) else None",
        "interval `<` holds when the intervals only touch",
    ),
    Mutant(
        "flipped-atom",
        SEM + "atoms.py",
        '    "<": ">",',
        '    "<": ">=",',
        "`k < x` is read as `x >= k`",
    ),
    Mutant(
        "step-tree",
        SEM + "reduce.py",
        'at_least = E.Compare((">=",), (x, E.IntLit(start)))',
        'at_least = E.Compare((">",), (x, E.IntLit(start)))',
        "the step function's tree tests `x > start`",
    ),
    Mutant(
        "unchecked-reduction",
        "src/ruleproof/proving/folding.py",
        "        if self.original.violates(q, citizens):\n            return Shown(citizens)",
        "        return Shown(citizens)",
        "a reduced counterexample is kept without checking it on the original ruleset",
    ),
    Mutant(
        "group-bound",
        SEM + "sumbounds.py",
        "        lo, hi = lo + glo, hi + ghi",
        "        lo, hi = lo + glo, hi + glo",
        "a group of rules on one attribute is bounded above by its minimum",
    ),
    Mutant(
        "last-match",
        SEM + "compiled.py",
        "                    i = first_index(partial(f, env) for f in conds)\n"
        "                    return df(env) if i is None else values[i](env)",
        "                    i = first_index(partial(f, env) for f in conds[::-1])\n"
        "                    return df(env) if i is None else values[::-1][i](env)",
        "the compiled `FirstMatch` takes the last branch that holds",
    ),
    Mutant(
        "first-match-interval",
        SEM + "intervals.py",
        "            if t is True:\n                return hull(*seen)",
        "            if t is True:\n                return self.num(value)",
        "the interval of a `FirstMatch` forgets the branches before a sure one",
    ),
    Mutant(
        "shrink-unchecked",
        SEM + "sampling.py",
        "            if ok(trial):\n                best = trial\n            elif",
        "            if True:\n                best = trial\n            elif",
        "shrinking moves attributes to their baseline without re-checking the violation",
    ),
    Mutant(
        "encoded-last-match",
        "src/ruleproof/proving/encode.py",
        "            return first_match(pairs, go(default), z3.If)",
        "            return first_match(pairs[::-1], go(default), z3.If)",
        "the encoder chains a `FirstMatch` from the last branch",
    ),
    Mutant(
        "clamp-definition",
        SEM + "algebra.py",
        "        out = choose(less(hi, raw), hi, out)",
        "        out = choose(less(hi, raw), raw, out)",
        "the one clamp (shared by every interpreter) forgets the high end",
    ),
]


def run_one(m: Mutant, timeout: float) -> tuple[str, str, float]:
    """(killed | SURVIVED | not applied, the first failing test, seconds)."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ruleproof-mutant-") as tmp:
        copy = Path(tmp) / "repo"
        copy.mkdir()
        archive = subprocess.run(
            ["git", "archive", "HEAD", "src", "tests", "pyproject.toml"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(copy)], input=archive.stdout, check=True)
        target = copy / m.file
        text = target.read_text(encoding="utf-8")
        if text.count(m.old) != 1:
            return "not applied", f"snippet found {text.count(m.old)} times", 0.0
        target.write_text(text.replace(m.old, m.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(copy / "src")}
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", *TESTS]
        try:
            proc = subprocess.run(
                cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return "SURVIVED", f"tests ran past {timeout:.0f} s", time.monotonic() - start
    failed = re.findall(r"^FAILED (\S+)", proc.stdout, re.M)
    seconds = time.monotonic() - start
    if proc.returncode == 0:
        return "SURVIVED", "", seconds
    return "killed", failed[0] if failed else f"exit {proc.returncode}", seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="names of the mutants to run")
    parser.add_argument("--out", help="also write the table to this Markdown file")
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    rows = ["| mutant | what it plants | result | first test that failed | seconds |"]
    rows.append("|---|---|---|---|---|")
    survived = 0
    for m in chosen:
        status, test, seconds = run_one(m, args.timeout)
        survived += status != "killed"
        row = f"| `{m.name}` | {m.what} | {status} | `{test}` | {seconds:.0f} |"
        rows.append(row)
        print(row, flush=True)
    table = "\n".join(rows) + "\n"
    if args.out:
        Path(args.out).write_text(
            "# Mutation evidence\n\nPlanted bugs in the shortcuts and abstract domains, and "
            "the test that caught each (`python scripts/mutants.py`).\n\n" + table,
            encoding="utf-8",
        )
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
