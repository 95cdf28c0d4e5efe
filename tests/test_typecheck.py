"""Typecheck: names, types, references, cycles; random well-typed rulesets stay clean."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from ruleproof.errors import Diagnostic, RulesetError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import diagnose_text, load_text
from ruleproof.language.typecheck import typecheck
from ruleproof.testing import rulesets

HEAD = """\
ruleset: t
attributes:
  debt: {type: int, range: [0, 100]}
  w: {type: real, range: [0, 1]}
  flag: {type: bool}
  color: {type: enum, values: [red, green]}
"""


def codes(text: str) -> list[str]:
    _, diags = diagnose_text(HEAD + text, "t.yaml")
    return [d.code for d in diags]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('define:\n  x: "debt + w"\nsanctions:\n  s: {when: "x > 0.5"}\n', []),
        ('sanctions:\n  s: {when: "debt"}\n', ["RP202"]),
        ("sanctions:\n  s: {when: \"color == 'blue'\"}\n", ["RP203"]),
        ('sanctions:\n  s: {when: "color < 1"}\n', ["RP202"]),
        ('sanctions:\n  s: {when: "flag + 1 > 0"}\n', ["RP202"]),
        ('score:\n  rules:\n    - {id: r, add: "w"}\n', []),  # a real add: a real score
        ('score:\n  rules:\n    - {id: r, add: "flag"}\n', ["RP202"]),
        ('score:\n  rules:\n    - {id: r, add: "w"}\ndefine:\n  h: "score // 2"\n', ["RP202"]),
        (
            'score:\n  rules:\n    - {id: r, one_of: [{id: r, when: "flag", add: 1}]}\n',
            ["RP207"],
        ),
        ('score:\n  rules:\n    - {id: r, add: "debt // 0"}\n', ["RP209"]),
        ('score:\n  rules:\n    - {id: r, add: "debt % -2"}\n', ["RP209"]),
        ('score:\n  rules:\n    - {id: r, add: "debt * debt"}\n', ["RP208"]),
        ('sanctions:\n  s: {when: "(1 if flag else color) == 1"}\n', ["RP202"]),
        ('define:\n  a: "b"\n  b: "a"\n', ["RP205"]),
        ('sanctions:\n  s: {when: "s"}\n', ["RP205"]),
        ("tiers:\n  - {id: A, when: \"tier == 'A'\"}\n", ["RP205"]),
        ('tiers:\n  - {id: A, when: "True"}\n  - {id: A, when: "True"}\n', ["RP207"]),
        ("sanctions:\n  s: {when: \"tier == 'A'\"}\n", ["RP201"]),
        ('sanctions:\n  s: {when: "score > 0"}\n', ["RP201"]),
        ('sanctions:\n  s: {when: "a.debt > 0"}\n', ["RP201"]),
        ("actions:\n  p: {by: citizen, set: {debt: flag}}\n", ["RP202"]),
        ("actions:\n  p: {by: citizen, set: {color: \"'blue'\"}}\n", ["RP202"]),
        ("actions:\n  p: {by: citizen, set: {w: 1}}\n", []),
        ("actions:\n  p: {by: citizen, params: {debt: {type: bool}}}\n", ["RP217"]),
        ("actions:\n  p: {by: judge}\n", ["RP212"]),
    ],
)
def test_typecheck_codes(body: str, expected: list[str]) -> None:
    assert codes(body) == expected


def test_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(RulesetError) as info:
        load_text(HEAD + 'sanctions:\n  s: {when: "dept > 0"}\n')
    (d,) = info.value.diagnostics
    assert d.fix == "did you mean `debt`?"


def test_cycle_is_named() -> None:
    with pytest.raises(RulesetError) as info:
        load_text(HEAD + 'define:\n  a: "b + 1"\n  b: "c + 1"\n  c: "a + 1"\n')
    assert info.value.diagnostics[0].message == "definitions form a cycle: a → b → c → a"


def test_warnings_do_not_stop_loading() -> None:
    r, diags = diagnose_text(HEAD + 'score:\n  rules:\n    - {id: r, add: "debt * debt"}\n')
    assert r is not None
    assert [(d.code, d.severity) for d in diags] == [("RP208", "warning")]


def errors(diags: list[Diagnostic]) -> list[str]:
    return [d.render() for d in diags if d.severity == "error"]


@settings(max_examples=150)
@given(rulesets())
def test_generated_rulesets_typecheck_clean(ruleset: M.Ruleset) -> None:
    assert errors(typecheck(ruleset)) == []


def test_typecheck_of_a_hand_built_ruleset_reports_bad_appeal() -> None:
    r = M.Ruleset(
        "x",
        (M.Attribute("a", M.BoolType()),),
        sanctions=(M.Sanction("s", E.Var("a"), "a", appeal=("nope",)),),
    )
    assert [d.code for d in typecheck(r)] == ["RP214"]
