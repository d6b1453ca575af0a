"""Writes of assistive-device rental (康复辅具社区租赁, Jiaxing 二(七)20; as an LTC service 二(八)24;
Hechuan 二(七) 居家适老化产品社区租赁; the subsidy for 困难失能、残疾老年人: Qujing 三(三)4).

A unit (by serial number, at a community point) goes out on a contract (delivery), is billed month by
month with the subsidy share fixed at delivery by rule (homes_reference.RENTAL_SHARES, capped per
person and calendar year by RENTAL_ANNUAL_CAP), comes back, and must be cleaned (and repaired when
damaged) before it goes out again."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome import homes_reference
from carecircle.careathome.models.homes import (
    DeviceType,
    DeviceUnit,
    RentalBill,
    RentalContract,
    RentalPoint,
    UnitCondition,
)
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.months import add_months
from carecircle.core.types import Actor
from carecircle.registry import selectors as registry
from carecircle.registry.models import Person

RENTAL = "careathome.rental"
CENT = Decimal("0.01")


def subsidy_rate(person: Person, day: datetime.date) -> tuple[Decimal, str]:
    """The share of the rent the subsidy pays for `person` on `day` and why (the first rule of
    RENTAL_SHARES that holds; 低保 counts only with age 80+ or assessed disability)."""
    one = Person.objects.filter(pk=person.pk)
    senior = one.filter(registry.population_q("senior80", day)).exists()
    disabled = one.filter(registry.population_q("disabled", day)).exists()
    dibao = one.filter(registry.status_on("dibao", day)).exists()
    holds = {"dibao": dibao and (senior or disabled), "senior80": senior, "disabled": disabled}
    for code, rate, label in homes_reference.RENTAL_SHARES:
        if holds[code]:
            return rate, label
    return Decimal("0.00"), ""


@transaction.atomic
def point_create(
    *, actor: Actor, name: str, region_code: str, request: HttpRequest | None = None
) -> RentalPoint:
    if not regions.is_valid_code(region_code or ""):
        raise InvalidInput(_("请选择所在社区"), field="region_code")
    scope.require(actor, RENTAL, region_code)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写租赁点名称"), field="name")
    point = RentalPoint.objects.create(name=name[:100], region_code=region_code)
    audit.record(actor=actor, action=AuditAction.RENTAL_UNIT, obj=point, request=request, step="point")
    return point


@transaction.atomic
def unit_add(
    *,
    actor: Actor,
    point: RentalPoint,
    device_type: DeviceType | None,
    serial: str,
    request: HttpRequest | None = None,
) -> DeviceUnit:
    """A unit enters the point's inventory by its serial number (unique)."""
    scope.require(actor, RENTAL, point.region_code)
    serial = (serial or "").strip().upper()
    if device_type is None:
        raise InvalidInput(_("请选择辅具品类"), field="device_type")
    if not serial or len(serial) > 40:
        raise InvalidInput(_("请填写序列号（不超过40位）"), field="serial")
    if DeviceUnit.objects.filter(serial=serial).exists():
        raise InvalidInput(_("序列号已登记：%(s)s") % {"s": serial}, field="serial")
    unit = DeviceUnit.objects.create(
        device_type=device_type, serial=serial, point=point, region_code=point.region_code
    )
    audit.record(
        actor=actor, action=AuditAction.RENTAL_UNIT, obj=unit, request=request, step="add", serial=serial
    )
    return unit


def _locked_unit(unit: DeviceUnit) -> DeviceUnit:
    return DeviceUnit.objects.select_for_update().select_related("device_type").get(pk=unit.pk)


@transaction.atomic
def rental_deliver(
    *,
    actor: Actor,
    person: Person,
    unit: DeviceUnit,
    delivered_on: datetime.date,
    months: int,
    request: HttpRequest | None = None,
) -> RentalContract:
    """Deliver a ready unit to `person` for `months` months. A unit not yet cleaned, in repair or
    out on another contract is refused; the subsidy share is fixed now by rule."""
    scope.require(actor, RENTAL, unit.region_code)
    scope.require(actor, RENTAL, person.region_code)
    unit = _locked_unit(unit)
    if unit.condition == UnitCondition.TO_CLEAN:
        raise Conflict(_("辅具 %(s)s 归还后尚未清洗消毒，不能出租") % {"s": unit.serial}, field="unit")
    if unit.condition != UnitCondition.READY:
        raise Conflict(
            _("辅具 %(s)s 当前状态为“%(c)s”，不能出租")
            % {"s": unit.serial, "c": unit.get_condition_display()},
            field="unit",
        )
    if not 1 <= int(months) <= 36:
        raise InvalidInput(_("租期应为 1–36 个月"), field="months")
    today = timezone.localdate()
    if delivered_on > today or delivered_on < today - datetime.timedelta(days=366):
        raise InvalidInput(_("交付日期应在一年之内且不晚于今天"), field="delivered_on")
    rate, basis = subsidy_rate(person, delivered_on)
    due = add_months(delivered_on, int(months))
    try:
        with transaction.atomic():
            contract = RentalContract.objects.create(
                person=person,
                unit=unit,
                region_code=person.region_code,
                monthly_rent=unit.device_type.monthly_rent,
                subsidy_rate=rate,
                subsidy_basis=basis[:100],
                delivered_on=delivered_on,
                due_back=due,
            )
    except IntegrityError:
        raise Conflict(_("辅具 %(s)s 已在租，不能重复出租") % {"s": unit.serial}, field="unit") from None
    unit.condition = UnitCondition.RENTED
    unit.save(update_fields=["condition"])
    audit.record(
        actor=actor,
        action=AuditAction.RENTAL_DELIVER,
        obj=contract,
        request=request,
        serial=unit.serial,
        rate=str(rate),
    )
    return contract


