"""Choosing properties to check: `--select` (ids or glob patterns) and `-k` (an expression).

`--select no-*,score-in-range` keeps the properties whose id matches one of the patterns
(`fnmatch`, case-sensitive). `-k EXPR` keeps those for which the expression holds: words
joined with `and`, `or`, `not` and parentheses, as in pytest; a word holds when it occurs,
ignoring case, in the property's id or kind. Both together keep what both keep. Selecting
nothing, or a malformed expression, is RP604 (exit 2). Nothing is evaluated as Python.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import suite as P

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def _bad(message: str, fix: str) -> RulesetError:
    return RulesetError([Diagnostic("RP604", message, Span.point("<command line>", 1, 1), fix=fix)])


class _Expr:
    """A `-k` expression, parsed by recursive descent into nested tuples."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [m.group(1) for m in _TOKEN.finditer(text)]
        self.pos = 0
        if not self.tokens:
            raise self._error("it is empty")
        self.tree = self._or()
        if self.pos != len(self.tokens):
            raise self._error(f"unexpected `{self.tokens[self.pos]}`")

    def _error(self, what: str) -> RulesetError:
        return _bad(
            f"cannot read -k `{self.text}`: {what}",
            "write words joined with and, or, not and parentheses, e.g. -k 'guilt or not range'",
        )

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> tuple[object, ...]:
        left = self._and()
        while self._peek() == "or":
            self.pos += 1
            left = ("or", left, self._and())
        return left

    def _and(self) -> tuple[object, ...]:
        left = self._not()
        while self._peek() == "and":
            self.pos += 1
            left = ("and", left, self._not())
        return left

    def _not(self) -> tuple[object, ...]:
        if self._peek() == "not":
            self.pos += 1
            return ("not", self._not())
        return self._atom()

    def _atom(self) -> tuple[object, ...]:
        tok = self._peek()
        if tok is None:
            raise self._error("it ends too early")
        self.pos += 1
        if tok == "(":
            inner = self._or()
            if self._peek() != ")":
                raise self._error("a `(` is not closed")
            self.pos += 1
            return inner
        if tok in (")", "and", "or"):
            raise self._error(f"unexpected `{tok}`")
        return ("word", tok.lower())

    def holds(self, haystack: str) -> bool:
        def go(node: tuple[object, ...]) -> bool:
            match node:
                case ("word", str(w)):
                    return w in haystack
                case ("not", tuple(x)):
                    return not go(x)
                case ("and", tuple(x), tuple(y)):
                    return go(x) and go(y)
                case ("or", tuple(x), tuple(y)):
                    return go(x) or go(y)
            raise AssertionError(node)

        return go(self.tree)


def select(
    props: Sequence[P.Property], patterns: Sequence[str] = (), keyword: str | None = None
) -> list[P.Property]:
    """The properties `--select patterns` and `-k keyword` keep, in their order.

    Raises:
        RulesetError: RP604, nothing is selected or `keyword` is malformed.
    """
    pats = [p.strip() for item in patterns for p in item.split(",") if p.strip()]
    expr = _Expr(keyword) if keyword is not None else None
    kept = [
        p
        for p in props
        if (not pats or any(fnmatch.fnmatchcase(p.id, pat) for pat in pats))
        and (expr is None or expr.holds(f"{p.id} {p.kind_name}".lower()))
    ]
    if not kept:
        asked = " and ".join(
            x
            for x in (
                f"--select {','.join(pats)}" if pats else "",
                f"-k {keyword!r}" if keyword else "",
            )
            if x
        )
        raise _bad(
            f"no property matches {asked}",
            "the ids are: "
            + ", ".join(p.id for p in props[:20])
            + ("…" if len(props) > 20 else ""),
        )
    return kept
