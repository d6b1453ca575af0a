"""Programmes as compiled rules: the SQL form for whole-population runs and the per-person form
with reasons. Both read the same parsed rules (rules.parsed), so they cannot drift apart."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Round
from django.utils.translation import gettext as _

from carecircle.benefits import facts as facts_mod
from carecircle.benefits import rules
from carecircle.benefits.models import Appeal, Period, Programme, TierMode
from carecircle.core import regions
from carecircle.core.errors import InvalidInput
from carecircle.registry.models import EXIT_STATUSES, Person, StatusKind

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
CENTS = IntegerField()  # SQL amounts are whole fen: exact on SQLite and PostgreSQL alike


def cents(amount: Decimal) -> Value:
    return Value(int((amount * 100).to_integral_value()), output_field=CENTS)


CENT = Decimal("0.01")


def month_start(month: str) -> datetime.date:
    """'2026-11' -> 2026-11-01, refusing anything else."""
    try:
        year, mon = month.split("-")
        if len(year) != 4 or len(mon) != 2:
            raise ValueError
        return datetime.date(int(year), int(mon), 1)
    except (ValueError, AttributeError):
        raise InvalidInput(_("月份格式应为 YYYY-MM：%(m)s") % {"m": month}, field="month") from None


def month_of(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, n: int) -> str:
    d = month_start(month)
    total = d.year * 12 + d.month - 1 + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def period_key(programme: Programme, day: datetime.date) -> str:
    if programme.period == Period.MONTHLY:
        return month_of(day)
    if programme.period == Period.YEARLY:
        return f"{day.year:04d}"
    return "once"


def in_force(programme: Programme, day: datetime.date) -> bool:
    return (
        programme.active
        and programme.valid_from <= day
        and (programme.valid_to is None or programme.valid_to >= day)
    )


def active_q(day: datetime.date) -> Q:
    """Persons neither dead nor moved away on `day` (payments stop the month after)."""
    gone = facts_mod.held_on(day).filter(kind__in=list(EXIT_STATUSES))
    return ~Q(pk__in=gone.values("person_id"))


class Compiled:
    """A programme's target rule and tiers compiled for one as-of day."""

    def __init__(self, programme: Programme, day: datetime.date):
        self.programme, self.day = programme, day
        self.ctx = rules.SqlContext(day)
        self.target_q = rules.to_q(rules.parsed(programme.target_rule), self.ctx)
        tiers = list(programme.tiers.all())
        self.amount = self._amount(programme, tiers)

    def _amount(self, programme, tiers):
        conds = [
            (rules.to_q(rules.parsed(t.condition), self.ctx) if t.condition.strip() else None, t)
            for t in tiers
        ]
        if programme.tier_mode == TierMode.SUM:
            total = Value(0, output_field=CENTS)
            for q, t in conds:
                amount = cents(t.amount)
                total = total + (
                    amount if q is None else Case(When(q, then=amount), default=Value(0), output_field=CENTS)
                )
        else:
            whens, default = [], Value(None, output_field=CENTS)
            for q, t in conds:
                amount = cents(t.amount)
                if q is None:
                    default = amount
                    break
                whens.append(When(q, then=amount))
            total = Case(*whens, default=default, output_field=CENTS) if whens else default
        if programme.cap is not None:
            total = Least(total, cents(programme.cap))
        return total

    def annotate(
        self, qs: "QuerySet[Person]"
    ) -> "QuerySet[Any]":  # the facts as columns: annotated further by callers
        return facts_mod.annotate(qs, self.ctx)

    def due_cents(self, *, with_appeals: bool = True, targeted: bool = False):
        """The amount due for the period in fen, as an expression (0 when not eligible).

        `targeted`: the rows are already filtered by the target rule (the payroll's main
        statement), so it is not evaluated a second time per row. `with_appeals` False: the
        caller knows there is no granted appeal for the period."""
        eligible = active_q(self.day) if targeted else self.target_q & active_q(self.day)
        rule = Coalesce(
            Case(When(eligible, then=self.amount), default=Value(0), output_field=CENTS),
            Value(0),
            output_field=CENTS,
        )
        if not with_appeals:
            return rule
        granted = (
            granted_appeals(self.programme, self.day).filter(person_id=OuterRef("pk")).order_by("-decided_at")
        )
        override = Subquery(granted.values("grant_cents")[:1], output_field=CENTS)
        appealed = Q(pk__in=granted_appeals(self.programme, self.day).values("person_id"))
        return Case(
            When(appealed & active_q(self.day), then=override),
            When(appealed, then=Value(0)),
            default=rule,
            output_field=CENTS,
        )


