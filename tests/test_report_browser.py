"""`ruleproof report` in a real browser: headless Chromium (Debian's, /usr/bin/chromium) through
Playwright, the report opened from a `file:` URL: five worked rulesets in depth, and every worked
ruleset with a property suite opened without errors.

For each of the five: no console error, no page error and no request other than the file itself;
every section present, with a screenshot of each saved under `test-artifacts/browser/`
(or `$RULEPROOF_ARTIFACTS`); each card's score waterfall, read from the page (table cells,
picture labels and bar positions), equals the reference evaluator's trace of the citizens
embedded in that card; the appeal graph's edges, read from the drawing, equal the ruleset's
appeal actions (and the other actions that write what a sanction reads); and it prints to PDF.

All of these are marked `browser`: `pytest -m "not browser"` leaves them out.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ruleproof.commands.cli import main
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load
from ruleproof.language.support import support_sets
from ruleproof.language.values import fmt_value
from ruleproof.semantics.citizen import read_citizen
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.outcome import Outcome

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IMPACT = "tests/data/impact-german-credit-with-protected.json"
REPORTS: dict[str, list[str]] = {
    "sesame-credit": ["spec/sesame-credit.yaml"],
    "dishonest-debtors-2017": [
        "spec/dishonest-debtors-2017.yaml",
        "--diff",
        "spec/dishonest-debtors-2013.yaml",
    ],
    "german-credit-with-protected": [
        "spec/german-credit-with-protected.yaml",
        "--diff",
        "spec/german-credit-without-protected.yaml",
        "--impact",
        IMPACT,
    ],
    "rail-flight-bans-2018": ["spec/rail-flight-bans-2018.yaml"],
    "rongcheng": ["spec/rongcheng.yaml"],
}


def _sections(args: list[str]) -> list[str]:
    out = ["summary", "findings", "sanctions"]
    out += ["diff"] if "--diff" in args else []
    out += ["impact"] if "--impact" in args else []
    return [*out, "sources"]


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("RULEPROOF_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def reports(artifacts: Path) -> dict[str, Path]:
    """Every report, built once by the command line (from the repository root)."""
    built = {}
    cwd = Path.cwd()
    os.chdir(ROOT)  # the reports name their files relative to the repository, as a user's do
    try:
        for name, args in REPORTS.items():
            target = artifacts / f"{name}.html"
            code = main(["report", *args, "-o", str(target)])
            assert code == 0, name
            built[name] = target
    finally:
        os.chdir(cwd)
    return built


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), (
        f"the browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium "
        "(or leave them out with -m 'not browser')"
    )
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="ruleproof-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=FLAGS,
                viewport={"width": 1280, "height": 900},
                offline=True,
            )
            yield context
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def pages(browser: Any, reports: dict[str, Path]) -> Iterator[dict[str, tuple[Any, list[str]]]]:
    """Each report open in its own page, with what went wrong while it loaded."""
    opened = {}
    for name, path in reports.items():
        page = browser.new_page()
        problems: list[str] = []
        url = path.resolve().as_uri()
        page.on("console", lambda m, p=problems: m.type == "error" and p.append(m.text))
        page.on("pageerror", lambda e, p=problems: p.append(f"page error: {e}"))
        page.on("request", lambda r, p=problems, u=url: r.url != u and p.append(r.url))
        page.goto(url, wait_until="load")
        opened[name] = (page, problems)
    yield opened
    for page, _ in opened.values():
        page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_opens_without_errors_or_requests(name: str, pages: dict[str, Any]) -> None:
    page, problems = pages[name]
    assert page.title().startswith("ruleproof report")
    assert problems == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_section_present_with_a_screenshot(
    name: str, pages: dict[str, Any], artifacts: Path
) -> None:
    page, _ = pages[name]
    found = page.eval_on_selector_all("section", "els => els.map(e => e.dataset.section)")
    assert found == _sections(REPORTS[name])
    for section in found:
        loc = page.locator(f"section[data-section={section}]")
        assert loc.is_visible()
        shot = artifacts / name / f"{section}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        loc.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


READ_WATERFALL = """card => {
  const rows = {};
  for (const tr of card.querySelectorAll('table.rp-waterfall-table tbody tr')) {
    const cells = {};
    for (const td of tr.querySelectorAll('td[data-citizen]')) {
      cells[td.dataset.citizen] = td.dataset.fired === 'false' ? null :
        [td.dataset.start, td.dataset.end, td.dataset.delta];
    }
    rows[tr.dataset.key] = cells;
  }
  const fig = card.querySelector('figure.rp-waterfall');
  const labels = {}, bars = {};
  for (const g of fig.querySelectorAll('svg g[id]')) {
    if (g.id.endsWith('-label')) labels[g.id] = g.textContent.trim();
    else {
      const box = g.getBBox();
      bars[g.id] = [box.x, box.width];
    }
  }
  return {prefix: fig.id, order: Object.keys(rows), rows, labels, bars};
}"""


def expected(o: Outcome) -> list[tuple[str, Any, Any, str]]:
    """(row key, start, end, picture label) of each step, from the evaluator's trace."""
    tr = o.trace
    assert tr.base is not None and o.score is not None
    out: list[tuple[str, Any, Any, str]] = [
        ("base", tr.base, tr.base, f"base {fmt_value(tr.base)}")
    ]
    before = tr.base
    for f in tr.rules:
        sign = "+" if f.delta >= 0 else ""
        out.append((f"rule:{f.id}", before, f.running, f"{sign}{fmt_value(f.delta)} → {f.running}"))
        assert f.running == before + f.delta
        before = f.running
    if tr.clamped:
        out.append(("clamp", tr.raw_score, o.score, f"clamped {tr.raw_score} → {o.score}"))
    out.append(("score", o.score, o.score, f"score {fmt_value(o.score)}"))
    return out


