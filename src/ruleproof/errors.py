"""Diagnostics and the exception hierarchy.

Every stage reports problems as `Diagnostic` values carrying a `Span` (file, line, column, 1-based)
and a stable code documented in `docs/diagnostics.md`. The public API raises one `RulesetError`
holding all diagnostics of a failed stage. `InternalError` marks a bug in ruleproof itself and is
never presented as a finding about the user's rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ruleproof.printable import printable


@attrs.frozen(order=True)
class Span:
    """A region of a source file; lines and columns are 1-based, `end_col` is exclusive."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, file: str, line: int, col: int, width: int = 1) -> Span:
        return cls(file, line, col, line, col + max(width, 1))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


UNKNOWN_SPAN = Span("<unknown>", 1, 1, 1, 2)
MAX_SHOWN = 100  # source lines longer than this are shown as a window around the span


@attrs.frozen
class Diagnostic:
    """One problem found in an input: where, a stable code, what, why, and how to fix it."""

    code: str
    message: str
    span: Span
    why: str = ""
    fix: str = ""
    severity: str = "error"  # "error" or "warning"

    def render(self, source: str | None = None) -> str:
        """Compiler-style text: `file:line:col: error[CODE]: message`, line, caret, why, fix.

        Control characters of the input (in the message, the file name, the source line) are
        shown escaped (`ruleproof.printable`), never raw.
        """
        where = printable(str(self.span))
        lines = [f"{where}: {self.severity}[{self.code}]: {printable(self.message)}"]
        if source is not None:
            lines += _source_lines(self.span, source)
        if self.why:
            lines.append(f"   why: {printable(self.why)}")
        if self.fix:
            lines.append(f"   fix: {printable(self.fix)}")
        return "\n".join(lines)


def _source_lines(span: Span, source: str) -> list[str]:
    """The span's source line (a window around the span if it is long) and a caret line."""
    src_lines = source.splitlines()
    if not 1 <= span.line <= len(src_lines):
        return []
    text = src_lines[span.line - 1]
    gutter = str(span.line)
    if span.end_line == span.line:
        width = max(span.end_col - span.col, 1)
    else:
        width = max(len(text) - span.col + 1, 1)
    width = min(width, max(len(text) - span.col + 1, 1))
    start = 0
    before = after = ""
    if len(text) > MAX_SHOWN:  # show a window of a very long line around the span
        start = max(0, min(span.col - 11, len(text) - MAX_SHOWN))
        before = "…" if start else ""
        after = "…" if start + MAX_SHOWN < len(text) else ""
        width = min(width, MAX_SHOWN - (span.col - 1 - start) + 1 - len(before))
        text = text[start : start + MAX_SHOWN]
    lead = text[: max(span.col - 1 - start, 0)]
    marked = text[max(span.col - 1 - start, 0) : max(span.col - 1 - start, 0) + width]
    pad = len(before) + len(printable(lead))
    carets = max(width + len(printable(marked)) - len(marked), 1)
    return [
        f"{' ' * (4 - len(gutter))}{gutter} | {before}{printable(text)}{after}",
        f"     | {' ' * pad}{'^' * carets}",
    ]


class RuleproofError(Exception):
    """Root of every exception ruleproof raises on purpose."""


class RulesetError(RuleproofError, ValueError):
    """An input (ruleset, property file, citizen, counterexample) is wrong; carries diagnostics."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        """`str()` of the error lists each diagnostic on one line, with its fix (the
        did-you-mean hint, where there is one): `file:line:col: CODE: message (fix: …)`."""
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(
            "\n".join(
                f"{d.span}: {d.code}: {d.message}" + (f" (fix: {d.fix})" if d.fix else "")
                for d in self.diagnostics
            )
        )

    def render(self, sources: dict[str, str] | None = None) -> str:
        """Every diagnostic (at most `MAX_RENDERED`, then how many more), compiler-style, with
        its source line when `sources` (file name → text) has the file."""
        sources = sources or {}
        shown = [d.render(sources.get(d.span.file)) for d in self.diagnostics[:MAX_RENDERED]]
        if len(self.diagnostics) > MAX_RENDERED:
            shown.append(f"… and {len(self.diagnostics) - MAX_RENDERED:,} more diagnostics")
        return "\n\n".join(shown)


MAX_RENDERED = 200


class InternalError(RuleproofError, RuntimeError):
    """A bug in ruleproof (for example the evaluator and the Z3 encoding disagree)."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"internal error: {message}\n"
            "This is a bug in ruleproof, not a finding about your rules. Please report it with the "
            "input files that produced it."
        )


def raise_if_errors(diagnostics: Sequence[Diagnostic]) -> None:
    """Raise `RulesetError` if any diagnostic is an error (warnings alone pass)."""
    if any(d.severity == "error" for d in diagnostics):
        raise RulesetError(diagnostics)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A 'did you mean `x`?' hint for the candidate nearest to `name`, or ''."""
    import difflib

    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""
