"""Objects in region A (东湖区) for the scope walk (tests/test_scope_walk.py)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

_seq = itertools.count(1)


def _provider(ctx):
    from carecircle.homecare.services import provider_create

    n = next(_seq)
    return provider_create(
        actor=ctx.users["admin"],
        name=f"走查机构{n}",
        licence_no=f"WALK{n:06d}",
        region_code="339901000000",
        areas=["339901000000"],
    )


def _order(ctx):
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import ServiceCategory, ServiceItem
    from carecircle.homecare.services import order_create, price_set

    catalogue_sync(ServiceCategory, ServiceItem)
    provider = _provider(ctx)
    item = ServiceItem.objects.get(code="clean.home")
    price_set(
        actor=ctx.users["admin"],
        provider=provider,
        item=item,
        price=Decimal("40"),
        valid_from=datetime.date(2020, 1, 1),
    )
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    return order_create(
        actor=ctx.users["admin"],
        person=ctx.person,
        item=item,
        provider=provider,
        window_start=start,
        idempotency_key=f"walk-{next(_seq)}",
    )


def order_id(ctx):
    return _order(ctx).pk


def exception_id(ctx):
    from carecircle.homecare.models import ExceptionKind, Visit, VisitException
    from carecircle.workforce.services import caregiver_create

    order = _order(ctx)
    carer = caregiver_create(
        actor=ctx.users["admin"],
        organisation_id=order.provider_id,
        region_code="339901001001",
        name="走查护理员",
        employed_from=datetime.date(2020, 1, 1),
    )
    visit = Visit.objects.create(order=order, region_code=order.region_code, caregiver=carer)
    return VisitException.objects.create(
        visit=visit, region_code=order.region_code, kind=ExceptionKind.SHORT
    ).pk


def statement_id(ctx):
    from carecircle.homecare.settlement import statement_generate

    return statement_generate(
        actor=ctx.users["admin"], provider=_provider(ctx), month=datetime.date(2026, 1, 1)
    ).pk


def provider_id(ctx):
    return _provider(ctx).pk


FACTORIES = {
    "order_id": order_id,
    "exception_id": exception_id,
    "statement_id": statement_id,
    "provider_id": provider_id,
}
