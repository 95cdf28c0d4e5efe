"""`read_yaml` builds the same values as PyYAML's safe loader, with spans on every node."""

from __future__ import annotations

import math
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq, read_yaml

# Timestamps (kept as text here, dates there) and `=` (refused there) are left out on purpose.
SCALARS = [
    "r17", "x0", "abc", "true", "True", "yes", "no", "on", "off", "null", "~", "Null",
    "0", "7", "-3", "+4", "0x1F", "0o17", "1_000", "1.5", "-.5", "1e3", ".inf", "-.Inf", ".nan",
    "'q'", '"d"', "'7'", '"true"', "!!str 5", "a b", "t", "nope",
]  # fmt: skip


def _plain(node: YNode | None) -> Any:
    if node is None:
        return None
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSeq):
        return [_plain(x) for x in node.items]
    assert isinstance(node, YMap)
    return {k.value: _plain(v) for k, v in node.items}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=300)
@given(st.lists(st.sampled_from(SCALARS), min_size=1, max_size=12))
def test_scalars_resolve_like_safe_load(values: list[str]) -> None:
    text = "\n".join(
        [f"k{i}: {v}" for i, v in enumerate(values)]
        + ["empty:", "seq: [" + ", ".join(values) + "]"]
    )
    expected = yaml.safe_load(text)
    got = _plain(read_yaml(text, "f.yaml"))
    assert _same(got, expected), (got, expected)


def test_scalar_spans_point_at_their_text() -> None:
    root = read_yaml("a: x1\nb:\n  - 'q r'\n  - 12\n", "f.yaml")
    assert isinstance(root, YMap)
    a = root.get("a")
    assert isinstance(a, YScalar)
    assert (a.span.line, a.span.col, a.span.end_line, a.span.end_col) == (1, 4, 1, 6)
    assert a.text_origin() == (1, 4)
    seq = root.get("b")
    assert isinstance(seq, YSeq)
    quoted, number = seq.items
    assert isinstance(quoted, YScalar) and isinstance(number, YScalar)
    assert quoted.text_origin() == (3, 6)  # after the quote
    assert str(quoted.span) == "f.yaml:3:5"
    assert number.value == 12 and str(number.span) == "f.yaml:4:5"
    assert root.keys() == ["a", "b"]
