"""`ruleproof report` without a browser: sections, links, self-containment, inputs, errors.

The browser tests (tests/browser) open the same documents in Chromium; these check the HTML
itself: every section is there, every in-page link has a target, nothing is loaded from
anywhere, the same inputs give the same bytes, and bad inputs get RP9xx errors, exit 2.
"""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from lxml import html as lxml_html

from population_support import text
from ruleproof.commands.cli import main
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load
from ruleproof.semantics.evaluate import evaluate, in_domain

ROOT = Path(__file__).resolve().parent.parent
IMPACT = ROOT / "tests" / "data" / "impact-german-credit-with-protected.json"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    target = tmp_path_factory.mktemp("report") / "german.html"
    code, out, err = run(
        "report",
        str(ROOT / "spec" / "german-credit-with-protected.yaml"),
        "--diff",
        str(ROOT / "spec" / "german-credit-without-protected.yaml"),
        "--impact",
        str(IMPACT),
        "-o",
        str(target),
    )
    assert (code, err) == (0, ""), err
    assert out.startswith(f"wrote {target}: 10 properties (")
    return target, target.read_text(encoding="utf-8")


def test_every_section_and_every_link_target(german: tuple[Path, str]) -> None:
    _, text = german
    doc = lxml_html.fromstring(text)
    sections = doc.xpath("//section/@data-section")
    assert sections == ["summary", "findings", "sanctions", "diff", "impact", "sources"]
    ids = set(doc.xpath("//@id"))
    hrefs = [h for h in doc.xpath("//@href | //@*[local-name()='href']") if h.startswith("#")]
    assert hrefs and all(h[1:] in ids for h in hrefs), sorted(h for h in hrefs if h[1:] not in ids)
    # every violated property has a card that links to its line in the property file
    violated = doc.xpath('//tr[@data-status="violated"]/@data-property')
    assert (
        violated
        and doc.xpath("//article[contains(@class,'rp-card')]/@data-property")[: len(violated)]
        == violated
    )
    for p in violated:
        (card,) = doc.xpath(f'//article[@id="finding-{p}"]')
        links = card.xpath('.//a[@class="rp-src"]/@title')
        assert any(t.startswith(str(ROOT / "properties")) for t in links), p


def test_self_contained(german: tuple[Path, str]) -> None:
    _, text = german
    doc = lxml_html.fromstring(text)
    assert doc.xpath("//script[@src] | //link | //img | //iframe | //object | //embed") == []
    for css in doc.xpath("//style/text()"):
        assert "url(" not in css and "@import" not in css
    external = [h for h in doc.xpath("//@href") if not h.startswith("#")]
    assert external == []


def test_same_inputs_same_bytes(german: tuple[Path, str], tmp_path: Path) -> None:
    path, text = german
    again = tmp_path / "again.html"
    code, _, _ = run(
        "report",
        str(ROOT / "spec" / "german-credit-with-protected.yaml"),
        "--diff",
        str(ROOT / "spec" / "german-credit-without-protected.yaml"),
        "--impact",
        str(IMPACT),
        "-o",
        str(again),
    )
    assert code == 0
    assert again.read_text(encoding="utf-8") == text
    assert path.stat().st_mode & 0o777 == 0o644


def test_impact_numbers_come_from_the_document(german: tuple[Path, str]) -> None:
    _, text = german
    doc = lxml_html.fromstring(text)
    data = json.loads(IMPACT.read_text(encoding="utf-8"))
    (facts,) = doc.xpath("//*[@data-rows]")
    assert int(facts.get("data-rows")) == data["rows"]
    for attr, counts in data["counterfactual"].items():
        (row,) = doc.xpath(f'//tr[@data-varied="{attr}"]')
        got = {td.get("data-output"): int(td.get("data-count")) for td in row.xpath("./td")}
        assert got == {k: counts[k] for k in ("score", "tier", "sanctions", "any")}


def test_diff_matrix_is_the_diff_result(german: tuple[Path, str]) -> None:
    from ruleproof.language.load_ruleset import load
    from ruleproof.proving.diff import diff_rulesets
    from ruleproof.proving.solving import Limits

    _, text = german
    doc = lxml_html.fromstring(text)
    r = diff_rulesets(
        load(ROOT / "spec" / "german-credit-without-protected.yaml"),
        load(ROOT / "spec" / "german-credit-with-protected.yaml"),
        "old",
        "new",
        None,
        Limits(timeout=30),
    )
    assert r.transitions is not None
    for t in r.transitions:
        (cell,) = doc.xpath(f'//td[@data-old="{t.old}"][@data-new="{t.new}"]')
        want = {True: "moves", False: "no one", None: "undecided"}[t.possible]
        assert cell.text_content() == want


