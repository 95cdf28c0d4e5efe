"""Soak test: the fuzzer of tests/test_fuzz.py, for as long as asked, with a random seed.

    python scripts/soak.py --minutes 30 --seed random
    python scripts/soak.py --minutes 5 --seed 1234 --targets check,replay
    python scripts/soak.py --case 8412312 --target check      # one case again, verbosely

Each input is one mutated ruleset, property file, citizen or counterexample file given to one
command (`lint`, `check`, `explain`, `replay`, the pytest plugin) in this process; the
invariants are those of `tests/fuzzing.py` (exit 0-3, no traceback, no raw control character,
within the deadline, nothing written outside the output folder). Every input has its own seed,
printed with any failure, so `--case SEED --target T` runs it again. Failing inputs are saved
under `--failures` (default `soak-failures/`). Prints how many inputs were tried; exits 1 if
any failed. Run one soak at a time, under `nice` on a shared machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parent.parent / "tests"
WEIGHTS = {
    "lint": 4,
    "check": 3,
    "explain": 3,
    "replay": 3,
    "plugin": 1,
    "check-worked": 1,
    "explain-worked": 1,
}


def _fuzzing() -> ModuleType:
    sys.path.insert(0, str(TESTS))
    spec = importlib.util.spec_from_file_location("fuzzing", TESTS / "fuzzing.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzzing"] = module
    spec.loader.exec_module(module)
    return module


def _one(fz: ModuleType, target: str, case_seed: int) -> tuple[object, list[str]]:
    case = fz.random_case(random.Random(case_seed), target)
    try:
        problems: list[str] = fz.run_case(case)
    except Exception:  # the harness itself failed on this input: report it like a finding
        problems = [f"the run raised:\n{traceback.format_exc()}"]
    return case, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seed", default="random", help="an integer, or `random`")
    parser.add_argument("--targets", default=",".join(WEIGHTS), help="commas, from " + str(WEIGHTS))
    parser.add_argument("--failures", default="soak-failures", help="where failing inputs go")
    parser.add_argument("--case", type=int, help="run only the input of this seed")
    parser.add_argument("--target", choices=list(WEIGHTS), help="the command of --case")
    args = parser.parse_args(argv)
    fz = _fuzzing()
    if args.case is not None:
        _, problems = _one(fz, args.target or "lint", args.case)
        print("\n".join(problems) or "all invariants hold")
        return 1 if problems else 0
    seed = random.SystemRandom().getrandbits(32) if args.seed == "random" else int(args.seed)
    targets = [t for t in args.targets.split(",") if t]
    rnd = random.Random(seed)
    end = time.monotonic() + args.minutes * 60
    tried: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    print(f"soak: seed {seed}, {args.minutes:g} minutes, targets {', '.join(targets)}", flush=True)
    last = time.monotonic()
    while time.monotonic() < end:
        target = rnd.choices(targets, [WEIGHTS[t] for t in targets])[0]
        case_seed = rnd.getrandbits(64)
        case, problems = _one(fz, target, case_seed)
        tried[target] += 1
        if problems:
            failed[target] += 1
            report = [f"case seed {case_seed}", *problems]
            where = fz.save_failure(Path(args.failures), case, report)
            print(f"FAILED {target} (--case {case_seed} --target {target}): {problems[0]}")
            print(f"  saved in {where}", flush=True)
        if time.monotonic() - last > 60:
            last = time.monotonic()
            print(f"  {sum(tried.values())} inputs, {sum(failed.values())} failed", flush=True)
    total = sum(tried.values())
    per = ", ".join(f"{t} {tried[t]}" for t in targets)
    print(f"soak: seed {seed}: {total} inputs tried ({per}); {sum(failed.values())} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
