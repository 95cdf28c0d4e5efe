"""Query text → `Property`: the syntax the Python API accepts (see `parse_query`).

- `forall a, b: ASSERT` — a relational query over 1 to 4 citizens; `assume` is `True`;
- `forall a, b: ASSUME => ASSERT` — with an assumption (`=>` outside quotes, at most once);
- inside a `forall` body, a top-level `P implies Q` (outside brackets and quotes, after an
  operand) means `implies(P, Q)`; chains group to the right;
- `exists a, b: PHI` — some possible citizens with PHI (a witness proves it; `=>` is refused:
  join conditions with `and`);
- `always: PHI` or just `PHI` — a one-citizen property, ∀c. PHI(c);
- `KIND: VALUE` for any other kind key — that kind's YAML, e.g. `reachable: tiers`.

Expressions go through `parse_expr` (`ast`), never `eval`; problems are reported to the reader's
diagnostics (RP516 for a malformed query), never raised, except YAML errors in `KIND: VALUE`.
"""

from __future__ import annotations

import re

from ruleproof.errors import RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.language import suite as P
from ruleproof.language.exprparse import MAX_EXPR_CHARS, MAX_NESTING, Origin, parse_expr
from ruleproof.language.load_ruleset.names import NAME_RE, RESERVED
from ruleproof.language.load_suite.entries import read_entry
from ruleproof.language.load_suite.fields import PropertyReader
from ruleproof.language.load_suite.kinds import MAX_CITIZENS
from ruleproof.language.yamlsource import YNode, YScalar, read_yaml
from ruleproof.limits import CITIZENS, EXPR_CHARS

KINDS = list(P.KIND_KEYS.values())
_QUERY_RE = re.compile(r"^(\s*)(forall|exists)(?=[\s\[])\s*\[?([^:\]]*)\]?\s*:", re.S)
_KIND_PREFIX_RE = re.compile(r"^\s*([a-z_]+)\s*:")
_NOT_OPERAND_END = {"and", "or", "not", "if", "else", "in", "is"}


def query(r: PropertyReader, text: str) -> P.Property | None:
    whole = Span.point(r.file, 1, 1, max(len(text), 1))
    if len(text) > MAX_EXPR_CHARS:
        r.diagnostics.append(
            EXPR_CHARS.exceeded(whole, f"the query is {len(text):,} characters long")
        )
        return None
    if m := _QUERY_RE.match(text):
        return forall_query(r, text, m)
    m = _KIND_PREFIX_RE.match(text)
    if m is not None and m[1] in KINDS and m[1] != "always":
        if m[1] in ("forall", "exists"):
            r.error(
                "RP516",
                f"malformed `{m[1]}` query",
                whole,
                why="in a query the citizens come before the colon",
                fix="write `forall a, b: ASSUME => ASSERT`, `forall a, b: ASSERT` or "
                "`exists a, b: CONDITION`",
            )
            return None
        return read_entry(r, _as_map(read_yaml(text, r.file), whole), "query")
    start = m.end() if m is not None and m[1] == "always" else 0
    e = query_expr(r, text, start, None)
    return P.Property("query", P.Always(e, text[start:].strip()), file=r.file, span=whole)


