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

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs
import z3

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.proving.difffold import REST, Folded, fold_shared
from ruleproof.proving.diffplan import Output, UnionAttr, plan_outputs, union_attributes
from ruleproof.proving.diffslice import Correspondence, match_versions
from ruleproof.proving.encode import NO_TIER, Encoding, EnumCodes, Term, decode, number
from ruleproof.proving.solving import Limits, explain_unknown, minimise, new_solver
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.evaluate import in_domain
from ruleproof.semantics.outcome import Outcome, Trace
from ruleproof.verdicts.diffresult import (
    Difference,
    DiffResult,
    SanctionChange,
    Transition,
    Version,
)

Side = Literal["old", "new"]
FULL_MAX_RULES = 2_000  # above this, a folded difference no citizen realises stays unknown
Citizens = tuple[dict[str, M.Value], dict[str, M.Value], dict[str, M.Value]]  # union, old, new


# -- the joint encoding ----------------------------------------------------------------------


@attrs.frozen
class Found:
    citizens: Citizens


@attrs.frozen
class NotFound:
    pass


@attrs.frozen
class Undecided:
    reason: str


Answer = Found | NotFound | Undecided


class Comparison:
    """One citizen read by both versions: the joint Z3 encoding and queries over it."""

    def __init__(self, old: M.Ruleset, new: M.Ruleset, slicing: bool = True) -> None:
        self.old, self.new = old, new
        self.union, self.changed, self.notes = union_attributes(old, new)
        codes = EnumCodes(old)
        for v in EnumCodes(new).codes:
            codes.code(v)
        self.codes = codes
        self.enc_old = Encoding(old, "old!", codes)
        self.enc_new = Encoding(new, "new!", codes)
        self.a = self.enc_old.copy("a")
        self.links: list[Term] = []
        self.terms: dict[str, Term] = {}  # union attribute → the term minimised and decoded
        bound: dict[str, Term] = {}
        for u in self.union:
            if u.old is None or u.new is None:
                continue
            t = self.a.attrs[u.name]
            if isinstance(u.old.type, M.RealType) and isinstance(u.new.type, M.IntType):
                i = z3.Int(f"link!{u.name}")
                self.links.append(z3.ToReal(i) == t)
                bound[u.name], self.terms[u.name] = i, i
            elif isinstance(u.old.type, M.IntType) and isinstance(u.new.type, M.RealType):
                bound[u.name], self.terms[u.name] = z3.ToReal(t), t
            else:
                bound[u.name], self.terms[u.name] = t, t
        self.b = self.enc_new.bind("a", bound)
        for u in self.union:
            if u.name not in self.terms:
                self.terms[u.name] = (self.a if u.old is not None else self.b).attrs[u.name]
        # Preferred values for the minimiser, minimised after every attribute (`variables`),
        # and attributes left out of minimisation (the folded diff sets them itself).
        self.prefer: Callable[[], Mapping[str, M.Value]] = dict
        self.unminimised: Callable[[], frozenset[str]] = frozenset
        self.match = match_versions(old, new) if slicing else Correspondence()
        if slicing:
            self._share()

    def _share(self) -> None:
        """Give NEW's copy OLD's terms for everything that matched (see `diffslice`)."""
        old_rules = {r.id: r for r in (self.old.score.rules if self.old.score else ())}
        for new_id, old_id in self.match.rules.items():
            self.b.provide(f"rule:{new_id}", self.a.contribution(old_rules[old_id]))
        if "score" not in self.match.names:
            self._split_score()
        for new_name, old_name in self.match.names.items():
            self.b.provide(new_name, self.a.value(old_name))

    def _split_score(self) -> None:
        """Both scores from one shared sum of the matched rules plus their own other rules."""
        so, sn = self.old.score, self.new.score
        if so is None or sn is None:
            return
        used = set(self.match.rules.values())
        sort = "real" if so.real or sn.real else "int"
        shared = z3.Real("diff!matched_rules") if sort == "real" else z3.Int("diff!matched_rules")
        common = [self.a.contribution(r) for r in so.rules if r.id in used]
        self.links.append(shared == (z3.Sum(common) if common else number(0, sort)))
        old_only = [self.a.contribution(r) for r in so.rules if r.id not in used]
        new_only = [self.b.contribution(r) for r in sn.rules if r.id not in self.match.rules]
        self.a.provide_score([shared, *old_only])
        self.b.provide_score([shared, *new_only])

    # -- terms ---------------------------------------------------------------------------------
    def value(self, side: Side, out: Output) -> Term:
        """An output's term under one version (a sanction the version lacks is never imposed)."""
        present = out.in_old if side == "old" else out.in_new
        if not present:
            return z3.BoolVal(False)
        return (self.a if side == "old" else self.b).value(out.name)

    def differs(self, out: Output) -> Term:
        """True for the compared citizens whose `out` differs between the versions."""
        return self.value("old", out) != self.value("new", out)

    def tier_is(self, side: Side, tier: str | None) -> Term:
        code = NO_TIER if tier is None else self.codes.code(tier)
        return (self.a if side == "old" else self.b).value("tier") == code

    def attr(self, name: str) -> Term:
        """The compared citizen's term for an attribute (OLD's sort where both declare it)."""
        return self.terms[name]

    def constraints(self) -> list[list[Term]]:
        """Both copies' ranges, assumes and definitions, the links, every tracker as a fact."""
        return [
            self.a.all_constraints(),
            self.b.all_constraints(),
            self.links,
            list(self.enc_old.trackers.values()),
            list(self.enc_new.trackers.values()),
        ]

    def variables(self) -> list[tuple[Term, M.AttrType, M.Value]]:
        prefer = self.prefer()
        skip = self.unminimised()
        plain = [u for u in self.union if u.name not in prefer and u.name not in skip]
        last = [u for u in self.union if u.name in prefer]
        return [
            (self.terms[u.name], u.type, prefer.get(u.name, M.Attribute(u.name, u.type).baseline()))
            for u in (*plain, *last)
        ]

    def baseline(self) -> dict[str, M.Value]:
        return baseline_of(self.union)

    def decode(self, model: Any) -> Citizens:
        return self.split(
            {u.name: decode(model, self.terms[u.name], u.type, self.codes) for u in self.union}
        )

    def split(self, union: Mapping[str, M.Value]) -> Citizens:
        return split_citizen(self.union, union)

    def session(self, limits: Limits) -> Session:
        """Queries over this comparison (see `Session`)."""
        return Session(self, limits)


