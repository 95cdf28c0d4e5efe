"""The deep profile of the differential tests: random seeds, many examples, cross-check mode.

    python scripts/deep_differential.py --minutes 30

runs `pytest -m differential` (tests/test_differential_scale.py) again and again, each time
with a fresh random Hypothesis seed, `RULEPROOF_DEEP=1` (random examples, and the fast checker
in cross-check mode: every shortcut's verdict decided again by the plain encoding) and
`--examples` examples per test, until the time is up or a run fails. It prints, and writes to
benchmarks/results/deep-differential.md, how many runs and examples it made and the tally of
comparisons by kind and outcome (agreements, and unknowns on either side, which are counted,
never skipped). Exit status 1 if any run failed: the failing seed is printed, so that
`pytest -m differential --hypothesis-seed SEED` with the same environment reproduces it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "deep-differential.md"
TESTS = "tests/test_differential_scale.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--examples", type=int, default=40, help="per test and run")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    stop = time.monotonic() + 60 * args.minutes
    tally: Counter[str] = Counter()
    runs = examples = 0
    failed: list[int] = []
    rng = random.SystemRandom()
    start = time.monotonic()
    while time.monotonic() < stop and not failed:
        seed = rng.randrange(2**32)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            tally_file = f.name
        env = {
            **os.environ,
            "RULEPROOF_DEEP": "1",
            "RULEPROOF_DEEP_EXAMPLES": str(args.examples),
            "RULEPROOF_TALLY": tally_file,
        }
        cmd = [sys.executable, "-m", "pytest", "-q", "-m", "differential", TESTS]
        cmd += ["-p", "no:randomly", f"--hypothesis-seed={seed}", "--hypothesis-show-statistics"]
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
        runs += 1
        try:
            counts = json.loads(Path(tally_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            counts = {}
        Path(tally_file).unlink(missing_ok=True)
        tally.update(counts)
        examples += _examples(proc.stdout)
        print(f"run {runs}: seed {seed}, exit {proc.returncode}", flush=True)
        if proc.returncode != 0:
            failed.append(seed)
            print(proc.stdout[-4000:], flush=True)
    minutes = (time.monotonic() - start) / 60
    _write(Path(args.out), runs, examples, minutes, tally, failed)
    return 1 if failed else 0


def _examples(stdout: str) -> int:
    """Examples the run drew, from Hypothesis' statistics lines (0 when absent)."""
    total = 0
    for line in stdout.splitlines():
        if "passing" in line and "test cases" in line:
            for word in line.split():
                if word.isdigit():
                    total += int(word)
                    break
    return total


def _write(
    out: Path, runs: int, examples: int, minutes: float, tally: Counter[str], failed: list[int]
) -> None:
    lines = [
        "# Deep differential profile",
        "",
        f"`python scripts/deep_differential.py`: {runs} runs in {minutes:.0f} minutes, "
        f"{examples} examples drawn (Hypothesis statistics), random seeds, cross-check mode.",
        "",
        "Failing seeds: " + (", ".join(map(str, failed)) if failed else "none."),
        "",
        "| comparison | count |",
        "|---|---:|",
        *(f"| {k} | {v} |" for k, v in sorted(tally.items())),
        "",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
