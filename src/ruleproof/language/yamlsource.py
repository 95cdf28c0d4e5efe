"""Safe YAML → a small node tree that remembers where every node came from.

`read_yaml(text, file)` parses with PyYAML's event parser (libyaml when available) and builds
`YMap` / `YSeq` / `YScalar` nodes (`yamlnodes`) itself, so it can enforce limits no stock
loader has (`ruleproof.limits`, codes RP020-RP031): file size, nesting depth, total node count
and total text with every use of an alias counted (an alias bomb, or one long expression used
through thousands of aliases, is refused as the events arrive, never expanded), and integers
of at most `DIGITS` digits; besides, duplicate mapping keys and tags are refused (nothing is
ever constructed beyond str, int, float, bool and null). Other errors are `RulesetError` with
codes RP0xx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import yaml

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language.yamlnodes import Scalar, SpanTuple, YMap, YNode, YScalar, YSeq
from ruleproof.limits import DEPTH, DIGITS, FILE_BYTES, NODES, TEXT, Limit, int_too_long

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# `Resolver.resolve` picks implicit resolvers by a plain scalar's first character: one that
# starts none of them (and no catch-all or path resolver) makes the scalar a string.
_RESOLVING_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_FIRST_DECIDES = None not in _RESOLVING_FIRST and not _RESOLVER.yaml_path_resolvers
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


def _span(file: str, event: Any) -> Span:
    """The span of a YAML event, at least one character wide."""
    s, e = event.start_mark, event.end_mark
    end_line = e.line + 1 if e is not None else s.line + 1
    end_col = e.column + 1 if e is not None else s.column + 2
    if end_line == s.line + 1 and end_col <= s.column + 1:
        end_col = s.column + 2
    return Span(file, s.line + 1, s.column + 1, end_line, end_col)


def _fail(code: str, message: str, span: Span, why: str = "", fix: str = "") -> RulesetError:
    """A `RulesetError` holding the one diagnostic described by the arguments."""
    return RulesetError([Diagnostic(code, message, span, why, fix)])


def _over(limit: Limit, span: Span, found: str, why: str = "") -> RulesetError:
    """The error for `limit` exceeded at `span` (`found` says by what)."""
    return RulesetError([limit.exceeded(span, found, why)])


__all__ = ["Scalar", "YMap", "YNode", "YScalar", "YSeq", "read_yaml"]


def read_yaml(text: str, file: str) -> YNode | None:
    """Parse one YAML document; `None` for an empty file.

    Raises:
        RulesetError: RP001 YAML syntax, RP003 a tag or a non-scalar key, RP004 a duplicate key,
        RP005 several documents, RP020-RP031 a limit exceeded (size, depth, nodes, text, digits).
    """
    start = Span(file, 1, 1, 1, 2)
    size = len(text)
    if size * 4 > FILE_BYTES.value:  # UTF-8 takes at most 4 bytes a character
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > FILE_BYTES.value:
        raise _over(FILE_BYTES, start, f"the file is {size:,} bytes")
    try:
        parser = _Loader(text)
        try:
            return _Builder(file).build(parser.get_event)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = Span.point(file, mark.line + 1, mark.column + 1) if mark else start
        raise _fail(
            "RP001",
            f"YAML syntax error: {exc.problem or exc.context}",
            span,
            fix="check indentation and quoting; expressions containing `:` or `#` need quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise _fail("RP001", f"YAML error: {exc}", start) from None


_ALLOWED_TAGS = _SCALAR_TAGS | {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_STR_TAG = "tag:yaml.org,2002:str"
_ScalarEvent = yaml.ScalarEvent
_MappingStart = yaml.MappingStartEvent
_SequenceStart = yaml.SequenceStartEvent
_MappingEnd = yaml.MappingEndEvent
_SequenceEnd = yaml.SequenceEndEvent
_Alias = yaml.AliasEvent
_DocumentStart = yaml.DocumentStartEvent
_StreamEnd = yaml.StreamEndEvent
_KINDS = (
    _ScalarEvent,
    _MappingStart,
    _SequenceStart,
    _MappingEnd,
    _SequenceEnd,
    _Alias,
    _DocumentStart,
    _StreamEnd,
)


class _Builder:
    """Builds the node tree of one YAML stream from its events, enforcing the limits."""

    def __init__(self, file: str) -> None:
        """A builder for the events of `file` (named in spans and messages)."""
        self.file = file
        self.anchors: dict[str, YNode] = {}
        self.aliased = False  # whether an alias was used (for the limits' messages)
        # text → constructed value of plain scalars without an explicit tag (their value depends
        # on the text alone): rulesets repeat the same ones (numbers, keys, booleans) many times.
        self._resolved: dict[str, Scalar] = {}

    def build(self, next_event: Callable[[], Any]) -> YNode | None:
        """The tree of the events `next_event` returns, up to the end of the stream.

        Raises:
            RulesetError: RP001 an unknown alias, RP003 a tag or a non-scalar key, RP004 a
            duplicate key, RP005 several documents, RP020-RP031 a limit exceeded.
        """
        # Explicit stacks, not recursion: depth is limited by DEPTH, never by Python's stack.
        stack: list[tuple[Any, list[YNode]]] = []
        root: YNode | None = None
        documents = 0
        anchors = self.anchors
        # Nodes and characters of text so far, every use of an alias counted: checked at every
        # event, so a file over a limit is refused as soon as it gets there.
        nodes = chars = 0
        max_nodes, max_chars = NODES.value, TEXT.value
        while True:
            event = next_event()
            kind = type(event)
            if kind not in _KINDS:  # a subclass (never seen from PyYAML): dispatch on its base
                kind = next((k for k in _KINDS if isinstance(event, k)), kind)
            node: YNode
            if kind is _ScalarEvent:
                node = self._scalar_event(event)
                nodes += 1
                chars += len(event.value)
                if event.anchor:
                    anchors[event.anchor] = node
            elif kind is _MappingStart or kind is _SequenceStart:
                self._open(event, len(stack))
                nodes += 1
                stack.append((event, []))
                continue
            elif kind is _MappingEnd or kind is _SequenceEnd:
                start, children = stack.pop()
                node = self._container(start, event, children)
                if start.anchor:
                    anchors[start.anchor] = node
            elif kind is _DocumentStart:
                documents += 1
                if documents > 1:
                    raise self._second_document(event)
                continue
            elif kind is _Alias:
                node = self._alias(event)
                nodes += node.size
                chars += len(node.raw) if type(node) is YScalar else node.chars  # type: ignore[union-attr]
            elif kind is _StreamEnd or event is None:
                return root
            else:
                continue
            if nodes > max_nodes:
                raise self._too_big(NODES, _span(self.file, event), f"{nodes:,} nodes")
            if chars > max_chars:
                raise self._too_big(TEXT, _span(self.file, event), f"{chars:,} characters of text")
            if stack:
                stack[-1][1].append(node)
            else:
                root = node

    def _scalar_event(self, event: Any) -> YScalar:
        """The node of a scalar event; plain scalars' values are cached by their text.

        This is `_scalar` with a fast route for the common case (no explicit tag); same result.
        """
        implicit = event.implicit
        raw = event.value
        if implicit[0]:
            if _FIRST_DECIDES and raw[:1] not in _RESOLVING_FIRST:  # e.g. rule ids
                value = raw
            else:
                resolved = self._resolved
                try:
                    value = resolved[raw]
                except KeyError:
                    try:
                        value = self._resolve(raw, implicit)
                    except _LongNumber as exc:
                        raise self._long_number(event, exc.digits) from None
                    if value == value:  # not NaN: each NaN stays its own object
                        resolved[raw] = value
        elif (tag := event.tag) and tag != "!":
            return self._scalar(event)  # an explicit tag: checked there
        else:
            value = raw  # quoted (or `!`-tagged) without an explicit tag: a string
        s, e = event.start_mark, event.end_mark
        line = s.line + 1
        col = s.column + 1
        if e is not None:
            end_line = e.line + 1
            end_col = e.column + 1
            if end_line == line and end_col <= col:
                end_col = col + 1
        else:
            end_line, end_col = line, col + 1
        return YScalar(value, raw, event.style, (self.file, line, col, end_line, end_col))

    def _open(self, event: Any, depth: int) -> None:
        """Check the start of a mapping or sequence opened `depth` containers deep (RP003 a tag,
        RP022 too deep)."""
        if event.tag:
            self._check_tag(event)
        if depth >= DEPTH.value:
            raise _over(DEPTH, _span(self.file, event), "YAML nests deeper")

    def _second_document(self, event: Any) -> RulesetError:
        """RP005 for the start of a second document."""
        return _fail(
            "RP005",
            "the file holds more than one YAML document",
            _span(self.file, event),
            fix="remove the `---` separator; one file holds one ruleset",
        )

    def _alias(self, event: Any) -> YNode:
        """The node an alias event names (RP001 if its anchor is unknown); notes an alias use."""
        found = self.anchors.get(event.anchor or "")
        if found is None:
            raise _fail("RP001", f"unknown alias `*{event.anchor}`", _span(self.file, event))
        self.aliased = True
        return found

    def _check_tag(self, event: Any) -> None:
        """RP003 for an explicit tag other than the plain-data ones."""
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = not (implicit is True or (isinstance(implicit, tuple) and any(implicit)))
        if tag and explicit and tag not in _ALLOWED_TAGS:
            raise _fail(
                "RP003",
                f"YAML tag `{tag}` is not allowed",
                _span(self.file, event),
                why="ruleset files hold plain data; tags could ask a loader to build objects",
                fix="remove the tag",
            )

    @staticmethod
    def _resolve(raw: str, implicit: Any) -> Scalar:
        """The value of a scalar without an explicit tag (implicit resolution, safe types only)."""
        tag = _RESOLVER.resolve(yaml.ScalarNode, raw, implicit)  # type: ignore[no-untyped-call]
        return _construct(tag, raw)

    def _scalar(self, event: Any) -> YScalar:
        """The node of any scalar event, an explicit tag checked (RP003) and honoured."""
        span = _span(self.file, event)
        if event.tag and event.tag != "!" and not event.implicit[0]:
            self._check_tag(event)
            tag = event.tag
        else:
            tag = _RESOLVER.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit
            )
        try:
            value = _construct(tag, event.value)
        except _LongNumber as exc:
            raise self._long_number(event, exc.digits) from None
        return YScalar(value, event.value, event.style, span)

    def _long_number(self, event: Any, digits: int) -> RulesetError:
        """RP027 for an integer scalar of `digits` digits."""
        return _over(DIGITS, _span(self.file, event), f"the integer has {digits:,} digits")

    def _container(self, start: Any, end: Any, children: list[YNode]) -> YNode:
        """The mapping or sequence from `start` to `end` holding `children` (a mapping's keys and
        values alternate); RP003 a non-scalar key, RP004 a duplicate key."""
        s, e = start.start_mark, end.end_mark
        span: SpanTuple = (self.file, s.line + 1, s.column + 1, e.line + 1, e.column + 1)
        size = 1
        chars = 0
        for c in children:
            size += c.size
            chars += len(c.raw) if type(c) is YScalar else c.chars  # type: ignore[union-attr]
        if type(start) is _SequenceStart or isinstance(start, yaml.SequenceStartEvent):
            return YSeq(tuple(children), span, size, chars)
        keys, values = children[0::2], children[1::2]
        index: dict[Scalar, YNode] = {
            k.value: v for k, v in zip(keys, values, strict=True) if type(k) is YScalar
        }
        if len(index) == len(keys):  # every key a scalar, none repeated: the common case
            pairs = cast(tuple[tuple[YScalar, YNode], ...], tuple(zip(keys, values, strict=True)))
            return YMap(pairs, span, size, index, chars)
        # Otherwise find and report the first offending key, in file order.
        items: list[tuple[YScalar, YNode]] = []
        index = {}
        for key, value in zip(keys, values, strict=True):
            if not isinstance(key, YScalar):
                raise _fail("RP003", "mapping keys must be plain scalars", key.span)
            if key.value in index:
                first = next(k for k, _ in items if k.value == key.value or k.value is key.value)
                raise _fail(
                    "RP004",
                    f"duplicate key `{key.raw}` (first at line {first.span.line})",
                    key.span,
                    why="YAML loaders silently keep only the last value of a duplicated key",
                    fix="remove or rename one of them",
                )
            index[key.value] = value
            items.append((key, value))
        return YMap(tuple(items), span, size, index, chars)

    def _too_big(self, limit: Limit, span: Span, found: str) -> RulesetError:
        """The error for a node or text limit exceeded, saying whether aliases were counted."""
        if self.aliased:
            return _over(
                limit,
                span,
                f"the document holds over {found}, every use of an alias counted",
                why="an alias (`*name`) counts each time it is used; this refuses alias bombs "
                "and amplified expressions without expanding them",
            )
        return _over(limit, span, f"the document holds over {found}")


class _LongNumber(Exception):
    """An integer scalar over the digit limit (raised before Python converts it)."""

    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


_INT_TAG = "tag:yaml.org,2002:int"


def _construct(tag: str, raw: str) -> Scalar:
    """The value of scalar text `raw` under `tag` (safe types only; other tags keep the text).

    Raises:
        _LongNumber: an integer over the digit limit, before Python converts it.
    """
    value: Scalar
    if tag in _SCALAR_TAGS and tag != _STR_TAG:
        # Ten characters of slack for a sign, a base prefix, underscores; the value is checked.
        if tag == _INT_TAG and len(raw) > DIGITS.value + 10:
            raise _LongNumber(sum(ch.isdigit() for ch in raw))
        node = yaml.ScalarNode(tag, raw)
        value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        if type(value) is int and int_too_long(value):
            raise _LongNumber(int(value.bit_length() * 0.30103) + 1)
    else:
        value = raw  # strings, and timestamps etc. kept as their text
    return value