def split_citizen(union: Sequence[UnionAttr], citizen: Mapping[str, M.Value]) -> Citizens:
    """A compared citizen as (union, OLD's citizen, NEW's citizen); names the citizen lacks are
    left out, names the union lacks (`score~rest`) stay only in the first."""
    old: dict[str, M.Value] = {}
    new: dict[str, M.Value] = {}
    for u in union:
        if u.name not in citizen:
            continue
        v = citizen[u.name]
        if u.old is not None:
            old[u.name] = _as(v, u.old.type)
        if u.new is not None:
            new[u.name] = _as(v, u.new.type)
    return dict(citizen), old, new


def baseline_of(union: Sequence[UnionAttr]) -> dict[str, M.Value]:
    return {u.name: M.Attribute(u.name, u.type).baseline() for u in union}


def _as(v: M.Value, typ: M.AttrType) -> M.Value:
    if isinstance(typ, M.IntType) and not isinstance(v, bool | int | str):
        return int(v)
    return v


class Session:
    """Queries over one comparison, each on a fresh solver.

    A fresh solver per query keeps every answer (and the minimal citizen chosen) independent
    of the queries asked before it; Z3's incremental mode also gave up on queries that a fresh
    solver answered at once.
    """

    def __init__(self, cmp: Comparison, limits: Limits) -> None:
        self.cmp = cmp
        self.limits = limits

    def find(self, goal: Term, seconds: float | None = None, minimal: bool = True) -> Answer:
        """A compared citizen satisfying `goal` (minimised when `minimal`), or why there is none."""
        seconds = self.limits.timeout if seconds is None else seconds
        deadline = time.monotonic() + seconds
        s = new_solver(self.limits, seconds)
        for group in self.cmp.constraints():
            s.add(*group)
        s.add(goal)
        r = s.check()
        if r == z3.unsat:
            return NotFound()
        if r != z3.sat:
            return Undecided(explain_unknown(s, self.cmp.enc_old, seconds, self.limits))
        model = s.model()
        if minimal and self.limits.minimise:
            budget = min(deadline, time.monotonic() + max(2.0, seconds / 3))
            model = minimise(self.cmp.enc_old, s, model, self.cmp.variables(), budget)
        return Found(self.cmp.decode(model))


