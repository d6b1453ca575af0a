"""Childcare API: classes with their figures, and voucher redemption at a filed facility."""

from ninja import Router, Schema

from carecircle.childcare import selectors, services
from carecircle.core.limits import Id, Limit
from carecircle.facilities import selectors as facility_selectors

router = Router(tags=["childcare"])


class ClassOut(Schema):
    id: int
    facility_id: int
    name: str
    band: str
    capacity: int
    caregivers: int
    puhui: bool
    monthly_fee: str
    enrolled: int
    ratio: int


def _out(c):
    fig = selectors.class_figures(c)
    return {
        "id": c.pk,
        "facility_id": c.facility_id,
        "name": c.name,
        "band": c.band,
        "capacity": c.capacity,
        "caregivers": c.caregivers,
        "puhui": c.puhui,
        "monthly_fee": str(c.monthly_fee),
        "enrolled": fig["enrolled"],
        "ratio": fig["ratio"],
    }


@router.get("/childcare/classes", response=list[ClassOut])
def class_list(request, limit: Limit = 200):
    return [_out(c) for c in selectors.classes_for(user=request.user)[: max(1, min(limit, 2000))]]


@router.get("/childcare/classes/{class_id}", response=ClassOut)
def class_detail(request, class_id: Id):
    return _out(selectors.class_get(user=request.user, class_id=class_id))


class RedeemIn(Schema):
    code: str
    facility_id: Id


class VoucherOut(Schema):
    code: str
    amount: str
    redeemed_at: str
    facility_id: int


@router.post("/childcare/vouchers/redeem", response=VoucherOut)
def voucher_redeem(request, payload: RedeemIn):
    facility = facility_selectors.facility_get(
        user=request.user, facility_id=payload.facility_id, perm="childcare.manage"
    )
    v = services.voucher_redeem(actor=request.user, code=payload.code, facility=facility, request=request)
    return {
        "code": v.code,
        "amount": str(v.amount),
        "redeemed_at": v.redeemed_at.isoformat() if v.redeemed_at else "",
        "facility_id": facility.pk,
    }