def granted_appeals(programme: Programme, day: datetime.date):
    return (
        Appeal.objects.annotate(
            grant_cents=ExpressionWrapper(Round(F("grant_amount") * 100), output_field=CENTS)
        )
        .filter(programme=programme, state=Appeal.State.GRANTED, grant_from__lte=day)
        .filter(Q(grant_to__isnull=True) | Q(grant_to__gte=day))
    )


# ---------------------------------------------------------------- one person, with reasons


def evaluate_person(programme: Programme, person, day: datetime.date, facts=None, sources=None) -> dict:
    if facts is None:
        facts, sources = facts_mod.person_facts(person, day)
    trace: list = []
    reasons: list[str] = []
    target = bool(rules.evaluate(rules.parsed(programme.target_rule), facts, trace))
    for t in trace:
        t["part"] = _("对象条件")
    gone = [s for s in facts["statuses"] if s in {k.value for k in EXIT_STATUSES}]
    if gone:
        reasons.append(_("已%(s)s，自次月起停发") % {"s": "、".join(str(StatusKind(k).label) for k in gone)})
    amount, tier_label = _tier_amount(programme, facts, trace) if target else (None, "")
    eligible = target and not gone and amount is not None and amount > 0
    if not target:
        reasons.append(_("不符合对象条件"))
    elif amount is None:
        reasons.append(_("没有符合的金额档位"))
    override = (
        granted_appeals(programme, day).filter(person=person).order_by("-decided_at").first()
        if getattr(person, "pk", None)
        else None
    )
    if override is not None and not gone:
        eligible, amount = override.grant_amount > 0, override.grant_amount
        reasons.append(_("申诉#%(id)d 已准予：%(r)s") % {"id": override.pk, "r": override.decision_reason})
    if eligible and not reasons:
        reasons.append(_("符合条件，按“%(t)s”档发放") % {"t": tier_label})
    shown_facts = facts_mod.shown(facts, person, day)
    return {
        "programme_code": programme.code,
        "name": programme.name,
        "eligible": eligible,
        "amount": (amount or Decimal("0")).quantize(CENT) if eligible else Decimal("0.00"),
        "period": programme.period,
        "period_key": period_key(programme, day),
        "payment_method": programme.payment_method,
        "tier": tier_label,
        "trace": [{**t, "facts": facts_mod.shown(t["facts"], person, day)} for t in trace],
        "reasons": reasons,
        "facts": {
            k: {"label": rules.FACT_LABELS[k], "value": shown_facts[k], "source": (sources or {}).get(k, "")}
            for k in sorted(set().union(*(set(t["facts"]) for t in trace)) if trace else [])
        },
    }


def _tier_amount(programme: Programme, facts: dict, trace: list):
    tiers = list(programme.tiers.all())
    if programme.tier_mode == TierMode.SUM:
        total, labels = Decimal("0"), []
        for t in tiers:
            if not t.condition.strip() or _tier_holds(t, facts, trace):
                total += t.amount
                labels.append(t.label)
        if programme.cap is not None and total > programme.cap:
            total = programme.cap
            labels.append(_("封顶"))
        return total, "+".join(labels)
    for t in tiers:
        if not t.condition.strip() or _tier_holds(t, facts, trace):
            amount = t.amount if programme.cap is None else min(t.amount, programme.cap)
            return amount, t.label
    return None, ""


def _tier_holds(tier, facts: dict, trace: list) -> bool:
    part: list = []
    holds = bool(rules.evaluate(rules.parsed(tier.condition), facts, part))
    trace.extend({**t, "part": _("档位：%(l)s") % {"l": tier.label}} for t in part)
    return holds


def programmes_in_force(day: datetime.date, region_code: str = ""):
    qs = (
        Programme.objects.filter(active=True, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .prefetch_related("tiers")
        .select_related("fund")
    )
    return [
        p
        for p in qs
        if not region_code
        or regions.contains(p.region_code, region_code)
        or regions.contains(region_code, p.region_code)
    ]


def person_eligibility(person, day: datetime.date) -> list[dict]:
    """Every programme in force for the person's region on `day`, with amount and reasons."""
    facts, sources = facts_mod.person_facts(person, day)
    rows = [
        evaluate_person(p, person, day, facts, sources) for p in programmes_in_force(day, person.region_code)
    ]
    return sorted(rows, key=lambda r: not r["eligible"])  # what they get first
