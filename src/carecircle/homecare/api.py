"""JSON API of home services, mounted at /api/v1/homecare/…"""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status

from carecircle.core.errors import NotFound
from carecircle.core.limits import Id, Latitude, Limit, Longitude, money_bounds
from carecircle.homecare import api_operations, evv, selectors, services, services_dispatch, settlement
from carecircle.homecare.models import MONEY_DIGITS, Order
from carecircle.workforce.selectors import organisation_caregiver

router = Router(tags=["homecare"])
router.add_router(
    "", api_operations.router
)  # dispatch, routes, exceptions, statements (homecare/api_operations.py)


class HcItemOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    duration_minutes: int
    standard: str
    basic_list: bool
    min_level: int | None


class HcCategoryOut(Schema):
    code: str
    name: str
    items: list[HcItemOut]


@router.get("/homecare/catalogue", response=list[HcCategoryOut])
def catalogue(request):
    return [{"code": c.code, "name": c.name, "items": c.active_items} for c in selectors.catalogue()]


class HcProviderOut(Schema):
    id: int
    name: str
    licence_no: str
    region_code: str
    credit_grade: str
    active: bool
    areas: list[str]


def provider_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "licence_no": p.licence_no,
        "region_code": p.region_code,
        "credit_grade": p.credit_grade,
        "active": p.active,
        "areas": list(p.areas.values_list("region_code", flat=True)),
    }


@router.get("/homecare/providers", response=list[HcProviderOut])
def provider_list(request):
    return [provider_out(p) for p in selectors.providers_visible(user=request.user).order_by("name")[:500]]


class HcProviderIn(Schema):
    name: str
    licence_no: str
    region_code: str
    areas: list[str]
    latitude: Latitude | None = None
    longitude: Longitude | None = None


@router.post("/homecare/providers", response={201: HcProviderOut})
def provider_create(request, payload: HcProviderIn):
    return Status(
        201, provider_out(services.provider_create(actor=request.user, request=request, **payload.dict()))
    )


class HcPriceIn(Schema):
    item: str
    price: Annotated[Decimal, money_bounds(MONEY_DIGITS)]
    valid_from: datetime.date


class HcPriceOut(Schema):
    item: str
    price: Decimal
    valid_from: datetime.date
    valid_to: datetime.date | None


@router.post("/homecare/providers/{provider_id}/prices", response={201: HcPriceOut})
def price_set(request, provider_id: Id, payload: HcPriceIn):
    provider = selectors.provider_get(user=request.user, provider_id=provider_id)
    row = services.price_set(
        actor=request.user,
        provider=provider,
        item=services.item_get(payload.item),
        price=payload.price,
        valid_from=payload.valid_from,
        request=request,
    )
    return Status(
        201,
        {"item": payload.item, "price": row.price, "valid_from": row.valid_from, "valid_to": row.valid_to},
    )


class HcQuoteIn(Schema):
    person_id: Id
    item: str
    provider_id: Id
    window_start: datetime.datetime


class HcLineOut(Schema):
    source: str
    programme_code: str
    label: str
    amount: Decimal


class HcQuoteOut(Schema):
    price: Decimal
    guide_price: Decimal | None
    own_share: Decimal
    window_start: datetime.datetime
    window_end: datetime.datetime
    lines: list[HcLineOut]


@router.post("/homecare/quote", response=HcQuoteOut)
def quote(request, payload: HcQuoteIn):
    person = services.person_for_order(actor=request.user, person_id=payload.person_id)
    return services.quote(
        person=person,
        item=services.item_get(payload.item),
        provider=services.provider_for_order(payload.provider_id),
        window_start=payload.window_start,
    )


class HcOrderIn(HcQuoteIn):
    idempotency_key: str
    notes: str = ""


class HcOrderOut(Schema):
    id: int
    region_code: str
    person_id: int
    person_name: str
    item: str
    item_name: str
    provider_id: int
    provider_name: str
    window_start: datetime.datetime
    window_end: datetime.datetime
    address: str  # masked
    channel: str
    status: str
    price: Decimal
    caregiver_id: int | None
    caregiver_name: str | None
    lines: list[HcLineOut]


def order_out(o: Order) -> dict:
    return {
        "id": o.pk,
        "region_code": o.region_code,
        "person_id": o.person_id,
        "person_name": o.person.name,
        "item": o.item.code,
        "item_name": o.item.name,
        "provider_id": o.provider_id,
        "provider_name": o.provider.name,
        "window_start": o.window_start,
        "window_end": o.window_end,
        "address": o.address_masked,
        "channel": o.channel,
        "status": o.status,
        "price": o.price,
        "caregiver_id": o.caregiver_id,
        "caregiver_name": o.caregiver.name if o.caregiver else None,
        "lines": list(o.payment_lines.all()),
    }


def _order(request, order_id: Id) -> Order:
    return selectors.order_get(user=request.user, order_id=order_id)


@router.post("/homecare/orders", response={201: HcOrderOut})
def order_create(request, payload: HcOrderIn):
    person = services.person_for_order(actor=request.user, person_id=payload.person_id)
    order = services.order_create(
        actor=request.user,
        person=person,
        item=services.item_get(payload.item),
        provider=services.provider_for_order(payload.provider_id),
        window_start=payload.window_start,
        idempotency_key=payload.idempotency_key,
        notes=payload.notes,
        request=request,
    )
    return Status(201, order_out(selectors.order_get(user=request.user, order_id=order.pk)))


