"""Orders: how an actor may order for a person, placing, cancelling and rescheduling an order, and the
look-ups of the item, provider and person an order form names."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope, suspension
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.types import Actor, signed_in
from carecircle.homecare import selectors
from carecircle.homecare.models import (
    Channel,
    DispatchEvent,
    Order,
    OrderStatus,
    PaymentLine,
    Provider,
    ServiceItem,
)
from carecircle.homecare.services.quotes import quote
from carecircle.homecare.types import Quote
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons, on_behalf_of

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carecircle.core.models import User
    from carecircle.homecare.models import CarePlan


log = logging.getLogger("carecircle.homecare")


def _payment_lines(order: Order, q: Quote) -> None:
    """Store a quote's payment lines as the order's."""
    PaymentLine.objects.bulk_create(
        [
            PaymentLine(
                order=order,
                source=line.source,
                programme_code=line.programme_code,
                label=line.label,
                amount=line.amount,
            )
            for line in q.lines
        ]
    )


def channel_for(actor: Actor, person: Person) -> Channel:
    """How `actor` may order for `person`: themself, as linked family, or as staff of the region."""
    if signed_in(actor):
        if person.user_id == actor.pk:
            return Channel.SELF
        if family_persons(actor).filter(pk=person.pk).exists():  # an active, consented link only
            return Channel.FAMILY
    scope.require(actor, "homecare.order", person.region_code)
    return Channel.COMMUNITY


def _check_window(window_start: datetime.datetime | None, now: datetime.datetime) -> None:
    if window_start is None or timezone.is_naive(window_start):
        raise InvalidInput(_("请填写服务开始时间"), field="window_start")
    if window_start < now:
        raise InvalidInput(_("服务时间不能早于当前时间"), field="window_start")
    if window_start > now + datetime.timedelta(days=60):
        raise InvalidInput(_("只能预约60天内的服务"), field="window_start")


@transaction.atomic
def order_create(
    *,
    actor: Actor,
    person: Person,
    item: ServiceItem,
    provider: Provider,
    window_start: datetime.datetime,
    idempotency_key: str,
    notes: str = "",
    care_plan: CarePlan | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Order:
    """Place a confirmed order. Re-sending the same idempotency key returns the first order."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise InvalidInput(_("缺少或过长的幂等键"), field="idempotency_key")
    existing = Order.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.person_id != person.pk or existing.item_id != item.pk:
            raise Conflict(_("该幂等键已用于另一订单"), field="idempotency_key")
        return existing
    channel = Channel.CARE_PLAN if care_plan is not None else channel_for(actor, person)
    now = now or timezone.now()
    if not item.active:
        raise InvalidInput(_("该服务项目已下架"), field="item")
    _check_window(window_start, now)
    if not provider.active or not selectors.serves(provider, person.region_code):
        raise InvalidInput(_("该机构不在此社区提供服务"), field="provider")
    why = suspension.suspended("homecare", [provider.pk]).get(provider.pk)
    if why:
        raise Conflict(why, field="provider")
    q = quote(person=person, item=item, provider=provider, window_start=window_start)
    lat, lng = person.latitude, person.longitude
    if lat is None or lng is None:  # no geocoded home: the community centre stands in for dispatch
        community = (
            Region.objects.filter(code=person.region_code).values_list("latitude", "longitude").first()
        )
        lat, lng = community or (None, None)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                region_code=person.region_code,
                person=person,
                item=item,
                provider=provider,
                window_start=window_start,
                window_end=q.window_end,
                address=person.address,
                address_masked=person.address_masked,
                latitude=lat,
                longitude=lng,
                notes=(notes or "").strip()[:300],
                channel=channel,
                care_plan=care_plan,
                price=q.price,
                placed_by=actor if signed_in(actor) else None,
                idempotency_key=key,
            )
    except IntegrityError:
        existing = Order.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    _payment_lines(order, q)
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_CREATE,
        obj=order,
        request=request,
        channel=channel,
        item=item.code,
        price=str(q.price),
        own_share=str(q.own_share),
        **({"system": "care_plan"} if care_plan is not None else {}),
        **on_behalf_of(actor, person),
    )
    return order


