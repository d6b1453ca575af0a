"""Writes of the time bank: `<entity>_<action>(*, actor, …)`, each one transaction, scope-checked,
audited once. Bad input is refused with a Chinese message naming the field, before anything is
written; the hours move only through `_ledger.post` under a unique key (nothing counted twice).

Rules are data (models.Rule, reference.py): daily and yearly caps on hours earned, the yearly cap
on hours given to relatives, the youngest age that may redeem hours for help (Yizhou 四(十),
Hechuan 二(九), Hangzhou 三(一)3,8, Jiaxing 二(四)12, 二(七)22)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import Region
from carecircle.core.regions import COMMUNITY, level_of
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import mask_phone, normalise_phone, phone_index
from carecircle.registry import selectors as registry
from carecircle.registry.models import Person
from carecircle.timebank import _ledger, selectors
from carecircle.timebank._common import _user
from carecircle.timebank._ledger import hours_value
from carecircle.timebank.models import (
    Account,
    AccountKind,
    EntryKind,
    HelpRequest,
    RequestStatus,
    Skill,
    Volunteer,
)
from carecircle.timebank.selectors import MANAGE, request_actions, rule_for
from carecircle.timebank.types import RequestAction

MOST_PER_REQUEST = Decimal("8")


@transaction.atomic
def volunteer_register(
    *,
    actor: Actor,
    name: str,
    birth_date: datetime.date,
    phone: str,
    region_code: str,
    skills: list[str],
    availability: str = "",
    request: HttpRequest | None = None,
) -> Volunteer:
    """A signed-in account registers itself as a volunteer (Yizhou 四(十) 为老服务志愿者登记)."""
    user = _user(actor)
    if Volunteer.objects.filter(user=user).exists():
        raise Conflict(_("本账号已登记为志愿者"), field="name")
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise InvalidInput(_("请填写姓名（50字以内）"), field="name")
    today = timezone.localdate()
    if birth_date is None or birth_date > today:
        raise InvalidInput(_("出生日期不正确"), field="birth_date")
    region_code = (region_code or "").strip()
    if level_of(region_code) != COMMUNITY or not Region.objects.filter(code=region_code).exists():
        raise InvalidInput(_("请选择所在社区"), field="region_code")
    rule = rule_for(region_code)
    if age_on(birth_date, today) < rule.volunteer_min_age:
        raise InvalidInput(_("志愿者须年满%(n)s周岁") % {"n": rule.volunteer_min_age}, field="birth_date")
    digits = normalise_phone(phone or "")
    if len(digits) != 11 or not digits.startswith("1"):
        raise InvalidInput(_("请填写11位手机号码"), field="phone")
    chosen = [s for s in skills or [] if s]
    unknown = [s for s in chosen if s not in Skill.values]
    if not chosen or unknown:
        raise InvalidInput(_("请至少选择一项服务技能"), field="skills")
    volunteer = Volunteer.objects.create(
        user=user,
        name=name,
        birth_date=birth_date,
        phone=digits,
        phone_masked=mask_phone(digits),
        phone_index=phone_index(digits),
        region_code=region_code,
        skills=",".join(chosen),
        availability=(availability or "").strip()[:200],
    )
    _ledger.volunteer_account(volunteer)
    audit.record(actor=user, action=AuditAction.TIMEBANK_VOLUNTEER_REGISTER, obj=volunteer, request=request)
    return volunteer


def _may_act_for(actor: Actor, person: Person) -> bool:
    return (
        signed_in(actor) and registry.family_persons(actor).filter(pk=person.pk).exists()
    ) or scope.has_perm(actor, MANAGE, person.region_code)


@transaction.atomic
def request_post(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    wanted_on: datetime.date,
    hours: object,
    note: str = "",
    pay: str = "",
    request: HttpRequest | None = None,
) -> HelpRequest:
    """An older person's request for help, posted by their own account, a relative's or a worker's.
    `pay` "own": redeemed from the person's own hours (held in escrow now); "pool": from the
    district's donated pool (a worker only); "": a free request (the volunteer still earns)."""
    user = _user(actor)
    if not _may_act_for(user, person):
        scope.require(user, MANAGE, person.region_code)
    if kind not in Skill.values:
        raise InvalidInput(_("请选择服务内容"), field="kind")
    today = timezone.localdate()
    if wanted_on is None or wanted_on < today:
        raise InvalidInput(_("期望日期不能早于今天"), field="wanted_on")
    amount = hours_value(hours, most=MOST_PER_REQUEST)
    rule = rule_for(person.region_code)
    req = HelpRequest(
        person=person,
        region_code=person.region_code,
        kind=kind,
        note=(note or "").strip()[:200],
        wanted_on=wanted_on,
        hours=amount,
        posted_by=user,
        posted_at=timezone.now(),
    )
    payer: Account | None = None
    if pay == "own":
        if age_on(person.birth_date, today) < rule.spend_min_age:
            raise InvalidInput(
                _("%(p)s 未满%(n)s周岁，暂不能兑换时间银行服务")
                % {"p": person.name, "n": rule.spend_min_age},
                field="pay",
            )
        payer = _ledger.person_account(person.pk, person.region_code)
    elif pay == "pool":
        if not scope.has_perm(user, MANAGE, person.region_code):
            raise InvalidInput(_("只有本社区的工作人员可以用互助池支付"), field="pay")
        payer = _ledger.district_account(AccountKind.POOL, person.region_code)
    elif pay:
        raise InvalidInput(_("支付方式不正确"), field="pay")
    if payer is not None:
        held = _ledger.locked_balance(payer)
        if held < amount:
            raise InvalidInput(
                _("时间余额不足：可用 %(a)s 小时，本次需要 %(n)s 小时") % {"a": held, "n": amount},
                field="pay",
            )
    req.paid_by = payer
    req.save()
    if payer is not None:
        escrow = _ledger.district_account(AccountKind.ESCROW, req.region_code)
        _ledger.post(
            key=f"hold:{req.pk}",
            kind=EntryKind.HOLD,
            day=today,
            lines=[(payer, -amount), (escrow, amount)],
            actor=user,
            memo=_("兑换冻结：%(k)s") % {"k": req.get_kind_display()},
            request_id=req.pk,
        )
    audit.record(
        actor=user,
        action=AuditAction.TIMEBANK_REQUEST_POST,
        obj=req,
        request=request,
        pay=pay or "free",
        **registry.on_behalf_of(user, person),
    )
    return req


