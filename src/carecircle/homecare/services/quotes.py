"""Quotes: an order's price and who pays what of it (meal-help shares, the person's vouchers from
the benefits module, self-pay), before anything is saved."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from carecircle.core.errors import InvalidInput
from carecircle.homecare import selectors
from carecircle.homecare.models import (
    SHARE_SOURCES,
    FundingRule,
    FundingSource,
    Order,
    OrderStatus,
    PaymentLine,
    Provider,
    ServiceItem,
)
from carecircle.homecare.types import Quote, QuoteLine
from carecircle.registry.models import Person

if TYPE_CHECKING:
    from carecircle.benefits.types import Entitlement


CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _funding_rules(item: ServiceItem) -> dict[str, FundingSource]:
    """{programme_code: source} of the programmes that may pay for `item` (FundingRule rows)."""
    rules = FundingRule.objects.filter(Q(category__isnull=True) | Q(category_id=item.category_id))
    if not item.basic_list:
        rules = rules.filter(basic_list_only=False)
    rows = list(rules)
    out = {r.programme_code: FundingSource(r.source) for r in rows if r.category_id is None}
    out.update(
        {r.programme_code: FundingSource(r.source) for r in rows if r.category_id is not None}
    )  # specific wins
    return out


def _entitlements(person: Person, day: datetime.date) -> list[Entitlement]:
    """The person's entitlements (the benefits module's contract); none in a deployment
    without the benefits module."""
    if not apps.is_installed("carecircle.benefits"):
        return []
    from carecircle.benefits.selectors import entitlements_for  # noqa: PLC0415 — the other module may be absent (apps.is_installed)

    return entitlements_for(person=person, day=day)


def _voucher_used(
    person: Person, source: str, ent: Entitlement, day: datetime.date, exclude_order: Order | None = None
) -> Decimal:
    """What of an entitlement's balance the person's other live orders in its period already use."""
    start, end = ent.period.bounds(day)
    qs = PaymentLine.objects.filter(
        order__person=person,
        source=source,
        programme_code=ent.programme_code,
        order__window_start__date__gte=start,
        order__window_start__date__lte=end,
    ).exclude(order__status=OrderStatus.CANCELLED)
    if exclude_order is not None:
        qs = qs.exclude(order=exclude_order)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def quote(
    *,
    person: Person,
    item: ServiceItem,
    provider: Provider,
    window_start: datetime.datetime,
    exclude_order: Order | None = None,
) -> Quote:
    """Price and payment lines for an order, before anything is saved: the person sees this and
    their own share before confirming.

    Order of the split: meal-help shares of the region's rule (enterprise, government, collective,
    social) come off the price; the person's vouchers (benefits module, basic-list items) pay what
    is left up to their unused balance for the period; the rest is self-pay (个人出一点)."""
    day = selectors.local_day(window_start)
    price = selectors.provider_price(provider, item, day)
    if price is None:
        raise InvalidInput(_("该机构在%(d)s未提供“%(i)s”的价格") % {"d": day, "i": item.name}, field="item")
    lines: list[QuoteLine] = []
    left = money(price)
    if item.category.meal_help:
        rule = selectors.cost_share_rule(person.region_code, item.category, day)
        if rule is not None:
            by_source = {line.source: line for line in rule.lines.all()}
            for source in SHARE_SOURCES:
                line = by_source.get(source)
                if line is None:
                    continue
                amount = money(line.amount if line.amount is not None else price * (line.percent or 0) / 100)
                amount = min(amount, left)
                if amount > 0:
                    lines.append(
                        QuoteLine(
                            source=source,
                            programme_code=f"share:{rule.pk}",
                            label=str(source.label),
                            amount=amount,
                        )
                    )
                    left -= amount
    rules = _funding_rules(item) if left > 0 else {}
    if rules:
        for ent in _entitlements(person, day):
            funder = rules.get(ent.programme_code)
            if funder is None or not ent.pays_services or left <= 0:
                continue  # cash is paid to the person; unlisted programmes never pay an order
            balance = ent.amount - _voucher_used(person, funder, ent, day, exclude_order)
            amount = min(balance, left)
            if amount > 0:
                lines.append(
                    QuoteLine(source=funder, programme_code=ent.programme_code, label=ent.name, amount=amount)
                )
                left -= amount
    if left > 0:
        lines.append(
            QuoteLine(source=FundingSource.SELF_PAY, programme_code="", label=_("个人自付"), amount=left)
        )
    return Quote(
        price=money(price),
        guide_price=selectors.guide_price(person.region_code, item, day),
        lines=tuple(lines),
        own_share=left,
        window_start=window_start,
        window_end=window_start + datetime.timedelta(minutes=item.duration_minutes),
    )
