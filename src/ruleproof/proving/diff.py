"""Semantic diff of two ruleset versions (DESIGN §5 `diff`): the Z3 side.

`diff_rulesets(old, new, ...)` decides, for each output asked for (`score`, `tier`, each
sanction, each define common to both), whether some *compared citizen* gets a different value
under OLD than under NEW, and returns a `DiffResult` (`counterexamples.diffreport`).

Compared citizens (`diffplan`) are records over the union of both versions' attributes that are
possible under both: every value in the ranges of both versions and every `assume` of both
true. An attribute only one version declares is not read by the other, which therefore treats
every citizen as if it stood at its baseline. A shared attribute whose type differs is compared
over the intersection of the types. A sanction only one version has is never imposed under the
other.

For each output that differs, one citizen minimised toward the baseline (`solving.minimise`)
is re-evaluated under both rulesets by the evaluator; if the evaluator does not see the
difference that is an `InternalError`, never a finding. Reviewer summaries: the tier-transition
matrix (one query per pair of distinct tiers, "no tier" included where a version's tiers are not
total) and, per sanction, whether someone gains it and whether someone loses it. Witnesses of
the summaries are validated the same way.

Folding first (`difffold`, with slicing): the score rules the versions share are folded into
one interval-bounded attribute `score~rest`, so the joint encoding holds only what changed
(the folded versions' verdict "no difference" is a proof). A difference found there is mapped
back to an original citizen by `Folded.concretize`; when that fails the query is asked again
of the unfolded versions. Every citizen shown is re-evaluated under both original versions by
the compiled evaluator (`spec.compiled`, kept equal to the reference evaluator by a
differential test; at 100,000 rules the reference one takes seconds per citizen).

Encoding: one `Encoding` per version with shared enum codes; NEW's citizen is bound to OLD's
attribute constants. With slicing (the default), everything `diffslice.match_versions` finds
identical is one term in both versions, and the raw scores are `base + S + Σ unmatched rules`
with `S` one shared constant for the sum of the matched rules, so the difference of the two
scores involves only the rules that changed; clamping and tiers still see the full values.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import z3

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.proving.diffask import Asker, Checked, Goal, Shown, Test
from ruleproof.proving.diffencode import Comparison, NotFound, Side, Undecided
from ruleproof.proving.diffplan import Output, plan_outputs
from ruleproof.proving.encode import Term
from ruleproof.proving.solving import Limits
from ruleproof.semantics.outcome import Outcome
from ruleproof.verdicts.diffresult import (
    Difference,
    DiffResult,
    SanctionChange,
    Transition,
    Version,
)


def _same(x: object, y: object) -> bool:
    return x == y and isinstance(x, bool) == isinstance(y, bool)


def _differ_in(name: str) -> Test:
    return lambda x, y: not _same(x.output(name), y.output(name))


def _imposed(name: str, old: bool, new: bool) -> Test:
    return lambda x, y: (name in x.sanctions, name in y.sanctions) == (old, new)


def _tiers(old: str | None, new: str | None) -> Test:
    return lambda x, y: (x.tier, y.tier) == (old, new)


def _differs(o: Output) -> Goal:
    return lambda cmp: cmp.differs(o)


def diff_rulesets(
    old: M.Ruleset,
    new: M.Ruleset,
    old_file: str | None = None,
    new_file: str | None = None,
    outputs: str | Sequence[str] | None = None,
    limits: Limits | None = None,
    summaries: bool = True,
    slicing: bool = True,
) -> DiffResult:
    """Compare two versions over `outputs` (see `plan_outputs`); see the module docstring.

    `limits.timeout` bounds each query (and its minimisation). With `limits.cross_check`, a
    folded (sliced) comparison is repeated on the unfolded versions, and an output one calls
    different and the other equivalent is an `InternalError`. Raises `RulesetError` for
    versions or outputs that cannot be compared, `InternalError` if the evaluator disagrees
    with the solver.
    """
    limits = limits or Limits()
    if slicing and limits.cross_check:
        plain = attrs.evolve(limits, cross_check=False)
        folded = diff_rulesets(old, new, old_file, new_file, outputs, plain, summaries, True)
        unfolded = diff_rulesets(old, new, old_file, new_file, outputs, plain, False, False)
        _agree(folded, unfolded)
        return folded
    limits = attrs.evolve(limits, cross_check=False)
    asker = Asker(old, new, limits, slicing)
    outs, out_notes = plan_outputs(old, new, outputs)
    notes = _notes(asker, out_notes)
    answers = {o.name: _answer(asker, o) for o in outs}
    unknown = [(n, a.reason) for n, a in answers.items() if isinstance(a, Undecided)]
    differences = [
        _difference(asker, o, a) for o in outs if isinstance(a := answers[o.name], Shown)
    ]
    result = DiffResult(
        Version(old_file or old.file, old.id),
        Version(new_file or new.file, new.id),
        tuple(o.name for o in outs),
        tuple(differences),
        tuple(unknown),
        only_old=tuple(u.name for u in asker.union if u.new is None),
        only_new=tuple(u.name for u in asker.union if u.old is None),
        changed=tuple(asker.changed),
        notes=tuple(notes),
    )
    if not summaries:
        return result
    return _summarised(result, asker, outs, answers)


def _notes(asker: Asker, out_notes: Sequence[str]) -> list[str]:
    """The notes of a comparison: on attributes, from the asker, on outputs, and one when no
    citizen is possible under both versions."""
    notes = [*_attribute_notes(asker), *asker.notes, *out_notes]
    if not asker.possible():
        notes.append(
            "no citizen is possible under both versions, so none is treated "
            "differently; check the ranges and `assume` lines"
        )
    return notes


def _summarised(
    result: DiffResult, asker: Asker, outs: Sequence[Output], answers: dict[str, Checked]
) -> DiffResult:
    """`result` with how each sanction changed and, when tiers were compared, the tier
    transitions."""
    sanctions = tuple(
        _sanction_change(asker, o, answers[o.name]) for o in outs if o.kind == "sanction"
    )
    result = attrs.evolve(result, sanctions=sanctions)
    if any(o.kind == "tier" for o in outs):
        rows, cols, moves = _transitions(asker, answers["tier"])
        result = attrs.evolve(result, transitions=moves, old_tiers=rows, new_tiers=cols)
    return result


def _answer(asker: Asker, o: Output) -> Checked:
    """Whether some compared citizen's `o` differs between the versions (confirmed)."""
    if z3.is_false(z3.simplify(asker.cmp.differs(o))):
        return NotFound()
    return asker.ask(_differs(o), _differ_in(o.name), f"a difference in `{o.name}`")


