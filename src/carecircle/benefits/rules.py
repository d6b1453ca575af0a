"""CEL rules over a person's facts as of a date, parsed once with cel-python and run two ways.

`parse(text)` uses celpy's parser (the maintained CEL grammar) and turns its syntax tree into a
small checked tree of our own; a rule naming an unknown fact or using a construct we cannot
compile to SQL is refused here with its line and column. The same tree then
- compiles to a Django `Q` over Person (`to_q`) for whole-population runs, and
- evaluates on one person's facts (`evaluate`) with a trace of every condition and the facts it read.

Facts (as of a day): age (int), sex ("M"/"F"), region (12-digit code), statuses (list of status
kinds held that day, e.g. "dibao"), capability_level (0–4, or null when never assessed),
household_size (members of the person's household, 1 without one).

Logic is two-valued: a comparison involving null is false (in SQL every such comparison is guarded
by IS NOT NULL), so `!` and `||` mean the same thing in both runs. The property test in
tests/benefits keeps the two runs in agreement.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q, Value
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
)
from django.utils.translation import gettext as _

from carecircle.benefits import facts as facts_mod
from carecircle.benefits.rule_syntax import (
    FACT_LABELS,
    FACTS,
    Node,
    RuleError,
    facts_used,
    parse,
    parsed,
)
from carecircle.core.ages import years_before

# ---------------------------------------------------------------- evaluation with a trace


def evaluate(node: Node, facts: dict, trace: list | None = None):
    """Evaluate on one person's facts; leaf conditions (and what they read) go into `trace`."""
    op = node.op
    if op == "lit":
        return node.value
    if op == "fact":
        return facts.get(node.value)
    if op == "list":
        return [a.value for a in node.args]
    if op in ("and", "or"):
        # Evaluate both sides so the trace explains every condition, not just the first that decided.
        a, b = evaluate(node.args[0], facts, trace), evaluate(node.args[1], facts, trace)
        return (a and b) if op == "and" else (a or b)
    if op == "not":
        return not evaluate(node.args[0], facts, trace)
    if op == "cond":
        c = evaluate(node.args[0], facts, trace)
        return evaluate(node.args[1] if c else node.args[2], facts, trace)
    if op in ("add", "sub", "mul"):
        a, b = evaluate(node.args[0], facts), evaluate(node.args[1], facts)
        if a is None or b is None:
            return None
        return a + b if op == "add" else a - b if op == "sub" else a * b
    if op == "neg":
        a = evaluate(node.args[0], facts)
        return None if a is None else -a
    if op == "size":
        return len(evaluate(node.args[0], facts) or [])
    result = _leaf(node, facts)
    if trace is not None:
        used = sorted(facts_used(node))
        trace.append(
            {"condition": node.text, "result": bool(result), "facts": {k: facts.get(k) for k in used}}
        )
    return result


CMP = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}


def _leaf(node: Node, facts: dict) -> bool:
    op = node.op
    if op == "cmp":
        a, b = evaluate(node.args[0], facts), evaluate(node.args[1], facts)
        if a is None or b is None:
            return False
        return CMP[node.value](a, b)
    if op == "has_status":
        return node.args[0].value in (facts.get("statuses") or ())
    if op == "in":
        a = evaluate(node.args[0], facts)
        return a is not None and a in [x.value for x in node.args[1].args]
    if op in ("startsWith", "endsWith", "contains"):
        a = evaluate(node.args[0], facts) or ""
        lit = node.args[1].value
        return a.startswith(lit) if op == "startsWith" else a.endswith(lit) if op == "endsWith" else lit in a
    if op == "isnull":
        return evaluate(node.args[0], facts) is None
    if op == "notnull":
        return evaluate(node.args[0], facts) is not None
    raise RuleError(_("不支持的写法"))


# ---------------------------------------------------------------- compiling to SQL


class SqlContext:
    """What a compiled rule needs: the as-of day and the annotation names of the facts."""

    def __init__(self, day: datetime.date):
        self.day = day
        self.needed: set[str] = set()

    def fact(self, name: str):
        self.needed.add(name)
        return F(FACT_FIELDS[name])


FACT_FIELDS = {
    "age": "f_age",
    "sex": "sex",
    "region": "region_code",
    "statuses": "f_statuses",
    "capability_level": "f_capability_level",
    "household_size": "f_household_size",
}

