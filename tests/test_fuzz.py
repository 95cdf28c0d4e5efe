"""Fuzzing: mutated rulesets, property files, citizens and counterexample files given to `lint`,
`check`, `explain`, `replay` and the pytest plugin, in this process (`tests/fuzzing.py` says
what is mutated and which invariants every run must keep: exit 0-3, no traceback, no raw
control character, within its deadline, nothing written outside the output folder).

Bounded for CI (a fixed number of examples per command, derandomized by the "ci" profile);
`python scripts/soak.py --minutes 30 --seed random` runs the same fuzzer for as long as asked.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import TARGETS, random_case, run_case

EXAMPLES = {"lint": 80, "check": 40, "explain": 50, "replay": 50, "plugin": 10}


@pytest.mark.parametrize("target", TARGETS)
def test_mutated_inputs_keep_every_invariant(target: str) -> None:
    @settings(
        max_examples=EXAMPLES[target],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.randoms(use_true_random=False))
    def fuzz(rnd: random.Random) -> None:
        case = random_case(rnd, target)
        assert run_case(case) == []

    fuzz()


def test_the_soak_draws_only_worked_rulesets_it_can_check() -> None:
    """Every worked ruleset the soak draws has its property file (some specs are only diffed)."""
    for seed in range(60):
        case = random_case(random.Random(seed), "check-worked")
        assert case.props