def _require_order_party(actor: Actor, order: Order) -> None:
    """The person, their linked family, staff ordering in the region, or the provider."""
    if selectors.is_recipient_side(actor, order) or selectors.is_order_provider(actor, order):
        return
    scope.require(actor, "homecare.order", order.region_code)


@transaction.atomic
def order_cancel(
    *,
    actor: Actor,
    order: Order,
    reason: str,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Order:
    """Cancel before the service starts. Inside the item's notice period the order is marked as a
    late cancellation (the provider may then charge by its terms)."""
    order = Order.objects.select_for_update().select_related("person", "item").get(pk=order.pk)
    _require_order_party(actor, order)
    now = now or timezone.now()
    if not selectors.action_open(order, selectors.OrderAction.CANCEL):
        raise Conflict(_("服务已开始或已结束，不能取消"), field="status")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写取消原因"), field="reason")
    order.late_cancel = now > order.window_start - datetime.timedelta(hours=order.item.cancel_notice_hours)
    order.status, order.cancel_reason = OrderStatus.CANCELLED, reason[:200]
    order.save(update_fields=["status", "cancel_reason", "late_cancel"])
    DispatchEvent.objects.create(
        order=order,
        region_code=order.region_code,
        kind=DispatchEvent.Kind.CANCEL,
        caregiver=order.caregiver,
        actor=_user(actor),
        reason=reason[:200],
    )
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_CANCEL,
        obj=order,
        request=request,
        late=order.late_cancel,
        **on_behalf_of(actor, order.person),
    )
    return order


@transaction.atomic
def order_reschedule(
    *,
    actor: Actor,
    order: Order,
    window_start: datetime.datetime,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Order:
    """Move an order that has not started, no later than the item's notice period before its
    start; the dispatch starts again and the payment split is recomputed for the new day."""
    order = Order.objects.select_for_update().select_related("person", "item", "provider").get(pk=order.pk)
    _require_order_party(actor, order)
    now = now or timezone.now()
    if not selectors.action_open(order, selectors.OrderAction.RESCHEDULE):
        raise Conflict(_("服务已开始或已结束，不能改期"), field="status")
    if now > order.window_start - datetime.timedelta(hours=order.item.cancel_notice_hours):
        raise Conflict(
            _("距服务开始不足%(h)d小时，不能改期，请联系服务机构") % {"h": order.item.cancel_notice_hours},
            field="window_start",
        )
    _check_window(window_start, now)
    q = quote(
        person=order.person,
        item=order.item,
        provider=order.provider,
        window_start=window_start,
        exclude_order=order,
    )
    old = order.window_start
    if hasattr(order, "visit"):
        order.visit.delete()
    order.window_start, order.window_end, order.price = window_start, q.window_end, q.price
    order.status, order.caregiver = OrderStatus.CONFIRMED, None
    order.save(update_fields=["window_start", "window_end", "price", "status", "caregiver"])
    order.payment_lines.all().delete()
    _payment_lines(order, q)
    DispatchEvent.objects.create(
        order=order,
        region_code=order.region_code,
        kind=DispatchEvent.Kind.RESCHEDULE,
        actor=_user(actor),
        reason=f"{old.isoformat()} → {window_start.isoformat()}",
    )
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_RESCHEDULE,
        obj=order,
        request=request,
        old=old.isoformat(),
        new=window_start.isoformat(),
        **on_behalf_of(actor, order.person),
    )
    return order


def _user(actor: Actor) -> User | None:
    return actor if signed_in(actor) else None


def item_get(code_or_id: str | int) -> ServiceItem:
    qs = ServiceItem.objects.select_related("category")
    item = (
        qs.filter(pk=code_or_id).first() if str(code_or_id).isdigit() else qs.filter(code=code_or_id).first()
    )
    if item is None:
        raise InvalidInput(_("未知的服务项目：%(i)s") % {"i": code_or_id}, field="item")
    return item


def provider_for_order(provider_id: int | str) -> Provider:
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise InvalidInput(_("未知的服务机构"), field="provider")
    return provider


def person_for_order(*, actor: Actor, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    channel_for(actor, person)  # raises NotFound/Forbidden for strangers
    return person
