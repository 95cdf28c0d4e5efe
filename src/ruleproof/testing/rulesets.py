"""Random well-typed rulesets of a few attributes and rules, covering every part of the IR."""

from __future__ import annotations

from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.typecheck import Scope as TypeScope
from ruleproof.language.typecheck import with_score_type
from ruleproof.language.types import BOOL, INT, REAL, EnumT, Type, of_attr_type
from ruleproof.semantics.evaluate import State, eval_expr
from ruleproof.testing.citizens import Scope, raw_citizens
from ruleproof.testing.exprs import decimals, expressions

_DOMAINS = [None, None, "finance", "transport", "social"]


@st.composite
def _attr_type(draw: st.DrawFn) -> M.AttrType:
    kind = draw(st.sampled_from(["bool", "int", "int", "real", "enum"]))
    if kind == "bool":
        return M.BoolType()
    if kind == "int":
        lo = draw(st.integers(-10, 10))
        return M.IntType(lo, lo + draw(st.integers(0, 20)))
    if kind == "real":
        lo_r = draw(decimals(-20, 20))
        return M.RealType(lo_r, lo_r + draw(decimals(0, 40)))
    n = draw(st.integers(1, 4))
    return M.EnumType(tuple(f"v{i}" for i in range(n)))


@st.composite
def rulesets(
    draw: st.DrawFn,
    max_attributes: int = 4,
    max_rules: int = 4,
    max_depth: int = 2,
    actions: bool = True,
) -> M.Ruleset:
    """Random well-typed rulesets (see the module docstring); sizes bounded by the arguments."""
    n_attrs = draw(st.integers(1, max_attributes))
    attributes = tuple(
        M.Attribute(
            f"a{i}",
            draw(_attr_type()),
            draw(st.sampled_from(["false", "false", "true", "association"])),
            draw(st.sampled_from(_DOMAINS)),
            draw(st.sampled_from(["fixed", "time"])),
        )
        for i in range(n_attrs)
    )
    scope: dict[str, Type] = {a.name: of_attr_type(a.type, f"`{a.name}`") for a in attributes}

    defines: list[M.Define] = []
    for i in range(draw(st.integers(0, 3))):
        e = draw(expressions(scope, draw(st.sampled_from([BOOL, INT, REAL])), max_depth))
        defines.append(M.Define(f"d{i}", e, ""))
        # A REAL slot may hold an int expression: record the type the typecheck infers.
        scope.update(_define_types(attributes, defines))

    base = M.Ruleset("r", attributes, defines=tuple(defines))
    witness = draw(raw_citizens(base))
    assumptions: list[M.Assumption] = []
    for i in range(draw(st.integers(0, 2))):
        e = draw(expressions(scope, BOOL, max_depth))
        if not eval_expr(e, State(base, witness).lookup):
            e = E.Not(e)
        assumptions.append(M.Assumption(e, "", i + 1))

    score = None
    if draw(st.booleans()) or draw(st.booleans()):
        real: bool = draw(st.integers(0, 3)) == 0
        adds: Type = REAL if real else INT
        rules = tuple(
            draw(_score_rule(f"r{i}", scope, adds, max_depth))
            for i in range(draw(st.integers(0, max_rules)))
        )
        lo: M.Num | None = None
        hi: M.Num | None = None
        if draw(st.booleans()):
            lo = draw(st.integers(-60, 30))
            hi = lo + draw(st.integers(0, 60))
        start: M.Num = draw(decimals(-30, 30)) if real else draw(st.integers(-30, 30))
        score = M.Score(start, rules, lo, hi)
        scope["score"] = REAL if real else INT

    tiers: list[M.Tier] = []
    for i in range(draw(st.integers(0, 3))):
        tiers.append(M.Tier(f"T{i}", draw(expressions(scope, BOOL, max_depth)), ""))
    catch_all: bool = draw(st.booleans())
    if tiers and catch_all:
        tiers.append(M.Tier("rest", E.BoolLit(True), "True"))
    if tiers:
        scope["tier"] = EnumT(tuple(t.id for t in tiers), "`tier`")

    n_actions = draw(st.integers(0, 3)) if actions else 0
    action_names = [f"act{i}" for i in range(n_actions)]
    sanctions: list[M.Sanction] = []
    for i in range(draw(st.integers(0, 3))):
        when = draw(expressions(scope, BOOL, max_depth))
        appeal: tuple[str, ...] = ()
        if action_names:
            appeal = tuple(draw(st.lists(st.sampled_from(action_names), unique=True, max_size=2)))
        sanctions.append(M.Sanction(f"s{i}", when, "", draw(st.sampled_from(_DOMAINS)), appeal))
        scope[f"s{i}"] = BOOL
    scope["sanctioned"] = BOOL

    acts: list[M.Action] = []
    for name in action_names:
        params = tuple(M.Param(f"p{j}", draw(_attr_type())) for j in range(draw(st.integers(0, 2))))
        inner = {**scope, **{p.name: of_attr_type(p.type, f"`{p.name}`") for p in params}}
        targets = draw(
            st.lists(
                st.sampled_from(attributes), unique_by=lambda a: a.name, max_size=min(2, n_attrs)
            )
        )
        sets = tuple(M.Assignment(a.name, draw(_setter(inner, a, max_depth)), "") for a in targets)
        acts.append(
            M.Action(
                name,
                draw(st.sampled_from(M.ACTOR_KINDS)),
                draw(expressions(inner, BOOL, max_depth)),
                "",
                params,
                sets,
            )
        )
    return with_score_type(
        M.Ruleset(
            "random",
            attributes,
            assumptions=tuple(assumptions),
            defines=tuple(draw(st.permutations(defines))),
            score=score,
            tiers=tuple(tiers),
            sanctions=tuple(sanctions),
            actions=tuple(acts),
        )
    )


@st.composite
def _score_rule(draw: st.DrawFn, rid: str, scope: Scope, adds: Type, depth: int) -> M.ScoreRule:
    """A rule, or now and then a `one_of` group of one to three cases."""
    if draw(st.integers(0, 4)):
        when, add = draw(expressions(scope, BOOL, depth)), draw(expressions(scope, adds, depth))
        return M.ScoreRule(rid, when, add, "", "")
    cases = tuple(
        M.Case(
            f"{rid}-{j}",
            draw(expressions(scope, BOOL, depth)),
            draw(expressions(scope, adds, depth)),
            "",
            "",
        )
        for j in range(draw(st.integers(1, 3)))
    )
    return M.group_rule(rid, cases)


def _setter(scope: Scope, attr: M.Attribute, depth: int) -> st.SearchStrategy[E.Expr]:
    return expressions(scope, of_attr_type(attr.type, f"`{attr.name}`"), depth)


def _define_types(attributes: tuple[M.Attribute, ...], defines: list[M.Define]) -> dict[str, Type]:

    probe = M.Ruleset("probe", attributes, defines=tuple(defines))
    scope = TypeScope(probe, [])
    out: dict[str, Type] = {}
    for d in defines:
        t = scope.resolve(E.Var(d.name))
        if t is not None:
            out[d.name] = t
    return out
