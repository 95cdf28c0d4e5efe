"""Facts computed once per ruleset object.

`per_ruleset(fn)` wraps a function of a ruleset so that each ruleset object computes it once;
the entry goes when the ruleset does. Rulesets are immutable, so an entry is a fact about its
ruleset; they hash structurally (expensive at 100,000 rules), hence entries keyed by identity
with a weak reference, not a `WeakKeyDictionary`.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from ruleproof.language import ruleset as M

T = TypeVar("T")


def per_ruleset(fn: Callable[[M.Ruleset], T]) -> Callable[[M.Ruleset], T]:
    cache: dict[int, tuple[weakref.ref[M.Ruleset], T]] = {}

    @functools.wraps(fn)
    def cached(ruleset: M.Ruleset) -> T:
        key = id(ruleset)
        hit = cache.get(key)
        if hit is not None and hit[0]() is ruleset:
            return hit[1]
        value = fn(ruleset)
        cache[key] = (weakref.ref(ruleset, lambda _: cache.pop(key, None)), value)
        return value

    return cached
