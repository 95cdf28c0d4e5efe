"""Every diagnostic code used in src/ is documented in docs/diagnostics.md, and vice versa."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def codes_in_src() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        found |= set(re.findall(r"[\"'](RP\d{3})[\"']", path.read_text(encoding="utf-8")))
    return found


def codes_in_docs() -> set[str]:
    text = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    return set(re.findall(r"^### (RP\d{3}) — ", text, flags=re.M))


def test_src_uses_codes() -> None:
    assert {"RP001", "RP101", "RP201", "RP401"} <= codes_in_src()


def test_every_code_in_src_is_documented() -> None:
    assert sorted(codes_in_src() - codes_in_docs()) == []


def test_every_documented_code_is_used() -> None:
    assert sorted(codes_in_docs() - codes_in_src()) == []


def test_each_entry_has_an_explanation() -> None:
    text = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        assert len(body.split()) >= 12, f"entry {heading!r} is too short"
        assert "Fix" in body or "fix" in body, f"entry {heading!r} says no fix"
