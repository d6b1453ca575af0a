"""Writes of childcare: classes, enrolment (refused with the reason when a class is full or its
ratio would break), moving a child who ages into the next band, attendance, vouchers."""

import datetime
import math
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.childcare import standards
from carecircle.childcare.applications import application_refuse as application_refuse  # 托位 applications
from carecircle.childcare.applications import application_submit as application_submit
from carecircle.childcare.entitlements import _entitled
from carecircle.childcare.models import Attendance, Band, ChildClass, Enrolment, Voucher
from carecircle.core import audit, credit_standing, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.limits import check_money
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import facility_locked, require_facility, require_filed_childcare
from carecircle.registry.models import EXIT_STATUSES, Person, PersonStatus
from carecircle.registry.selectors import birth_date_bounds

if TYPE_CHECKING:  # annotations only: the rows facilities.selectors returns
    from carecircle.core.models import User
    from carecircle.facilities.models import Facility


def _user(actor: Actor) -> "User | None":
    return actor if signed_in(actor) else None


def _money(value: object, field: str) -> Decimal:
    amount = check_money(value, field, max_digits=8)  # the childcare money columns hold 8 digits
    if amount is None:
        raise InvalidInput(_("请填写金额"), field=field)
    return amount


# ------------------------------------------------------------------ classes


@transaction.atomic
def class_create(
    *,
    actor: Actor,
    facility: "Facility",
    name: str,
    band: str,
    capacity: int,
    caregivers: int,
    puhui: bool = True,
    monthly_fee: object = 0,
    request: HttpRequest | None = None,
) -> ChildClass:
    facility = facility_locked(facility.pk)
    require_facility(actor, "childcare.manage", facility)
    require_filed_childcare(facility)
    if band not in Band.values:
        raise InvalidInput(_("未知的班型：%(b)s") % {"b": band}, field="band")
    allowed = standards.ALLOWED_BANDS.get(facility.kind)
    if allowed and band not in allowed:
        raise InvalidInput(
            _("%(k)s只能开设%(b)s")
            % {"k": facility.get_kind_display(), "b": "、".join(str(Band(b).label) for b in allowed)},
            field="band",
        )
    rule = standards.BANDS[band]
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写班级名称"), field="name")
    if not 1 <= int(capacity) <= rule.max_children:
        raise InvalidInput(
            _("%(b)s每班不超过 %(m)d 人") % {"b": Band(band).label, "m": rule.max_children}, field="capacity"
        )
    if int(caregivers) < 1:
        raise InvalidInput(_("每班至少配备1名保育人员"), field="caregivers")
    classes = ChildClass.objects.filter(facility=facility, active=True)
    seats = sum(c.capacity for c in classes) + int(capacity)
    if seats > facility.childcare_places:
        raise InvalidInput(
            _("各班额定人数合计 %(n)d 人，超过备案托位 %(p)d 个")
            % {"n": seats, "p": facility.childcare_places},
            field="capacity",
        )
    if puhui:
        # Jiaxing 三(三): a unit whose credit grade withholds 普惠 recognition opens no 普惠 class
        refused = credit_standing.puhui_refusal("facility", facility.pk)
        if refused is not None:
            raise InvalidInput(refused, field="puhui")
        puhui_seats = sum(c.capacity for c in classes if c.puhui) + int(capacity)
        if puhui_seats > facility.childcare_places_puhui:
            raise InvalidInput(
                _("普惠班额定人数合计 %(n)d 人，超过备案普惠托位 %(p)d 个")
                % {"n": puhui_seats, "p": facility.childcare_places_puhui},
                field="puhui",
            )
    try:
        with transaction.atomic():
            cls = ChildClass.objects.create(
                facility=facility,
                region_code=facility.region_code,
                name=name,
                band=band,
                capacity=capacity,
                caregivers=caregivers,
                puhui=puhui,
                monthly_fee=_money(monthly_fee, "monthly_fee"),
            )
    except IntegrityError:
        raise Conflict(_("已有同名班级：%(n)s") % {"n": name}, field="name") from None
    audit.record(actor=actor, action=AuditAction.CHILDCLASS_CREATE, obj=cls, request=request)
    return cls


