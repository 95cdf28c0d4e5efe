"""The Python API examples in the README run as shown (each line; a line whose comment says
`RulesetError` must raise it), and what they claim in their comments holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ruleproof

ROOT = Path(__file__).resolve().parent.parent


def _api_block() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("In Python (every method validates the citizen")
    block = re.search(r"```python\n(.*?)```", text[start:], flags=re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip() and line[0] != " "]


def test_readme_api_lines_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    ns: dict[str, object] = {}
    lines = _api_block()
    assert len(lines) >= 10
    for line in lines:
        code, _, comment = line.partition("  #")
        if "RulesetError" in comment.split(":")[0]:
            with pytest.raises(ruleproof.RulesetError):
                exec(code, ns)
        else:
            exec(code, ns)
    rs = ns["rs"]
    assert isinstance(rs, ruleproof.Ruleset)
    who = ns["who"]
    assert repr(rs.evaluate(who)) == "Outcome(score=None, tier=None, sanctions=('listed',))"  # type: ignore[arg-type]
    assert repr(rs.explain(who)).startswith("Explanation(sanctions ['listed'], recourse")  # type: ignore[arg-type]
    r = ns["r"]
    assert r.status == "proved"  # type: ignore[attr-defined]
    a, b = r.witnesses["a"], r.witnesses["b"]  # type: ignore[attr-defined]
    assert (a["age"], b["age"]) == (18, 0) and a["debt"] == b["debt"]
    assert rs.exists("listed and age < 18").status == "violated"
