"""LTC care plans and the month's settlement (re-exported by services.py). A plan for a person with a
delivered level generates home-care orders through homecare.services.order_create (idempotent per
plan and day); the month's settlement per provider counts the plan's verified visits (served or
completed, no open or rejected exception, no open complaint) against each person's entitlement,
splits them into the LTC fund's share and the co-payment, holds back the visits in dispute, and posts
the fund's share to the funds ledger once (benefits.services.ledger_spend, idempotent by reference).
Entitlements are the city's table (LtcEntitlement)."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.careathome.models.ltc import (
    LtcAssessment,
    LtcCarePlan,
    LtcEntitlement,
    LtcPlanOrder,
    LtcSettlement,
    LtcStatus,
)
from carecircle.careathome.selectors import city_of
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.months import month_bounds
from carecircle.core.types import Actor, signed_in
from carecircle.homecare import selectors as homecare_selectors
from carecircle.homecare import services as homecare_services

CENT = Decimal("0.01")
VERIFIED = ("served", "completed")  # homecare's order statuses of a visit done and checked out


def ltc_entitlement(region_code: str, level: int) -> LtcEntitlement:
    found = LtcEntitlement.objects.filter(city_code=city_of(region_code), level=level).first()
    if found is None:
        raise Conflict(
            _(
                "本市尚未录入长期护理%(lv)s的待遇标准（每月服务时长、基金支付比例），请市级管理员按本市文件录入"
            )
            % {"lv": LEVEL_NAMES[level]}
        )
    return found


@transaction.atomic
def ltc_entitlement_load(
    *,
    actor: Actor,
    region_code: str,
    source: str,
    ledger_programme: str,
    rows: list[dict[str, int]],
    request: HttpRequest | None = None,
) -> int:
    """The city's entitlements by level, replacing the last; checked whole before anything is saved."""
    city = city_of(region_code)
    scope.require(actor, "ltc.manage", city)
    if not (source or "").strip():
        raise InvalidInput(_("请填写依据文件"), field="source")
    if not (ledger_programme or "").strip():
        raise InvalidInput(_("请填写基金入账的项目代码"), field="ledger_programme")
    seen: set[int] = set()
    for n, row in enumerate(rows, start=1):
        level, hours, pct = row.get("level"), row.get("hours_per_month"), row.get("fund_percent")
        if not isinstance(level, int) or not 1 <= level <= 5 or level in seen:
            raise InvalidInput(_("第%(n)d行：失能等级应为1至5级且不重复") % {"n": n}, field="rows")
        if not isinstance(hours, int) or not 0 < hours <= 744:
            raise InvalidInput(_("第%(n)d行：每月服务时长应为1至744小时") % {"n": n}, field="rows")
        if not isinstance(pct, int) or not 0 <= pct <= 100:
            raise InvalidInput(_("第%(n)d行：基金支付比例应为0至100") % {"n": n}, field="rows")
        seen.add(level)
    LtcEntitlement.objects.filter(city_code=city).delete()
    LtcEntitlement.objects.bulk_create(
        [
            LtcEntitlement(
                city_code=city,
                level=row["level"],
                hours_per_month=row["hours_per_month"],
                fund_percent=row["fund_percent"],
                ledger_programme=ledger_programme.strip(),
                source=source.strip(),
            )
            for row in rows
        ]
    )
    audit.record(
        actor=actor, action=AuditAction.LTC_RULES_LOAD, region_code=city, request=request, rows=len(rows)
    )
    return len(rows)


