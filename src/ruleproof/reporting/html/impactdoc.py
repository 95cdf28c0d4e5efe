"""The population-impact JSON the report reads (`ruleproof impact … --format json`), checked.

`read_impact(text, file)` parses the JSON and checks the parts the report draws, returning the
document as a dict; anything else in it is ignored. Required: `rows` (people scored, a whole
number), `invalid_rows` (a whole number, or an object with `count` and optionally `reasons`:
`[{"reason", "count"}]`) and `counterfactual` (`{ATTR: {"score": n, "tier": n,
"sanctions": n, "any": n}}`, whole numbers; other keys allowed). Optional: `overall` and
`groups` (`{LABEL: [{"value", "n", "tiers": [{"tier", "count"}], "sanctions": {NAME: n},
"favourable", "di_ratio", "four_fifths_ok"}]}`), `favourable` (text) and `properties`
(`[{"property", "count"} | {"property", "why"}]`). A document that breaks these rules raises a
`RulesetError` (RP901) naming the key and what was expected.
"""

from __future__ import annotations

import json
from typing import Any

from ruleproof.errors import Diagnostic, RulesetError, Span

MAX_BYTES = 64 * 1024 * 1024
OUTPUTS = ("score", "tier", "sanctions", "any")


def _fail(file: str, message: str, line: int = 1, col: int = 1) -> RulesetError:
    return RulesetError(
        [
            Diagnostic(
                "RP901",
                message,
                Span.point(file, line, col),
                why="`--impact` takes the JSON that `ruleproof impact SPEC DATA --format json` "
                "prints",
                fix="re-create the file with `ruleproof impact … --format json > impact.json`",
            )
        ]
    )


def _count(doc: Any, path: str, file: str) -> int:
    if isinstance(doc, bool) or not isinstance(doc, int) or doc < 0:
        raise _fail(file, f"`{path}` must be a whole number of people, got {json.dumps(doc)}")
    return doc


def _object(doc: Any, path: str, file: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise _fail(file, f"`{path}` must be an object, got {json.dumps(doc)[:60]}")
    return doc


def _list(doc: Any, path: str, file: str) -> list[Any]:
    if not isinstance(doc, list):
        raise _fail(file, f"`{path}` must be a list, got {json.dumps(doc)[:60]}")
    return doc


def _entry(e: Any, path: str, file: str) -> None:
    e = _object(e, path, file)
    _count(e.get("n"), f"{path}.n", file)
    for k, t in enumerate(_list(e.get("tiers", []), f"{path}.tiers", file)):
        _count(
            _object(t, f"{path}.tiers[{k}]", file).get("count"), f"{path}.tiers[{k}].count", file
        )
    for name, n in _object(e.get("sanctions", {}), f"{path}.sanctions", file).items():
        _count(n, f"{path}.sanctions.{name}", file)


def check_impact(data: Any, file: str) -> dict[str, Any]:
    """The document when it has the shape the report draws (see the module docstring)."""
    doc = _object(data, "(top level)", file)
    for key in ("rows", "invalid_rows", "counterfactual"):
        if key not in doc:
            raise _fail(file, f"the impact file has no `{key}`")
    _count(doc["rows"], "rows", file)
    inv = doc["invalid_rows"]
    if isinstance(inv, dict):
        _count(inv.get("count"), "invalid_rows.count", file)
        for k, r in enumerate(_list(inv.get("reasons", []), "invalid_rows.reasons", file)):
            _count(
                _object(r, f"invalid_rows.reasons[{k}]", file).get("count"),
                f"invalid_rows.reasons[{k}].count",
                file,
            )
    else:
        _count(inv, "invalid_rows", file)
    for attr, c in _object(doc["counterfactual"], "counterfactual", file).items():
        c = _object(c, f"counterfactual.{attr}", file)
        for out in OUTPUTS:
            _count(c.get(out), f"counterfactual.{attr}.{out}", file)
    if "overall" in doc:
        _entry(doc["overall"], "overall", file)
    for label, entries in _object(doc.get("groups", {}), "groups", file).items():
        for k, e in enumerate(_list(entries, f"groups.{label}", file)):
            _entry(e, f"groups.{label}[{k}]", file)
    for k, p in enumerate(_list(doc.get("properties", []), "properties", file)):
        p = _object(p, f"properties[{k}]", file)
        if "count" in p:
            _count(p["count"], f"properties[{k}].count", file)
    return doc


def read_impact(text: str, file: str) -> dict[str, Any]:
    """Parse and check an impact JSON document.

    Raises:
        RulesetError: RP901, the text is not JSON or not an impact document.
    """
    if len(text) > MAX_BYTES:
        raise _fail(file, f"the impact file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(file, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    return check_impact(doc, file)


def invalid_count(doc: dict[str, Any]) -> int:
    inv = doc["invalid_rows"]
    return int(inv["count"]) if isinstance(inv, dict) else int(inv)
