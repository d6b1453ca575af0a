import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema

from carecircle.benefits import engine, selectors, services
from carecircle.benefits.models import Fund, Programme
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.limits import Id, Money
from carecircle.registry.models import Person
from carecircle.registry.selectors import person_get

router = Router(tags=["benefits"])


class TierOut(Schema):
    label: str
    condition: str
    amount: Decimal


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    fund: str
    region_code: str
    target_rule: str
    tier_mode: str
    cap: Decimal | None
    period: str
    payment_method: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    active: bool
    basis: str
    tiers: list[TierOut]


def programme_out(p: Programme) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "fund": p.fund.code,
        "region_code": p.region_code,
        "target_rule": p.target_rule,
        "tier_mode": p.tier_mode,
        "cap": p.cap,
        "period": p.period,
        "payment_method": p.payment_method,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "active": p.active,
        "basis": p.basis,
        "tiers": [{"label": t.label, "condition": t.condition, "amount": t.amount} for t in p.tiers.all()],
    }


@router.get("/benefits/programmes", response=list[ProgrammeOut])
def programme_list(request):
    return [programme_out(p) for p in selectors.programme_list(user=request.user)]


@router.get("/benefits/programmes/{programme_id}", response=ProgrammeOut)
def programme_detail(request, programme_id: Id):
    return programme_out(selectors.programme_get(user=request.user, programme_id=programme_id))


class TierIn(Schema):
    label: str = ""
    condition: str = ""
    amount: Money


class ProgrammeIn(Schema):
    name: str
    fund: str
    region_code: str
    target_rule: str
    tiers: list[TierIn]
    tier_mode: str = "first"
    cap: Money | None = None
    period: str = "monthly"
    payment_method: str = "cash"
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    active: bool = True
    basis: str = ""


@router.put("/benefits/programmes/{programme_id}", response=ProgrammeOut)
def programme_update(request, programme_id: Id, payload: ProgrammeIn):
    p = selectors.programme_get(user=request.user, programme_id=programme_id, perm="benefits.manage")
    data = payload.dict()
    fund = Fund.objects.filter(code=data.pop("fund")).first()
    if fund is None:
        raise InvalidInput("未知的资金代码", field="fund")
    saved = services.programme_save(actor=request.user, code=p.code, fund=fund, request=request, **data)
    return programme_out(saved)


class TraceOut(Schema):
    part: str = ""
    condition: str
    result: bool
    facts: dict


class EligibilityOut(Schema):
    programme_code: str
    name: str
    eligible: bool
    amount: Decimal
    period: str
    payment_method: str
    tier: str
    reasons: list[str]
    trace: list[TraceOut]
    facts: dict


@router.get("/benefits/persons/{person_id}/eligibility", response=list[EligibilityOut])
def person_eligibility(request, person_id: Id, day: datetime.date | None = None):
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    if not selectors.own_person(request.user, person):
        person = person_get(user=request.user, person_id=person_id, perm="benefits.view")
    return selectors.person_eligibility(user=request.user, person=person, day=day or timezone.localdate())


class BatchOut(Schema):
    id: int
    programme: str
    month: str
    region_code: str
    state: str
    line_count: int
    total_payable: Decimal
    total_recovery: Decimal
    prepared_by: str | None
    approved_by: str | None
    summary: dict


def batch_out(b) -> dict:
    return {
        "id": b.pk,
        "programme": b.programme.code,
        "month": b.month,
        "region_code": b.region_code,
        "state": b.state,
        "line_count": b.line_count,
        "total_payable": b.total_payable,
        "total_recovery": b.total_recovery,
        "summary": b.summary,
        "prepared_by": b.prepared_by.username if b.prepared_by else None,
        "approved_by": b.approved_by.username if b.approved_by else None,
    }


@router.get("/benefits/payrolls", response=list[BatchOut])
def payroll_list(request, state: str = ""):
    return [batch_out(b) for b in selectors.batch_list(user=request.user, state=state)[:200]]


class PayrollRunIn(Schema):
    month: str
    programme: str = ""
    region: str = ""
    lookback: Annotated[int, Field(ge=0, le=24)] = 0


@router.post("/benefits/payrolls", response={201: list[BatchOut]})
def payroll_run(request, payload: PayrollRunIn):
    batches = services.payroll_run(
        actor=request.user,
        month=payload.month,
        programme_code=payload.programme,
        region_code=payload.region,
        lookback=payload.lookback,
        request=request,
    )
    return 201, [batch_out(b) for b in batches]