def _days(plan: LtcCarePlan, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    out, day = [], max(start, plan.valid_from)
    while day <= min(end, plan.valid_to):
        if str(day.isoweekday()) in plan.weekdays:
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


@transaction.atomic
def ltc_plan_create(
    *,
    actor: Actor,
    assessment: LtcAssessment,
    provider: Any,
    item: Any,
    weekdays: str,
    start_time: datetime.time,
    valid_from: datetime.date,
    valid_to: datetime.date,
    request: HttpRequest | None = None,
) -> LtcCarePlan:
    """A plan within the level's entitlement: its busiest month (every weekday five times) may not
    ask for more hours than the level gives."""
    scope.require(actor, "ltc.apply", assessment.region_code)
    if assessment.status != LtcStatus.DELIVERED or assessment.level is None or assessment.valid_until is None:
        raise Conflict(_("评估结果送达后方可制定照护计划"))
    if assessment.level == 0:
        raise Conflict(_("评估结果为基本正常，不享受长期护理待遇"))
    if valid_to < valid_from:
        raise InvalidInput(_("终止日期不能早于起始日期"), field="valid_to")
    if valid_to > assessment.valid_until:
        raise InvalidInput(
            _("计划不能超出评估结果有效期（%(d)s）") % {"d": assessment.valid_until.isoformat()},
            field="valid_to",
        )
    days = "".join(sorted(set(str(weekdays or "").replace(",", "").replace(" ", ""))))
    if not days or not set(days) <= set("1234567"):
        raise InvalidInput(_("服务日应为1-7的数字（周一为1）"), field="weekdays")
    if not homecare_selectors.serves(provider, assessment.region_code):
        raise InvalidInput(_("该机构不在此社区提供服务"), field="provider")
    if homecare_selectors.provider_price(provider, item, valid_from) is None:
        raise InvalidInput(_("该机构未提供此项目的价格"), field="item")
    ent = ltc_entitlement(assessment.region_code, assessment.level)
    busiest = Decimal(len(days) * 5 * item.duration_minutes) / 60
    if busiest > ent.hours_per_month:
        raise InvalidInput(
            _("计划每月最多需%(h)s小时，超过%(lv)s每月%(cap)d小时的待遇")
            % {
                "h": busiest.quantize(Decimal("0.1")),
                "lv": LEVEL_NAMES[assessment.level],
                "cap": ent.hours_per_month,
            },
            field="weekdays",
        )
    plan = LtcCarePlan.objects.create(
        assessment=assessment,
        person=assessment.person,
        region_code=assessment.region_code,
        provider=provider,
        item=item,
        weekdays=days,
        start_time=start_time,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor if signed_in(actor) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.LTC_PLAN_CREATE,
        obj=plan,
        region_code=plan.region_code,
        request=request,
    )
    return plan


@transaction.atomic
def ltc_plan_generate(
    *, actor: Actor, plan: LtcCarePlan, until: datetime.date, request: HttpRequest | None = None
) -> int:
    """Orders for the plan's days from today to `until`, through homecare's order_create (its
    idempotency key names the plan and the day, so a second run adds nothing). Returns how many
    orders are new."""
    scope.require(actor, "ltc.apply", plan.region_code)
    today = timezone.localdate()
    have = set(plan.orders.values_list("day", flat=True))
    tz = timezone.get_current_timezone()
    made = 0
    for day in _days(plan, today + datetime.timedelta(days=1), until):
        if day in have:
            continue
        order = homecare_services.order_create(
            actor=actor,
            person=plan.person,
            item=plan.item,
            provider=plan.provider,
            window_start=timezone.make_aware(datetime.datetime.combine(day, plan.start_time), tz),
            idempotency_key=f"ltc:{plan.pk}:{day.isoformat()}",
            notes=_("长期护理照护计划"),
            request=request,
        )
        LtcPlanOrder.objects.create(
            plan=plan, order=order, day=day, person_id=plan.person_id, level=plan.assessment.level or 0
        )
        made += 1
    audit.record(
        actor=actor,
        action=AuditAction.LTC_PLAN_GENERATE,
        obj=plan,
        region_code=plan.region_code,
        request=request,
        made=made,
    )
    return made


def ltc_visit_rows(*, month: datetime.date, provider_ids: list[int] | None = None) -> list[tuple[Any, ...]]:
    """The month's LTC-plan orders done (served or completed), one row each in date order, with what
    puts them in dispute: one query for the visits and one for each kind of dispute (their orders
    only, a small set), never a grouped join over every visit."""
    start, end = month_bounds(month)
    qs = LtcPlanOrder.objects.filter(
        order__window_start__gte=start, order__window_start__lt=end, order__status__in=VERIFIED
    )
    if provider_ids is not None:
        qs = qs.filter(order__provider_id__in=provider_ids)

    def disputed(q: Q) -> set[int]:
        return set(qs.filter(q).values_list("order_id", flat=True))

    open_exc = disputed(Q(order__visit__exceptions__status="open"))
    rejected = disputed(Q(order__visit__exceptions__status="rejected"))
    open_compl = disputed(Q(order__complaints__status="open"))
    rows = qs.order_by("order__window_start", "pk").values_list(
        "order_id",
        "order__provider_id",
        "person_id",
        "level",
        "order__price",
        "order__item__duration_minutes",
        "order__provider__region_code",
    )
    return [
        (provider, person, level, price, minutes, oid in open_exc, oid in rejected, oid in open_compl, region)
        for oid, provider, person, level, price, minutes, region in rows.iterator(chunk_size=5000)
    ]


def _split(rows: Any, entitlements: dict[tuple[str, int], LtcEntitlement]) -> dict[int, dict[str, Any]]:
    """Each provider's figures: verified visits counted against each person's monthly hours in date
    order; within the hours the fund pays its share, beyond them the person pays all."""
    used: dict[int, int] = defaultdict(int)  # minutes of the person's entitlement used this month
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {
            "visits": 0,
            "minutes": 0,
            "total": Decimal("0"),
            "fund": Decimal("0"),
            "held": 0,
            "held_amount": Decimal("0"),
            "region_code": "",
        }
    )
    for provider_id, person_id, level, price, minutes, open_exc, rejected, open_compl, region in rows:
        fig = out[provider_id]
        fig["region_code"] = region
        if rejected:
            continue  # a visit whose exception was rejected is not paid
        if open_exc or open_compl:
            fig["held"] += 1
            fig["held_amount"] += price
            continue
        ent = entitlements.get((city_of(region), level))
        fig["visits"] += 1
        fig["minutes"] += minutes
        fig["total"] += price
        if ent is not None and used[person_id] + minutes <= ent.hours_per_month * 60:
            used[person_id] += minutes
            fig["fund"] += (price * ent.fund_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return out


def _entitlements() -> dict[tuple[str, int], LtcEntitlement]:
    return {(e.city_code, e.level): e for e in LtcEntitlement.objects.all()}


@transaction.atomic
def ltc_settle(
    *, actor: Actor, provider: Any, month: datetime.date, request: HttpRequest | None = None
) -> LtcSettlement:
    """Settle a provider's closed month for the LTC fund and post the fund's share to the funds
    ledger, once: a settled month is refused again (its posting stands)."""
    scope.require(actor, "ltc.decide", provider.region_code)
    month = month.replace(day=1)
    if month_bounds(month)[1] > timezone.now():
        raise Conflict(_("%(m)s尚未结束，月末后方可结算") % {"m": month.strftime("%Y-%m")})
    _refuse_settled(provider, month)
    fig = _split(ltc_visit_rows(month=month, provider_ids=[provider.pk]), _entitlements()).get(provider.pk)
    try:
        with transaction.atomic():
            return _save(
                actor=actor,
                provider_id=provider.pk,
                region_code=provider.region_code,
                month=month,
                fig=fig,
                request=request,
            )
    except IntegrityError:  # settled meanwhile by a concurrent press or the month-end task
        _refuse_settled(provider, month)
        raise


def _refuse_settled(provider: Any, month: datetime.date) -> None:
    """A month the provider has settled already is refused (409); its posting stands."""
    if LtcSettlement.objects.filter(provider=provider, month=month).exists():
        raise Conflict(_("%(m)s已结算入账，不重复结算") % {"m": month.strftime("%Y-%m")})


def _save(
    *,
    actor: Actor,
    provider_id: int,
    region_code: str,
    month: datetime.date,
    fig: dict[str, Any] | None,
    request: HttpRequest | None,
) -> LtcSettlement:
    fig = fig or {
        "visits": 0,
        "minutes": 0,
        "total": Decimal("0"),
        "fund": Decimal("0"),
        "held": 0,
        "held_amount": Decimal("0"),
    }
    s = LtcSettlement.objects.create(
        provider_id=provider_id,
        month=month,
        region_code=region_code,
        visits=fig["visits"],
        minutes=fig["minutes"],
        total=fig["total"],
        fund_amount=fig["fund"],
        own_amount=fig["total"] - fig["fund"],
        held_count=fig["held"],
        held_amount=fig["held_amount"],
        settled_by=actor if signed_in(actor) else None,
    )
    if s.fund_amount > 0 and apps.is_installed("carecircle.benefits"):
        from carecircle.benefits.services import ledger_spend  # noqa: PLC0415 — the other module may be absent

        ent = LtcEntitlement.objects.filter(city_code=city_of(region_code)).first()
        if ent is None:
            raise Conflict(_("本市尚未录入长期护理待遇标准，无法入账"))
        reference = f"careathome:ltc:{provider_id}:{month.strftime('%Y-%m')}"
        ledger_spend(
            actor=None,
            programme_code=ent.ledger_programme,
            region_code=region_code,
            month=month.strftime("%Y-%m"),
            amount=s.fund_amount,
            reference=reference,
            system="careathome",
            memo=_("长期护理 %(m)s 服务结算（基金支付）") % {"m": month.strftime("%Y-%m")},
        )
        s.ledger_reference = reference
        s.posted_at = timezone.now()
        s.save(update_fields=["ledger_reference", "posted_at"])
    audit.record(
        actor=actor,
        action=AuditAction.LTC_SETTLE,
        obj=s,
        region_code=region_code,
        request=request,
        visits=s.visits,
        fund=str(s.fund_amount),
        own=str(s.own_amount),
        held=s.held_count,
        **({} if signed_in(actor) else {"system": "careathome"}),
    )
    return s


def ltc_settle_month(*, month: datetime.date) -> list[LtcSettlement]:
    """The month's settlement for every provider with LTC-plan visits, from one query of the visits
    (the system acting; each provider's settlement and posting in its own transaction, so one
    refusal leaves the others standing). Providers settled already are skipped."""
    month = month.replace(day=1)
    if month_bounds(month)[1] > timezone.now():
        raise Conflict(_("%(m)s尚未结束，月末后方可结算") % {"m": month.strftime("%Y-%m")})
    done = set(LtcSettlement.objects.filter(month=month).values_list("provider_id", flat=True))
    figures = _split(ltc_visit_rows(month=month), _entitlements())
    out = []
    for provider_id, fig in sorted(figures.items()):
        if provider_id in done:
            continue
        with transaction.atomic():
            out.append(
                _save(
                    actor=None,
                    provider_id=provider_id,
                    region_code=fig["region_code"],
                    month=month,
                    fig=fig,
                    request=None,
                )
            )
    return out
