"""Where things come from: links from names in a display to the YAML lines that define them.

`Links(ruleset, anchor)` finds the source span of an attribute, define, rule (or case of a
`one_of` group, with `groups` naming its group), tier, sanction or action by name.
`to(kind, name, text)` wraps `text` in a link to that span: with an `anchor` function (the HTML
report, which embeds the sources, maps a span to `#src-…-L14`) it is an `<a href>`; without
one (a notebook) a `<span>` whose tooltip is `file:line`. `where(span)` is the `file:line` text
itself, linked the same way. Names with no known span stay plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ruleproof.errors import Span
from ruleproof.language import ruleset as M
from ruleproof.semantics.display.markup import Child, el

Anchor = Callable[[Span], str | None]


def known(span: Span | None) -> bool:
    return span is not None and not span.file.startswith("<")


def line_text(span: Span) -> str:
    """`spec/x.yaml:14`."""
    return f"{span.file}:{span.line}"


class Links:
    """Spans of a ruleset's named parts, and links to them (see the module docstring)."""

    def __init__(self, ruleset: M.Ruleset | None, anchor: Anchor | None = None) -> None:
        self.anchor = anchor
        self.spans: dict[tuple[str, str], Span] = {}
        self.groups: dict[str, str] = {}  # case id → the id of its group (`one_of`)
        if ruleset is None:
            return
        for a in ruleset.attributes:
            self.spans[("attribute", a.name)] = a.span
        for d in ruleset.defines:
            self.spans.setdefault(("define", d.name), d.span)
        for r in ruleset.score.rules if ruleset.score else ():
            self.spans[("rule", r.id)] = r.span
            for c in r.cases:
                self.spans.setdefault(("rule", c.id), c.span)
                self.groups[c.id] = r.id
        if ruleset.score is not None:
            self.spans[("score", "score")] = ruleset.score.span
        for t in ruleset.tiers:
            self.spans[("tier", t.id)] = t.span
        for s in ruleset.sanctions:
            self.spans.setdefault(("sanction", s.name), s.span)
        for x in ruleset.actions:
            self.spans.setdefault(("action", x.name), x.span)

    def span(self, kind: str, name: str) -> Span | None:
        s = self.spans.get((kind, name))
        return s if known(s) else None

    def at(self, span: Span | None, text: Child) -> Markup:
        """`text` linked to `span` (plain when the span is unknown)."""
        if span is None or not known(span):
            return el("span", text)
        href = self.anchor(span) if self.anchor is not None else None
        if href is None:
            return el("span", text, title=line_text(span), class_="rp-src")
        return el("a", text, href=href, title=line_text(span), class_="rp-src")

    def to(self, kind: str, name: str, text: Child | None = None) -> Markup:
        """The name (or `text`) linked to the line that defines it."""
        return self.at(self.span(kind, name), name if text is None else text)

    def where(self, span: Span | None) -> Markup:
        """The `file:line` of a span, linked; empty when unknown."""
        if span is None or not known(span):
            return Markup("")
        return self.at(span, line_text(span))

    def where_of(self, kind: str, name: str) -> Markup:
        return self.where(self.span(kind, name))