# -- queries answered with validated original citizens ------------------------------------


@attrs.frozen
class Shown:
    """A difference found and confirmed: the citizens and both versions' outcomes."""

    citizens: Citizens
    old: Outcome
    new: Outcome


Checked = Shown | NotFound | Undecided
Goal = Callable[[Comparison], Term]
Test = Callable[[Outcome, Outcome], bool]


class Asker:
    """Queries over the folded comparison, answered with confirmed original citizens.

    `ask(goal, ok, what)`: `goal` builds the Z3 condition over a `Comparison` (so it can be
    asked of the folded and of the unfolded versions), `ok` is the same condition on the two
    outcomes, checked by the evaluator.
    """

    def __init__(self, old: M.Ruleset, new: M.Ruleset, limits: Limits, slicing: bool) -> None:
        self.old, self.new, self.limits, self.slicing = old, new, limits, slicing
        # The compared citizens of the original versions (the folded ones lack attributes only
        # folded rules read, and have `score~rest`).
        self.union, self.changed, self.notes = union_attributes(old, new)
        self.folded: Folded | None = (
            fold_shared(old, new, match_versions(old, new)) if slicing else None
        )
        if self.folded is not None:
            folded = self.folded
            self.cmp = Comparison(folded.old, folded.new, slicing)
            self.cmp.prefer = lambda: {REST: folded.start()}
            self.cmp.unminimised = lambda: frozenset(folded.free())
        else:
            self.cmp = Comparison(old, new, slicing)
        self.session = self.cmp.session(limits)
        self._full: Session | None = None
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, which: Literal["old", "new", "folded old", "folded new"]) -> Compiled:
        if which not in self._compiled:
            rs = {"old": self.old, "new": self.new}.get(which)
            if rs is None:
                assert self.folded is not None
                rs = self.folded.old if which == "folded old" else self.folded.new
            if which == "old" and self.folded is not None:
                self._compiled[which] = self.folded.compiled
            else:
                self._compiled[which] = compile_ruleset(rs)
        return self._compiled[which]

    def baseline(self) -> dict[str, M.Value]:
        return baseline_of(self.union)

    def possible(self) -> bool:
        """False when no compared citizen is possible under both versions."""
        return not isinstance(self.session.find(z3.BoolVal(True), minimal=False), NotFound)

    def ask(
        self,
        goal: Goal,
        ok: Test,
        what: str,
        seconds: float | None = None,
        minimal: bool = True,
        shown: bool = True,
    ) -> Checked:
        """A confirmed citizen with `goal`, NotFound (a proof), or Undecided with the reason.

        `shown=False` (summary witnesses, never displayed, tested only on score, tier and
        sanctions) confirms without building the evaluator's trace.
        """
        ans = self.session.find(goal(self.cmp), seconds, minimal)
        if not isinstance(ans, Found):
            return ans
        if self.folded is None:
            return self._confirmed(ans.citizens, what, ok, shown)
        concrete = self.folded.concretize(ans.citizens[0], self._folded_test(ok))
        if concrete is not None:
            complete = {**self.baseline(), **concrete}  # attributes nothing reads: baseline
            return self._confirmed(split_citizen(self.union, complete), what, ok, shown)
        size = max(len(rs.score.rules) if rs.score else 0 for rs in (self.old, self.new))
        if size > FULL_MAX_RULES:
            return Undecided(
                f"the folded encoding finds {what} only where the {len(self.folded.rules)} "
                "score rules both versions share add up to a sum no citizen was found to "
                f"reach; the unfolded encoding of {size} rules is too large to settle it"
            )
        if self._full is None:
            self._full = Comparison(self.old, self.new, self.slicing).session(self.limits)
        ans = self._full.find(goal(self._full.cmp), seconds, minimal)
        if not isinstance(ans, Found):
            return ans
        return self._confirmed(ans.citizens, what, ok, shown)

    def _folded_test(self, ok: Test) -> Callable[[dict[str, M.Value]], bool]:
        fo, fn = self.compiled("folded old"), self.compiled("folded new")

        def test(union: dict[str, M.Value]) -> bool:
            _, old_c, new_c = self.cmp.split(union)
            return ok(fo.evaluate(old_c), fn.evaluate(new_c))

        return test

    def _confirmed(self, citizens: Citizens, what: str, ok: Test, shown: bool = True) -> Shown:
        """Evaluate a citizen under both original versions; `InternalError` unless `ok` holds."""
        union, old_c, new_c = citizens
        text = ", ".join(f"{k}={v!r}" for k, v in union.items())
        for label, rs, c in (("OLD", self.old, old_c), ("NEW", self.new, new_c)):
            why = in_domain(rs, c)
            if why is not None:
                raise InternalError(
                    f"diff: the solver's citizen for {what} is impossible under "
                    f"{label} ({why}): {text}"
                )
        if shown:
            o = self.compiled("old").evaluate(old_c)
            n = self.compiled("new").evaluate(new_c)
        else:
            o, n = _bare(self.compiled("old"), old_c), _bare(self.compiled("new"), new_c)
        if not ok(o, n):
            raise InternalError(
                f"diff: the evaluator does not confirm {what} for the solver's citizen: {text}"
            )
        return Shown(citizens, o, n)