def _difference(asker: Asker, o: Output, ans: Shown) -> Difference:
    """The `Difference` shown for output `o`: the citizen, both values, outcomes and traces."""
    old, new = asker.old, asker.new
    return Difference(
        o.name,
        ans.citizens[0],
        ans.old.output(o.name),
        ans.new.output(o.name),
        ans.old,
        ans.new,
        asker.baseline(),
        _trace(old, ans.old),
        _trace(new, ans.new),
        bool(old.tiers or new.tiers),
    )


def _agree(folded: DiffResult, unfolded: DiffResult) -> None:
    """Raise `InternalError` when the folded and the unfolded comparisons contradict."""
    undecided = {o for o, _ in (*folded.unknown, *unfolded.unknown)}
    a = {d.output for d in folded.differences} - undecided
    b = {d.output for d in unfolded.differences} - undecided
    if a != b:
        raise InternalError(
            f"cross-check: the folded diff finds differences in {sorted(a)}, the unfolded "
            f"encoding in {sorted(b)}"
        )


def _summary_seconds(limits: Limits) -> float:
    """Time per summary query: they are many (one per tier pair), and secondary."""
    return min(limits.timeout, 5.0)


def _trace(ruleset: M.Ruleset, outcome: Outcome) -> tuple[str, ...]:
    lines = outcome.trace.lines()
    return tuple(x for x in lines if ruleset.tiers or x != "no tier matches")


