"""The nodes of a YAML file as `yamlsource` reads it: scalars, sequences and mappings that
remember where they came from. Nodes are never changed after reading; each container knows its
`size` (nodes) and `chars` (characters of its scalars' text), every use of an alias counted.
"""

from __future__ import annotations

from ruleproof.errors import Span

Scalar = str | int | float | bool | None
SpanTuple = tuple[str, int, int, int, int]  # the fields of a `Span`, made into one on demand


class YScalar:
    """A scalar: its value, its text, its quoting style (None when plain) and its span.

    Nodes are never changed after reading. The reader passes the span as a plain tuple and the
    `Span` is only made when asked for: most scalars (keys, ids) never need one.
    """

    __slots__ = ("_span", "raw", "style", "value")
    size = 1

    def __init__(
        self,
        value: Scalar,
        raw: str,
        style: str | None,
        span: Span | SpanTuple,
    ) -> None:
        self.value = value
        self.raw = raw
        self.style = style
        self._span = span

    @property
    def span(self) -> Span:
        span = self._span
        if not isinstance(span, Span):
            span = self._span = Span(*span)
        return span

    def text_origin(self) -> tuple[int, int]:
        """Line and column of the first character of the scalar's text (after any quote)."""
        span = self._span
        if isinstance(span, Span):
            line, col = span.line, span.col
        else:
            line, col = span[1], span[2]
        return line, col + (1 if self.style in ("'", '"') else 0)

    def __repr__(self) -> str:
        return f"YScalar({self.value!r}, {self.raw!r}, {self.style!r}, {self.span!r})"


class YSeq:
    """A sequence: its items, its span, `size`: its node count with aliases expanded, and
    `chars`: the characters of its scalars' text, aliases expanded."""

    __slots__ = ("_span", "chars", "items", "size")

    def __init__(
        self, items: tuple[YNode, ...], span: Span | SpanTuple, size: int, chars: int = 0
    ) -> None:
        self.items = items
        self._span = span
        self.size = size
        self.chars = chars

    @property
    def span(self) -> Span:
        span = self._span
        if not isinstance(span, Span):
            span = self._span = Span(*span)
        return span


class YMap:
    """A mapping with unique scalar keys, in file order; `size` and `chars` as for `YSeq`."""

    __slots__ = ("_span", "chars", "index", "items", "size")

    def __init__(
        self,
        items: tuple[tuple[YScalar, YNode], ...],
        span: Span | SpanTuple,
        size: int,
        index: dict[Scalar, YNode] | None = None,
        chars: int = 0,
    ) -> None:
        self.items = items
        self._span = span
        self.size = size
        self.chars = chars
        # key value → value, built by the reader (keys are unique); `get` scans `items` without it
        self.index = index

    @property
    def span(self) -> Span:
        span = self._span
        if not isinstance(span, Span):
            span = self._span = Span(*span)
        return span

    def get(self, key: str) -> YNode | None:
        index = self.index
        if index is not None and type(key) is str:
            return index.get(key)
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.items]


YNode = YScalar | YSeq | YMap