@transaction.atomic
def class_set_caregivers(
    *,
    actor: Actor,
    child_class: ChildClass,
    caregivers: int,
    day: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> ChildClass:
    """Change a class's caregivers; refused when the children enrolled would break the ratio."""
    child_class = ChildClass.objects.select_for_update().select_related("facility").get(pk=child_class.pk)
    require_facility(actor, "childcare.manage", child_class.facility)
    if int(caregivers) < 1:
        raise InvalidInput(_("每班至少配备1名保育人员"), field="caregivers")
    before = child_class.caregivers
    child_class.caregivers = int(caregivers)
    _check_ratio(child_class, _class_months(child_class, day or timezone.localdate()))
    child_class.save(update_fields=["caregivers"])
    audit.record(
        actor=actor,
        action=AuditAction.CHILDCLASS_CAREGIVERS,
        obj=child_class,
        request=request,
        before=before,
        after=child_class.caregivers,
    )
    return child_class


def open_on(day: datetime.date) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))


def _check_ratio(child_class: ChildClass, months: list[int]) -> None:
    if not months:
        return
    per = standards.children_per_caregiver(child_class.band, min(months))
    needed = math.ceil(len(months) / per)
    if needed > child_class.caregivers:
        raise Conflict(
            _("%(c)s 保育人员不足：%(n)d 名婴幼儿按 1:%(r)d 须 %(k)d 名保育人员，现有 %(h)d 名")
            % {"c": child_class.name, "n": len(months), "r": per, "k": needed, "h": child_class.caregivers},
            field="child_class",
        )


def check_age(child_class: ChildClass, child: Person, day: datetime.date) -> int:
    months = standards.months_old(child.birth_date, day)
    rule = standards.BANDS[child_class.band]
    if not rule.months_from <= months < rule.months_to:
        right = standards.own_band(months)
        hint = _("，应入%(b)s") % {"b": Band(right).label} if right else ""
        raise InvalidInput(
            _("%(n)s %(m)d 个月，不符合%(b)s的年龄（%(f)d–%(t)d 个月）%(h)s")
            % {
                "n": child.name,
                "m": months,
                "b": Band(child_class.band).label,
                "f": rule.months_from,
                "t": rule.months_to,
                "h": hint,
            },
            field="child",
        )
    return months


def _class_months(child_class: ChildClass, day: datetime.date, exclude: int | None = None) -> list[int]:
    rows = Enrolment.objects.filter(open_on(day), child_class=child_class).select_related("child")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return [standards.months_old(e.child.birth_date, day) for e in rows]


@transaction.atomic
def enrol(
    *,
    actor: Actor,
    child_class: ChildClass,
    child: Person,
    start_on: datetime.date,
    request: HttpRequest | None = None,
    _from: Enrolment | None = None,
) -> Enrolment:
    child_class = ChildClass.objects.select_for_update().select_related("facility").get(pk=child_class.pk)
    require_facility(actor, "childcare.manage", child_class.facility)
    require_filed_childcare(child_class.facility)
    if not child_class.active:
        raise Conflict(_("%(c)s 已停班") % {"c": child_class.name}, field="child_class")
    if (
        PersonStatus.objects.filter(person=child, kind__in=EXIT_STATUSES, valid_from__lte=start_on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start_on))
        .exists()
    ):
        raise InvalidInput(_("%(n)s 已迁出或注销，不能入托") % {"n": child.name}, field="child")
    months = check_age(child_class, child, start_on)
    others = _class_months(child_class, start_on, exclude=_from.pk if _from else None)
    if len(others) + 1 > child_class.capacity:
        raise Conflict(
            _("%(c)s 已满（额定 %(m)d 人，现有 %(n)d 人）")
            % {"c": child_class.name, "m": child_class.capacity, "n": len(others)},
            field="child_class",
        )
    _check_ratio(child_class, [*others, months])
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                child_class=child_class,
                facility=child_class.facility,
                child=child,
                region_code=child_class.region_code,
                child_region_code=child.region_code,
                start_on=start_on,
            )
    except IntegrityError:
        raise Conflict(_("%(n)s 已在托，请先办理离托或转班") % {"n": child.name}, field="child") from None
    audit.record(
        actor=actor, action=AuditAction.ENROLMENT_CREATE, obj=child_class, request=request, child=child.pk
    )
    return enrolment


