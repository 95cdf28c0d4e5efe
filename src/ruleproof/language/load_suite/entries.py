"""Reading a property file and its entries: the list, each entry's keys, id, kind and `expect`.

`read_file(r, root)` gives the properties of a parsed file, `read_entry(r, node)` one entry
(also used for `KIND: VALUE` queries); every problem goes to the reader's diagnostics.
"""

from __future__ import annotations

import re

from ruleproof.errors import Span, did_you_mean
from ruleproof.language import suite as P
from ruleproof.language.load_suite import kinds as K
from ruleproof.language.load_suite.fields import PropertyReader, expr_text, key_of, shown
from ruleproof.language.yamlsource import YMap, YNode, YScalar, YSeq
from ruleproof.limits import ID_CHARS

KINDS = list(P.KIND_KEYS.values())
ENTRY_KEYS = ["id", "doc", "cites", "expect", *KINDS, "assume", "assert"]
PROPERTY_ID_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]*\Z")


def read_file(r: PropertyReader, root: YNode | None) -> list[P.Property]:
    top = Span.point(r.file, 1, 1)
    fix = "write `properties:` followed by a list of `- id: ...` entries"
    seq: YNode | None = root
    if isinstance(root, YMap):
        for key, _ in root.items:
            if key.value != "properties":
                r.error(
                    "RP502",
                    f"unknown top-level key `{key.value}`",
                    key.span,
                    fix=did_you_mean(str(key.value), ["properties"])
                    or "a property file holds only `properties:`",
                )
        seq = root.get("properties")
        if seq is None:
            r.error("RP501", "the file has no `properties:` list", root.span, fix=fix)
            return []
    if not isinstance(seq, YSeq):
        span = seq.span if seq is not None else top
        what = "the file is empty" if root is None else f"expected a list, got `{shown(seq)}`"
        r.error("RP501", f"no properties: {what}", span, fix=fix)
        return []
    return [p for item in seq.items if (p := read_entry(r, item)) is not None]


def read_entry(r: PropertyReader, node: YNode, default_id: str | None = None) -> P.Property | None:
    if not isinstance(node, YMap):
        r.error(
            "RP501",
            f"a property must be a mapping, got `{shown(node)}`",
            node.span,
            fix='write `- id: my-property` followed by one kind key, e.g. `always: "score >= 0"`',
        )
        return None
    for key, _ in node.items:
        if str(key.value) not in ENTRY_KEYS:
            r.error(
                "RP502",
                f"unknown key `{key.value}` in a property",
                key.span,
                fix=did_you_mean(str(key.value), ENTRY_KEYS)
                or f"a property has `id`, one of {', '.join(KINDS)}, and optionally "
                "`doc`, `cites`, `expect`",
            )
    pid = property_id(r, node, default_id)
    kinds = [(k, v) for k, v in node.items if k.value in KINDS]
    if len(kinds) != 1:
        what = (
            "no kind key"
            if not kinds
            else "several kind keys: " + ", ".join(f"`{k.value}`" for k, _ in kinds)
        )
        where = kinds[1][0].span if kinds else node.span
        r.error(
            "RP503",
            f"property `{pid}` has {what}",
            where,
            why="each property states exactly one thing",
            fix=f"use exactly one of {', '.join(KINDS)}; split it into several "
            "properties if needed",
        )
        return None
    key, value = kinds[0]
    if key.value not in ("forall", "exists"):
        for extra in ("assume", "assert"):
            if (k := key_of(node, extra)) is not None:
                r.error(
                    "RP502",
                    f"`{extra}` belongs to `forall` and `exists` queries, not `{key.value}`",
                    k.span,
                    fix=f"remove `{extra}`, or write a `forall` query",
                )
    kind = read_kind(r, str(key.value), key, value, node)
    doc = r.optional_text(node, "doc")
    cites = r.optional_text(node, "cites")
    expect = r.expect(node.get("expect"))
    if kind is None or pid is None:
        return None
    return P.Property(pid, kind, doc, cites, expect, r.file, node.span)


def property_id(r: PropertyReader, node: YMap, default: str | None) -> str | None:
    value = node.get("id")
    if value is None and default is not None:
        return default
    if value is None:
        r.error(
            "RP504",
            "a property is missing its `id`",
            node.span,
            fix="add `id: a-short-name`; it names results and counterexample files",
        )
        return None
    pid = r.text(value, "`id`")
    if pid is None:
        return None
    if len(pid) > ID_CHARS.value:
        r.diagnostics.append(
            ID_CHARS.exceeded(value.span, f"the property id is {len(pid):,} characters long")
        )
        return None
    if not PROPERTY_ID_RE.match(pid):
        r.error(
            "RP504",
            f"property id `{pid}` is not a valid id",
            value.span,
            why="ids name counterexample files: letters, digits, `-` and `_`, not starting "
            "with `-` or `_`",
            fix=f"e.g. `{re.sub(r'[^A-Za-z0-9_-]+', '-', pid).strip('-_') or 'p'}`",
        )
        return None
    # File names may ignore case (macOS, Windows): ids differing only in case would share one.
    first = r.seen.get(pid.lower())
    if first is not None:
        r.error(
            "RP505",
            duplicate_id_message(pid, first[0], f"line {first[1].line}"),
            value.span,
            why="results and counterexample files are named by the id, and file names may "
            "ignore case",
            fix="rename one of them",
        )
    else:
        r.seen[pid.lower()] = (pid, value.span)
    return pid


def duplicate_id_message(pid: str, first: str, where: str) -> str:
    """RP505's message: the same id twice, or two ids that differ only in case."""
    if first == pid:
        return f"duplicate property id `{pid}` (first at {where})"
    return f"property id `{pid}` differs from `{first}` ({where}) only in case"


def read_kind(
    r: PropertyReader, name: str, key: YScalar, value: YNode, entry: YMap
) -> P.Kind | None:
    if name == "always":
        if isinstance(value, YScalar) and value.value is None:
            r.error(
                "RP507",
                "`always` needs an expression",
                key.span,
                fix='write `always: "score >= 0"`',
            )
            return None
        e = r.expr(value, "`always`")
        return P.Always(e, expr_text(value))
    if name == "independent":
        return K.independent(r, value)
    if name == "monotone":
        return K.monotone(r, value)
    if name in ("same_context", "tiers_total"):
        if not (isinstance(value, YScalar) and value.value in (None, True)):
            r.mapping(value, name, [], "{}")
        if name == "same_context":
            return P.SameContext() if r.needs("sanctions", key.span, f"`{name}`") else None
        return P.TiersTotal() if r.needs("tiers", key.span, f"`{name}`") else None
    if name in ("appeal_path", "expires"):
        mp = r.mapping(value, name, ["within"], "{within: 3}")
        k = r.within(mp, name) if mp is not None else None
        if not r.needs("sanctions", key.span, f"`{name}`") or k is None:
            return None
        return P.AppealPath(k) if name == "appeal_path" else P.Expires(k)
    if name == "recourse":
        return K.recourse(r, value)
    if name == "reachable":
        return K.reachable(r, value, key)
    if name == "exists":
        return K.exists(r, value, entry)
    return K.forall(r, value, entry)
