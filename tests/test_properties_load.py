"""Property files and query texts → `Property` IR (ruleproof.language.load_suite)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruleproof.errors import RulesetError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.exprparse import Origin, parse_expr
from ruleproof.language.load_ruleset import load, load_text
from ruleproof.language.load_suite import (
    load_properties,
    load_properties_text,
    parse_query,
    read_properties_text,
)

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "properties"

RULESET = """\
ruleset: small-debtors
attributes:
  debt:        {type: int, range: [0, 100000]}
  evades:      {type: bool}
  days_listed: {type: int, range: [0, 3650], changes: time}
  income:      {type: real, range: [0, 1000]}
  religion:    {type: enum, values: [none, buddhist, muslim], protected: true}
  friends_on_list: {type: int, range: [0, 500], protected: association}
  game_hours:  {type: int, range: [0, 168], domain: consumption}
  trips:       {type: int, range: [0, 50], domain: transport}
  loans:       {type: int, range: [0, 9], domain: finance}
define:
  listed: "debt > 0 and evades"
  penalty: "debt // 1000"
score:
  base: 1000
  range: [0, 2000]
  rules:
    - {id: unpaid, when: "listed", add: -100}
    - {id: gaming, when: "game_hours > 20", add: "-(game_hours - 20)"}
tiers:
  - {id: A, when: "score >= 1050"}
  - {id: D, when: "True"}
sanctions:
  flight_ban: {when: "listed or tier == 'D'", domain: transport, appeal: [request_correction]}
  loan_ban: {when: "listed", domain: finance}
actions:
  pay_debt: {by: citizen, when: "debt > 0", set: {debt: 0, days_listed: 0}}
  request_correction: {by: citizen, when: "days_listed <= 15", set: {evades: false}}
  review: {by: authority, set: {evades: false}}
  wait:
    by: time
    params: {days: {type: int, range: [1, 3650]}}
    set: {days_listed: "days_listed + days if debt > 0 else 0"}
"""

BARE = """\
ruleset: bare
attributes:
  age: {type: int, range: [0, 120]}
  member: {type: bool}
