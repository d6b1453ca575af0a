"""The hours' transfers (gift to a relative, donation to the pool), the district's guarantee
deposits and the escalation of unserved requests (private: services.py re-exports them)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.models import Region
from carecircle.core.regions import district_of
from carecircle.core.types import Actor, signed_in
from carecircle.registry import selectors as registry
from carecircle.registry.models import Person
from carecircle.timebank import _ledger, selectors
from carecircle.timebank._common import _token, _user
from carecircle.timebank._ledger import hours_value
from carecircle.timebank.models import (
    Account,
    AccountKind,
    EntryKind,
    GuaranteeDeposit,
    HelpRequest,
    RequestStatus,
    Volunteer,
)
from carecircle.timebank.selectors import MANAGE, rule_for


def _giver(actor: Actor) -> tuple[Any, Volunteer, Account]:
    user = _user(actor)
    volunteer = selectors.volunteer_of(user)
    if volunteer is None:
        raise Forbidden(_("请先登记为志愿者"))
    account = _ledger.volunteer_account(volunteer)
    return user, volunteer, account


@transaction.atomic
def hours_give(
    *, actor: Actor, person: Person, hours: object, token: str, request: HttpRequest | None = None
) -> Account:
    """A volunteer gives hours to a relative: a person their account is linked to by a consented
    family link (registry.selectors.family_persons), within their balance and the yearly gift cap."""
    token = _token(token)
    user, volunteer, account = _giver(actor)
    if not registry.family_persons(user).filter(pk=person.pk).exists():
        raise InvalidInput(_("只能转赠给已关联的亲属"), field="person")
    amount = hours_value(hours)
    key = f"gift:{volunteer.pk}:{token}"
    receiver = _ledger.person_account(person.pk, person.region_code)
    if not _ledger.Entry.objects.filter(key=key).exists():
        held = _ledger.locked_balance(account)
        if amount > held:
            raise InvalidInput(
                _("转赠时数超过余额：可用 %(a)s 小时，转赠 %(n)s 小时") % {"a": held, "n": amount},
                field="hours",
            )
        today = timezone.localdate()
        given = _ledger.moved(account, EntryKind.GIFT, today.replace(month=1, day=1), today)
        cap = rule_for(volunteer.region_code).gift_yearly_cap
        if given + amount > cap:
            raise InvalidInput(
                _("超过每年转赠上限：本年已转赠 %(g)s 小时，上限 %(c)s 小时") % {"g": given, "c": cap},
                field="hours",
            )
        _ledger.post(
            key=key,
            kind=EntryKind.GIFT,
            day=today,
            lines=[(account, -amount), (receiver, amount)],
            actor=user,
            memo=_("转赠亲属 %(p)s") % {"p": person.name},
        )
        audit.record(
            actor=user,
            action=AuditAction.TIMEBANK_HOURS_GIVE,
            obj=receiver,
            request=request,
            hours=str(amount),
        )
    return receiver


@transaction.atomic
def hours_donate(*, actor: Actor, hours: object, token: str, request: HttpRequest | None = None) -> Account:
    """A volunteer donates hours to their district's pool (served to older people in need)."""
    token = _token(token)
    user, volunteer, account = _giver(actor)
    amount = hours_value(hours)
    pool = _ledger.district_account(AccountKind.POOL, volunteer.region_code)
    key = f"donate:{volunteer.pk}:{token}"
    if not _ledger.Entry.objects.filter(key=key).exists():
        held = _ledger.locked_balance(account)
        if amount > held:
            raise InvalidInput(
                _("捐赠时数超过余额：可用 %(a)s 小时，捐赠 %(n)s 小时") % {"a": held, "n": amount},
                field="hours",
            )
        _ledger.post(
            key=key,
            kind=EntryKind.DONATE,
            day=timezone.localdate(),
            lines=[(account, -amount), (pool, amount)],
            actor=user,
            memo=_("捐赠互助池"),
        )
        audit.record(
            actor=user, action=AuditAction.TIMEBANK_HOURS_DONATE, obj=pool, request=request, hours=str(amount)
        )
    return pool


@transaction.atomic
def guarantee_deposit(
    *,
    actor: Actor,
    region_code: str,
    hours: object = 0,
    money: object = 0,
    hour_value: object = 0,
    memo: str = "",
    token: str,
    request: HttpRequest | None = None,
) -> GuaranteeDeposit:
    """A district sets hours or money aside to honour its outstanding hours (the guarantee pool)."""
    token = _token(token)
    district = district_of((region_code or "").strip() or "000000000000")
    if not Region.objects.filter(code=district).exists():
        raise InvalidInput(_("请选择区县"), field="region_code")
    scope.require(actor, MANAGE, district)
    found = GuaranteeDeposit.objects.filter(key=f"guarantee:{token}").first()
    if found is not None:
        return found
    h = _decimal(hours, "hours", _("保障时数"))
    m = _decimal(money, "money", _("保障资金"))
    v = _decimal(hour_value, "hour_value", _("每小时折算金额"))
    if h == 0 and m == 0:
        raise InvalidInput(_("请填写保障时数或保障资金"), field="hours")
    if m > 0 and v <= 0:
        raise InvalidInput(_("存入资金时须填写每小时折算金额"), field="hour_value")
    deposit = GuaranteeDeposit.objects.create(
        key=f"guarantee:{token}",
        region_code=district,
        hours=h,
        money=m,
        hour_value=v,
        memo=(memo or "").strip()[:200],
        day=timezone.localdate(),
        created_by=actor if signed_in(actor) else None,
    )
    audit.record(actor=actor, action=AuditAction.TIMEBANK_GUARANTEE_DEPOSIT, obj=deposit, request=request)
    return deposit


def _decimal(raw: object, field: str, label: str) -> Decimal:
    try:
        value = Decimal(str(raw if raw not in (None, "") else 0).strip())
    except (ArithmeticError, ValueError):
        raise InvalidInput(_("%(l)s须为数字") % {"l": label}, field=field) from None
    if not value.is_finite() or value < 0 or value > Decimal("100000000"):
        raise InvalidInput(_("%(l)s不能为负数或过大") % {"l": label}, field=field)
    return value.quantize(Decimal("0.01"))


def requests_escalate(*, now: datetime.datetime | None = None) -> int:
    """Escalate, once each, the open requests unserved for the rule's `escalate_after_days` (7):
    the row's escalated_at is set by a conditional update, so a second run (or a second worker)
    finds nothing to do. Escalated requests are visible to every volunteer of the city."""
    now = now or timezone.now()
    done = 0
    candidates = HelpRequest.objects.filter(status=RequestStatus.OPEN, escalated_at__isnull=True).only(
        "pk", "region_code", "posted_at"
    )
    for req in candidates.filter(posted_at__lte=now - datetime.timedelta(days=1)).iterator():
        rule = rule_for(req.region_code)
        if req.posted_at > now - datetime.timedelta(days=rule.escalate_after_days):
            continue
        with transaction.atomic():
            claimed = HelpRequest.objects.filter(
                pk=req.pk, status=RequestStatus.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now)
            if claimed:
                done += 1
                audit.record(
                    actor=None,
                    action=AuditAction.TIMEBANK_REQUEST_ESCALATE,
                    obj=req,
                    days=rule.escalate_after_days,
                )
    return done