def _month_bounds(month: str) -> datetime.date:
    try:
        year, mon = (int(x) for x in month.split("-"))
        return datetime.date(year, mon, 1)
    except (ValueError, AttributeError):
        raise InvalidInput(_("账期应为 YYYY-MM：%(m)s") % {"m": month}, field="month") from None


@transaction.atomic
def rental_bill(
    *, actor: Actor, contract: RentalContract, month: str, request: HttpRequest | None = None
) -> RentalBill:
    """Bill one month of a contract: the rent, the subsidy (the contract's share, within what is
    left of the person's annual cap) and the own share. Each month once; a month outside the
    contract (before delivery, after return, in the future) is refused."""
    scope.require(actor, RENTAL, contract.region_code)
    return bill_month(
        actor=actor, contract=contract, first=_month_bounds((month or "").strip()), request=request
    )


def bill_month(
    *, actor: Actor, contract: RentalContract, first: datetime.date, request: HttpRequest | None = None
) -> RentalBill:
    """rental_bill after its authorisation: also the monthly task's (the system acting, actor None).
    The caller holds the transaction."""
    month = first.strftime("%Y-%m")
    start = contract.delivered_on.replace(day=1)
    end = (contract.returned_on or timezone.localdate()).replace(day=1)
    if first < start or first > end:
        raise InvalidInput(
            _("账期 %(m)s 不在租期内（%(a)s 至 %(b)s）")
            % {"m": month, "a": start.strftime("%Y-%m"), "b": end.strftime("%Y-%m")},
            field="month",
        )
    # one biller per person at a time: the annual cap is read and spent under this lock
    list(
        RentalContract.objects.select_for_update()
        .filter(person_id=contract.person_id)
        .values_list("pk", flat=True)
    )
    if RentalBill.objects.filter(contract=contract, month=month).exists():
        raise Conflict(_("账期 %(m)s 已出账，不能重复出账") % {"m": month}, field="month")
    used = RentalBill.objects.filter(
        contract__person_id=contract.person_id, month__startswith=f"{first.year}-"
    ).aggregate(s=Sum("subsidy"))["s"] or Decimal("0")
    rent = contract.monthly_rent
    subsidy = min(
        (rent * contract.subsidy_rate).quantize(CENT),
        max(homes_reference.RENTAL_ANNUAL_CAP - used, Decimal("0")),
    )
    try:
        with transaction.atomic():
            bill = RentalBill.objects.create(
                contract=contract, month=month, rent=rent, subsidy=subsidy, own_share=rent - subsidy
            )
    except IntegrityError:
        raise Conflict(_("账期 %(m)s 已出账，不能重复出账") % {"m": month}, field="month") from None
    audit.record(
        actor=actor,
        action=AuditAction.RENTAL_BILL,
        obj=contract,
        request=request,
        month=month,
        subsidy=str(subsidy),
    )
    return bill


@transaction.atomic
def rental_return(
    *,
    actor: Actor,
    contract: RentalContract,
    returned_on: datetime.date,
    damaged: bool = False,
    request: HttpRequest | None = None,
) -> RentalContract:
    """The unit comes back: it waits for cleaning (or repair first when damaged)."""
    scope.require(actor, RENTAL, contract.region_code)
    contract = RentalContract.objects.select_for_update().get(pk=contract.pk)
    if contract.returned_on is not None:
        raise Conflict(_("该租赁已于 %(d)s 归还") % {"d": contract.returned_on}, field="returned_on")
    if returned_on < contract.delivered_on or returned_on > timezone.localdate():
        raise InvalidInput(_("归还日期应在交付日期之后且不晚于今天"), field="returned_on")
    contract.returned_on = returned_on
    contract.save(update_fields=["returned_on"])
    unit = _locked_unit(contract.unit)
    unit.condition = UnitCondition.IN_REPAIR if damaged else UnitCondition.TO_CLEAN
    unit.save(update_fields=["condition"])
    audit.record(
        actor=actor, action=AuditAction.RENTAL_RETURN, obj=contract, request=request, damaged=damaged
    )
    return contract


@transaction.atomic
def unit_clean(*, actor: Actor, unit: DeviceUnit, request: HttpRequest | None = None) -> DeviceUnit:
    """Cleaned and disinfected: the unit may go out again."""
    scope.require(actor, RENTAL, unit.region_code)
    unit = _locked_unit(unit)
    if unit.condition != UnitCondition.TO_CLEAN:
        raise Conflict(_("辅具 %(s)s 不在待清洗状态") % {"s": unit.serial}, field="unit")
    unit.condition = UnitCondition.READY
    unit.save(update_fields=["condition"])
    audit.record(actor=actor, action=AuditAction.RENTAL_UNIT, obj=unit, request=request, step="clean")
    return unit


@transaction.atomic
def unit_repaired(*, actor: Actor, unit: DeviceUnit, request: HttpRequest | None = None) -> DeviceUnit:
    """Repaired: the unit still has to be cleaned before it goes out."""
    scope.require(actor, RENTAL, unit.region_code)
    unit = _locked_unit(unit)
    if unit.condition != UnitCondition.IN_REPAIR:
        raise Conflict(_("辅具 %(s)s 不在维修状态") % {"s": unit.serial}, field="unit")
    unit.condition = UnitCondition.TO_CLEAN
    unit.save(update_fields=["condition"])
    audit.record(actor=actor, action=AuditAction.RENTAL_UNIT, obj=unit, request=request, step="repaired")
    return unit
