"""`monotone` part by part (`FastPaths.monotone_by_parts` and its climb) at the real size
threshold, against the truth found by brute force with the reference evaluator.

The rulesets have over `SAMPLE_MIN_RULES` rules and cases (tree-like `one_of` groups over the
varied attribute and two others, plain rules, a clamp), over domains small enough to try every
pair that differs only in the varied attribute. Monotone rulesets are built so by construction;
planted ones have one narrow part that goes the wrong way, which other parts may or may not
hide: the verdict must be the brute-force one either way, and a violation's citizens must show
it under the reference evaluator.
"""

from __future__ import annotations

import itertools
import random

import pytest

from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text
from ruleproof.proving import fastpaths
from ruleproof.proving.checker import Checker
from ruleproof.proving.solving import Limits
from ruleproof.semantics.evaluate import evaluate

X, Y, Z = range(0, 8), range(-3, 4), range(0, 4)


def _ruleset(seed: int, planted: bool, clamp: tuple[int, int] | None) -> str:
    """Groups of cases on x, y, z whose values never fall as x grows (one planted exception)."""
    rnd = random.Random(seed)
    lines = [
        f"ruleset: parts-{seed}",
        "attributes:",
        f"  x: {{type: int, range: [{X.start}, {X.stop - 1}]}}",
        f"  y: {{type: int, range: [{Y.start}, {Y.stop - 1}]}}",
        f"  z: {{type: int, range: [{Z.start}, {Z.stop - 1}]}}",
        "score:",
        "  base: 0",
    ]
    if clamp:
        lines.append(f"  range: [{clamp[0]}, {clamp[1]}]")
    lines.append("  rules:")
    bad = rnd.randrange(130) if planted else -1
    for g in range(130):
        t, u = rnd.randrange(1, 8), rnd.randrange(-2, 4)
        low, high = rnd.randrange(-20, 5), rnd.randrange(0, 20)
        step = rnd.randrange(0, 9)
        if g == bad:
            step = -rnd.randrange(1, 30)  # x crossing t lowers the score when y < u
        lines.append(f"    - id: g{g}")
        lines.append("      one_of:")
        cases = [
            (f"x < {t} and y < {u}", low),
            (f"x >= {t} and y < {u}", low + step),
            (f"x < {t} and y >= {u}", high),
            (f"x >= {t} and y >= {u}", high + rnd.randrange(0, 5)),
        ]
        for i, (when, add) in enumerate(cases):
            lines.append(f'        - {{id: g{g}c{i}, when: "{when}", add: {add}}}')
    for r in range(40):
        k = rnd.randrange(0, 4)
        lines.append(f'    - {{id: r{r}, when: "z == {rnd.randrange(4)}", add: "{k} * x"}}')
    return "\n".join(lines) + "\n"


PROPS = """
properties:
  - id: up
    monotone: {in: x, output: score, direction: nondecreasing}
"""


def _truth(text: str) -> bool:
    """Whether the score never falls as x grows, over every pair (reference evaluator)."""
    rs = load_text(text, "parts.yaml")
    for y, z in itertools.product(Y, Z):
        scores = [evaluate(rs, {"x": x, "y": y, "z": z}).score for x in X]
        if any(a is not None and b is not None and a > b for a, b in itertools.pairwise(scores)):
            return False
    return True


CASES = [
    (seed, planted, clamp)
    for seed in range(4)
    for planted in (False, True)
    for clamp in (None, (-200, 40))
]


@pytest.mark.parametrize(("seed", "planted", "clamp"), CASES)
def test_monotone_by_parts_gives_the_brute_force_verdict(
    seed: int, planted: bool, clamp: tuple[int, int] | None
) -> None:
    text = _ruleset(seed, planted, clamp)
    rs = load_text(text, "parts.yaml")
    size = sum(1 + len(r.cases) for r in rs.score.rules) if rs.score else 0
    assert size >= fastpaths.SAMPLE_MIN_RULES  # the real threshold, not a patched one
    (prop,) = load_properties_text(PROPS, "p.yaml", rs)
    assert isinstance(prop.kind, P.Monotone)
    result = Checker(rs, Limits(timeout=60.0)).check(prop)
    expected = "proved" if _truth(text) else "violated"
    assert result.status == expected
    if result.counterexample is not None:
        a, b = (result.counterexample.citizens[t] for t in ("a", "b"))
        sa, sb = evaluate(rs, a).score, evaluate(rs, b).score
        xa, xb = a["x"], b["x"]
        assert isinstance(xa, int) and isinstance(xb, int) and xa <= xb
        assert sa is not None and sb is not None and sa > sb
        assert {k: v for k, v in a.items() if k != "x"} == {k: v for k, v in b.items() if k != "x"}
