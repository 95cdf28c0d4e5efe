"""A suite: one ruleset file and its property files, checked in file order.

`default_property_file(spec)` is where a spec's properties live by convention:
`<project>/properties/<name>.yaml` for `<project>/spec/<name>.yaml` (the folder next to the
spec's folder). `load_suite` reads and checks the spec and the property files (raising
`RulesetError` with every problem). `run_suite` checks every property and returns the results
in file order: in this process with one shared checker (`jobs=1`), or in `jobs` worker
processes (spawned, so no solver state is inherited) that each load the suite themselves and
check one contiguous block of properties with one checker. The solver may pick a different one
of several equally minimal counterexamples depending on what it solved before in the same
process, so results are deterministic for the same inputs and the same `jobs`.

A property the checker cannot handle (an unsupported kind, an internal error) gets an `error`
result naming the reason instead of aborting the run; `Outcome.internal` tells internal errors
apart so the command line can exit with its internal-error code.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving.stages import Stages
from ruleproof.verdicts.result import Error, Result


def default_property_file(spec: str | Path) -> Path:
    """`properties/<name>.yaml` in the folder next to the spec's folder (it may not exist)."""
    p = Path(spec)
    return p.parent.parent / "properties" / p.name


def load_suite(
    spec_file: str, property_files: Sequence[str], sources: dict[str, str] | None = None
) -> P.Suite:
    """Read and typecheck the spec and every property file.

    `sources`, when given, receives file name → text of everything read (for diagnostics).

    Raises:
        RulesetError: the spec or a property file is wrong (every diagnostic of the first
            file that has errors).
    """
    from ruleproof.language.load_ruleset import load_text, read_text
    from ruleproof.language.load_suite import load_properties_text

    store = sources if sources is not None else {}
    store[spec_file] = read_text(spec_file)
    ruleset = load_text(store[spec_file], spec_file)
    props: list[P.Property] = []
    for f in property_files:
        store[f] = read_text(f)
        props += load_properties_text(store[f], f, ruleset)
    return P.Suite(spec_file, ruleset, tuple(property_files), tuple(props))


def check_one(checker: object, prop: P.Property) -> Result:
    """Check one property; an exception becomes an `error` result (internal ones say so)."""
    from ruleproof.proving.checker import Checker

    assert isinstance(checker, Checker)
    start = time.monotonic()
    try:
        return checker.check(prop)
    except InternalError as exc:
        return Error(prop, str(exc), seconds=round(time.monotonic() - start, 3), internal=True)
    except (NotImplementedError, ImportError) as exc:
        message = (
            f"the checker cannot handle `{prop.kind_name}` properties in this version "
            f"({type(exc).__name__}: {exc})"
        )
    except RecursionError:
        message = "the property is nested too deeply for the checker"
    return Error(prop, message, seconds=round(time.monotonic() - start, 3))


def check_block(
    spec_file: str,
    property_files: Sequence[str],
    start: int,
    stop: int,
    timeout: float,
    rlimit: int,
    cross_check: bool = False,
) -> list[Result]:
    """Worker entry point: load the suite, check properties `start:stop` with one checker."""
    from ruleproof.proving.checker import Checker
    from ruleproof.proving.solving import Limits

    suite = load_suite(spec_file, property_files)
    limits = Limits(timeout=timeout, rlimit=rlimit, cross_check=cross_check)
    checker = Checker(suite.ruleset, limits)
    return [check_one(checker, p) for p in suite.properties[start:stop]]


def run_suite(
    suite: P.Suite,
    timeout: float = 30.0,
    rlimit: int = 0,
    jobs: int = 1,
    cross_check: bool = False,
    stages: Stages | None = None,
) -> list[Result]:
    """Every property's result, in file order (see the module docstring for `jobs`;
    `cross_check`: see `ruleproof.proving.checker`; `stages` records the progress of a
    one-process run)."""
    from ruleproof.proving.checker import Checker
    from ruleproof.proving.solving import Limits

    n = len(suite.properties)
    jobs = max(1, min(jobs, n))
    if jobs == 1:
        limits = Limits(timeout=timeout, rlimit=rlimit, cross_check=cross_check)
        checker = Checker(suite.ruleset, limits, stages=stages)
        return [with_baseline(check_one(checker, p), suite.ruleset) for p in suite.properties]
    bounds = [(n * k // jobs, n * (k + 1) // jobs) for k in range(jobs)]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = [
            pool.submit(
                check_block,
                suite.spec_file,
                suite.property_files,
                lo,
                hi,
                timeout,
                rlimit,
                cross_check,
            )
            for lo, hi in bounds
        ]
        out: list[Result] = []
        for f in futures:
            out += f.result()
    return [with_baseline(r, suite.ruleset) for r in out]


def check_text(ruleset: M.Ruleset, text: str, timeout: float = 30.0, rlimit: int = 0) -> Result:
    """Check one query or property text (`parse_query` syntax) against `ruleset`.

    Raises:
        RulesetError: the text is malformed or does not fit the ruleset.
    """
    from ruleproof.language.load_suite import parse_query
    from ruleproof.proving.checker import Checker
    from ruleproof.proving.solving import Limits

    prop = parse_query(text, ruleset)
    result = check_one(Checker(ruleset, Limits(timeout=timeout, rlimit=rlimit)), prop)
    return with_baseline(result, ruleset)


def with_baseline(r: Result, ruleset: M.Ruleset) -> Result:
    """The result with its counterexample knowing the ruleset's baseline (for rendering)."""
    if r.counterexample is None:
        return r
    return attrs.evolve(
        r, counterexample=attrs.evolve(r.counterexample, baseline=ruleset.baseline())
    )
