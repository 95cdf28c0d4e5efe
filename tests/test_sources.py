"""The repository stands alone: the worked rulesets and suites cite docs/sources.md, which has
every section and finding id they name, and nothing refers to a file outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
WORKED = sorted((ROOT / "spec").glob("*.yaml")) + sorted((ROOT / "properties").glob("*.yaml"))
SECTIONS = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", SOURCES, flags=re.M))


@pytest.mark.parametrize(
    "path",
    [*WORKED, *sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"],
    ids=lambda p: p.name,
)
def test_nothing_refers_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for outside in ("/work/", "shared/research", "real-rulesets.md"):
        assert outside not in text, f"{path.name} refers to {outside}"


@pytest.mark.parametrize("path", WORKED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cited_sections_and_findings_exist(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cited = r"(?:sources|docs/sources\.md) §(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?"
    for ref in re.findall(cited, text):
        for section in filter(None, ref):
            assert section in SECTIONS, f"{path.name} cites §{section}, not in docs/sources.md"
    for vid in re.findall(r"\bV(\d\.\d+[a-z]?)\b", text):
        assert f"V{vid}" in SOURCES, f"{path.name} cites V{vid}, not in docs/sources.md"


@pytest.mark.parametrize("path", sorted((ROOT / "spec").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_worked_ruleset_names_its_source(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = doc.get("source", "")
    assert isinstance(source, str) and re.search(r"https?://|data/german|UCI", source), path.name