"""


@pytest.fixture(scope="module")
def rs() -> M.Ruleset:
    return load_text(RULESET, "small.yaml")


@pytest.fixture(scope="module")
def bare() -> M.Ruleset:
    return load_text(BARE, "bare.yaml")


def x(text: str) -> E.Expr:
    """An expression as the loader builds it (spans do not take part in equality)."""
    return parse_expr(text, Origin("t", 1, 1))


def one(body: str, ruleset: M.Ruleset) -> P.Property:
    props = load_properties_text("properties:\n  - id: p\n" + body, "p.yaml", ruleset)
    assert len(props) == 1
    return props[0]


# -- valid files: every kind ---------------------------------------------------------------

VALID = [
    ('    always: "debt >= 0"\n', P.Always(x("debt >= 0"), "debt >= 0")),
    ("    always: 0 <= score <= 2000\n", P.Always(x("0 <= score <= 2000"), "0 <= score <= 2000")),
    ("    always: true\n", P.Always(E.BoolLit(True), "True")),
    (
        "    independent: {of: protected}\n",
        P.Independent(P.Selector("protected", text="protected"), None),
    ),
    (
        "    independent: {of: characteristics, outputs: [score]}\n",
        P.Independent(P.Selector("characteristics", text="characteristics"), ("score",)),
    ),
    (
        "    independent: {of: associations, outputs: [tier, sanctions, loan_ban, penalty]}\n",
        P.Independent(
            P.Selector("associations", text="associations"),
            ("tier", "sanctions", "loan_ban", "penalty"),
        ),
    ),
    (
        "    independent: {of: domain:consumption, outputs: sanctions}\n",
        P.Independent(
            P.Selector("domain", domain="consumption", text="domain:consumption"), ("sanctions",)
        ),
    ),
    (
        '    independent: {of: "not domain: transport"}\n',
        P.Independent(
            P.Selector("not-domain", domain="transport", text="not domain: transport"), None
        ),
    ),
    (
        "    independent: {of: [religion, debt]}\n",
        P.Independent(P.Selector("names", ("religion", "debt"), text="[religion, debt]"), None),
    ),
    (
        "    independent: {of: religion}\n",
        P.Independent(P.Selector("names", ("religion",), text="religion"), None),
    ),
    (
        "    monotone: {in: game_hours, output: score, direction: nonincreasing}\n",
        P.Monotone("game_hours", "score", "nonincreasing"),
    ),
    (
        "    monotone: {in: income, output: penalty, direction: nondecreasing}\n",
        P.Monotone("income", "penalty", "nondecreasing"),
    ),
    ("    same_context: {}\n", P.SameContext()),
    ("    same_context:\n", P.SameContext()),
    ("    same_context: true\n", P.SameContext()),
    ("    appeal_path: {within: 3}\n", P.AppealPath(3)),
    ("    expires: {within: 50}\n", P.Expires(50)),
    (
        "    recourse: {within: 2}\n",
        P.Recourse(x("sanctioned"), "sanctioned", x("not sanctioned"), "not sanctioned", 2),
    ),
    (
        '    recourse: {when: "flight_ban", by: [citizen, time], within: 4,\n'
        '               target: "not flight_ban"}\n',
        P.Recourse(
            x("flight_ban"),
            "flight_ban",
            x("not flight_ban"),
            "not flight_ban",
            4,
            ("citizen", "time"),
        ),
    ),
    (
        "    recourse: {actions: [pay_debt, wait], within: 1}\n",
        P.Recourse(
            x("sanctioned"),
            "sanctioned",
            x("not sanctioned"),
            "not sanctioned",
            1,
            None,
            ("pay_debt", "wait"),
        ),
    ),
    ("    tiers_total: {}\n", P.TiersTotal()),
    ("    reachable: rules\n", P.Reachable("rules")),
    ("    reachable: sanctions\n", P.Reachable("sanctions")),
    ("    reachable: tiers\n", P.Reachable("tiers")),
    (
        "    reachable: \"tier == 'A' and loan_ban\"\n",
        P.Reachable("expr", x("tier == 'A' and loan_ban"), "tier == 'A' and loan_ban"),
    ),
    (
        '    forall: [a, b]\n    assume: "a.debt == b.debt"\n    assert: "a.tier == b.tier"\n',
        P.Forall(
            ("a", "b"),
            x("a.debt == b.debt"),
            x("a.tier == b.tier"),
            "a.debt == b.debt",
            "a.tier == b.tier",
        ),
    ),
    (
        '    forall: c\n    assert: "implies(c.listed, c.loan_ban)"\n',
        P.Forall(
            ("c",),
            E.BoolLit(True),
            x("implies(c.listed, c.loan_ban)"),
            "True",
            "implies(c.listed, c.loan_ban)",
        ),
    ),
]


@pytest.mark.parametrize(("body", "kind"), VALID)
def test_every_kind_loads_into_its_ir(rs: M.Ruleset, body: str, kind: P.Kind) -> None:
    assert one(body, rs).kind == kind


def test_property_fields_and_positions(rs: M.Ruleset) -> None:
    text = (
        "properties:\n"
        "  - id: score-bounds\n"
        "    doc: the score stays in range\n"
        '    cites: "Art. 2"\n'
        '    always: "0 <= score <= 2000"\n'
        "    expect: proved\n"
        "  - {id: known-finding, reachable: rules, expect: violated}\n"
    )
    first, second = load_properties_text(text, "f.yaml", rs)
    assert (first.id, first.doc, first.cites, first.expect) == (
        "score-bounds",
        "the score stays in range",
        "Art. 2",
        "proved",
    )
    assert (first.file, first.span.line, first.span.col) == ("f.yaml", 2, 5)
    assert first.kind_name == "always"
    assert (second.id, second.expect, second.kind_name) == (
        "known-finding",
        "violated",
        "reachable",
    )
    always = first.kind
    assert isinstance(always, P.Always)
    compare = always.expr
    assert isinstance(compare, E.Compare)
    score = compare.operands[1]
    assert (score.span.line, score.span.col) == (5, 19)


def test_bare_list_and_empty_list(rs: M.Ruleset) -> None:
    props = load_properties_text("- {id: a, tiers_total: {}}\n", "f.yaml", rs)
    assert [p.id for p in props] == ["a"]
    assert load_properties_text("properties: []\n", "f.yaml", rs) == []


def test_load_from_path(rs: M.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("properties:\n  - {id: a, reachable: tiers}\n", encoding="utf-8")
    [prop] = load_properties(path, rs)
    assert prop.file == str(path)
    with pytest.raises(RulesetError) as err:
        load_properties(tmp_path / "missing.yaml", rs)
    assert err.value.diagnostics[0].code == "RP006"


# -- DESIGN.md ------------------------------------------------------------------------------


def _design_blocks() -> tuple[str, str]:
    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    ruleset = next(s for s in sections if s.startswith("2."))
    props = next(s for s in sections if s.startswith("3."))

    def block(section: str) -> str:
        found = re.search(r"```yaml\n(.*?)```", section, re.S)
        assert found is not None
        return found.group(1)

    return block(ruleset), block(props)


def test_design_example_properties_load_against_design_ruleset() -> None:
    ruleset_text, props_text = _design_blocks()
    ruleset = load_text(ruleset_text, "design-ruleset.yaml")
    props = load_properties_text(props_text, "design-properties.yaml", ruleset)
    assert [(p.id, p.kind_name) for p in props] == [
        ("no-protected-influence", "independent"),
        ("no-guilt-by-association", "independent"),
        ("score-in-range", "always"),
        ("more-offences-never-help", "monotone"),
        ("punishment-fits-the-crime", "same_context"),
        ("every-sanction-appealable", "appeal_path"),
        ("no-lifelong-sanction", "expires"),
        ("tiers-cover-everyone", "tiers_total"),
        ("every-rule-can-fire", "reachable"),
        ("same-debt-same-tier", "forall"),
    ]
    assert props[0].kind == P.Independent(
        P.Selector("protected", text="protected"), ("score", "tier", "sanctions")
    )
    assert props[-1].kind == P.Forall(
        ("a", "b"),
        x("a.debt == b.debt and a.evades == b.evades"),
        x("a.tier == b.tier"),
        "a.debt == b.debt and a.evades == b.evades",
        "a.tier == b.tier",
    )


def _suites() -> list[Path]:
    return sorted((ROOT / "properties").glob("*.yaml"))


@pytest.mark.parametrize("suite", _suites(), ids=lambda p: p.stem)
def test_repository_property_suites_load(suite: Path) -> None:
    spec = ROOT / "spec" / suite.name
    assert spec.is_file(), f"properties/{suite.name} has no ruleset spec/{suite.name}"
    assert load_properties(suite, load(spec))


# -- errors: one broken file per code ---------------------------------------------------------

# (code, line, col, a fragment of the message, the file or one entry); an entry is put under
# `properties:` at line 2, column 5.
# fmt: off
ERRORS = [
    ("RP501", 1, 1, "the file is empty",
     ""),
    ("RP501", 1, 13, "expected a list",
     "properties: {a: 1}\n"),
    ("RP501", 1, 1, "no `properties:` list",
     "title: x\n"),
    ("RP501", 2, 5, "must be a mapping",
     "properties:\n  - just text\n"),
    ("RP502", 1, 1, "unknown top-level key `propertys`",
     "propertys: []\n"),
    ("RP502", 3, 5, "unknown key `tiers_totl`",
     "properties:\n  - id: a\n    tiers_totl: {}\n"),
    ("RP502", 2, 34, "unknown key `ouput` in `monotone`",
     "{id: a, monotone: {in: debt, ouput: score}}"),
    ("RP502", 2, 27, "unknown key `x`",
     "{id: a, tiers_total: {x: 1}}"),
    ("RP502", 2, 29, "`assert` belongs to `forall`",
     '{id: a, always: "True", assert: "True"}'),
    ("RP503", 2, 5, "no kind key",
     "{id: a, doc: nothing}"),
    ("RP503", 2, 31, "several kind keys",
     "{id: a, reachable: rules, tiers_total: {}}"),
    ("RP504", 2, 5, "missing its `id`",
     "{reachable: rules}"),
    ("RP504", 2, 10, "`a/b` is not a valid id",
     "{id: a/b, reachable: rules}"),
    ("RP505", 3, 10, "duplicate property id `a` (first at line 2)",
     "properties:\n  - {id: a, reachable: rules}\n  - {id: a, reachable: tiers}\n"),
    ("RP506", 2, 21, "`expect` must be proved or violated",
     "{id: a, expect: proven, reachable: rules}"),
    ("RP506", 2, 26, "must be a mapping",
     "{id: a, appeal_path: 3}"),
    ("RP506", 2, 35, "whole number",
     "{id: a, appeal_path: {within: two}}"),
    ("RP506", 2, 60, "`direction` must be",
     "{id: a, monotone: {in: debt, output: score, direction: up}}"),
    ("RP506", 2, 31, "`of` must be",
     "{id: a, independent: {of: 3}}"),
    ("RP506", 2, 51, "`outputs` is empty",
     "{id: a, independent: {of: protected, outputs: []}}"),
    ("RP506", 2, 38, "listed twice",
     "{id: a, independent: {of: [debt, debt]}}"),
    ("RP506", 2, 21, "must be an expression",
     "{id: a, always: [1]}"),
    ("RP507", 2, 13, "`always` needs an expression",
     "{id: a, always: }"),
    ("RP507", 2, 22, "missing `within`",
     "{id: a, expires: {}}"),
    ("RP507", 2, 23, "missing `output`",
     "{id: a, monotone: {in: debt, direction: nonincreasing}}"),
    ("RP507", 2, 5, "missing `assert`",
     "{id: a, forall: [a]}"),
    ("RP508", 2, 32, "unknown attribute `dept`",
     "{id: a, independent: {of: [dept]}}"),
    ("RP508", 2, 31, "neither a selector nor an attribute",
     "{id: a, independent: {of: protectd}}"),
    ("RP508", 2, 52, "`scor` is not an output",
     "{id: a, independent: {of: protected, outputs: [scor]}}"),
    ("RP508", 2, 52, "`debt` is an attribute, not an output",
     "{id: a, independent: {of: protected, outputs: [debt]}}"),
    ("RP508", 2, 28, "unknown attribute `dbt`",
     "{id: a, monotone: {in: dbt, output: score, direction: nondecreasing}}"),
    ("RP508", 2, 42, "unknown output `penalt`",
     "{id: a, monotone: {in: debt, output: penalt, direction: nondecreasing}}"),
    ("RP508", 2, 34, "unknown action `pay`",
     "{id: a, recourse: {actions: [pay], within: 2}}"),
    ("RP508", 2, 29, "unknown actor kind `citizens`",
     "{id: a, recourse: {by: [citizens], within: 2}}"),
    ("RP508", 2, 24, "neither rules, sanctions",
     "{id: a, reachable: rule}"),
    ("RP509", 2, 31, "selects no attribute",
     "{id: a, independent: {of: domain:health}}"),
    ("RP509", 2, 31, "selects no attribute",
     "{id: a, independent: {of: []}}"),
    ("RP511", 2, 28, "needs an int or real attribute",
     "{id: a, monotone: {in: religion, output: score, direction: nondecreasing}}"),
    ("RP511", 2, 42, "`tier` is not ordered",
     "{id: a, monotone: {in: debt, output: tier, direction: nondecreasing}}"),
    ("RP511", 2, 42, "`listed` (bool) is not ordered",
     "{id: a, monotone: {in: debt, output: listed, direction: nondecreasing}}"),
    ("RP511", 2, 42, "`trips` is an attribute, not an output",
     "{id: a, monotone: {in: debt, output: trips, direction: nondecreasing}}"),
    ("RP512", 2, 31, "out of range",
     "{id: a, expires: {within: 0}}"),
    ("RP512", 2, 35, "out of range",
     "{id: a, appeal_path: {within: 51}}"),
    ("RP513", 2, 36, "both `by` and `actions`",
     "{id: a, recourse: {by: [time], actions: [wait], within: 2}}"),
    ("RP513", 2, 33, "`actions` of `recourse` is empty",
     "{id: a, recourse: {actions: [], within: 2}}"),
    ("RP514", 2, 25, "`score` cannot name a citizen",
     '{id: a, forall: [a, score], assert: "True"}'),
    ("RP030", 2, 21, "declares 5 citizens",
     '{id: a, forall: [a, b, c, d, e], assert: "True"}'),
    ("RP515", 2, 48, "`debt` does not say whose value it is",
     '{id: a, forall: [a, b], assert: "a.debt == debt"}'),
    ("RP515", 2, 48, "unknown citizen `c`",
     '{id: a, forall: [a, b], assert: "a.debt == c.debt"}'),
    ("RP515", 2, 22, "names a citizen in a one-citizen property",
     '{id: a, always: "a.debt > 0"}'),
    ("RP101", 2, 22, "syntax error",
     '{id: a, always: "debt >"}'),
    ("RP201", 2, 22, "unknown name `dept`",
     '{id: a, always: "dept > 0"}'),
    ("RP202", 2, 22, "must be bool",
     '{id: a, always: "debt + 1"}'),
    ("RP203", 2, 34, "`hindu` is not a value",
     "{id: a, always: \"religion == 'hindu'\"}"),
    ("RP202", 2, 31, "must be bool",
     '{id: a, recourse: {when: "debt", within: 1}}'),
    ("RP202", 2, 35, "must be bool",
     '{id: a, forall: [a], assume: "a.debt", assert: "True"}'),
    ("RP001", 2, 1, "YAML syntax error",
     "properties: [1\n"),
]
# fmt: on


@pytest.mark.parametrize(("code", "line", "col", "fragment", "text"), ERRORS)
def test_errors_name_code_position_and_problem(
    rs: M.Ruleset, text: str, code: str, line: int, col: int, fragment: str
) -> None:
    if text.startswith("{"):
        text = f"properties:\n  - {text}\n"
    with pytest.raises(RulesetError) as err:
        load_properties_text(text, "bad.yaml", rs)
    found = [(d.code, d.span.line, d.span.col, d.message) for d in err.value.diagnostics]
    assert any((c, ln, cl) == (code, line, col) and fragment in msg for c, ln, cl, msg in found), (
        found
    )
    for d in err.value.diagnostics:
        assert d.span.file == "bad.yaml"


# Properties about things the ruleset lacks would hold vacuously: RP510.
VACUOUS = [
    ('always: "score >= 0"', "`score`: ruleset `bare` has no score"),
    ("always: \"tier == 'A'\"", "`tier`: ruleset `bare` has no tiers"),
    ("tiers_total: {}", "`tiers_total`: ruleset `bare` has no tiers"),
    ("same_context: {}", "has no sanctions"),
    ("appeal_path: {within: 2}", "has no sanctions"),
    ("expires: {within: 2}", "has no sanctions"),
    ("reachable: rules", "has no score rules"),
    ("reachable: sanctions", "has no sanctions"),
    ("reachable: tiers", "has no tiers"),
    ("independent: {of: [age], outputs: [score]}", "output `score`"),
    ("independent: {of: [age], outputs: [tier]}", "output `tier`"),
    ("independent: {of: [age], outputs: [sanctions]}", "output `sanctions`"),
    ("monotone: {in: age, output: score, direction: nondecreasing}", "output `score`"),
]


@pytest.mark.parametrize(("kind", "fragment"), VACUOUS)
def test_property_about_what_the_ruleset_lacks(bare: M.Ruleset, kind: str, fragment: str) -> None:
    with pytest.raises(RulesetError) as err:
        load_properties_text(f"properties:\n  - {{id: a, {kind}}}\n", "v.yaml", bare)
    [d] = err.value.diagnostics
    assert d.code == "RP510"
    assert fragment in d.message
    assert d.span.line == 2


def test_selector_with_no_match_lists_the_attributes(bare: M.Ruleset) -> None:
    with pytest.raises(RulesetError) as err:
        load_properties_text("- {id: a, independent: {of: protected}}\n", "v.yaml", bare)
    [d] = err.value.diagnostics
    assert d.code == "RP509"
    assert "age (unprotected, no domain)" in d.why


def test_did_you_mean_hints(rs: M.Ruleset) -> None:
    text = (
        "properties:\n"
        "  - {id: a, indepedent: {of: protected}}\n"
        "  - {id: b, independent: {of: [relgion]}}\n"
        "  - {id: c, independent: {of: domain:transprt}}\n"
        "  - {id: d, recourse: {actions: [pay_dbt], within: 1}}\n"
    )
    _, diagnostics = read_properties_text(text, "h.yaml", rs)
    fixes = [d.fix for d in diagnostics]
    for hint in ("`independent`", "`religion`", "`transport`", "`pay_debt`"):
        assert any(hint in f for f in fixes), (hint, fixes)


def test_all_problems_are_reported_together(rs: M.Ruleset) -> None:
    text = (
        "properties:\n"
        '  - {id: a, always: "dept > 0"}\n'
        "  - {id: b, expires: {within: 99}}\n"
        "  - {id: c, reachable: tiers}\n"
        "  - {id: d, monotone: {in: religion, output: tier, direction: sideways}}\n"
    )
    with pytest.raises(RulesetError) as err:
        load_properties_text(text, "many.yaml", rs)
    assert [(d.code, d.span.line) for d in err.value.diagnostics] == [
        ("RP201", 2),
        ("RP512", 3),
        ("RP511", 5),
        ("RP511", 5),
        ("RP506", 5),
    ]


def test_warnings_do_not_fail_loading(rs: M.Ruleset) -> None:
    props, diagnostics = read_properties_text(
        '- {id: a, always: "debt * game_hours >= 0"}\n', "w.yaml", rs
    )
    assert [p.id for p in props] == ["a"]
    assert [(d.code, d.severity) for d in diagnostics] == [("RP208", "warning")]
    assert load_properties_text('- {id: a, always: "debt * game_hours >= 0"}\n', "w.yaml", rs)


def test_rendered_diagnostics_match_golden(rs: M.Ruleset) -> None:
    source = (GOLDEN / "broken.yaml").read_text(encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_properties_text(source, "broken.yaml", rs)
    rendered = err.value.render({"broken.yaml": source}) + "\n"
    golden = GOLDEN / "broken.txt"
    if os.environ.get("RULEPROOF_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


# -- query text --------------------------------------------------------------------------------

QUERIES = [
    ("score >= 0", P.Always(x("score >= 0"), "score >= 0")),
    ("always: debt >= 0", P.Always(x("debt >= 0"), "debt >= 0")),
    ("  always:   listed  ", P.Always(x("listed"), "listed")),
    (
        "forall a, b: a.debt == b.debt implies a.tier == b.tier",
        P.Forall(
            ("a", "b"),
            E.BoolLit(True),
            x("implies(a.debt == b.debt, a.tier == b.tier)"),
            "True",
            "a.debt == b.debt implies a.tier == b.tier",
        ),
    ),
    (
        "forall a, b: a.debt == b.debt and a.evades == b.evades => a.tier == b.tier",
        P.Forall(
            ("a", "b"),
            x("a.debt == b.debt and a.evades == b.evades"),
            x("a.tier == b.tier"),
            "a.debt == b.debt and a.evades == b.evades",
            "a.tier == b.tier",
        ),
    ),
    (
        "forall [a]: a.listed implies a.loan_ban implies a.flight_ban",
        P.Forall(
            ("a",),
            E.BoolLit(True),
            x("implies(a.listed, implies(a.loan_ban, a.flight_ban))"),
            "True",
            "a.listed implies a.loan_ban implies a.flight_ban",
        ),
    ),
    (
        "forall a, b: implies(a.listed, b.listed) => "
        "a.religion == 'none' or implies(a.evades, True)",
        P.Forall(
            ("a", "b"),
            x("implies(a.listed, b.listed)"),
            x("a.religion == 'none' or implies(a.evades, True)"),
            "implies(a.listed, b.listed)",
            "a.religion == 'none' or implies(a.evades, True)",
        ),
    ),
    (
        "forall a: a.religion in ['none', 'x => y'] or a.listed",
        None,  # `=>` inside quotes is text: the enum value is checked, and is wrong
    ),
    ("reachable: tiers", P.Reachable("tiers")),
    ("tiers_total: {}", P.TiersTotal()),
    (
        "independent: {of: protected, outputs: [tier]}",
        P.Independent(P.Selector("protected", text="protected"), ("tier",)),
    ),
    (
        "monotone: {in: debt, output: score, direction: nonincreasing}",
        P.Monotone("debt", "score", "nonincreasing"),
    ),
]


@pytest.mark.parametrize(("text", "kind"), QUERIES)
def test_parse_query_forms(rs: M.Ruleset, text: str, kind: P.Kind | None) -> None:
    if kind is None:
        with pytest.raises(RulesetError) as err:
            parse_query(text, rs)
        assert [d.code for d in err.value.diagnostics] == ["RP203"]
        return
    prop = parse_query(text, rs)
    assert (prop.id, prop.kind, prop.file) == ("query", kind, "<query>")


QUERY_ERRORS = [
    ("forall a: debt > 0", "RP515", 1, 11),
    ("forall a, a: a.debt > 0", "RP514", 1, 8),
    ("forall a, b c: True", "RP514", 1, 8),
    ("forall : True", "RP514", 1, 8),
    ("forall a, b: a.listed => b.listed => True", "RP516", 1, 35),
    ("forall: [a]", "RP516", 1, 1),
    ("always: a.debt > 0", "RP515", 1, 9),
    ("scor >= 0", "RP201", 1, 1),
    ("debt", "RP202", 1, 1),
    ("", "RP101", 1, 1),
    ("forall a: a.debt >", "RP101", 1, 11),
    ("forall a: a.listed implies", "RP101", 1, 27),
    ("forall a, b: a.debt == b.debt implies b.tier == 'Z'", "RP203", 1, 49),
    ("independent: {of: nothing}", "RP508", 1, 19),
    ("expires: {within: 0}", "RP512", 1, 19),
    ("x" * 100_001, "RP025", 1, 1),
]


@pytest.mark.parametrize(("text", "code", "line", "col"), QUERY_ERRORS)
def test_parse_query_errors(rs: M.Ruleset, text: str, code: str, line: int, col: int) -> None:
    with pytest.raises(RulesetError) as err:
        parse_query(text, rs, file="q")
    found = [(d.code, d.span.line, d.span.col) for d in err.value.diagnostics]
    assert (code, line, col) in found, found


def test_query_positions_point_into_the_text(rs: M.Ruleset) -> None:
    prop = parse_query("forall a, b: a.debt == b.debt => a.tier == b.tier", rs)
    assert isinstance(prop.kind, P.Forall)
    assert_ = prop.kind.assert_
    assert isinstance(assert_, E.Compare)
    tier = assert_.operands[1]
    assert (tier.span.line, tier.span.col) == (1, 44)


def test_long_implies_chains_are_refused_not_crashing(rs: M.Ruleset) -> None:
    text = "forall a: " + " implies ".join(["a.listed"] * 5000)
    with pytest.raises(RulesetError) as err:
        parse_query(text, rs)
    assert [d.code for d in err.value.diagnostics] == ["RP516"]
    ok = parse_query("forall a: " + " implies ".join(["a.listed"] * 50), rs)
    assert isinstance(ok.kind, P.Forall)


# -- fuzzing: any input gives properties or RulesetError ------------------------------------------

KEYS = [
    "id",
    "doc",
    "cites",
    "expect",
    "always",
    "independent",
    "monotone",
    "same_context",
    "appeal_path",
    "expires",
    "recourse",
    "tiers_total",
    "reachable",
    "forall",
    "assume",
    "assert",
    "of",
    "outputs",
    "in",
    "output",
    "direction",
    "within",
    "when",
    "by",
    "actions",
    "target",
    "properties",
]
WORDS = [
    "protected",
    "associations",
    "domain:finance",
    "not domain:transport",
    "debt",
    "score",
    "tier",
    "sanctions",
    "rules",
    "tiers",
    "listed",
    "flight_ban",
    "a",
    "b",
    "a.debt",
    "nonincreasing",
    "proved",
    "citizen",
    "time",
    "wait",
    "debt > 0",
    "a.tier == b.tier",
    "religion",
    "penalty",
    "income",
    "(",
    "'",
    "",
]
scalars = st.one_of(
    st.sampled_from(WORDS), st.integers(-3, 60), st.booleans(), st.none(), st.text(max_size=8)
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    ),
    max_leaves=12,
)
entries = st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=5)


def _outcome(text: str, ruleset: M.Ruleset) -> None:
    try:
        props = load_properties_text(text, "fuzz.yaml", ruleset)
    except RulesetError as exc:
        assert exc.diagnostics
        return
    assert all(isinstance(p, P.Property) for p in props)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_fuzz_any_text(rs: M.Ruleset, text: str) -> None:
    _outcome(text, rs)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(entries, max_size=4))
def test_fuzz_structured_files(rs: M.Ruleset, items: list[dict[str, object]]) -> None:
    import yaml

    _outcome(yaml.safe_dump({"properties": items}), rs)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=120),
        st.builds(
            lambda names, body: f"forall {names}: {body}",
            st.sampled_from(["a", "a, b", "[a, b]", "a,", "a, a", "1x"]),
            st.lists(st.sampled_from([*WORDS, "=>", "implies", "and", "=="]), max_size=8).map(
                " ".join
            ),
        ),
    )
)
def test_fuzz_queries(rs: M.Ruleset, text: str) -> None:
    try:
        prop = parse_query(text, rs)
    except RulesetError as exc:
        assert exc.diagnostics
        return
    assert isinstance(prop, P.Property)
