"""Writes of the benefits module: programmes, payroll runs and their approval, the funds ledger,
appeals. Each checks scope, validates, writes in one transaction and records the audit row.
Programmes and funds are written here; the funds ledger lives in _ledger.py (fund_available,
fund_appropriate, ledger_spend, spend_key), payroll batches in _batches.py and appeals in
_appeals.py, all re-exported here: callers import from `carecircle.benefits.services` only."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.benefits import rules
from carecircle.benefits._appeals import appeal_decide as appeal_decide
from carecircle.benefits._appeals import appeal_file as appeal_file
from carecircle.benefits._batches import payee_account_set as payee_account_set
from carecircle.benefits._batches import payroll_approve as payroll_approve
from carecircle.benefits._batches import payroll_export as payroll_export
from carecircle.benefits._batches import payroll_mark_paid as payroll_mark_paid
from carecircle.benefits._batches import payroll_reject as payroll_reject
from carecircle.benefits._batches import payroll_run as payroll_run
from carecircle.benefits._batches import recovery_collect as recovery_collect
from carecircle.benefits._common import CENT as CENT
from carecircle.benefits._common import _actor_ok, _money, _region
from carecircle.benefits._ledger import SPEND_PREFIX as SPEND_PREFIX
from carecircle.benefits._ledger import _post as _post  # tests post an unbalanced entry through it
from carecircle.benefits._ledger import fund_appropriate as fund_appropriate
from carecircle.benefits._ledger import fund_available as fund_available
from carecircle.benefits._ledger import ledger_spend as ledger_spend
from carecircle.benefits._ledger import spend_key as spend_key
from carecircle.benefits.models import Fund, PaymentMethod, Period, Programme, Tier, TierMode
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest

# ---------------------------------------------------------------- programmes


@transaction.atomic
def programme_save(
    *,
    actor: Actor,
    code: str,
    name: str,
    fund: Fund,
    region_code: str,
    target_rule: str,
    tiers: list[dict[str, Any]],
    period: str = Period.MONTHLY,
    payment_method: str = PaymentMethod.CASH,
    tier_mode: str = TierMode.FIRST,
    cap: Decimal | str | None = None,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    active: bool = True,
    basis: str = "",
    request: "HttpRequest | None" = None,
) -> Programme:
    """Create or replace a programme (by code) with its tiers. Every rule is parsed first; a rule
    that does not parse or names an unknown fact is refused with its position and nothing is saved."""
    code = (code or "").strip()
    if not code or not code.replace("_", "").isalnum():
        raise InvalidInput(_("项目代码只能用字母、数字和下划线"), field="code")
    if not (name or "").strip():
        raise InvalidInput(_("项目名称不能为空"), field="name")
    region_code = _region(region_code)
    _actor_ok(actor, "benefits.manage", region_code)
    if period not in Period.values:
        raise InvalidInput(_("未知的发放周期：%(p)s") % {"p": period}, field="period")
    if payment_method not in PaymentMethod.values:
        raise InvalidInput(_("未知的发放方式：%(p)s") % {"p": payment_method}, field="payment_method")
    if tier_mode not in TierMode.values:
        raise InvalidInput(_("未知的档位方式：%(p)s") % {"p": tier_mode}, field="tier_mode")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("失效日期不能早于生效日期"), field="valid_to")
    rules.parse(target_rule, rule_field="target_rule")
    if not tiers:
        raise InvalidInput(_("至少需要一个金额档位"), field="tiers")
    clean_tiers = []
    for i, t in enumerate(tiers):
        label = (t.get("label") or "").strip() or _("档位%(n)d") % {"n": i + 1}
        condition = (t.get("condition") or "").strip()
        if condition:
            try:
                rules.parse(condition, rule_field=f"tiers.{i}.condition")
            except rules.RuleError as exc:
                raise rules.RuleError(
                    _("档位“%(l)s”：%(m)s") % {"l": label, "m": exc.message}, field=exc.field, **exc.details
                ) from None
        clean_tiers.append(
            {
                "label": label,
                "condition": condition,
                "order": i,
                "amount": _money(t.get("amount"), f"tiers.{i}.amount"),
            }
        )
    cap = None if cap in (None, "") else _money(cap, "cap")
    programme, created = Programme.objects.select_for_update().get_or_create(
        code=code,
        defaults=dict(
            name=name.strip(),
            fund=fund,
            region_code=region_code,
            target_rule=target_rule.strip(),
            period=period,
            payment_method=payment_method,
            tier_mode=tier_mode,
            cap=cap,
            valid_from=valid_from,
            valid_to=valid_to,
            active=active,
            basis=basis,
        ),
    )
    if not created:
        _actor_ok(actor, "benefits.manage", programme.region_code)
        for attr, value in dict(
            name=name.strip(),
            fund=fund,
            region_code=region_code,
            target_rule=target_rule.strip(),
            period=period,
            payment_method=payment_method,
            tier_mode=tier_mode,
            cap=cap,
            valid_from=valid_from,
            valid_to=valid_to,
            active=active,
            basis=basis,
        ).items():
            setattr(programme, attr, value)
        programme.save()
        programme.tiers.all().delete()
    Tier.objects.bulk_create([Tier(programme=programme, **t) for t in clean_tiers])
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAMME_SAVE,
        obj=programme,
        request=request,
        code=code,
        target_rule=programme.target_rule,
        tiers=[{**t, "amount": str(t["amount"])} for t in clean_tiers],
        created=created,
        system="benefits",
    )
    return programme


@transaction.atomic
def fund_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    region_code: str,
    description: str = "",
    request: "HttpRequest | None" = None,
) -> Fund:
    region_code = _region(region_code)
    _actor_ok(actor, "benefits.manage", region_code)
    code = (code or "").strip()
    if not code or not (name or "").strip():
        raise InvalidInput(_("资金代码和名称不能为空"), field="code" if not code else "name")
    if Fund.objects.filter(code=code).exists():
        raise Conflict(_("资金代码已存在：%(c)s") % {"c": code}, field="code")
    fund = Fund.objects.create(code=code, name=name.strip(), region_code=region_code, description=description)
    audit.record(actor=actor, action=AuditAction.FUND_CREATE, obj=fund, request=request, system="benefits")
    return fund