LOOKUPS = {"lt": LessThan, "le": LessThanOrEqual, "gt": GreaterThan, "ge": GreaterThanOrEqual, "eq": Exact}
FLIP = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def to_q(node: Node, ctx: SqlContext) -> Q:
    op = node.op
    if op == "lit":
        return Q(pk__isnull=False) if node.value else Q(pk__isnull=True)
    if op == "and":
        return to_q(node.args[0], ctx) & to_q(node.args[1], ctx)
    if op == "or":
        return _or_q(node, ctx)
    if op == "not":
        return ~to_q(node.args[0], ctx)
    if op == "cond":
        c = to_q(node.args[0], ctx)
        return (c & to_q(node.args[1], ctx)) | (~c & to_q(node.args[2], ctx))
    if op == "has_status":
        return _held_q([node.args[0].value], ctx)
    if op == "in":
        a = node.args[0]
        values = [x.value for x in node.args[1].args]
        if not values:
            return Q(pk__isnull=True)
        if _is_fact(a, "age"):
            q = Q(pk__isnull=True)
            for v in values:
                q |= _age_q("eq", v, ctx)
            return q
        if _is_fact(a, "capability_level"):
            return _level_q("in", values, ctx)
        return _guard(a, ctx) & Q(_In(expr(a, ctx), values))
    if op in ("startsWith", "endsWith", "contains"):
        lookup = {"startsWith": "startswith", "endsWith": "endswith", "contains": "contains"}[op]
        ctx.needed.add(node.args[0].value)
        return Q(**{f"{FACT_FIELDS[node.args[0].value]}__{lookup}": node.args[1].value})
    if op == "isnull":
        return Q(IsNull(expr(node.args[0], ctx), True))
    if op == "notnull":
        return Q(IsNull(expr(node.args[0], ctx), False))
    if op == "cmp":
        a, b = node.args
        cmp = node.value
        if a.op == "lit" and b.op == "fact":  # `80 <= age` is `age >= 80`
            a, b, cmp = b, a, FLIP[cmp]
        # age compared with a constant becomes a birth_date range: exact, and uses the index.
        if _is_fact(a, "age") and b.op == "lit":
            return _age_q(cmp, b.value, ctx)
        if _is_fact(a, "capability_level") and b.op == "lit":
            return _level_q(cmp, [b.value], ctx)
        la, lb = expr(a, ctx), expr(b, ctx)
        guard = _guard(a, ctx) & _guard(b, ctx)
        if cmp == "ne":
            return guard & ~Q(Exact(la, lb))
        return guard & Q(LOOKUPS[cmp](la, lb))
    raise RuleError(_("不支持的写法"))


def _or_terms(node: Node) -> list[Node]:
    if node.op != "or":
        return [node]
    return _or_terms(node.args[0]) + _or_terms(node.args[1])


def _or_q(node: Node, ctx: SqlContext) -> Q:
    """`a || b || …`, with every `"kind" in statuses` among the terms folded into ONE look-up of the
    status table (kind IN (…)): one hash probe per person instead of one per status, and an AND
    of it with other conditions is a plain semi-join that the planner can drive from the few
    status rows instead of probing everyone (the poverty programmes' rules)."""
    terms = _or_terms(node)
    kinds = [t.args[0].value for t in terms if t.op == "has_status"]
    # The look-up last: the planners keep the order of OR-ed conditions, and a date comparison
    # that already holds (age >= 80) spares the hash probe.
    parts = [to_q(t, ctx) for t in terms if t.op != "has_status"] + ([_held_q(kinds, ctx)] if kinds else [])
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _held_q(kinds: list[str], ctx: SqlContext) -> Q:
    """Persons holding any of `kinds` on the as-of day."""
    return Q(pk__in=facts_mod.held_on(ctx.day).filter(kind__in=sorted(set(kinds))).values("person_id"))


def _is_fact(node: Node, name: str) -> bool:
    return node.op == "fact" and node.value == name


LEVEL_LOOKUPS = {"lt": "lt", "le": "lte", "gt": "gt", "ge": "gte", "eq": "exact", "in": "in"}


def _level_q(cmp: str, values: list, ctx: SqlContext) -> Q:
    """`capability_level <cmp> constant` as membership of the persons whose current assessment
    satisfies it: one semi-join with the (few) assessments instead of the level sub-select run
    for every person. A person without a valid assessment is in no such set, as a comparison
    with null is false; without the assessment module the level is null for everyone."""
    levels = facts_mod.current_levels(ctx.day)
    if levels is None:
        return Q(pk__isnull=True)
    if cmp == "ne":
        matching = levels.exclude(final_level=values[0])
    else:
        matching = levels.filter(
            **{f"final_level__{LEVEL_LOOKUPS[cmp]}": values if cmp == "in" else values[0]}
        )
    return Q(pk__in=matching.values("person_id"))


def _guard(node: Node, ctx: SqlContext) -> Q:
    if not node.nullable or node.op == "lit":
        return Q()
    return Q(IsNull(expr(node, ctx), False))


def _age_q(cmp: str, n: int, ctx: SqlContext) -> Q:
    day = ctx.day
    if cmp == "ge":
        return Q(birth_date__lte=years_before(day, n))
    if cmp == "gt":
        return Q(birth_date__lte=years_before(day, n + 1))
    if cmp == "lt":
        return Q(birth_date__gt=years_before(day, n))
    if cmp == "le":
        return Q(birth_date__gt=years_before(day, n + 1))
    if cmp == "eq":
        return Q(birth_date__lte=years_before(day, n)) & Q(birth_date__gt=years_before(day, n + 1))
    return ~(Q(birth_date__lte=years_before(day, n)) & Q(birth_date__gt=years_before(day, n + 1)))


def expr(node: Node, ctx: SqlContext):
    op = node.op
    if op == "lit":
        return Value(node.value)
    if op == "fact":
        return ctx.fact(node.value)
    if op == "add":
        return expr(node.args[0], ctx) + expr(node.args[1], ctx)
    if op == "sub":
        return expr(node.args[0], ctx) - expr(node.args[1], ctx)
    if op == "mul":
        return expr(node.args[0], ctx) * expr(node.args[1], ctx)
    if op == "neg":
        return Value(0) - expr(node.args[0], ctx)
    if op == "size":
        ctx.needed.add("statuses_count")
        return F("f_statuses_count")
    raise RuleError(_("此处不能使用条件"))


from django.db.models.lookups import In as _DjangoIn  # noqa: E402


class _In(_DjangoIn):
    """`x in [..]` on an expression (Django's In lookup, usable as a condition)."""


__all__ = [
    "FACTS",
    "FACT_LABELS",
    "Node",
    "RuleError",
    "SqlContext",
    "evaluate",
    "facts_used",
    "parse",
    "parsed",
    "to_q",
    "years_before",
]