def forall_query(r: PropertyReader, text: str, m: re.Match[str]) -> P.Property | None:
    """`forall a, b: [ASSUME =>] ASSERT` or `exists a, b: CONDITION` (`m` from `_QUERY_RE`)."""
    whole = Span.point(r.file, 1, 1, max(len(text), 1))
    word = m[2]
    names = [n.strip() for n in m[3].split(",")]
    bad = [n for n in names if not NAME_RE.match(n) or n in RESERVED]
    if not bad and len(names) > MAX_CITIZENS:
        r.diagnostics.append(
            CITIZENS.exceeded(
                offset_span(r, text, m.start(2)), f"`forall` declares {len(names)} citizens"
            )
        )
        return None
    if bad or not 1 <= len(names) <= MAX_CITIZENS or len(set(names)) != len(names):
        r.error(
            "RP514",
            f"`{word}` must declare 1 to {MAX_CITIZENS} distinct citizen "
            f"names, got `{m[3].strip()}`",
            offset_span(r, text, m.start(3)),
            fix=f"e.g. `{word} a, b: a.debt == b.debt and a.tier != b.tier`",
        )
        return None
    citizens = tuple(names)
    arrows = _top_level(text, m.end(), "=>")
    if word == "exists":
        if arrows:
            r.error(
                "RP516",
                "`=>` belongs to `forall` queries",
                offset_span(r, text, arrows[0]),
                why="`exists a: P => Q` would hold for any citizen without P",
                fix="join the conditions with `and`: `exists a, b: P and Q`",
            )
            return None
        cond = query_expr(r, text, m.end(), citizens)
        kind_e = P.Exists(citizens, E.BoolLit(True), cond, "True", text[m.end() :].strip())
        return P.Property("query", kind_e, file=r.file, span=whole)
    if len(arrows) > 1:
        r.error(
            "RP516",
            "a query has at most one `=>`",
            offset_span(r, text, arrows[1]),
            fix="join conditions with `and`: `forall a, b: P and Q => R`",
        )
        return None
    if arrows:
        assume = query_expr(r, text[: arrows[0]], m.end(), citizens)
        assert_ = query_expr(r, text, arrows[0] + 2, citizens)
        texts = text[m.end() : arrows[0]].strip(), text[arrows[0] + 2 :].strip()
    else:
        assume, assert_ = E.BoolLit(True), query_expr(r, text, m.end(), citizens)
        texts = "True", text[m.end() :].strip()
    kind = P.Forall(citizens, assume, assert_, *texts)
    return P.Property("query", kind, file=r.file, span=whole)


def query_expr(
    r: PropertyReader, text: str, start: int, citizens: tuple[str, ...] | None
) -> E.Expr:
    """Parse `text[start:]` (with infix `implies` in queries), typecheck it as bool."""
    before = len(r.diagnostics)
    e = implies_chain(r, text, start, citizens is not None)
    if e is None:
        return E.BoolLit(True)
    if len(r.diagnostics) == before:
        r.check_bool(e, "the query", citizens)
    return e


def implies_chain(r: PropertyReader, text: str, start: int, infix: bool) -> E.Expr | None:
    """`text[start:]` split at top-level infix `implies`, folded to the right."""
    cuts = _top_level(text, start, "implies") if infix else []
    if len(cuts) > MAX_NESTING:
        r.error(
            "RP516",
            f"the query chains more than {MAX_NESTING} `implies`",
            offset_span(r, text, cuts[MAX_NESTING]),
            fix="join the conditions with `and`: `P and Q implies R`",
        )
        return None
    bounds = [start, *(c + len("implies") for c in cuts)]
    ends = [*cuts, len(text)]
    parts: list[E.Expr] = []
    for lo, hi in zip(bounds, ends, strict=True):
        line, col = position(text, lo)
        try:
            parts.append(parse_expr(text[lo:hi], Origin(r.file, line, col, "query")))
        except RulesetError as exc:
            r.diagnostics.extend(exc.diagnostics)
    if len(parts) != len(bounds):
        return None
    result = parts[-1]
    for lo, part in zip(reversed(bounds[:-1]), reversed(parts[:-1]), strict=True):
        result = E.Call("implies", (part, result), offset_span(r, text, lo))
    return result


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `text[offset]`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def offset_span(r: PropertyReader, text: str, offset: int) -> Span:
    return Span.point(r.file, *position(text, offset))


def _top_level(text: str, start: int, token: str) -> list[int]:
    """Offsets of `token` in `text[start:]` outside quotes and brackets.

    For the word `implies`, only infix uses count: it must follow an operand (not `and`, `(`, …)
    and not be followed by more word characters.
    """
    out: list[int] = []
    depth = 0
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(token, i) and _token_ok(text, start, i, token):
            out.append(i)
            i += len(token)
            continue
        i += 1
    return out


def _token_ok(text: str, start: int, i: int, token: str) -> bool:
    if token != "implies":
        return True
    end = i + len(token)
    if (i > 0 and _is_word(text[i - 1])) or (end < len(text) and _is_word(text[end])):
        return False
    j = i
    while j > start and text[j - 1].isspace():
        j -= 1
    if j == start or not (_is_word(text[j - 1]) or text[j - 1] in ")]'\""):
        return False
    k = j
    while k > start and _is_word(text[k - 1]):
        k -= 1
    return text[k:j] not in _NOT_OPERAND_END


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _as_map(node: YNode | None, span: Span) -> YNode:
    return node if node is not None else YScalar(None, "", None, span)
