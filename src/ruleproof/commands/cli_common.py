"""What every subcommand of the command line shares: exit codes, the record of sources read
(so diagnostics can show their lines), and argument types that refuse bad numbers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ruleproof.language.load_ruleset import read_text
from ruleproof.limits import FILE_BYTES, Limit

EXIT_OK, EXIT_FINDING, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


class Sources(dict[str, str]):
    """File name → text of every input read, so diagnostics can show their source lines."""

    def read(self, path: str, limit: Limit = FILE_BYTES) -> str:
        """The text of the file at `path` (at most `limit` bytes), remembered for diagnostics."""
        text = read_text(path, limit)
        self[path] = text
        return text


EXIT_UNKNOWN = 3


def seconds(text: str) -> float:
    """An argparse type: a positive number of seconds, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds: {text!r}")
    return value


def number(kind: Callable[[str], Any], ok: Callable[[Any], bool], what: str) -> Any:
    """An argparse type: `kind(text)` when `ok` accepts it, else an error naming `what`."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


POSITIVE_SECONDS = number(float, lambda v: 0 < v < 1e9, "a positive number of seconds")
POSITIVE_INT = number(int, lambda v: 0 < v <= 1024, "a whole number from 1 to 1024")
# Z3 keeps its resource limit in 32 bits (`proving.solving.MAX_RLIMIT`; a test keeps them equal)
RLIMIT_MAX = 2**32 - 1
RLIMIT = number(int, lambda v: 0 <= v <= RLIMIT_MAX, f"a whole number from 0 to {RLIMIT_MAX:,}")
