"""The imported ruleset as YAML text: attributes, actions, score groups, the two tiers.

Deterministic: the same model and features give the same bytes. Numbers are written exactly
(`floats.decimal_text`), strings as JSON strings (valid YAML double-quoted scalars).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction

import attrs

from ruleproof.importers.features import Declared, FeatureMap
from ruleproof.importers.floats import decimal_text
from ruleproof.importers.translate import Group
from ruleproof.language import ruleset as M


@attrs.frozen
class Imported:
    """Everything the ruleset file says, before it is written."""

    ruleset_id: str
    title: str
    source: str
    fmap: FeatureMap
    base: Fraction
    groups: tuple[Group, ...]
    threshold: Fraction
    positive_doc: str
    header: tuple[str, ...] = ()


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _num(q: Fraction | int) -> str:
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else _q(decimal_text(q))


def _type_fields(t: M.AttrType) -> list[str]:
    match t:
        case M.BoolType():
            return ["type: bool"]
        case M.IntType(lo, hi):
            return ["type: int", f"range: [{lo}, {hi}]"]
        case M.RealType(lo, hi):
            return ["type: real", f"range: [{_num(lo)}, {_num(hi)}]"]
        case M.EnumType(values):
            return ["type: enum", f"values: [{', '.join(_q(v) for v in values)}]"]
        case _:
            raise AssertionError(t)


def _attribute(a: M.Attribute) -> str:
    fields = _type_fields(a.type)
    if a.protected != "false":
        fields.append(f"protected: {'true' if a.protected == 'true' else 'association'}")
    if a.domain:
        fields.append(f"domain: {_q(a.domain)}")
    if a.changes != "fixed":
        fields.append(f"changes: {a.changes}")
    if a.doc:
        fields.append(f"doc: {_q(a.doc)}")
    return f"  {a.name}: {{{', '.join(fields)}}}"


def _action(d: Declared) -> list[str]:
    a = d.attribute
    name = f"change_{a.name}"
    doc = {
        "any": f"the applicant changes {a.name}",
        "increase": f"the applicant raises {a.name}",
        "decrease": f"the applicant lowers {a.name}",
    }[d.actionable]
    if isinstance(a.type, M.BoolType):
        when = {"any": "True", "increase": f"not {a.name}", "decrease": a.name}[d.actionable]
        value = {"any": f"not {a.name}", "increase": "True", "decrease": "False"}[d.actionable]
        return [
            f"  {name}:",
            "    by: citizen",
            f"    when: {_q(when)}",
            f"    set: {{{a.name}: {_q(value)}}}",
            f"    doc: {_q(doc)}",
        ]
    op = {"any": "!=", "increase": ">", "decrease": "<"}[d.actionable]
    return [
        f"  {name}:",
        "    by: citizen",
        f"    params: {{to: {{{', '.join(_type_fields(a.type))}}}}}",
        f"    when: {_q(f'to {op} {a.name}')}",
        f'    set: {{{a.name}: "to"}}',
        f"    doc: {_q(doc)}",
    ]


def _group(g: Group) -> list[str]:
    lines = [
        f"    - id: {g.id}",
        f"      cites: {_q(g.cites)}",
        f"      doc: {_q(g.doc)}",
        "      one_of:",
    ]
    for c in g.cases:
        lines.append(f"        - {{id: {c.id}, when: {_q(c.when)}, add: {_num(c.add)}}}")
    return lines


def to_yaml(imp: Imported, plain: Sequence[Group] = ()) -> str:
    """The ruleset file's text. `plain` groups with one case each become ordinary rules."""
    lines = [f"# {h}" if h else "#" for h in imp.header]
    lines += [
        f"ruleset: {imp.ruleset_id}",
        f"title: {_q(imp.title)}",
        f"source: {_q(imp.source)}",
        "",
        "attributes:",
    ]
    lines += [_attribute(a) for a in imp.fmap.attributes()]
    actionable = [d for d in imp.fmap.declared if d.actionable != "no"]
    if actionable:
        lines += ["", "actions:"]
        for d in actionable:
            lines += _action(d)
    lines += ["", "score:", f"  base: {_num(imp.base)}", "  rules:"]
    for g in imp.groups:
        lines += _group(g)
    for g in plain:
        (c,) = g.cases
        lines.append(
            f"    - {{id: {c.id}, when: {_q(c.when)}, add: {_num(c.add)}, cites: {_q(g.cites)}}}"
        )
    if not imp.groups and not plain:
        lines[-1] = "  rules: []"
    lines += [
        "",
        "tiers:",
        f"  - {{id: positive, when: {_q('score > ' + decimal_text(imp.threshold))}, "
        f"doc: {_q(imp.positive_doc)}}}",
        '  - {id: negative, when: "True"}',
    ]
    return "\n".join(lines) + "\n"