def _attribute_notes(asker: Asker) -> list[str]:
    notes = []
    for u in asker.union:
        base = M.Attribute(u.name, u.type).baseline()
        if u.new is None:
            notes.append(
                f"`{u.name}` is only in OLD: NEW does not read it, so NEW treats every "
                f"citizen as if `{u.name}` were at its baseline {fmt_value(base)}"
            )
        elif u.old is None:
            notes.append(
                f"`{u.name}` is only in NEW: OLD does not read it, so OLD treats every "
                f"citizen as if `{u.name}` were at its baseline {fmt_value(base)}"
            )
    for c in asker.changed:
        notes.append(
            f"`{c.name}` is {c.old} in OLD and {c.new} in NEW: only citizens possible "
            f"under both are compared ({c.compared})"
        )
    if {a.expr for a in asker.old.assumptions} != {a.expr for a in asker.new.assumptions}:
        notes.append(
            "the `assume` lines differ: only citizens possible under both versions are compared"
        )
    return notes


def _sanction_change(asker: Asker, o: Output, ans: Checked) -> SanctionChange:
    """Whether someone gains / loses sanction `o`, reusing the difference query's answer."""
    if isinstance(ans, NotFound):
        return SanctionChange(o.name, False, False, o.in_old, o.in_new)
    if isinstance(ans, Undecided):
        return SanctionChange(o.name, None, None, o.in_old, o.in_new)
    known: dict[str, bool | None] = {}
    lost = o.in_old and o.name in ans.old.sanctions
    known["lost" if lost else "gained"] = True

    def gained(cmp: Comparison) -> Term:
        return z3.And(z3.Not(cmp.value("old", o)), cmp.value("new", o))

    def lost_it(cmp: Comparison) -> Term:
        return z3.And(cmp.value("old", o), z3.Not(cmp.value("new", o)))

    for kind, goal, (w_old, w_new) in (
        ("gained", gained, (False, True)),
        ("lost", lost_it, (True, False)),
    ):
        if kind in known:
            continue
        got = asker.ask(
            goal,
            _imposed(o.name, w_old, w_new),
            f"`{o.name}` {kind}",
            _summary_seconds(asker.limits),
            minimal=False,
            shown=False,
        )
        known[kind] = None if isinstance(got, Undecided) else isinstance(got, Shown)
    return SanctionChange(o.name, known["gained"], known["lost"], o.in_old, o.in_new)


def _transitions(
    asker: Asker, tier_answer: Checked
) -> tuple[tuple[str | None, ...], tuple[str | None, ...], tuple[Transition, ...]]:
    """Rows (OLD tiers), columns (NEW tiers) and every move between distinct tiers."""
    cmp = asker.cmp
    rows: list[str | None] = [t.id for t in cmp.old.tiers]
    cols: list[str | None] = [t.id for t in cmp.new.tiers]
    changed = isinstance(tier_answer, Shown)
    seconds = _summary_seconds(asker.limits)
    sides: tuple[tuple[Side, list[str | None]], ...] = (("old", rows), ("new", cols))
    for side, ids in sides:
        if changed and not isinstance(
            asker.session.find(cmp.tier_is(side, None), seconds, minimal=False), NotFound
        ):
            ids.append(None)
    moves: list[Transition] = []
    for t_old in rows:
        for t_new in cols:
            if t_old == t_new:
                continue
            if not changed:
                undecided = isinstance(tier_answer, Undecided)
                moves.append(Transition(t_old, t_new, None if undecided else False))
                continue
            got = asker.ask(
                _move(t_old, t_new),
                _tiers(t_old, t_new),
                f"the move {t_old} → {t_new}",
                seconds,
                minimal=False,
                shown=False,
            )
            moves.append(
                Transition(
                    t_old, t_new, None if isinstance(got, Undecided) else isinstance(got, Shown)
                )
            )
    return tuple(rows), tuple(cols), tuple(moves)


def _move(t_old: str | None, t_new: str | None) -> Goal:
    return lambda cmp: z3.And(cmp.tier_is("old", t_old), cmp.tier_is("new", t_new))
