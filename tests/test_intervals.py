"""`Bounds` instances of one ruleset object share their memo; the results do not depend on it."""

from __future__ import annotations

import attrs
from hypothesis import given, settings

from ruleproof.language import ruleset as M
from ruleproof.semantics.intervals import Bounds
from ruleproof.testing import rulesets


@settings(max_examples=100)
@given(rulesets())
def test_shared_memo_gives_what_a_fresh_analysis_gives(ruleset: M.Ruleset) -> None:
    rules = ruleset.score.rules if ruleset.score else ()
    first = [Bounds(ruleset).contribution(r) for r in rules]
    again = Bounds(ruleset)
    assert again.memo is Bounds(ruleset).memo
    assert [again.contribution(r) for r in rules] == first
    # A copy is another object, so its analysis starts empty; visit it in the other order.
    copy = attrs.evolve(ruleset)
    fresh = Bounds(copy)
    assert fresh.memo is not again.memo
    assert [fresh.contribution(r) for r in reversed(rules)] == first[::-1]
    names = [d.name for d in ruleset.defines] + [s.name for s in ruleset.sanctions]
    for n in names:
        assert fresh._name_truth(n) == again._name_truth(n)
