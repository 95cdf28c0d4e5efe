"""Counterexample files: deterministic JSON, atomic writes, reading back, bad files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import ruleproof
from conftest import GOLDEN
from ruleproof.commands.replay import replay
from ruleproof.errors import RulesetError
from ruleproof.language import ruleset as M
from ruleproof.language.load_suite import parse_query
from ruleproof.reporting.files import (
    counterexample_file_json,
    dumps,
    read_counterexample_text,
    write_atomic,
    write_counterexamples,
)
from ruleproof.semantics.evaluate import evaluate
from ruleproof.verdicts.result import Counterexample, Result, Violated

SMALL = ruleproof.load(GOLDEN / "check" / "small.yaml")


def violated(query: str = "independent: {of: associations}") -> Result:
    r = SMALL.check(query)
    assert r.status == "violated"
    return r


def test_file_content_and_round_trip(tmp_path: Path) -> None:
    r = violated()
    [path] = write_counterexamples(tmp_path, SMALL, [r])
    assert path == tmp_path / "small" / "query.json"
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert list(doc) == ["format", "ruleset", "property", "kind", "message", "counterexample"]
    assert list(doc["counterexample"]["citizens"]["a"]) == [a.name for a in SMALL.attributes]
    assert text == dumps(counterexample_file_json(SMALL, r))
    saved = read_counterexample_text(text, str(path), SMALL)
    assert (saved.ruleset, saved.property, saved.kind) == ("small", "query", "independent")
    assert r.counterexample is not None
    assert {t: dict(c) for t, c in saved.citizens.items()} == {
        t: dict(c) for t, c in r.counterexample.citizens.items()
    }
    prop = parse_query("independent: {of: associations}", SMALL)
    assert replay(SMALL, saved, prop).verdict == "still violates"


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    r = violated()
    [path] = write_counterexamples(tmp_path, SMALL, [r])
    stamp = path.stat().st_mtime_ns
    write_counterexamples(tmp_path, SMALL, [r])
    assert path.stat().st_mtime_ns == stamp
    assert [p.name for p in path.parent.iterdir()] == ["query.json"]  # no temporary left


def test_only_violated_results_get_files(tmp_path: Path) -> None:
    assert write_counterexamples(tmp_path, SMALL, [SMALL.check("score >= 0")]) == []
    assert not (tmp_path / "small").exists()


def test_write_atomic_replaces(tmp_path: Path) -> None:
    p = tmp_path / "d" / "f.json"
    write_atomic(p, "one\n")
    write_atomic(p, "two\n")
    assert p.read_text() == "two\n" and sorted(x.name for x in p.parent.iterdir()) == ["f.json"]


def test_reals_are_exact_text() -> None:
    rs = M.Ruleset("r", (M.Attribute("w", M.RealType(Fraction(0), Fraction(1))),))
    cex = Counterexample({"a": {"w": Fraction(1, 3)}}, {"a": evaluate(rs, {"w": Fraction(1, 3)})})
    prop = parse_query("w >= 0", rs)
    doc = counterexample_file_json(rs, Violated(prop, "m", cex))
    assert doc["counterexample"]["citizens"]["a"] == {"w": "1/3"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[1]", "RP406"),
        ("{", "RP406"),
        ('{"format": 2}', "RP601"),
        ('{"format": 1, "ruleset": "small", "property": "p", "kind": "always"}', "RP601"),
        (
            '{"format": 1, "ruleset": "other", "property": "p", "kind": "always", '
            '"counterexample": {"citizens": {}}}',
            "RP602",
        ),
    ],
)
def test_bad_files(text: str, code: str) -> None:
    with pytest.raises(RulesetError) as exc:
        read_counterexample_text(text, "x.json", SMALL)
    assert [d.code for d in exc.value.diagnostics] == [code]


def test_replay_tolerates_attribute_changes() -> None:
    text = json.dumps(
        {
            "format": 1,
            "ruleset": "small",
            "property": "p",
            "kind": "always",
            "counterexample": {"citizens": {"a": {"debt": 5, "evades": True, "gone": 1}}},
        }
    )
    saved = read_counterexample_text(text, "x.json", SMALL)
    out = replay(SMALL, saved, parse_query("implies(listed, tier == 'A')", SMALL))
    assert out.verdict == "still violates"
    assert any("gone" in n for n in out.notes) and any("religion" in n for n in out.notes)
    impossible = json.dumps(
        {
            "format": 1,
            "ruleset": "small",
            "property": "p",
            "kind": "always",
            "counterexample": {"citizens": {"a": {"debt": 5000}}},
        }
    )
    saved = read_counterexample_text(impossible, "x.json", SMALL)
    assert replay(SMALL, saved, parse_query("score > 0", SMALL)).verdict == "impossible"
