"""`--rlimit`: its exhaustion is reported as a resource limit, never as a timeout, and values
Z3 cannot hold (it keeps the limit in 32 bits) are refused instead of wrapping around."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ruleproof.commands.cli import main
from ruleproof.commands.cli_common import RLIMIT_MAX
from ruleproof.language.load_ruleset import load_text
from ruleproof.proving.solving import MAX_RLIMIT, Limits

SPEC = """\
ruleset: rl
attributes:
  x: {type: int, range: [0, 1000]}
  y: {type: int, range: [0, 1000]}
  g: {type: enum, values: [p, q]}
score:
  base: 0
  rules:
    - {id: r1, when: "x > y + 3", add: 5}
    - {id: r2, when: "g == 'q' and x > 500", add: 1}
tiers:
  - {id: A, when: "score >= 6"}
  - {id: B, when: "True"}
"""
PROPS = """\
properties:
  - id: indep
    independent: {of: [g]}
  - id: tiers
    reachable: tiers
"""


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_exhausted_rlimit_is_not_a_timeout() -> None:
    import ruleproof.api as api

    rs = api.Ruleset.of(load_text(SPEC, "rl.yaml"))
    for query in ("independent: {of: [g]}", "reachable: tiers"):
        r = rs.check(query, timeout=30.0, rlimit=50)
        assert r.status == "unknown", r
        assert "resource limit" in r.message and "rlimit 50" in r.message, r.message
        assert "timed out" not in r.message, r.message


def test_cli_reports_rlimit(tmp_path: Path) -> None:
    (tmp_path / "rl.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(PROPS, encoding="utf-8")
    code, out, err = _run(
        "check",
        str(tmp_path / "rl.yaml"),
        str(tmp_path / "p.yaml"),
        "--rlimit",
        "50",
        "--no-write",
        "--format",
        "json",
    )
    assert code == 3, err
    assert "timed out" not in out
    assert out.count("solver resource limit reached (rlimit 50)") >= 2


@pytest.mark.parametrize("value", [str(2**32), str(2**32 + 5), str(2**63 - 1)])
def test_cli_refuses_rlimit_beyond_32_bits(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rl.yaml").write_text(SPEC, encoding="utf-8")
    code, _, _ = _run("check", str(tmp_path / "rl.yaml"), "--rlimit", value)
    assert code == 2
    err = capsys.readouterr().err  # argparse writes usage errors to sys.stderr
    assert f"{MAX_RLIMIT:,}" in err or str(MAX_RLIMIT) in err, err


def test_limits_refuse_rlimit_beyond_32_bits() -> None:
    assert MAX_RLIMIT == RLIMIT_MAX == 2**32 - 1
    Limits(rlimit=MAX_RLIMIT)
    for bad in (2**32, -1):
        with pytest.raises(ValueError, match="rlimit"):
            Limits(rlimit=bad)