def _gid(prefix: str, col: int, key: str) -> str:
    return f"{prefix}-{col}-{key.replace(':', '_')}"


def _affine(points: list[tuple[float, float]]) -> None:
    """The (value, pixel) pairs lie on one increasing line: the picture is to scale."""
    points = sorted(set(points))
    if len(points) < 3:
        return
    (v0, x0), (v1, x1) = points[0], points[-1]
    assert v1 > v0 and x1 > x0
    for v, x in points:
        assert abs(x0 + (x1 - x0) * (v - v0) / (v1 - v0) - x) < 1.0, (v, x, points)


@pytest.mark.parametrize("name", REPORTS)
def test_waterfalls_are_the_evaluators_trace(name: str, pages: dict[str, Any]) -> None:
    page, _ = pages[name]
    ruleset = load(ROOT / REPORTS[name][0])
    cards = page.query_selector_all("article.rp-card[data-property]")
    checked = 0
    for card in cards:
        data = card.query_selector("script.rp-citizens")
        if data is None:  # a counterexample without citizens (e.g. a rule that never fires)
            continue
        if card.query_selector("figure.rp-waterfall") is None:
            assert ruleset.score is None
            continue
        people = json.loads(data.text_content())
        seen = card.evaluate(READ_WATERFALL)
        for col, (tag, values) in enumerate(people.items()):
            citizen = read_citizen(json.dumps(values), f"<card {tag}>", ruleset)
            steps = expected(evaluate(ruleset, citizen))
            assert [k for k in seen["order"] if seen["rows"][k].get(tag)] == [s[0] for s in steps]
            points = []
            for key, start, end, label in steps:
                cell = seen["rows"][key][tag]
                assert cell == [fmt_value(start), fmt_value(end), fmt_value(end - start)]
                gid = _gid(seen["prefix"], col, key)
                assert seen["labels"][f"{gid}-label"] == label
                if key.startswith("rule:") and end != start:
                    x, width = seen["bars"][gid]
                    points += [(float(min(start, end)), x), (float(max(start, end)), x + width)]
            _affine(points)
            checked += 1
    if ruleset.score is not None and any(c.query_selector("script.rp-citizens") for c in cards):
        assert checked > 0


def expected_edges(rs: M.Ruleset) -> tuple[set[str], set[str]]:
    """Edge ids of the appeal graph: declared appeals, and other actions writing what a
    sanction reads."""
    support = support_sets(rs)
    appeal, may_end = set(), set()
    for s in rs.sanctions:
        for name in s.appeal:
            appeal.add(f"appeal-graph-edge--{s.name}--{name}")
        for a in rs.actions:
            writes = {x.attribute for x in a.sets}
            if a.name not in s.appeal and writes & support[f"sanction:{s.name}"]:
                may_end.add(f"appeal-graph-edge--{s.name}--{a.name}")
    return appeal, may_end


@pytest.mark.parametrize("name", REPORTS)
def test_graph_edges_are_the_rulesets_appeal_actions(name: str, pages: dict[str, Any]) -> None:
    page, _ = pages[name]
    rs = load(ROOT / REPORTS[name][0])
    if not rs.sanctions:
        assert page.query_selector("svg.rp-graph") is None
        return
    edges = page.eval_on_selector_all(
        "svg.rp-graph g.edge", "els => els.map(e => [e.id, e.getAttribute('class')])"
    )
    appeal, may_end = expected_edges(rs)
    assert {i for i, c in edges if c == "edge appeal"} == appeal
    assert {i for i, c in edges if c == "edge may-end"} == may_end
    assert len(edges) == len(appeal) + len(may_end)
    nodes = page.eval_on_selector_all(
        "svg.rp-graph g.node.sanction", "els => els.map(e => [e.id, e.textContent])"
    )
    assert {i for i, _ in nodes} == {f"appeal-graph-sanction--{s.name}" for s in rs.sanctions}
    for i, text in nodes:
        stuck = "no-way-out" in page.get_attribute(f"[id='{i}']", "class")
        assert ("NO WAY OUT" in text) == stuck


@pytest.mark.parametrize("name", ["sesame-credit", "german-credit-with-protected"])
def test_prints(name: str, pages: dict[str, Any], artifacts: Path) -> None:
    page, _ = pages[name]
    page.emulate_media(media="print")
    try:
        assert not page.locator("nav.rp-toc").is_visible()
        pdf = page.pdf(format="A4")
    finally:
        page.emulate_media(media="screen")
    assert pdf[:5] == b"%PDF-"
    (artifacts / name / "print.pdf").write_bytes(pdf)


WORKED = sorted(
    p.stem for p in (ROOT / "spec").glob("*.yaml") if (ROOT / "properties" / p.name).is_file()
)


@pytest.mark.parametrize("name", WORKED)
def test_every_worked_report_opens_without_errors(
    name: str, browser: Any, artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report of each worked ruleset with its suite (those above add `--diff`/`--impact`)."""
    monkeypatch.chdir(ROOT)
    target = artifacts / f"worked-{name}.html"
    assert main(["report", f"spec/{name}.yaml", "-o", str(target)]) == 0
    page = browser.new_page()
    problems: list[str] = []
    url = target.resolve().as_uri()

    def console(m: Any) -> None:
        if m.type == "error":
            problems.append(m.text)

    def request(r: Any) -> None:
        if r.url != url:
            problems.append(r.url)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", request)
    page.goto(url, wait_until="load")
    try:
        assert page.title().startswith("ruleproof report")
        assert page.locator("#summary").count() == 1
        assert problems == []
    finally:
        page.close()