def _bare(compiled: Compiled, citizen: Mapping[str, M.Value]) -> Outcome:
    """Score, tier and sanctions as an `Outcome` without defines or trace (never shown)."""
    score, tier, sanctions = compiled.outputs(citizen)
    return Outcome(score, tier, sanctions, {}, Trace(None, (), None, False, tier, ()))


# -- the diff --------------------------------------------------------------------------------


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
    cmp = asker.cmp
    outs, out_notes = plan_outputs(old, new, outputs)
    notes = [*_attribute_notes(asker), *asker.notes, *out_notes]
    tiers = summaries and any(o.kind == "tier" for o in outs)
    if not asker.possible():
        notes.append(
            "no citizen is possible under both versions, so none is treated "
            "differently; check the ranges and `assume` lines"
        )

    differences: list[Difference] = []
    unknown: list[tuple[str, str]] = []
    answers: dict[str, Checked] = {}
    for o in outs:
        if z3.is_false(z3.simplify(cmp.differs(o))):
            ans: Checked = NotFound()
        else:
            ans = asker.ask(_differs(o), _differ_in(o.name), f"a difference in `{o.name}`")
        answers[o.name] = ans
        if isinstance(ans, Undecided):
            unknown.append((o.name, ans.reason))
        elif isinstance(ans, Shown):
            oo, no = ans.old, ans.new
            differences.append(
                Difference(
                    o.name,
                    ans.citizens[0],
                    oo.output(o.name),
                    no.output(o.name),
                    oo,
                    no,
                    asker.baseline(),
                    _trace(old, oo),
                    _trace(new, no),
                    bool(old.tiers or new.tiers),
                )
            )
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
    sanctions = tuple(
        _sanction_change(asker, o, answers[o.name]) for o in outs if o.kind == "sanction"
    )
    result = attrs.evolve(result, sanctions=sanctions)
    if tiers:
        rows, cols, moves = _transitions(asker, answers["tier"])
        result = attrs.evolve(result, transitions=moves, old_tiers=rows, new_tiers=cols)
    return result


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
