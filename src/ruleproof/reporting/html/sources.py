"""The YAML sources inside the report, line by line, so every finding can link to its lines.

`SourceIndex(files)` holds the files read for the report (name → text, in reading order).
`anchor(span)` is the link target of a span's line (`#src-0-L14`), or None for a file or line
not embedded. `section(index)` lists every file with numbered lines; each line is an element
with that id, highlighted when it is the link's target.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from ruleproof.errors import Span
from ruleproof.semantics.display.markup import el, join


class SourceIndex:
    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = list(files.items())
        self._index = {name: i for i, (name, _) in enumerate(self.files)}
        self._lines = [text.splitlines() for _, text in self.files]

    def anchor(self, span: Span) -> str | None:
        i = self._index.get(span.file)
        if i is None or not 1 <= span.line <= max(len(self._lines[i]), 1):
            return None
        return f"#src-{i}-L{span.line}"

    def file_anchor(self, name: str) -> str | None:
        i = self._index.get(name)
        return None if i is None else f"#src-{i}"


def section(index: SourceIndex) -> Markup:
    """Every embedded file with numbered, linkable lines."""
    blocks = []
    for i, (name, _) in enumerate(index.files):
        lines = [
            el(
                "span",
                el("a", str(n), href=f"#src-{i}-L{n}", class_="rp-ln", aria_hidden="true"),
                el("span", text, class_="rp-code"),
                id=f"src-{i}-L{n}",
                class_="rp-line",
            )
            for n, text in enumerate(index._lines[i], 1)
        ]
        blocks.append(
            el(
                "div",
                el("h3", el("code", name), f" ({len(lines)} lines)"),
                el("pre", el("code", join(*[join(x, "\n") for x in lines])), class_="rp-source"),
                id=f"src-{i}",
            )
        )
    return join(*blocks)
