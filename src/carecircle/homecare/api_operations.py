"""The operations side of the home-services API, mounted on homecare/api.py's router: dispatching a
provider's day, a caregiver's route, the visit exceptions a supervisor reviews, satisfaction, and the
monthly statements. Each operation keeps the operation id it had when it lived in api.py."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema

from carecircle.core.errors import NotFound
from carecircle.core.limits import Id
from carecircle.homecare import evv, selectors, services_dispatch, settlement
from carecircle.workforce.selectors import caregiver_for_user

router = Router()  # the tag comes from the router it is mounted on (api.py)


class HcDispatchIn(Schema):
    day: datetime.date
    provider_id: Id


class HcDispatchOut(Schema):
    orders: int
    offered: int
    unassigned: int
    travel_minutes: float


@router.post("/homecare/dispatch", response=HcDispatchOut, operation_id="carecircle_homecare_api_dispatch")
def dispatch(request, payload: HcDispatchIn):
    provider = selectors.provider_get(user=request.user, provider_id=payload.provider_id)
    return services_dispatch.dispatch_day(
        actor=request.user, day=payload.day, provider=provider, request=request
    )


class HcRouteStop(Schema):
    order_id: int
    item_name: str
    person_name: str
    window_start: datetime.datetime
    window_end: datetime.datetime
    status: str
    travel_minutes: float | None


@router.get("/homecare/route", response=list[HcRouteStop], operation_id="carecircle_homecare_api_route")
def route(request, day: datetime.date | None = None):
    caregiver = caregiver_for_user(request.user)
    if caregiver is None:
        return []

    rows = selectors.caregiver_route(caregiver=caregiver, day=day or timezone.localdate())
    return [
        {
            "order_id": r.order.pk,
            "item_name": r.order.item.name,
            "person_name": r.order.person.name,
            "window_start": r.order.window_start,
            "window_end": r.order.window_end,
            "status": r.order.status,
            "travel_minutes": r.travel_minutes,
        }
        for r in rows
    ]


class HcExceptionOut(Schema):
    id: int
    order_id: int
    kind: str
    status: str
    detail: dict
    reason: str


class HcReviewIn(Schema):
    accept: bool
    reason: str


def exception_out(e) -> dict:
    return {
        "id": e.pk,
        "order_id": e.visit.order_id,
        "kind": e.kind,
        "status": e.status,
        "detail": e.detail,
        "reason": e.reason,
    }


@router.get(
    "/homecare/exceptions",
    response=list[HcExceptionOut],
    operation_id="carecircle_homecare_api_exception_list",
)
def exception_list(request, status: str = "open"):
    return [exception_out(e) for e in selectors.exceptions_for(user=request.user, status=status)[:500]]


@router.post(
    "/homecare/exceptions/{exception_id}/review",
    response=HcExceptionOut,
    operation_id="carecircle_homecare_api_exception_review",
)
def exception_review(request, exception_id: Id, payload: HcReviewIn):
    exc = selectors.exceptions_for(user=request.user, status="").filter(pk=exception_id).first()
    if exc is None:
        raise NotFound()
    exc = evv.exception_review(
        actor=request.user, exception=exc, accept=payload.accept, reason=payload.reason, request=request
    )
    return exception_out(exc)


class HcSatisfactionOut(Schema):
    key: int | str
    name: str
    n: int
    mean: float
    rate: float


@router.get(
    "/homecare/satisfaction",
    response=list[HcSatisfactionOut],
    operation_id="carecircle_homecare_api_satisfaction",
)
def satisfaction(request, by: str = "provider"):
    return selectors.satisfaction(user=request.user, by="street" if by == "street" else "provider")


class HcStatementIn(Schema):
    provider_id: Id
    month: datetime.date


class HcStatementLineOut(Schema):
    source: str
    programme_code: str
    visits: int
    amount: Decimal


class HcStatementPostingOut(Schema):
    source: str
    programme_code: str
    ledger_programme: str
    seq: int
    amount: Decimal
    reference: str
    posted_at: datetime.datetime


class HcStatementOut(Schema):
    id: int
    provider_id: int
    month: datetime.date
    visit_count: int
    total: Decimal
    held_count: int
    held_total: Decimal
    lines: list[HcStatementLineOut]
    ledger_note: str
    ledger_postings: list[HcStatementPostingOut]


def statement_out(st) -> dict:
    return {
        "id": st.pk,
        "provider_id": st.provider_id,
        "month": st.month,
        "visit_count": st.visit_count,
        "total": st.total,
        "held_count": st.held_count,
        "held_total": st.held_total,
        "lines": list(st.lines.all()),
        "ledger_note": st.ledger_note,
        "ledger_postings": list(st.postings.all()),
    }


@router.post(
    "/homecare/statements", response=HcStatementOut, operation_id="carecircle_homecare_api_statement_generate"
)
def statement_generate(request, payload: HcStatementIn):
    provider = selectors.provider_get(user=request.user, provider_id=payload.provider_id)
    return statement_out(
        settlement.statement_generate(
            actor=request.user, provider=provider, month=payload.month, request=request
        )
    )


@router.get(
    "/homecare/statements/{statement_id}",
    response=HcStatementOut,
    operation_id="carecircle_homecare_api_statement_detail",
)
def statement_detail(request, statement_id: Id):
    return statement_out(selectors.statement_get(user=request.user, statement_id=statement_id))