@router.get("/benefits/payrolls/{payroll_id}", response=BatchOut)
def payroll_detail(request, payroll_id: Id):
    return batch_out(selectors.batch_get(user=request.user, batch_id=payroll_id))


class NoteIn(Schema):
    note: str = ""


@router.post("/benefits/payrolls/{payroll_id}/approve", response=BatchOut)
def payroll_approve(request, payroll_id: Id, payload: NoteIn):
    selectors.batch_get(user=request.user, batch_id=payroll_id)
    return batch_out(
        services.payroll_approve(actor=request.user, batch_id=payroll_id, note=payload.note, request=request)
    )


@router.post("/benefits/payrolls/{payroll_id}/reject", response=BatchOut)
def payroll_reject(request, payroll_id: Id, payload: NoteIn):
    selectors.batch_get(user=request.user, batch_id=payroll_id)
    return batch_out(
        services.payroll_reject(actor=request.user, batch_id=payroll_id, note=payload.note, request=request)
    )


@router.post("/benefits/payrolls/{payroll_id}/paid", response=BatchOut)
def payroll_paid(request, payroll_id: Id):
    selectors.batch_get(user=request.user, batch_id=payroll_id)
    return batch_out(services.payroll_mark_paid(actor=request.user, batch_id=payroll_id, request=request))


@router.get("/benefits/payrolls/{payroll_id}/bank-file")
def payroll_bank_file(request, payroll_id: Id, fmt: str = "csv", purpose: str = ""):
    selectors.batch_get(user=request.user, batch_id=payroll_id)
    body, name = services.payroll_export(
        actor=request.user, batch_id=payroll_id, fmt=fmt, purpose=purpose, request=request
    )
    ctype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class BalanceOut(Schema):
    fund: str
    programme: str | None
    region_code: str
    month: str
    account: str
    total: Decimal


@router.get("/benefits/funds/balances", response=list[BalanceOut])
def fund_balances(request):
    return [
        {
            "fund": r.fund_name,
            "programme": r.programme_name,
            "region_code": r.region_code,
            "month": r.month,
            "account": r.account,
            "total": r.total,
        }
        for r in selectors.balances(user=request.user)
    ]


class AppealIn(Schema):
    person_id: Id
    programme: str
    month: str
    reason: str


class AppealOut(Schema):
    id: int
    person_id: int
    programme: str
    month: str
    state: str
    route_region: str
    reason: str
    decision_reason: str
    grant_amount: Decimal | None


def appeal_out(a) -> dict:
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "programme": a.programme.code,
        "month": a.month,
        "state": a.state,
        "route_region": a.route_region,
        "reason": a.reason,
        "decision_reason": a.decision_reason,
        "grant_amount": a.grant_amount,
    }


@router.get("/benefits/appeals", response=list[AppealOut])
def appeal_list(request, state: str = ""):
    return [appeal_out(a) for a in selectors.appeal_inbox(user=request.user, state=state)[:200]]


@router.post("/benefits/appeals", response={201: AppealOut})
def appeal_file(request, payload: AppealIn):
    person = Person.objects.filter(pk=payload.person_id).first()
    programme = Programme.objects.filter(code=payload.programme).first()
    if person is None or programme is None:
        raise NotFound()
    appeal = services.appeal_file(
        actor=request.user,
        person=person,
        programme=programme,
        month=payload.month,
        reason=payload.reason,
        request=request,
    )
    return 201, appeal_out(appeal)


class DecideIn(Schema):
    grant: bool
    reason: str
    amount: Money | None = None
    grant_from: datetime.date | None = None
    grant_to: datetime.date | None = None


@router.post("/benefits/appeals/{appeal_id}/decide", response=AppealOut)
def appeal_decide(request, appeal_id: Id, payload: DecideIn):
    selectors.appeal_get(user=request.user, appeal_id=appeal_id)
    return appeal_out(
        services.appeal_decide(actor=request.user, appeal_id=appeal_id, request=request, **payload.dict())
    )


class MineOut(Schema):
    person_id: int
    name: str
    entitlements: list[EligibilityOut]


@router.get("/benefits/mine", response=list[MineOut])
def my_entitlements(request):
    today = timezone.localdate()

    return [
        {"person_id": p.pk, "name": p.name, "entitlements": engine.person_eligibility(p, today)}
        for p in selectors.my_persons(request.user)
    ]
