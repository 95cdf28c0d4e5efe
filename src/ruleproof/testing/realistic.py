"""Random rulesets shaped like real ones, at the sizes where the fast paths really run.

`realistic_rulesets(max_attributes=40, max_rules=200)` draws typed rulesets whose parts look like
the schemes and scorecards users write, so differential tests reach the fast paths, folded sums
and step functions at their real thresholds instead of patched-down ones:

- attributes of every type, int ranges from tiny to far beyond 2**64, negative-only ranges,
  real ranges with decimal ends, enums, bools; protected attributes and domains;
- score rules of four shapes: scorecard rules (`x OP k` with a constant add) concentrated on a
  few attributes (so that groups of eight or more rules on one attribute occur), conjunctions
  of two or three comparisons adding a constant or a linear term (`k * x`, `x // k`),
  `one_of` groups (the bins of one attribute, or a small tree over two), and arbitrary typed
  expressions; thresholds sit at range ends, one step inside and outside them, in the middle,
  and at 2**62..2**64 where the range reaches that far;
- a base and adds that are ints or decimals (a real score), and a clamp below, inside, above
  or across the reachable raw score, or none;
- tiers on score thresholds (with and without a catch-all), sanctions reading the tier, the
  score and attributes, actions setting attributes, appeals, defines and satisfiable assumes.

Every ruleset passes the typecheck; `Score.real` is set as the typecheck infers it.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.typecheck import with_score_type
from ruleproof.language.types import BOOL, INT, REAL, Type, of_attr_type
from ruleproof.semantics.evaluate import State, eval_expr
from ruleproof.semantics.intervals import Bounds
from ruleproof.testing.citizens import Scope, raw_citizens
from ruleproof.testing.exprs import decimals, expressions

_DOMAINS = [None, None, "finance", "transport", "social", "judicial"]
_BIG = [2**62, 2**63, 2**64, 10**19]


@st.composite
def _int_type(draw: st.DrawFn) -> M.IntType:
    kind = draw(st.sampled_from(["tiny", "small", "small", "medium", "large", "huge", "negative"]))
    if kind == "tiny":
        return M.IntType(0, draw(st.integers(1, 5)))
    if kind == "small":
        lo = draw(st.integers(-20, 10))
        return M.IntType(lo, lo + draw(st.integers(0, 40)))
    if kind == "medium":
        lo = draw(st.integers(-(10**4), 0))
        return M.IntType(lo, lo + draw(st.integers(1, 10**5)))
    if kind == "large":
        return M.IntType(-draw(st.integers(0, 10**9)), draw(st.integers(1, 10**9)))
    if kind == "huge":
        lo = draw(st.sampled_from([0, -(10**20), -(2**64)]))
        return M.IntType(lo, draw(st.sampled_from([10**20, 2**64 + 5, 10**30])))
    return M.IntType(-(10**25), -draw(st.integers(1, 10**19)))


@st.composite
def _attr_type(draw: st.DrawFn) -> M.AttrType:
    kind = draw(st.sampled_from(["bool", "int", "int", "int", "real", "enum"]))
    if kind == "bool":
        return M.BoolType()
    if kind == "int":
        return draw(_int_type())
    if kind == "real":
        lo = draw(decimals(-100, 100))
        return M.RealType(lo, lo + draw(decimals(0, 400)))
    return M.EnumType(tuple(f"v{i}" for i in range(draw(st.integers(2, 6)))))


def _thresholds(t: M.IntType | M.RealType) -> list[M.Num]:
    """Where conditions on an attribute of type `t` put their constants."""
    lo, hi = t.lo, t.hi
    mid: M.Num = (lo + hi) // 2 if isinstance(t, M.IntType) else Fraction(lo + hi) / 2
    points: list[M.Num] = [lo, hi, mid, lo + 1, hi - 1, lo - 1, hi + 1]
    points += [b for b in (*_BIG, *(-x for x in _BIG)) if lo - 2 <= b <= hi + 2]
    return points


@st.composite
def _atom(draw: st.DrawFn, a: M.Attribute) -> E.Expr:
    """A comparison of attribute `a` with a literal of its type (`x`/`not x` for a bool)."""
    x = E.Var(a.name)
    match a.type:
        case M.BoolType():
            return x if draw(st.booleans()) else E.Not(x)
        case M.EnumType(values):
            op: E.CmpOp = draw(st.sampled_from(["==", "==", "!="]))
            return E.Compare((op,), (x, E.EnumLit(draw(st.sampled_from(values)))))
        case M.IntType() | M.RealType():
            k = draw(st.sampled_from(_thresholds(a.type)))
            if draw(st.integers(0, 4)) == 0 and isinstance(a.type, M.IntType):
                k = draw(st.integers(a.type.lo - 1, a.type.hi + 1))
            lit: E.Expr = E.IntLit(k) if isinstance(k, int) else E.RealLit(Fraction(k))
            cmp: E.CmpOp = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
            if draw(st.integers(0, 3)) == 0:  # `k < x`: the flipped form
                return E.Compare((cmp,), (lit, x))
            return E.Compare((cmp,), (x, lit))
    raise AssertionError(a)


def _amount(draw: st.DrawFn, real: bool) -> E.Expr:
    if real and draw(st.booleans()):
        return E.RealLit(draw(decimals(-40, 40)))
    return E.IntLit(draw(st.integers(-50, 50)))


@st.composite
def _rule(
    draw: st.DrawFn,
    i: int,
    attrs: tuple[M.Attribute, ...],
    hot: list[M.Attribute],
    scope: Scope,
    real: bool,
) -> M.ScoreRule:
    shape = draw(st.sampled_from(["card", "card", "card", "conj", "group", "expr"]))
    rid = f"r{i}"
    if shape == "card":
        use_hot: bool = draw(st.integers(0, 4)) > 0
        a = draw(st.sampled_from(hot if hot and use_hot else list(attrs)))
        return M.ScoreRule(rid, draw(_atom(a)), _amount(draw, real), "", "")
    if shape == "conj":
        parts = [draw(_atom(draw(st.sampled_from(attrs)))) for _ in range(draw(st.integers(2, 3)))]
        ints = [a for a in attrs if isinstance(a.type, M.IntType)]
        add = _amount(draw, real)
        linear: bool = draw(st.booleans())
        if ints and linear:
            x = E.Var(draw(st.sampled_from(ints)).name)
            k = draw(st.integers(1, 5))
            add = (
                E.Arith("*", E.IntLit(draw(st.integers(-3, 3))), x)
                if k < 4
                else E.Arith("//", x, E.IntLit(k))
            )
        return M.ScoreRule(rid, E.And(tuple(parts)), add, "", "")
    if shape == "group":
        return draw(_group(rid, attrs, real))
    want: Type = REAL if real and draw(st.booleans()) else INT
    return M.ScoreRule(
        rid, draw(expressions(scope, BOOL, 2)), draw(expressions(scope, want, 2)), "", ""
    )


@st.composite
def _group(draw: st.DrawFn, rid: str, attrs: tuple[M.Attribute, ...], real: bool) -> M.ScoreRule:
    """Bins of one attribute (`x < t1`, `x < t2`, …, `True`) or a depth-two tree over two."""
    numeric = [a for a in attrs if isinstance(a.type, M.IntType | M.RealType)]
    conds: list[E.Expr] = []
    bins: bool = draw(st.booleans())
    if numeric and bins:
        a = draw(st.sampled_from(numeric))
        assert isinstance(a.type, M.IntType | M.RealType)
        cuts = sorted(
            set(draw(st.lists(st.sampled_from(_thresholds(a.type)), min_size=1, max_size=5)))
        )
        conds = [E.Compare(("<",), (E.Var(a.name), _lit(c))) for c in cuts]
    else:
        first, second = (
            draw(_atom(draw(st.sampled_from(attrs)))),
            draw(_atom(draw(st.sampled_from(attrs)))),
        )
        conds = [E.And((first, second)), first, E.And((E.Not(first), second))]
    if draw(st.booleans()):
        conds.append(E.BoolLit(True))
    cases = tuple(
        M.Case(f"{rid}-c{j}", c, _amount(draw, real), "", "") for j, c in enumerate(conds)
    )
    return M.group_rule(rid, cases)


def _lit(v: M.Num) -> E.Expr:
    return E.IntLit(v) if isinstance(v, int) else E.RealLit(Fraction(v))


def _clamp(draw: st.DrawFn, rs: M.Ruleset, real: bool) -> tuple[M.Num | None, M.Num | None]:
    """A score range below, inside, above or across the reachable raw score, or none."""
    lo, hi = Bounds(rs).raw_score()
    if lo is None or hi is None:
        return None, None
    kind = draw(st.sampled_from(["none", "inside", "below", "above", "across", "low", "high"]))
    width = max(hi - lo, 1)
    step = Fraction(width, 4) if real else max(width // 4, 1)
    match kind:
        case "inside":
            return lo + step, hi - step if hi - step >= lo + step else lo + step
        case "below":
            return lo - 3 * step, lo - step
        case "above":
            return hi + step, hi + 3 * step
        case "across":
            return lo - step, hi + step
        case "low":
            return lo + step, None
        case "high":
            return None, hi - step
    return None, None


@st.composite
def realistic_rulesets(
    draw: st.DrawFn, max_attributes: int = 40, max_rules: int = 200, actions: bool = True
) -> M.Ruleset:
    """Random rulesets shaped like real ones (see the module docstring)."""
    n = draw(st.integers(2, max_attributes))
    attrs = tuple(
        M.Attribute(
            f"a{i}",
            draw(_attr_type()),
            draw(st.sampled_from(["false", "false", "false", "true", "association"])),
            draw(st.sampled_from(_DOMAINS)),
        )
        for i in range(n)
    )
    scope: dict[str, Type] = {a.name: of_attr_type(a.type, f"`{a.name}`") for a in attrs}
    real = draw(st.booleans()) and draw(st.booleans())
    hot = list(
        draw(st.lists(st.sampled_from(attrs), min_size=1, max_size=3, unique_by=lambda a: a.name))
    )
    rules = tuple(
        draw(_rule(i, attrs, hot, scope, real)) for i in range(draw(st.integers(1, max_rules)))
    )
    base: M.Num = draw(decimals(-100, 100)) if real else draw(st.integers(-100, 100))
    bare = M.Ruleset("real", attrs, score=M.Score(base, rules))
    lo, hi = _clamp(draw, with_score_type(bare), real)
    score = M.Score(base, rules, lo, hi)
    scope["score"] = REAL if real else INT
    witness = draw(raw_citizens(bare))
    assumptions = _assumptions(draw, bare, scope, witness)
    tiers = _tiers(draw, with_score_type(M.Ruleset("t", attrs, score=score)))
    if tiers:
        scope["tier"] = of_attr_type(M.EnumType(tuple(t.id for t in tiers)), "`tier`")
    names = [f"act{i}" for i in range(draw(st.integers(0, 3)) if actions else 0)]
    sanctions = _sanctions(draw, attrs, tiers, score, names)
    for s in sanctions:
        scope[s.name] = BOOL
    acts = tuple(draw(_action(name, attrs, scope)) for name in names)
    rs = M.Ruleset(
        "realistic",
        attrs,
        assumptions=assumptions,
        score=score,
        tiers=tiers,
        sanctions=sanctions,
        actions=acts,
    )
    return with_score_type(rs)


def _assumptions(
    draw: st.DrawFn, rs: M.Ruleset, scope: Scope, witness: dict[str, M.Value]
) -> tuple[M.Assumption, ...]:
    out = []
    attr_scope = {k: v for k, v in scope.items() if rs.attribute_index.get(k) is not None}
    for i in range(draw(st.integers(0, 2))):
        e = draw(expressions(attr_scope, BOOL, 1))
        if not eval_expr(e, State(rs, witness).lookup):
            e = E.Not(e)
        out.append(M.Assumption(e, "", i + 1))
    return tuple(out)


def _tiers(draw: st.DrawFn, rs: M.Ruleset) -> tuple[M.Tier, ...]:
    """Tiers on score thresholds spread over the reachable score (maybe with a catch-all)."""
    lo, hi = Bounds(rs).score()
    if lo is None or hi is None:
        return ()
    picks = draw(st.lists(st.integers(0, 5), max_size=4))
    cuts = sorted({_whole(lo + (hi - lo) * Fraction(k, 5)) for k in picks}, reverse=True)
    tiers = [
        M.Tier(f"T{i}", E.Compare((">=",), (E.Var("score"), _lit(c))), "")
        for i, c in enumerate(cuts)
    ]
    catch_all: bool = draw(st.booleans())
    if tiers and catch_all:
        tiers.append(M.Tier("rest", E.BoolLit(True), "True"))
    return tuple(tiers)


def _whole(v: M.Num) -> M.Num:
    return int(v) if isinstance(v, Fraction) and v.denominator == 1 else v


def _sanctions(
    draw: st.DrawFn,
    attrs: tuple[M.Attribute, ...],
    tiers: tuple[M.Tier, ...],
    score: M.Score,
    actions: list[str],
) -> tuple[M.Sanction, ...]:
    out = []
    for i in range(draw(st.integers(0, 3))):
        parts: list[E.Expr] = [draw(_atom(draw(st.sampled_from(attrs))))]
        on_tier: bool = draw(st.booleans())
        if tiers and on_tier:
            parts.append(
                E.Compare(("==",), (E.Var("tier"), E.EnumLit(draw(st.sampled_from(tiers)).id)))
            )
        elif draw(st.booleans()):
            parts.append(E.Compare(("<",), (E.Var("score"), _lit(score.base))))
        when = E.And(tuple(parts)) if len(parts) > 1 else parts[0]
        if draw(st.booleans()):
            when = E.Or((when, draw(_atom(draw(st.sampled_from(attrs))))))
        appeal = (
            tuple(draw(st.lists(st.sampled_from(actions), unique=True, max_size=2)))
            if actions
            else ()
        )
        out.append(M.Sanction(f"s{i}", when, "", draw(st.sampled_from(_DOMAINS)), appeal))
    return tuple(out)


@st.composite
def _action(draw: st.DrawFn, name: str, attrs: tuple[M.Attribute, ...], scope: Scope) -> M.Action:
    targets = draw(
        st.lists(st.sampled_from(attrs), unique_by=lambda a: a.name, min_size=1, max_size=2)
    )
    sets = []
    for a in targets:
        value: E.Expr
        match a.type:
            case M.BoolType():
                value = E.BoolLit(draw(st.booleans()))
            case M.EnumType(values):
                value = E.EnumLit(draw(st.sampled_from(values)))
            case M.IntType(lo, _) | M.RealType(lo, _):
                value = (
                    E.Arith("+", E.Var(a.name), E.IntLit(1)) if draw(st.booleans()) else _lit(lo)
                )
        sets.append(M.Assignment(a.name, value, ""))
    when = draw(_atom(draw(st.sampled_from(attrs)))) if draw(st.booleans()) else E.BoolLit(True)
    return M.Action(name, draw(st.sampled_from(M.ACTOR_KINDS)), when, "", (), tuple(sets))
