"""The names a ruleset file may use: id and identifier patterns, reserved words, allowed keys."""

from __future__ import annotations

import re

ID_RE = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")
NAME_RE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")
# An enum value or a domain is a name: no space, quote, comma, bracket, brace, colon, `#` or
# control character (a flow list with a missing comma, `[a b, c]`, would otherwise make the
# value `a b`); letters, digits and marks such as `-`, `.`, `+`, `/`, `<`, `%` are fine.
VALUE_NAME_RE = re.compile(r"""\A[^\s'",\[\]{}:#\x00-\x1f\x7f]+\Z""")
RESERVED = {
    "score",
    "tier",
    "sanctioned",
    "True",
    "False",
    "true",
    "false",
    "implies",
    "min",
    "max",
    "abs",
    "and",
    "or",
    "not",
    "in",
    "if",
    "else",
}

TOP_KEYS = [
    "ruleset",
    "title",
    "source",
    "attributes",
    "assume",
    "define",
    "score",
    "tiers",
    "sanctions",
    "actions",
    "domains",
]
ATTR_KEYS = ["type", "range", "values", "protected", "domain", "changes", "doc"]
RULE_KEYS = ["id", "when", "add", "cites", "doc"]
GROUP_KEYS = ["id", "one_of", "cites", "doc"]
CASE_KEYS = ["id", "when", "add", "cites", "doc"]
TIER_KEYS = ["id", "when", "doc"]
SANCTION_KEYS = ["when", "domain", "appeal", "cites", "doc"]
ACTION_KEYS = ["by", "when", "params", "set", "cites", "doc"]
PARAM_KEYS = ["type", "range", "values", "doc"]
