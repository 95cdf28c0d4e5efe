"""The score waterfall is the evaluator's trace, step for step, in its data, table and picture."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load
from ruleproof.language.values import fmt_value
from ruleproof.semantics.display import plot
from ruleproof.semantics.display.outcome_html import Column, waterfall_block
from ruleproof.semantics.display.waterfall import (
    MAX_RULE_ROWS,
    align,
    condense,
    merge_orders,
    waterfall,
)
from ruleproof.semantics.display.waterfall_plot import signed, step_text
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.outcome import Outcome, RuleFiring, Trace
from ruleproof.testing import citizens, rulesets

ROOT = Path(__file__).resolve().parent.parent

SESAME = load(ROOT / "spec/sesame-credit.yaml")


def expected_steps(o: Outcome) -> list[tuple[str, Any, Any]]:
    """(key, start, end) of every step, read straight off the trace."""
    tr = o.trace
    assert tr.base is not None and o.score is not None
    out: list[tuple[str, Any, Any]] = [("base", tr.base, tr.base)]
    before: Any = tr.base
    for f in tr.rules:
        out.append((f"rule:{f.id}", before, f.running))
        before = f.running
    if tr.clamped:
        out.append(("clamp", tr.raw_score, o.score))
    out.append(("score", o.score, o.score))
    return out


@given(rulesets(), st.data())
@settings(max_examples=120)
def test_waterfall_is_the_trace(rs: M.Ruleset, data: st.DataObject) -> None:
    if rs.score is None:
        return
    people = [data.draw(citizens(rs)) for _ in range(3)]
    outs = [evaluate(rs, c) for c in people]
    walls = []
    for o in outs:
        w = waterfall(o, rs)
        assert w is not None
        assert [(s.key, s.start, s.end) for s in w.steps] == expected_steps(o)
        rules = [s for s in w.steps if s.kind == "rule"]
        assert [s.delta for s in rules] == [f.delta for f in o.trace.rules]
        # the exact semantics: score = clamp(base + Σ deltas)
        raw = o.trace.base + sum(s.delta for s in rules)  # type: ignore[operator]
        assert raw == w.raw
        lo, hi = rs.score.lo, rs.score.hi
        clamped = max(lo, raw) if lo is not None else raw
        clamped = min(hi, clamped) if hi is not None else clamped
        assert w.score == clamped == o.score
        assert w.clamped == (clamped != raw)
        walls.append(w)
    rows = align(walls)
    for w in walls:  # each column reads top to bottom in its own trace order
        keys = [s.key for s in w.steps]
        assert [k for k in rows if k in keys] == keys


def test_no_score_no_waterfall() -> None:
    rs = load(ROOT / "spec/joint-punishment.yaml")
    c = rs.baseline()
    assert waterfall(evaluate(rs, c), rs) is None


@pytest.mark.parametrize(
    ("orders", "merged"),
    [
        ([["a", "b", "c"], ["a", "c"]], ["a", "b", "c"]),
        ([["a", "c"], ["b", "c"]], ["a", "b", "c"]),
        ([["x", "y"], ["y", "z"], []], ["x", "y", "z"]),
        ([[], []], []),
    ],
)
def test_merge_orders(orders: list[list[str]], merged: list[str]) -> None:
    assert merge_orders(orders) == merged


def _sesame_pair() -> tuple[Outcome, Outcome]:
    a = dict(SESAME.baseline(), friends_avg_score=350)
    b = dict(a, friends_avg_score=374)
    return evaluate(SESAME, a), evaluate(SESAME, b)


def test_block_table_and_picture_carry_the_trace_numbers() -> None:
    a, b = _sesame_pair()
    block = waterfall_block([Column("a", a, SESAME), Column("b", b, SESAME)], "wf-t")
    assert block is not None
    doc = lxml_html.fromstring(str(block))
    for tag, o in (("a", a), ("b", b)):
        w = waterfall(o, SESAME)
        assert w is not None
        for key, start, end in expected_steps(o):
            (cell,) = doc.xpath(f'//tr[@data-key="{key}"]/td[@data-citizen="{tag}"]')
            assert cell.get("data-start") == fmt_value(start)
            assert cell.get("data-end") == fmt_value(end)
            assert cell.get("data-delta") == fmt_value(end - start)
        col = 0 if tag == "a" else 1
        for s in w.steps:
            label = doc.xpath(f'//*[@id="wf-t-{col}-{s.key.replace(":", "_")}-label"]')
            assert label, s.key
            assert "".join(label[0].itertext()).strip() == step_text(s)
    differs = doc.xpath('//tr[contains(@class, "rp-differs")]/@data-key')
    assert differs == ["rule:relationships"]
    assert "tiers by score" in str(block).lower()


def test_block_without_matplotlib_keeps_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(width: float, height: float) -> Any:
        raise plot.PicturesUnavailable("pictures need matplotlib, which is not installed")

    monkeypatch.setattr("ruleproof.semantics.display.waterfall_plot.figure", missing)
    a, _ = _sesame_pair()
    block = str(waterfall_block([Column("a", a, SESAME)], "wf-n"))
    assert "(no picture: pictures need matplotlib" in block
    assert 'data-key="rule:behaviour-preference"' in block and "<svg" not in block


def test_rational_scores_are_written_exactly() -> None:
    half, third = Fraction(1, 2), Fraction(-1, 3)
    trace = Trace(
        base=cast(Any, Fraction(5, 2)),
        rules=(
            RuleFiring("w", cast(Any, half), cast(Any, Fraction(3))),
            RuleFiring("v", cast(Any, third), cast(Any, Fraction(8, 3))),
        ),
        raw_score=cast(Any, Fraction(8, 3)),
        clamped=True,
        tier=None,
        sanctions=(),
    )
    o = Outcome(cast(Any, Fraction(5, 2)), None, (), {}, trace)
    w = waterfall(o)
    assert w is not None
    assert [step_text(s) for s in w.steps] == [
        "base 2.5",
        "+0.5 → 3",
        "-1/3 → 8/3",
        "clamped 8/3 → 2.5",
        "score 2.5",
    ]
    assert signed(Fraction(0)) == "+0"
    block = str(waterfall_block([Column("a", o)], "wf-r"))
    assert 'data-delta="-1/3"' in block and 'data-end="8/3"' in block


def _many_rules(n: int) -> M.Ruleset:
    from ruleproof.language.load_ruleset import load_text

    rules = "\n".join(
        f'    - {{id: r{i}, when: "x > {i % 97} and y != {i % 5}", add: {i % 11 - 5}}}'
        for i in range(n)
    )
    text = (
        "ruleset: many\nattributes:\n  x: {type: int, range: [-100, 100]}\n"
        "  y: {type: int, range: [0, 4]}\n"
        f"score:\n  base: 0\n  range: [-300, 300]\n  rules:\n{rules}\n"
        'tiers:\n  - {id: hi, when: "score >= 0"}\n  - {id: lo, when: "True"}\n'
    )
    return load_text(text, "many.yaml")


def test_long_traces_are_condensed_around_the_rules_that_matter() -> None:
    rs = _many_rules(600)
    a, b = evaluate(rs, {"x": 50, "y": 0}), evaluate(rs, {"x": 52, "y": 0})
    full = [waterfall(o, rs) for o in (a, b)]
    walls = condense([w for w in full if w is not None])
    rows = align(walls)
    assert len([k for k in rows if k.startswith("rule:")]) == MAX_RULE_ROWS
    for w, o in zip(walls, (a, b), strict=True):
        want = {key: (start, end) for key, start, end in expected_steps(o)}
        steps = list(w.steps)
        for s in steps:
            if s.kind in ("rule", "base", "clamp", "score"):
                assert (s.start, s.end) == want[s.key]
        # the steps still chain: each starts where the one before ended, up to the raw score
        chain = [s for s in steps if s.kind in ("rule", "rest")]
        assert chain[0].start == o.trace.base and chain[-1].end == o.trace.raw_score
        assert all(p.end == q.start for p, q in itertools.pairwise(chain))
        assert sum(s.label.count("rule") for s in chain if s.kind == "rest") > 0
    # rules that fired for only one of the two citizens are among the rows kept
    only_one = {f"rule:{f.id}" for f in a.trace.rules} ^ {f"rule:{f.id}" for f in b.trace.rules}
    assert only_one and only_one <= set(rows)
    block = waterfall_block([Column("a", a, rs), Column("b", b, rs)], "wf-many")
    assert block is not None and "other rules" in str(block)


def test_merge_orders_is_fast_enough_for_long_traces() -> None:
    keys = [f"k{i}" for i in range(20_000)]
    assert merge_orders([keys[::2], keys, keys[1::3]]) == keys
