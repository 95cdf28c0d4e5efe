"""Notebook display: results, counterexamples and outcomes as real HTML tables and waterfalls."""

from __future__ import annotations

from lxml import html as lxml_html

import ruleproof
from conftest import GOLDEN
from ruleproof.language.values import fmt_value

SMALL = ruleproof.load(GOLDEN / "check" / "small.yaml")


def _doc(fragment: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(fragment)


def _row(doc: lxml_html.HtmlElement, caption: str, label: str) -> list[str]:
    rows = doc.xpath(
        f'//table[caption[starts-with(normalize-space(.), "{caption}")]]'
        f'//tr[th[normalize-space(.)="{label}"]]'
    )
    assert rows, (caption, label)
    return ["".join(td.itertext()).strip() for td in rows[0].xpath("./td")]


def test_violated_result_shows_tables_waterfalls_and_links() -> None:
    r = SMALL.check("independent: {of: associations}")
    assert r.counterexample is not None
    doc = _doc(r._repr_html_())
    a = r.counterexample.citizens["a"]["friends_listed"]
    b = r.counterexample.citizens["b"]["friends_listed"]
    assert _row(doc, "citizens", "friends_listed") == [str(a), str(b), "≠"]
    score_a = r.counterexample.outcomes["a"].score
    score_b = r.counterexample.outcomes["b"].score
    assert _row(doc, "outcomes", "score") == [str(score_a), str(score_b), "≠"]
    assert doc.xpath('//span[contains(@class, "rp-status")]/@data-status') == ["violated"]
    # the waterfall: picture and table, the rule that made the difference marked
    assert doc.xpath('//svg[@role="img"]')
    assert doc.xpath('//tr[contains(@class, "rp-differs")]/@data-key') == ["rule:friends"]
    # names carry their source line as a tooltip in a notebook
    assert doc.xpath(
        '//span[@class="rp-src"][@title="' + str(GOLDEN / "check" / "small.yaml") + ':7"]'
    )


def test_outcome_displays_itself_with_tier_bands() -> None:
    citizen = dict(SMALL.baseline(), debt=5, evades=True, friends_listed=3)
    o = SMALL.evaluate(citizen)
    doc = _doc(o._repr_html_())
    assert _row(doc, "outcome", "score") == [fmt_value(o.score)]
    assert _row(doc, "outcome", "tier") == [str(o.tier)]
    cells = doc.xpath('//tr[@data-key="rule:unpaid"]/td')
    assert [c.get("data-delta") for c in cells] == ["-100"]
    text = " ".join(doc.itertext())
    assert "tiers by score: A: 1000 ≤ score ≤ 2000; B: 900 ≤ score < 1000; D: 0 ≤ score < 900" in (
        text.replace("Tiers", "tiers")
    )
    assert "flight_ban" in text  # sanctions and why
    assert o == ruleproof.load(GOLDEN / "check" / "small.yaml").evaluate(citizen)  # display only


def test_proof_says_why_in_html() -> None:
    r = SMALL.check("independent: {of: characteristics}")
    doc = _doc(r._repr_html_())
    assert "holds because of rule faith, rule faith-back" in " ".join(doc.itertext())
    assert doc.xpath('//span[contains(@class, "rp-status")]/@data-status') == ["proved"]


GROUPED = """
ruleset: grouped
attributes:
  debt: {type: int, range: [-5000, 100000]}
  late: {type: bool}
score:
  base: 0.5
  range: [-40, 40.25]
  rules:
    - {id: lateness, when: "late", add: -0.125}
    - id: debt-band
      one_of:
        - {id: no-debt, when: "debt <= 0", add: 40}
        - {id: small-debt, when: "debt < 5000", add: 10}
        - {id: large-debt, when: "True", add: -30}
tiers:
  - {id: good, when: "score > 10.5"}
  - {id: fair, when: "score >= -0.25"}
  - {id: poor, when: "True"}
"""


def test_groups_and_real_scores_in_the_waterfall() -> None:
    from ruleproof.language.load_ruleset import load_text

    rs = ruleproof.api.Ruleset.of(load_text(GROUPED, "grouped.yaml"))
    o = rs.evaluate({"debt": -3, "late": True})
    doc = _doc(o._repr_html_())
    # the case that fired is the row, named with its group; the clamp is a step of its own
    keys = doc.xpath("//table[contains(@class,'rp-waterfall-table')]//tr/@data-key")
    assert keys == ["base", "rule:lateness", "rule:no-debt", "clamp", "score"]
    (label,) = doc.xpath('//tr[@data-key="rule:no-debt"]/th')
    assert " ".join(label.text_content().split()) == "no-debt (in debt-band)"
    cells = {tr.get("data-key"): tr.xpath("./td")[0] for tr in doc.xpath("//tr[@data-key]")}
    assert cells["rule:lateness"].get("data-delta") == "-0.125"
    assert cells["clamp"].get("data-start") == "40.375"
    assert cells["clamp"].get("data-end") == "40.25"
    text = " ".join(doc.itertext())
    bands = "good: 10.5 < score ≤ 40.25; fair: -0.25 ≤ score ≤ 10.5; poor: -40 ≤ score < -0.25"
    assert bands in text