def test_report_without_options_has_no_diff_or_impact(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    code, _, err = run(
        "report", str(ROOT / "spec" / "rail-flight-bans-2018.yaml"), "-o", str(target)
    )
    assert (code, err) == (0, "")
    doc = lxml_html.fromstring(target.read_text(encoding="utf-8"))
    assert doc.xpath("//section/@data-section") == ["summary", "findings", "sanctions", "sources"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"rows": 3,\n "invalid_rows": }', "2:18: error[RP901]: not JSON"),
        ('{"rows": 3, "invalid_rows": 0}', "error[RP901]: the impact file has no `counterfactual`"),
        (
            '{"rows": 3, "invalid_rows": 0, "counterfactual": {"sex": {"score": 1, "tier": "x",'
            ' "sanctions": 0, "any": 1}}}',
            'error[RP901]: `counterfactual.sex.tier` must be a whole number of people, got "x"',
        ),
        (
            '{"rows": -1, "invalid_rows": 0, "counterfactual": {}}',
            "error[RP901]: `rows` must be a whole number of people, got -1",
        ),
    ],
)
def test_bad_impact_documents(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "impact.json"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(
        "report",
        str(ROOT / "spec" / "sesame-credit.yaml"),
        "--impact",
        str(bad),
        "-o",
        str(tmp_path / "r.html"),
    )
    assert code == 2 and out == ""
    assert message in err, err
    assert not (tmp_path / "r.html").exists()


def test_unwritable_target(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, _, err = run("report", str(ROOT / "spec" / "sesame-credit.yaml"), "-o", str(folder))
    assert code == 2 and "error[RP902]: cannot write the report" in err


def _population(rs: M.Ruleset, n: int, seed: int) -> list[dict[str, M.Value]]:
    """`n` possible citizens drawn uniformly from each attribute's domain (a fixed seed)."""
    rng = random.Random(seed)
    out: list[dict[str, M.Value]] = []
    while len(out) < n:
        c: dict[str, M.Value] = {}
        for a in rs.attributes:
            match a.type:
                case M.BoolType():
                    c[a.name] = rng.random() < 0.5
                case M.IntType(lo, hi):
                    c[a.name] = rng.randint(lo, hi)
                case M.EnumType(values):
                    c[a.name] = rng.choice(values)
                case M.RealType(lo, hi):
                    c[a.name] = lo + (hi - lo) * Fraction(rng.randint(0, 100), 100)
        if in_domain(rs, c) is None:
            out.append(c)
    return out


def _domain(a: M.Attribute) -> list[M.Value]:
    match a.type:
        case M.BoolType():
            return [False, True]
        case M.IntType(lo, hi):
            return list(range(lo, hi + 1))
        case M.EnumType(values):
            return list(values)
        case _:
            raise AssertionError(a)


def test_impact_from_a_data_file_counts_what_the_evaluator_gives(tmp_path: Path) -> None:
    spec = ROOT / "spec" / "german-credit-with-protected.yaml"
    rs = load(spec)
    people = _population(rs, 60, seed=3)
    data = tmp_path / "people.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([a.name for a in rs.attributes])
        for c in people:
            w.writerow([text(c[a.name]) for a in rs.attributes])
    target = tmp_path / "r.html"
    code, _, err = run("report", str(spec), "--impact", str(data), "-o", str(target))
    assert (code, err) == (0, ""), err
    doc = lxml_html.fromstring(target.read_text(encoding="utf-8"))
    outs = [evaluate(rs, c) for c in people]
    (everyone,) = doc.xpath('(//tr[@data-group="everyone"])[1]')
    tiers = {
        td.get("data-tier"): int(td.get("data-count")) for td in everyone.xpath("./td[@data-tier]")
    }
    assert tiers == {t: sum(1 for o in outs if o.tier == t) for t in tiers}
    assert sum(tiers.values()) == len(people)
    # the default counterfactuals: each protected attribute, every other value tried
    varied = doc.xpath("//tr[@data-varied]/@data-varied")
    assert sorted(varied) == sorted(a.name for a in rs.attributes if a.protected != "false")
    for name in varied:
        attr = rs.attribute(name)
        want = {"score": 0, "tier": 0, "sanctions": 0, "any": 0}
        for c, o in zip(people, outs, strict=True):
            alts = [evaluate(rs, {**c, name: v}) for v in _domain(attr) if v != c[name]]
            flips = {
                "score": any(x.score != o.score for x in alts),
                "tier": any(x.tier != o.tier for x in alts),
                "sanctions": any(x.sanctions != o.sanctions for x in alts),
            }
            flips["any"] = any(flips.values())
            for k, v in flips.items():
                want[k] += v
        (row,) = doc.xpath(f'//tr[@data-varied="{name}"]')
        got = {td.get("data-output"): int(td.get("data-count")) for td in row.xpath("./td")}
        assert got == want, name


def test_by_without_a_data_file(tmp_path: Path) -> None:
    code, _, err = run(
        "report",
        str(ROOT / "spec" / "sesame-credit.yaml"),
        "--by",
        "occupation",
        "--impact",
        str(IMPACT),
        "-o",
        str(tmp_path / "r.html"),
    )
    assert code == 2 and "error[RP903]" in err


def test_without_the_picture_libraries_the_report_keeps_its_tables(tmp_path: Path) -> None:
    """In a fresh interpreter where matplotlib and graphviz cannot be imported, the report is
    still written, says what is missing, and keeps every table."""
    target = tmp_path / "r.html"
    script = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "sys.modules['graphviz'] = None\n"
        "from ruleproof.commands.cli import main\n"
        f"sys.exit(main(['report', {str(ROOT / 'spec' / 'sesame-credit.yaml')!r}, '-o', "
        f"{str(target)!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "note: pictures left out, not installed: matplotlib" in proc.stdout
    text = target.read_text(encoding="utf-8")
    assert "(no picture: pictures need matplotlib" in text
    assert "(no drawing: the graphviz package is not installed" in text
    assert "<svg" not in text
    doc = lxml_html.fromstring(text)
    assert doc.xpath("//table[contains(@class,'rp-waterfall-table')]")
    assert doc.xpath("//tr[@data-sanction]")