@router.get("/homecare/orders", response=list[HcOrderOut])
def order_list(request, status: str = "", day: datetime.date | None = None, limit: Limit = 200):
    qs = selectors.order_search(user=request.user, status=status, day=day).prefetch_related("payment_lines")
    return [order_out(o) for o in qs[: max(1, min(limit, 1000))]]


@router.get("/homecare/orders/{order_id}", response=HcOrderOut)
def order_detail(request, order_id: Id):
    return order_out(_order(request, order_id))


class HcReasonIn(Schema):
    reason: str


class HcRescheduleIn(Schema):
    window_start: datetime.datetime


@router.post("/homecare/orders/{order_id}/cancel", response=HcOrderOut)
def order_cancel(request, order_id: Id, payload: HcReasonIn):
    services.order_cancel(
        actor=request.user, order=_order(request, order_id), reason=payload.reason, request=request
    )
    return order_out(_order(request, order_id))


@router.post("/homecare/orders/{order_id}/reschedule", response=HcOrderOut)
def order_reschedule(request, order_id: Id, payload: HcRescheduleIn):
    services.order_reschedule(
        actor=request.user,
        order=_order(request, order_id),
        window_start=payload.window_start,
        request=request,
    )
    return order_out(_order(request, order_id))


@router.post("/homecare/orders/{order_id}/accept", response=HcOrderOut)
def order_accept(request, order_id: Id):
    services_dispatch.order_accept(actor=request.user, order=_order(request, order_id), request=request)
    return order_out(_order(request, order_id))


@router.post("/homecare/orders/{order_id}/decline", response=HcOrderOut)
def order_decline(request, order_id: Id, payload: HcReasonIn):
    services_dispatch.order_decline(
        actor=request.user, order=_order(request, order_id), reason=payload.reason, request=request
    )
    return order_out(_order(request, order_id))


class HcReassignIn(Schema):
    caregiver_id: Id
    reason: str = ""


@router.post("/homecare/orders/{order_id}/reassign", response=HcOrderOut)
def order_reassign(request, order_id: Id, payload: HcReassignIn):
    order = _order(request, order_id)
    caregiver = organisation_caregiver(organisation_id=order.provider_id, caregiver_id=payload.caregiver_id)
    if caregiver is None:
        raise NotFound()
    services_dispatch.order_reassign(
        actor=request.user, order=order, caregiver=caregiver, reason=payload.reason, request=request
    )
    return order_out(_order(request, order_id))


class HcCheckIn(Schema):
    latitude: Latitude
    longitude: Longitude
    accuracy_m: Annotated[float, Field(ge=0, le=100_000)] = 0
    at: datetime.datetime | None = None
    idempotency_key: str


class HcCheckOut(Schema):
    id: int
    kind: str
    at: datetime.datetime
    in_range: bool | None  # the position was at the address (None: the order has no coordinates)
    needs_review: bool  # the visit is flagged and waits for a supervisor


class HcCheckInBody(HcCheckIn):
    reason: str = ""  # needed when checking in outside the booked slot (± CARECIRCLE_CHECKIN_WINDOW_MINUTES)


@router.post("/homecare/orders/{order_id}/check-in", response=HcCheckOut)
def check_in(request, order_id: Id, payload: HcCheckInBody):
    c = evv.visit_check_in(
        actor=request.user, order=_order(request, order_id), request=request, **payload.dict()
    )
    return evv.check_result(c)


@router.post("/homecare/orders/{order_id}/check-out", response=HcCheckOut)
def check_out(request, order_id: Id, payload: HcCheckIn):
    c = evv.visit_check_out(
        actor=request.user, order=_order(request, order_id), request=request, **payload.dict()
    )
    return evv.check_result(c)


class HcAddressOut(Schema):
    address: str


@router.get("/homecare/orders/{order_id}/address", response=HcAddressOut)
def order_address(request, order_id: Id):
    return {
        "address": evv.order_address_reveal(
            actor=request.user, order=_order(request, order_id), request=request
        )
    }


class HcRatingIn(Schema):
    score: Annotated[int, Field(ge=1, le=5)]
    comment: str = ""


@router.post("/homecare/orders/{order_id}/rating", response=HcOrderOut)
def order_rate(request, order_id: Id, payload: HcRatingIn):
    settlement.order_rate(
        actor=request.user,
        order=_order(request, order_id),
        score=payload.score,
        comment=payload.comment,
        request=request,
    )
    return order_out(_order(request, order_id))


class HcComplaintIn(Schema):
    text: str


class HcComplaintOut(Schema):
    id: int
    order_id: int
    status: str
    deadline: datetime.datetime


@router.post("/homecare/orders/{order_id}/complaints", response={201: HcComplaintOut})
def complaint_create(request, order_id: Id, payload: HcComplaintIn):
    c = settlement.complaint_create(
        actor=request.user, order=_order(request, order_id), text=payload.text, request=request
    )
    return Status(201, {"id": c.pk, "order_id": c.order_id, "status": c.status, "deadline": c.deadline})
