"""Shared by the differential tests at scale: the test profile and the tally of comparisons.

Two profiles. The CI profile (the default) draws a fixed, small set of examples; the deep
profile (`RULEPROOF_DEEP=1`) draws many more from a random seed and runs the checkers in
cross-check mode:

    RULEPROOF_DEEP=1 RULEPROOF_DEEP_EXAMPLES=5000 pytest -m differential -q

Every comparison is tallied by kind and outcome; an `unknown` on either side is counted, never
silently skipped, and the totals are printed at the end of the run (`conftest.py`) and written
to `RULEPROOF_TALLY` when that names a file.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from hypothesis import HealthCheck, settings

DEEP = os.environ.get("RULEPROOF_DEEP") == "1"
TALLY: Counter[tuple[str, str]] = Counter()


def scale_settings(ci_examples: int) -> settings:
    """Hypothesis settings for one differential test under the active profile."""
    deep = int(os.environ.get("RULEPROOF_DEEP_EXAMPLES", "2000"))
    return settings(
        max_examples=deep if DEEP else ci_examples,
        derandomize=not DEEP,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def tally(test: str, outcome: str) -> None:
    """Count one comparison: `outcome` is e.g. `agree`, `unknown fast`, `unknown plain`."""
    TALLY[(test, outcome)] += 1


def summary() -> list[str]:
    """The tally as lines, one per test and outcome."""
    lines = [f"{test}: {outcome} {n}" for (test, outcome), n in sorted(TALLY.items())]
    target = os.environ.get("RULEPROOF_TALLY")
    if target and TALLY:
        data = {f"{t} / {o}": n for (t, o), n in sorted(TALLY.items())}
        with open(target, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
    return lines