@transaction.atomic
def enrolment_end(
    *, actor: Actor, enrolment: Enrolment, day: datetime.date, reason: str, request: HttpRequest | None = None
) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().select_related("facility").get(pk=enrolment.pk)
    require_facility(actor, "childcare.manage", enrolment.facility)
    if enrolment.end_on is not None:
        raise Conflict(_("已于 %(d)s 离托") % {"d": enrolment.end_on})
    if day < enrolment.start_on:
        raise InvalidInput(_("离托日期不能早于入托日期"), field="day")
    if not (reason or "").strip():
        raise InvalidInput(_("请填写离托原因"), field="reason")
    enrolment.end_on, enrolment.end_reason = day, reason.strip()[:100]
    enrolment.save(update_fields=["end_on", "end_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.ENROLMENT_END,
        obj=enrolment.child_class,
        request=request,
        enrolment=enrolment.pk,
    )
    return enrolment


@transaction.atomic
def enrolment_move(
    *,
    actor: Actor,
    enrolment: Enrolment,
    to_class: ChildClass,
    day: datetime.date,
    request: HttpRequest | None = None,
) -> Enrolment:
    """Move a child to another class from `day` (e.g. ageing into the next band): the new class's
    age, size and ratio are checked as for a new enrolment; nothing changes when it is refused."""
    enrolment = Enrolment.objects.select_for_update().select_related("child", "facility").get(pk=enrolment.pk)
    require_facility(actor, "childcare.manage", enrolment.facility)
    if enrolment.end_on is not None:
        raise Conflict(_("该入托记录已结束"))
    if to_class.pk == enrolment.child_class_id:
        raise InvalidInput(_("目标班级与当前班级相同"), field="to_class")
    if day <= enrolment.start_on:
        raise InvalidInput(_("转班日期应晚于入托日期"), field="day")
    enrolment.end_on, enrolment.end_reason = day, _("转入%(c)s") % {"c": to_class.name}
    enrolment.save(update_fields=["end_on", "end_reason"])
    return enrol(
        actor=actor,
        child_class=to_class,
        child=enrolment.child,
        start_on=day,
        request=request,
        _from=enrolment,
    )


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    child_class: ChildClass,
    day: datetime.date,
    present_ids: set[int],
    request: HttpRequest | None = None,
) -> int:
    """Record the day's attendance of a class: the enrolments listed are present, the others absent.
    Recording the same day again replaces it (one row per child and day)."""
    child_class = ChildClass.objects.select_related("facility").get(pk=child_class.pk)
    require_facility(actor, "childcare.manage", child_class.facility)
    if day > timezone.localdate():
        raise InvalidInput(_("不能登记未来日期的出勤"), field="day")
    enrolments = list(Enrolment.objects.filter(open_on(day), child_class=child_class))
    unknown = set(present_ids) - {e.pk for e in enrolments}
    if unknown:
        raise InvalidInput(
            _("这些入托记录不在该班当天名单中：%(i)s") % {"i": sorted(unknown)}, field="present"
        )
    for e in enrolments:
        Attendance.objects.update_or_create(
            enrolment=e,
            day=day,
            defaults={
                "present": e.pk in present_ids,
                "region_code": e.region_code,
                "recorded_by": _user(actor),
            },
        )
    audit.record(
        actor=actor,
        action=AuditAction.ATTENDANCE_RECORD,
        obj=child_class,
        request=request,
        day=str(day),
        present=len(present_ids),
        total=len(enrolments),
    )
    return len(enrolments)


# ------------------------------------------------------------------ vouchers


def _code() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "TY" + "".join(secrets.choice(alphabet) for _ in range(12))


