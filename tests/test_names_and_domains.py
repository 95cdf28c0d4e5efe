"""Enum values must be names (a missing comma in a flow list must not make one value with a
space in it), and domains can be declared so that a typo in a `domain:` is caught."""

from __future__ import annotations

import pytest

from ruleproof import RulesetError
from ruleproof.language.load_ruleset import diagnose_text, load_text

BASE = """\
ruleset: groups
{domains}attributes:
  group: {{type: enum, values: {values}, protected: true}}
  income: {{type: int, range: [0, 100], domain: {income_domain}}}
  late: {{type: bool, domain: finance}}
sanctions:
  refused:
    when: "income < 10 or late"
    domain: {sanction_domain}
"""


def spec(
    values: str = "[majority, minority_a, minority_b]",
    domains: str = "",
    income_domain: str = "finance",
    sanction_domain: str = "finance",
) -> str:
    return BASE.format(
        values=values,
        domains=domains,
        income_domain=income_domain,
        sanction_domain=sanction_domain,
    )


def _codes(text: str) -> list[tuple[str, str]]:
    _, diags = diagnose_text(text, "g.yaml")
    return [(d.code, d.severity) for d in diags]


def test_well_formed_spec_loads() -> None:
    rs = load_text(spec(), "g.yaml")
    assert rs.attribute("group").type.values == ("majority", "minority_a", "minority_b")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "values",
    [
        "[majority minority_a, minority_b]",  # the missing comma
        "['majority, minority_a', minority_b]",
        "['', minority_b]",
        '["a\\tb", minority_b]',
        '["x\\ny", minority_b]',
        "['[a]', b]",
        "['a:b', b]",
        "['\"q\"', b]",
        '["it\'s", b]',
    ],
)
def test_enum_values_that_cannot_be_names_are_refused(values: str) -> None:
    with pytest.raises(RulesetError) as info:
        load_text(spec(values=values), "g.yaml")
    (d,) = [d for d in info.value.diagnostics if d.code == "RP218"]
    assert d.span.line == 3


def test_missing_comma_suggests_the_comma() -> None:
    with pytest.raises(RulesetError) as info:
        load_text(spec(values="[majority minority_a, minority_b]"), "g.yaml")
    (d,) = info.value.diagnostics
    assert "majority, minority_a" in d.fix


@pytest.mark.parametrize("values", ["[18-25, 26-40, over-40]", "[a.b, c+, 'x/y', '<25', 100%]"])
def test_other_values_stay_allowed(values: str) -> None:
    load_text(spec(values=values), "g.yaml")


def test_declared_domains_catch_a_typo() -> None:
    declared = "domains: [finance, transport]\n"
    load_text(spec(domains=declared), "g.yaml")
    with pytest.raises(RulesetError) as info:
        load_text(spec(domains=declared, income_domain="fnance"), "g.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "RP219" and "did you mean `finance`?" in d.fix and d.span.line == 5
    with pytest.raises(RulesetError) as info:
        load_text(spec(domains=declared, sanction_domain="transprot"), "g.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "RP219" and "`transport`" in d.fix


def test_declared_domains_may_carry_docs() -> None:
    declared = "domains:\n  finance: money matters\n  transport: travel\n"
    rs = load_text(spec(domains=declared), "g.yaml")
    assert rs.attribute("late").domain == "finance"


@pytest.mark.parametrize(
    "declared", ["domains: [finance, finance]\n", "domains: [fin ance]\n", "domains: 3\n"]
)
def test_bad_domain_declarations(declared: str) -> None:
    with pytest.raises(RulesetError):
        load_text(spec(domains=declared), "g.yaml")


def test_undeclared_near_duplicate_domain_is_a_warning() -> None:
    text = spec(income_domain="financ")  # used once, one letter from `finance` (used twice)
    assert ("RP220", "warning") in _codes(text)
    load_text(text, "g.yaml")  # a warning does not stop loading
    assert ("RP220", "warning") not in _codes(spec())
    assert ("RP220", "warning") not in _codes(spec(income_domain="housing"))


def test_two_similar_domains_each_used_once_are_not_flagged() -> None:
    text = spec(income_domain="transport_air", sanction_domain="transport_rail").replace(
        "domain: finance}", "domain: housing}"
    )
    assert ("RP220", "warning") not in _codes(text)
