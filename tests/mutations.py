"""Random edits of input files for the fuzzer (`tests/fuzzing.py`).

`mutate_yaml(text, rnd)` applies one to three random text edits: insertions of hostile tokens
(control characters, long numbers, tags, aliases, brackets, Python that must never run),
deletions, duplicated, swapped and re-indented lines, truncation, and changed numbers, names and
operators (weighted so that about half of the mutants still load). `mutate_json(text, rnd)`
edits the structure (keys removed or added, values of other types, `format` changed), the text,
or both.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from typing import Any

TOKENS = [
    "\x1b[2J\x1b[H",
    "\x00",
    "\x07",
    "\x9b",
    "\u202e",
    "\ud800",
    "9" * 5001,
    "1e999999999",
    "0x" + "f" * 1200,
    "-0",
    "2**64",
    "1/3",
    "&a ",
    "*a",
    "*zz",
    "<<: *a",
    "!!python/object/apply:os.system ['touch pwned']",
    "!!binary aGk=",
    "(" * 150,
    ")" * 150,
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\t",
    "\n",
    "'",
    '"',
    "\\",
    "#",
    "---\n",
    "? [a]\n",
    "null",
    "~",
    "true",
    "1.5",
    "__import__('os').system('touch pwned')",
    "lambda: 0",
    "[x for x in y]",
    "min()",
    "abs(1, 2)",
    "x // 0",
    "debt % -3",
    "debt ** 2",
    "debt * debt",
    "not not not",
    " if ",
    " else ",
    "score",
    "tier",
    "sanctioned",
    "implies(debt)",
    "a.debt",
    "x" * 300,
    "é",
    "ruleset: b\n",
    "id: dup\n",
    "within: 99\n",
    "range: [5, 1]",
    "values: []",
]
NUMBERS = ["0", "-1", "1", "2", "3", "50", "999", "1000", "2000", "7", "-2.5", "0.0001"]
NUMBERS += ["99999999999999999999", "9" * 1001, "1e400"]
JSON_VALUES: list[Any] = [None, True, False, "1", "1/3", 1.5, [], {}, -1, 2**63, "\x1b[2J", "é"]
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


# -- mutations -------------------------------------------------------------------------------


def _insert(text: str, rnd: random.Random) -> str:
    i = rnd.randint(0, len(text))
    return text[:i] + rnd.choice(TOKENS) + text[i:]


def _delete(text: str, rnd: random.Random) -> str:
    i = rnd.randint(0, len(text))
    return text[:i] + text[i + rnd.randint(1, 40) :]


def _lines(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    how = rnd.randrange(4)
    if how == 0:
        lines.insert(i, lines[j])
    elif how == 1:
        lines[i], lines[j] = lines[j], lines[i]
    elif how == 2:
        lines[i] = "  " + lines[i]
    else:
        lines[i] = lines[i][2:]
    return "\n".join(lines)


def _number(text: str, rnd: random.Random) -> str:
    found = list(NUMBER.finditer(text))
    if not found:
        return _insert(text, rnd)
    m = rnd.choice(found)
    return text[: m.start()] + rnd.choice(NUMBERS) + text[m.end() :]


def _name(text: str, rnd: random.Random) -> str:
    found = list(NAME.finditer(text))
    if not found:
        return _insert(text, rnd)
    m = rnd.choice(found)
    other = rnd.choice([*(f.group(0) for f in found[:200]), "score", "x\x1b", "if", "None"])
    return text[: m.start()] + other + text[m.end() :]


OPERATOR = re.compile(r"(?<=\s)(?:>=|<=|==|!=|>|<|\+|-|\*|and|or)(?=\s)")


def _operator(text: str, rnd: random.Random) -> str:
    found = list(OPERATOR.finditer(text))
    if not found:
        return _insert(text, rnd)
    m = rnd.choice(found)
    other = rnd.choice([">=", "<=", "==", "!=", ">", "<", "+", "-", "*", "//", "%", "and", "or"])
    return text[: m.start()] + other + text[m.end() :]


def _truncate(text: str, rnd: random.Random) -> str:
    return text[: rnd.randint(0, len(text))]


def _aliases(text: str, rnd: random.Random) -> str:
    width = rnd.randint(2, 12)
    lines = [f"z0: &z0 [{', '.join(['x'] * width)}]"]
    lines += [
        f"z{k}: &z{k} [{', '.join([f'*z{k - 1}'] * width)}]" for k in range(1, rnd.randint(2, 9))
    ]
    return text + "\n" + "\n".join(lines) + "\n"


# Edits weighted so that about half of the mutants still load and reach the later stages.
TEXT_EDITS: list[Callable[[str, random.Random], str]] = [
    *[_number] * 6,
    *[_operator] * 4,
    *[_name] * 3,
    *[_lines] * 4,
    *[_insert] * 3,
    _delete,
    _truncate,
    _aliases,
]


def mutate_yaml(text: str, rnd: random.Random) -> str:
    """`text` after one to three random text edits (mostly one)."""
    for _ in range(rnd.choice([1, 1, 1, 2, 3])):
        text = rnd.choice(TEXT_EDITS)(text, rnd)
    return text


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _structure(doc: Any, rnd: random.Random) -> Any:
    paths = [p for p in _paths(doc) if p]
    if not paths:
        return rnd.choice(JSON_VALUES)
    path = rnd.choice(paths)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    how = rnd.randrange(5)
    if (
        how == 4
        and isinstance(parent[path[-1]], int | float)
        and not isinstance(parent[path[-1]], bool)
    ):
        parent[path[-1]] = rnd.choice([0, 1, 3, 50, 999, 1000, 2000, -5, 0.5])
    elif how == 0 and isinstance(parent, dict):
        del parent[path[-1]]
    elif how == 1 and isinstance(parent, dict):
        parent[rnd.choice(["\x1b[2Jk", "format", "b", "c", "extra", path[-1] + "x"])] = rnd.choice(
            JSON_VALUES
        )
    elif how == 2 and isinstance(doc, dict):
        doc["format"] = rnd.choice([True, "1", 2, 1.0, None, 1])
    else:
        parent[path[-1]] = rnd.choice(JSON_VALUES)
    return doc


def mutate_json(text: str, rnd: random.Random) -> str:
    """`text` after a structural edit, a text edit, or both."""
    if rnd.random() < 0.6:
        doc = _structure(json.loads(text), rnd)
        text = json.dumps(doc, ensure_ascii=rnd.random() < 0.5, indent=rnd.choice([None, 2]))
    if rnd.random() < 0.5:
        text = mutate_yaml(text, rnd)
    return text