def voucher_issue(
    *,
    actor: Actor,
    region_code: str,
    batch: str,
    valid_to: datetime.date,
    amount: object = None,
    programme_code: str = "",
    day: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Issue a voucher of `batch` to every child under 3 living in the region on `day` who has none
    of that batch yet (re-running a batch issues nothing twice). With `programme_code`, only the
    children the benefits module finds entitled to that voucher programme, at its amount.
    Returns how many were issued."""
    day = day or timezone.localdate()
    if not regions.is_valid_code(region_code):
        raise InvalidInput(_("区划代码不正确：%(c)s") % {"c": region_code}, field="region_code")
    scope.require(actor, "childcare.voucher", region_code)
    batch = (batch or "").strip()
    if not batch or len(batch) > 40:
        raise InvalidInput(_("请填写发放批次（40字以内）"), field="batch")
    programme_code = (programme_code or "").strip()
    if not programme_code:
        if amount in (None, ""):
            raise InvalidInput(_("请填写面额，或选择津贴补贴项目"), field="amount")
        amount = face = _money(amount, "amount")
        if face <= 0:
            raise InvalidInput(_("面额应大于0"), field="amount")
    if valid_to < day:
        raise InvalidInput(_("有效期不能早于发放日期"), field="valid_to")
    exits = (
        PersonStatus.objects.filter(kind__in=EXIT_STATUSES, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values("person_id")
    )
    children = (
        Person.objects.filter(
            birth_date_bounds("infant", day), region_code__startswith=regions.prefix_of(region_code)
        )
        .exclude(pk__in=exits)
        .exclude(childcare_vouchers__batch=batch)
        .order_by("pk")
    )
    if programme_code:
        amounts = _entitled(children, programme_code, day)
        chosen = [
            (pk, rc, amounts[pk]) for pk, rc in children.values_list("pk", "region_code") if pk in amounts
        ]
    else:
        chosen = [(pk, rc, face) for pk, rc in children.values_list("pk", "region_code")]
    rows = [
        Voucher(
            code=_code(),
            batch=batch,
            child_id=pk,
            region_code=rc,
            amount=value,
            issued_on=day,
            valid_to=valid_to,
            issued_by=_user(actor),
            programme_code=programme_code,
        )
        for pk, rc, value in chosen
    ]
    Voucher.objects.bulk_create(rows, batch_size=2000)
    audit.record(
        actor=actor,
        action=AuditAction.VOUCHER_ISSUE,
        object_type="childcare.voucher",
        object_id=batch,
        region_code=region_code,
        request=request,
        count=len(rows),
        programme=programme_code,
        amount=str(amount or ""),
    )
    return len(rows)


@transaction.atomic
def voucher_redeem(
    *, actor: Actor, code: str, facility: "Facility", request: HttpRequest | None = None
) -> Voucher:
    """Redeem a voucher at a filed childcare facility: once only, before it expires."""
    require_facility(actor, "childcare.manage", facility)
    require_filed_childcare(facility)
    code = (code or "").strip().upper()
    voucher = Voucher.objects.select_for_update().filter(code=code).first()
    if voucher is None:
        raise NotFound(_("券号不存在：%(c)s") % {"c": code})
    if voucher.redeemed_at is not None:
        raise Conflict(
            _("该券已于 %(t)s 在 %(f)s 使用，不能重复使用")
            % {
                "t": timezone.localtime(voucher.redeemed_at).strftime("%Y-%m-%d %H:%M"),
                "f": voucher.redeemed_facility,
            },
            field="code",
        )
    if voucher.valid_to < timezone.localdate():
        raise Conflict(_("该券已于 %(d)s 过期") % {"d": voucher.valid_to}, field="code")
    updated = Voucher.objects.filter(pk=voucher.pk, redeemed_at__isnull=True).update(
        redeemed_at=timezone.now(), redeemed_facility=facility, redeemed_by=_user(actor)
    )
    if updated != 1:
        raise Conflict(_("该券已被使用"), field="code")
    voucher.refresh_from_db()
    _charge_fund(voucher, facility)
    audit.record(
        actor=actor, action=AuditAction.VOUCHER_REDEEM, obj=voucher, request=request, facility=facility.pk
    )
    return voucher


def _charge_fund(voucher: Voucher, facility: "Facility") -> None:
    """A voucher of a benefits programme is paid by that programme's fund when it is used, once:
    one spending posting of its face value (benefits.services.ledger_spend, idempotent by the
    voucher's code), in the child's community and the month of use. Refused when the fund is short
    (资金不足, naming the shortfall): the redemption is then rolled back with it. The payroll writes
    no line for a voucher programme (benefits/payroll.py paid_by_payroll), so nothing else charges
    it (Hechuan 三(二) 托育服务体验券)."""
    if not voucher.programme_code or not apps.is_installed("carecircle.benefits"):
        return
    from carecircle.benefits.services import ledger_spend  # noqa: PLC0415 — the other module may be absent (apps.is_installed)

    used = timezone.localdate(voucher.redeemed_at)
    ledger_spend(
        actor=None,
        programme_code=voucher.programme_code,
        region_code=voucher.region_code,
        month=f"{used:%Y-%m}",
        amount=voucher.amount,
        reference=f"childcare:voucher:{voucher.code}",
        system="childcare",
        memo=_("托育券 %(c)s 在 %(f)s 使用") % {"c": voucher.code, "f": facility.name},
    )
