"""A rich `Console` that never writes input's control characters raw.

Every table, result and trace ruleproof prints goes through `SafeConsole`: each string and
`Text` it renders has its control characters, bidirectional-text controls and the like escaped
(`ruleproof.printable`, newlines and tabs kept) before layout, so a value, key or id read from a
file cannot move the cursor, clear the screen or forge a line of output. The console's own
styling (colour on a terminal) is unaffected. Text without such characters renders exactly as
with a plain `Console`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from ruleproof.printable import printable, unsafe_spans


class SafeConsole(Console):
    """`rich.console.Console` whose strings and `Text`s are escaped before rendering."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text, lines=True), **kwargs)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        if isinstance(renderable, Text):
            renderable = self._safe_text(renderable)
        return super().render(renderable, options)

    def _safe_text(self, text: Text) -> Text:
        """`text` with unsafe characters escaped; each escape keeps the style of its character."""
        spans = unsafe_spans(text.plain)
        if not spans:
            return text
        cuts = sorted({i for span in spans for i in span})
        safe = text.blank_copy()
        for part in text.divide(cuts):
            if unsafe_spans(part.plain):
                escaped = Text(printable(part.plain, lines=True))
                escaped.stylize(part.get_style_at_offset(self, 0))
                safe.append_text(escaped)
            else:
                safe.append_text(part)
        return safe
