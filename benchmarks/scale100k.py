"""The 100,000-rule / 1,000-attribute targets of issue #7, measured directly.

`python benchmarks/scale100k.py` generates the planted and clean rulesets (`generate.py`), and
for each prints: load + typecheck seconds, one citizen evaluated by the reference and the
compiled evaluator, `independent`, `monotone` and `same_context` (verdict and seconds) with
one shared `Checker`, and `diff` against the generator's second version (its load not
counted), plus the process's peak memory.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import load_text
from ruleproof.proving.checker import Checker
from ruleproof.proving.diff import diff_rulesets
from ruleproof.proving.solving import Limits
from ruleproof.semantics.compiled import compile_ruleset
from ruleproof.semantics.evaluate import evaluate


def main() -> None:
    print("| variant | measure | result | seconds |")
    print("|---|---|---|---|")
    for planted in (True, False):
        variant = "planted" if planted else "clean"
        g = generate(100_000, 1000, planted)
        t = time.perf_counter()
        rs = load_text(g.text, "bench.yaml")
        print(
            f"| {variant} | load + typecheck | {len(rs.score.rules) if rs.score else 0} rules "
            f"| {time.perf_counter() - t:.2f} |"
        )
        citizen = rs.baseline()
        t = time.perf_counter()
        evaluate(rs, citizen)
        print(
            f"| {variant} | evaluate one citizen (reference, with trace) | | "
            f"{time.perf_counter() - t:.3f} |"
        )
        compiled = compile_ruleset(rs)
        t = time.perf_counter()
        compiled.evaluate(citizen)
        print(f"| {variant} | evaluate one citizen (compiled) | | {time.perf_counter() - t:.3f} |")
        checker = Checker(rs, Limits(timeout=60))
        kinds: dict[str, P.Kind] = {
            "independent": P.Independent(P.Selector("associations"), None),
            "monotone": P.Monotone("assoc", "score", "nonincreasing"),
            "same_context": P.SameContext(),
        }
        for name, kind in kinds.items():
            t = time.perf_counter()
            r = checker.check(P.Property(name, kind))
            print(f"| {variant} | {name} | {r.status} | {time.perf_counter() - t:.2f} |")
        new = load_text(g.diff_text, "bench-new.yaml")
        t = time.perf_counter()
        d = diff_rulesets(rs, new, limits=Limits(timeout=60))
        print(f"| {variant} | diff | {d.status} | {time.perf_counter() - t:.2f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
