"""Shared test setup: a deterministic Hypothesis profile and the golden-file helper.

The "ci" profile (the default) derandomizes Hypothesis so every run draws the same examples;
select another with `HYPOTHESIS_PROFILE=dev`. Golden files are compared byte for byte; set
`RULEPROOF_REGEN=1` to rewrite them from the current output (then review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("RULEPROOF_REGEN") == "1"


def assert_golden(path: Path, actual: str) -> None:
    """`actual` equals the golden file at `path` byte for byte (or rewrites it under REGEN)."""
    if REGEN or not path.exists():
        path.write_text(actual, encoding="utf-8", newline="")
        if not REGEN:
            raise AssertionError(f"golden file {path} was missing; wrote it, review and commit it")
    assert actual == path.read_bytes().decode("utf-8"), f"output differs from {path}"


def pytest_terminal_summary(terminalreporter: object) -> None:
    """Print the tally of the differential tests at scale (`tests/differential.py`)."""
    from differential import summary

    lines = summary()
    if lines:
        write = terminalreporter.write_line  # type: ignore[attr-defined]
        write("differential comparisons (unknowns counted, not skipped):")
        for line in lines:
            write("  " + line)