def _locked(req: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("person", "volunteer", "paid_by")
        .get(pk=req.pk)
    )


def _require_action(actor: Actor, req: HelpRequest, action: RequestAction) -> None:
    if action not in request_actions(actor, req):
        labels = {
            RequestAction.TAKE: _("该需求当前不能接单"),
            RequestAction.CHECK_IN: _("只有接单的志愿者可以在接单后签到"),
            RequestAction.CHECK_OUT: _("只有接单的志愿者可以在签到后签退"),
            RequestAction.CONFIRM: _(
                "服务时长须由老人本人、家属或工作人员在志愿者签退后确认，志愿者本人不能确认自己的时长"
            ),
            RequestAction.CANCEL: _("该需求当前不能取消"),
        }
        raise Conflict(labels[action], field="status")


@transaction.atomic
def request_take(
    *, actor: Actor, help_request: HelpRequest, request: HttpRequest | None = None
) -> HelpRequest:
    user = _user(actor)
    volunteer = selectors.volunteer_of(user)
    if volunteer is None:
        raise Forbidden(_("请先登记为志愿者"))
    req = _locked(help_request)
    _require_action(user, req, RequestAction.TAKE)
    req.volunteer, req.status, req.taken_at = volunteer, RequestStatus.TAKEN, timezone.now()
    req.save(update_fields=["volunteer", "status", "taken_at"])
    audit.record(actor=user, action=AuditAction.TIMEBANK_REQUEST_TAKE, obj=req, request=request)
    return req


