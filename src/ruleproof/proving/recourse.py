"""Minimal recourse: the smallest change of record, by actions, that lifts a person's sanction.

`minimal_recourse` answers "what can this person do?" for one concrete citizen: the path with the
fewest actions that ends where the target holds (default `not sanctioned`), and among those the
one whose params are lexicographically least (each int param as close to the low end of its
range as the path allows, in path order; other params prefer their low end, `False`, the first
enum value). The path is replayed by the evaluator before it is returned.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from ruleproof.errors import InternalError, RuleproofError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.proving.encode import Encoding
from ruleproof.proving.solving import Limits
from ruleproof.proving.transitions import SearchUnknown, Shape, find_path
from ruleproof.semantics.evaluate import in_domain

NOT_SANCTIONED = E.Not(E.Var("sanctioned"))


class RecourseUnknown(RuleproofError):
    """The solver could not decide within the limits whether a path exists."""


def minimal_recourse(
    ruleset: M.Ruleset,
    citizen: Mapping[str, M.Value],
    *,
    by: Sequence[M.ActorKind] | None = None,
    actions: Sequence[str] | None = None,
    target: E.Expr | None = None,
    max_steps: int = 5,
    limits: Limits | None = None,
) -> list[tuple[str, dict[str, M.Value]]] | None:
    """The least path from `citizen` to `target`, as (action name, params) pairs.

    Args:
        by: only actions of these kinds (default: every kind); exclusive with `actions`.
        actions: only these actions, by name.
        target: a bool expression over one citizen (default `not sanctioned`).
        max_steps: the longest path considered.
        limits: solver limits (`timeout` bounds the whole search).

    Returns:
        `[]` if the target already holds, the path if one of at most `max_steps` actions
        exists, `None` if none does.

    Raises:
        ValueError: the citizen is impossible, or both `by` and `actions` are given.
        RecourseUnknown: the solver gave up or timed out.
    """
    if by is not None and actions is not None:
        raise ValueError("give `by` or `actions`, not both")
    why = in_domain(ruleset, citizen)
    if why is not None:
        raise ValueError(f"the citizen is impossible: {why}")
    limits = limits or Limits()
    if actions is not None:
        unknown = sorted(set(actions) - {a.name for a in ruleset.actions})
        if unknown:
            raise ValueError(f"unknown action(s): {', '.join(unknown)}")
        allowed = tuple(a for a in ruleset.actions if a.name in actions)
    elif by is not None:
        allowed = tuple(a for a in ruleset.actions if a.by in by)
    else:
        allowed = ruleset.actions
    enc = Encoding(ruleset)
    deadline = time.monotonic() + limits.timeout
    found = find_path(
        enc,
        citizen,
        Shape(allowed, allowed, max_steps, 0),
        target if target is not None else NOT_SANCTIONED,
        limits,
        deadline,
        prefer="least",
    )
    if isinstance(found, SearchUnknown):
        raise RecourseUnknown(found.reason)
    if found is None:
        return None
    if any(a.action not in allowed for a in found):
        raise InternalError("a recourse path uses an action outside the allowed ones")
    return [(a.action.name, dict(a.params)) for a in found]
