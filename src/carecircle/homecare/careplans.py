"""Recurring care plans (e.g. meals every weekday) and the daily run that turns them into orders."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput
from carecircle.homecare import selectors
from carecircle.homecare.models import CarePlan, Provider, ServiceItem
from carecircle.homecare.services import channel_for, order_create
from carecircle.registry.models import Person


@transaction.atomic
def careplan_create(
    *,
    actor,
    person: Person,
    item: ServiceItem,
    provider: Provider,
    weekdays: str,
    start_time: datetime.time,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    notes: str = "",
    request=None,
) -> CarePlan:
    channel_for(actor, person)
    days = "".join(sorted(set(str(weekdays or "").replace(",", "").replace(" ", ""))))
    if not days or not set(days) <= set("1234567"):
        raise InvalidInput(_("服务日应为1-7的数字（周一为1）"), field="weekdays")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("终止日期不能早于起始日期"), field="valid_to")
    if not selectors.serves(provider, person.region_code):
        raise InvalidInput(_("该机构不在此社区提供服务"), field="provider")
    if selectors.provider_price(provider, item, valid_from) is None:
        raise InvalidInput(_("该机构未提供此项目的价格"), field="item")
    plan = CarePlan.objects.create(
        person=person,
        region_code=person.region_code,
        item=item,
        provider=provider,
        weekdays=days,
        start_time=start_time,
        valid_from=valid_from,
        valid_to=valid_to,
        notes=(notes or "").strip()[:200],
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CAREPLAN_CREATE,
        obj=plan,
        request=request,
        weekdays=days,
        item=item.code,
    )
    return plan


def careplans_generate(*, day: datetime.date, now=None) -> dict:
    """Orders for `day` from every plan due that day. The key plan:<id>:<day> makes a re-run a no-op."""
    now = now or timezone.now()
    plans = (
        CarePlan.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .filter(weekdays__contains=str(day.isoweekday()))
        .select_related("person", "item__category", "provider")
    )
    created = skipped = 0
    for plan in plans:
        start = timezone.make_aware(datetime.datetime.combine(day, plan.start_time))
        try:
            order_create(
                actor=None,
                person=plan.person,
                item=plan.item,
                provider=plan.provider,
                window_start=start,
                idempotency_key=f"plan:{plan.pk}:{day.isoformat()}",
                notes=plan.notes,
                care_plan=plan,
                now=now,
            )
            created += 1
        except InvalidInput:
            skipped += 1  # e.g. the price ended: the plan stays, the day is skipped and counted
    return {"plans": len(plans), "created": created, "skipped": skipped}