def _position(latitude: object, longitude: object) -> tuple[float, float]:
    if latitude in (None, "") or longitude in (None, ""):
        raise InvalidInput(_("未获取到定位：请允许本页面使用位置信息后再签到/签退"), field="latitude")
    try:
        lat, lng = float(str(latitude)), float(str(longitude))
    except ValueError:
        raise InvalidInput(_("定位数据格式不正确"), field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(_("定位超出范围"), field="latitude")
    return lat, lng


@transaction.atomic
def request_check_in(
    *,
    actor: Actor,
    help_request: HelpRequest,
    latitude: object,
    longitude: object,
    request: HttpRequest | None = None,
) -> HelpRequest:
    """The volunteer arrives: time and position recorded (as the caregivers' EVV, homecare/evv.py)."""
    user = _user(actor)
    req = _locked(help_request)
    _require_action(user, req, RequestAction.CHECK_IN)
    lat, lng = _position(latitude, longitude)
    req.check_in_at, req.check_in_lat, req.check_in_lng = timezone.now(), lat, lng
    req.status = RequestStatus.STARTED
    req.save(update_fields=["check_in_at", "check_in_lat", "check_in_lng", "status"])
    audit.record(actor=user, action=AuditAction.TIMEBANK_CHECK_IN, obj=req, request=request)
    return req


@transaction.atomic
def request_check_out(
    *,
    actor: Actor,
    help_request: HelpRequest,
    latitude: object,
    longitude: object,
    request: HttpRequest | None = None,
) -> HelpRequest:
    user = _user(actor)
    req = _locked(help_request)
    _require_action(user, req, RequestAction.CHECK_OUT)
    lat, lng = _position(latitude, longitude)
    req.check_out_at, req.check_out_lat, req.check_out_lng = timezone.now(), lat, lng
    req.status = RequestStatus.DONE
    req.save(update_fields=["check_out_at", "check_out_lat", "check_out_lng", "status"])
    audit.record(actor=user, action=AuditAction.TIMEBANK_CHECK_OUT, obj=req, request=request)
    return req


def _check_caps(account: Account, volunteer: Volunteer, day: datetime.date, amount: Decimal) -> None:
    rule = rule_for(volunteer.region_code)
    today_earned = _ledger.moved(account, EntryKind.EARN, day, day)
    if today_earned + amount > rule.daily_cap:
        raise InvalidInput(
            _("超过每日获得上限：%(v)s 当日已获得 %(e)s 小时，上限 %(c)s 小时")
            % {"v": volunteer.name, "e": today_earned, "c": rule.daily_cap},
            field="hours",
        )
    year_earned = _ledger.moved(
        account, EntryKind.EARN, day.replace(month=1, day=1), day.replace(month=12, day=31)
    )
    if year_earned + amount > rule.yearly_cap:
        raise InvalidInput(
            _("超过每年获得上限：%(v)s 本年已获得 %(e)s 小时，上限 %(c)s 小时")
            % {"v": volunteer.name, "e": year_earned, "c": rule.yearly_cap},
            field="hours",
        )


@transaction.atomic
def request_confirm(
    *, actor: Actor, help_request: HelpRequest, hours: object, request: HttpRequest | None = None
) -> HelpRequest:
    """The older person, a relative or a worker confirms the hours served; the volunteer earns them
    (earn:<request>), and a redemption spends the hours held (spend:<request>, the rest released).
    The volunteer alone can never confirm their own hours."""
    user = _user(actor)
    req = _locked(help_request)
    if req.volunteer is not None and req.volunteer.user_id == user.pk:
        raise Forbidden(_("志愿者本人不能确认自己的服务时长，须由老人本人、家属或工作人员确认"))
    _require_action(user, req, RequestAction.CONFIRM)
    amount = hours_value(hours, most=MOST_PER_REQUEST)
    volunteer = req.volunteer
    assert volunteer is not None and req.check_in_at is not None  # DONE: taken and checked in
    day = timezone.localtime(req.check_in_at).date()
    earner = _ledger.volunteer_account(volunteer)
    Account.objects.select_for_update().filter(pk=earner.pk).first()
    _check_caps(earner, volunteer, day, amount)
    issued = _ledger.district_account(AccountKind.ISSUED, req.region_code)
    _ledger.post(
        key=f"earn:{req.pk}",
        kind=EntryKind.EARN,
        day=day,
        lines=[(earner, amount), (issued, -amount)],
        actor=user,
        memo=_("志愿服务：%(k)s") % {"k": req.get_kind_display()},
        request_id=req.pk,
    )
    if req.paid_by is not None:
        _settle(req, user, min(amount, req.hours), day)
    req.earned, req.status, req.confirmed_by, req.confirmed_at = (
        amount,
        RequestStatus.CONFIRMED,
        user,
        timezone.now(),
    )
    req.save(update_fields=["earned", "status", "confirmed_by", "confirmed_at"])
    audit.record(
        actor=user,
        action=AuditAction.TIMEBANK_REQUEST_CONFIRM,
        obj=req,
        request=request,
        hours=str(amount),
        **registry.on_behalf_of(user, req.person),
    )
    return req


def _settle(req: HelpRequest, user: Actor, spent: Decimal, day: datetime.date) -> None:
    """A redemption served: the hours held are spent (escrow → issued), the rest go back."""
    assert req.paid_by is not None
    escrow = _ledger.district_account(AccountKind.ESCROW, req.region_code)
    issued = _ledger.district_account(AccountKind.ISSUED, req.region_code)
    _ledger.post(
        key=f"spend:{req.pk}",
        kind=EntryKind.SPEND,
        day=day,
        lines=[(escrow, -spent), (issued, spent)],
        actor=user,
        memo=_("兑换服务：%(k)s") % {"k": req.get_kind_display()},
        request_id=req.pk,
    )
    rest = req.hours - spent
    if rest > 0:
        _ledger.post(
            key=f"release:{req.pk}",
            kind=EntryKind.RELEASE,
            day=day,
            lines=[(escrow, -rest), (req.paid_by, rest)],
            actor=user,
            memo=_("兑换解冻"),
            request_id=req.pk,
        )


@transaction.atomic
def request_cancel(
    *, actor: Actor, help_request: HelpRequest, request: HttpRequest | None = None
) -> HelpRequest:
    user = _user(actor)
    req = _locked(help_request)
    _require_action(user, req, RequestAction.CANCEL)
    if req.paid_by is not None:
        escrow = _ledger.district_account(AccountKind.ESCROW, req.region_code)
        _ledger.post(
            key=f"release:{req.pk}",
            kind=EntryKind.RELEASE,
            day=timezone.localdate(),
            lines=[(escrow, -req.hours), (req.paid_by, req.hours)],
            actor=user,
            memo=_("取消需求，兑换解冻"),
            request_id=req.pk,
        )
    req.status = RequestStatus.CANCELLED
    req.save(update_fields=["status"])
    audit.record(actor=user, action=AuditAction.TIMEBANK_REQUEST_CANCEL, obj=req, request=request)
    return req


from carecircle.timebank._giving import (  # noqa: E402 — the hours' transfers and the district's guarantee
    guarantee_deposit,
    hours_donate,
    hours_give,
    requests_escalate,
)

__all__ = [
    "guarantee_deposit",
    "hours_donate",
    "hours_give",
    "request_cancel",
    "request_check_in",
    "request_check_out",
    "request_confirm",
    "request_post",
    "request_take",
    "requests_escalate",
    "volunteer_register",
]
