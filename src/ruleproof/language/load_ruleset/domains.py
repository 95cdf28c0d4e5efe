"""Domains (the social context a datum or a sanction belongs to) checked against a list.

`same_context` and the `domain:X` selectors compare domains as text, so a typo silently moves
an attribute into another context. A ruleset may declare its domains at the top level, as a
list (`domains: [finance, transport]`) or a mapping of name to description; then every
attribute's and sanction's `domain` must be one of them (RP219, with the nearest name). Without
the declaration, a domain used only once and within a letter or two of one used several times
in the file is a warning (RP220). Domains must be names as enum values are (RP218).
"""

from __future__ import annotations

import difflib

from ruleproof.errors import Diagnostic, Span, did_you_mean
from ruleproof.language.load_ruleset.fields import Reader
from ruleproof.language.load_ruleset.names import VALUE_NAME_RE
from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq


def _uses(node: YMap) -> list[tuple[str, Span]]:
    """Every `domain:` written under `attributes:` and `sanctions:`, in file order."""
    out: list[tuple[str, Span]] = []
    for section in ("attributes", "sanctions"):
        items = node.get(section)
        if not isinstance(items, YMap):
            continue
        for _, spec in items.items:
            d = spec.get("domain") if isinstance(spec, YMap) else None
            if isinstance(d, YScalar) and isinstance(d.value, str):
                out.append((d.value, d.span))
    return out


def _declared(r: Reader, node: YNode) -> dict[str, Span] | None:
    entries: list[YNode]
    if isinstance(node, YSeq):
        entries = list(node.items)
    elif isinstance(node, YMap):
        entries = [k for k, _ in node.items]
    else:
        r.error(
            "RP212",
            "`domains` must be a list of names (or a mapping of name to description)",
            node.span,
            fix="e.g. `domains: [finance, transport, judicial]`",
        )
        return None
    out: dict[str, Span] = {}
    for e in entries:
        if not (isinstance(e, YScalar) and isinstance(e.value, str)) or not VALUE_NAME_RE.match(
            str(e.value)
        ):
            shown = e.raw if isinstance(e, YScalar) else "…"
            r.error(
                "RP218",
                f"domain `{shown}` is not a name",
                e.span,
                fix="use letters, digits, `_`, `-` or `.`; separate domains with commas",
            )
        elif e.value in out:
            r.error("RP207", f"domain `{e.value}` is declared twice", e.span, fix="remove one")
        else:
            out[e.value] = e.span
    return out


def check_domains(r: Reader, node: YMap) -> None:
    """Report undeclared domains (RP219) or, without `domains:`, likely typos (RP220)."""
    uses = _uses(node)
    declared_node = node.get("domains")
    if declared_node is not None:
        declared = _declared(r, declared_node)
        if declared is None:
            return
        for name, span in uses:
            if name not in declared:
                r.error(
                    "RP219",
                    f"domain `{name}` is not declared in `domains`",
                    span,
                    why="same_context and the domain:X selectors compare domains as text",
                    fix=did_you_mean(name, declared) or f"add `{name}` to `domains`",
                )
        return
    counts: dict[str, int] = {}
    for name, _ in uses:
        counts[name] = counts.get(name, 0) + 1
    for name, span in uses:
        if counts[name] != 1:
            continue
        others = [o for o in counts if counts[o] > 1]  # a typo is rarer than the right word
        close = difflib.get_close_matches(name, others, n=1, cutoff=0.8)
        if close:
            r.diagnostics.append(
                Diagnostic(
                    "RP220",
                    f"domain `{name}` is used once and looks like `{close[0]}`",
                    span,
                    why="a typo in a domain moves the attribute into another social context "
                    "and changes what same_context compares",
                    fix=f"write `{close[0]}`, or declare the domains: `domains: "
                    f"[{', '.join(sorted(counts))}]`",
                    severity="warning",
                )
            )
