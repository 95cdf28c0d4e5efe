"""Reading what a property is about: attribute selectors (`protected`, `domain:X`, names) and
output lists (`score`, `tier`, `sanctions`, a sanction, a define)."""

from __future__ import annotations

import re

from ruleproof.errors import did_you_mean
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.load_suite.fields import PropertyReader, shown
from ruleproof.language.yamlsource import YNode, YScalar, YSeq

SELECTORS = ["protected", "characteristics", "associations", "domain:X", "not domain:X"]
_DOMAIN_RE = re.compile(r"\A(not\s+)?domain\s*:\s*(\S(?:.*\S)?)\Z")


def read_selector(r: PropertyReader, node: YNode) -> P.Selector | None:
    """The attributes an `of:` selects: a selector word (`protected`, `characteristics`,
    `associations`, `domain: X`, `not domain: X`), one attribute name, or a list of names.
    `None` after recording RP506 (neither text nor list), RP508 (an unknown word or
    attribute) or RP509 (it selects no attribute of the ruleset)."""
    sel: P.Selector | None
    if isinstance(node, YScalar) and isinstance(node.value, str):
        sel = _word_selector(r, node, node.value.strip())
    elif isinstance(node, YSeq):
        sel = _list_selector(r, node)
    else:
        r.error(
            "RP506",
            f"`of` must be a selector or a list of attribute names, got `{shown(node)}`",
            node.span,
            fix="e.g. `of: protected` or `of: [religion]`",
        )
        return None
    if sel is None or not _selects_some(r, sel, node):
        return None
    return sel


def _word_selector(r: PropertyReader, node: YScalar, text: str) -> P.Selector | None:
    """The selector one word `text` (at `node`) names; RP508 if it names none."""
    if text in ("protected", "characteristics", "associations"):
        return P.Selector(text, text=text)  # type: ignore[arg-type]
    if m := _DOMAIN_RE.match(text):
        return P.Selector("not-domain" if m[1] else "domain", domain=m[2], text=text)
    if text in r.ruleset.attribute_index:
        return P.Selector("names", (text,), text=text)
    r.error(
        "RP508",
        f"`{text}` is neither a selector nor an attribute",
        node.span,
        fix=did_you_mean(text, [*SELECTORS[:3], *r.ruleset.attribute_index])
        or f"use {', '.join(SELECTORS)}, or a list of attribute names",
    )
    return None


def _list_selector(r: PropertyReader, node: YSeq) -> P.Selector | None:
    """The selector of a list of attribute names (duplicates dropped); RP508 for each unknown."""
    words = r.words(node, "`of`")
    if words is None:
        return None
    unknown = [(w, s) for w, s in words if w not in r.ruleset.attribute_index]
    for word, span in unknown:
        r.error(
            "RP508",
            f"unknown attribute `{word}` in `of`",
            span,
            fix=did_you_mean(word, r.ruleset.attribute_index)
            or "attributes: " + ", ".join(a.name for a in r.ruleset.attributes),
        )
    if unknown:
        return None
    names = tuple(dict.fromkeys(w for w, _ in words))
    return P.Selector("names", names, text="[" + ", ".join(names) + "]")


def _selects_some(r: PropertyReader, sel: P.Selector, node: YNode) -> bool:
    """Whether `sel` selects at least one attribute; RP509 (at `node`) if not."""
    attrs = r.ruleset.attributes
    if not any(_selects(sel, a) for a in attrs) and sel.kind != "names":
        described = "; ".join(_describe(a) for a in attrs)
        domains = sorted({a.domain for a in attrs if a.domain})
        hint = did_you_mean(sel.domain, domains) if sel.domain else ""
        r.error(
            "RP509",
            f"`of: {sel.text}` selects no attribute of ruleset `{r.ruleset.id}`",
            node.span,
            why="a property over no attributes holds vacuously; attributes: " + described,
            fix=hint or "choose another selector or list attributes by name",
        )
        return False
    if sel.kind == "names" and not sel.names:
        r.error(
            "RP509", "`of: []` selects no attribute", node.span, fix="list at least one attribute"
        )
        return False
    return True


def read_outputs(r: PropertyReader, node: YNode) -> tuple[str, ...] | None:
    """The outputs an `outputs:` list names (score, tier, sanctions, a sanction, a define);
    `None` after recording RP506 (empty), RP508 (not an output) or what `needs` records when
    the ruleset lacks the part an output needs."""
    words = r.words(node, "`outputs`")
    if words is None:
        return None
    if not words:
        r.error(
            "RP506",
            "`outputs` is empty",
            node.span,
            fix="list outputs, or omit `outputs` for score, tier and every sanction",
        )
        return None
    rs = r.ruleset
    valid = [
        "score",
        "tier",
        "sanctions",
        *(s.name for s in rs.sanctions),
        *(d.name for d in rs.defines),
    ]
    ok = True
    for word, span in words:
        if word == "score":
            ok = r.needs("score", span, "output `score`") and ok
        elif word == "tier":
            ok = r.needs("tiers", span, "output `tier`") and ok
        elif word == "sanctions":
            ok = r.needs("sanctions", span, "output `sanctions`") and ok
        elif word not in valid:
            ok = False
            attr = word in rs.attribute_index
            r.error(
                "RP508",
                f"`{word}` is {'an attribute, not' if attr else 'not'} an output",
                span,
                why="outputs are score, tier, sanctions, a sanction or a define",
                fix=(
                    f"name it in a define, e.g. `define: {{{word}_out: {word}}}`"
                    if attr
                    else did_you_mean(word, valid) or "outputs: " + ", ".join(valid)
                ),
            )
    return tuple(w for w, _ in words) if ok else None


def _selects(sel: P.Selector, a: M.Attribute) -> bool:
    """Whether selector `sel` selects attribute `a`."""
    match sel.kind:
        case "names":
            return a.name in sel.names
        case "protected":
            return a.protected != "false"
        case "characteristics":
            return a.protected == "true"
        case "associations":
            return a.protected == "association"
        case "domain":
            return a.domain == sel.domain
        case "not-domain":
            return a.domain is not None and a.domain != sel.domain


def _describe(a: M.Attribute) -> str:
    """`a`'s name with its protection and domain, for messages."""
    bits = [f"protected: {a.protected}"] if a.protected != "false" else []
    bits += [f"domain: {a.domain}"] if a.domain else []
    return f"{a.name} ({', '.join(bits) or 'unprotected, no domain'})"
