"""Writes of the benefits module: programmes, payroll runs and their approval, the funds ledger,
appeals. Each checks scope, validates, writes in one transaction and records the audit row.
The funds ledger lives in _ledger.py and is re-exported here (fund_available, fund_appropriate,
ledger_spend, spend_key)."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.benefits import exports, payroll, rules
from carecircle.benefits._common import CENT as CENT
from carecircle.benefits._common import _actor_ok, _money, _region
from carecircle.benefits._ledger import SPEND_PREFIX as SPEND_PREFIX
from carecircle.benefits._ledger import _post, _require_available
from carecircle.benefits._ledger import fund_appropriate as fund_appropriate
from carecircle.benefits._ledger import fund_available as fund_available
from carecircle.benefits._ledger import ledger_spend as ledger_spend
from carecircle.benefits._ledger import spend_key as spend_key
from carecircle.benefits.engine import in_force, month_start
from carecircle.benefits.models import (
    Account,
    Appeal,
    Batch,
    Fund,
    LedgerEntry,
    PayeeAccount,
    Payment,
    PaymentMethod,
    Period,
    Programme,
    Tier,
    TierMode,
)
from carecircle.benefits.selectors import (
    AppealAction,
    BatchAction,
    appeal_action_open,
    batch_action_open,
    is_batch_preparer,
    recovery_open,
)
from carecircle.benefits.types import Posting, transfer
from carecircle.core import audit, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import mask_phone
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons

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
                raise rules.RuleError(_("档位“%(l)s”：%(m)s") % {"l": label, "m": exc.message},
                                      field=exc.field, **exc.details) from None
        clean_tiers.append({"label": label, "condition": condition, "order": i,
                            "amount": _money(t.get("amount"), f"tiers.{i}.amount")})
    cap = None if cap in (None, "") else _money(cap, "cap")
    programme, created = Programme.objects.select_for_update().get_or_create(
        code=code,
        defaults=dict(name=name.strip(), fund=fund, region_code=region_code, target_rule=target_rule.strip(),
                      period=period, payment_method=payment_method, tier_mode=tier_mode, cap=cap,
                      valid_from=valid_from, valid_to=valid_to, active=active, basis=basis),
    )
    if not created:
        _actor_ok(actor, "benefits.manage", programme.region_code)
        for attr, value in dict(name=name.strip(), fund=fund, region_code=region_code,
                                target_rule=target_rule.strip(), period=period, payment_method=payment_method,
                                tier_mode=tier_mode, cap=cap, valid_from=valid_from, valid_to=valid_to,
                                active=active, basis=basis).items():
            setattr(programme, attr, value)
        programme.save()
        programme.tiers.all().delete()
    Tier.objects.bulk_create([Tier(programme=programme, **t) for t in clean_tiers])
    audit.record(actor=actor, action=AuditAction.PROGRAMME_SAVE, obj=programme, request=request, code=code,
                 target_rule=programme.target_rule, tiers=[{**t, "amount": str(t["amount"])} for t in clean_tiers],
                 created=created, system="benefits")
    return programme


@transaction.atomic
def fund_create(*, actor: Actor, code: str, name: str, region_code: str, description: str = "",
                request: "HttpRequest | None" = None) -> Fund:
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


# ---------------------------------------------------------------- payroll


def _run_region(actor: Actor, region_code: str) -> str:
    if region_code:
        return _region(region_code, "region")
    if actor is None:
        return ""
    codes = scope.region_codes(actor, "benefits.prepare")
    if len(codes) != 1:
        raise InvalidInput(_("请选择发放范围（区划）"), field="region")
    return codes[0]


def payroll_run(*, actor: Actor, month: str, programme_code: str = "", region_code: str = "", lookback: int = 0,
                request: "HttpRequest | None" = None) -> list[Batch]:
    """Compute the month's payments of every programme in force (or of one), each into a batch for
    review. Only differences against what is already committed are written. Returns the batches
    created (none when nothing changed)."""
    day = month_start(month)
    region_code = _run_region(actor, region_code)
    if actor is not None:
        scope.require(actor, "benefits.prepare", region_code)
    if not 0 <= int(lookback) <= 24:
        raise InvalidInput(_("回溯月数应在0到24之间"), field="lookback")
    qs = Programme.objects.filter(active=True).order_by("code")
    if programme_code:
        qs = qs.filter(code=programme_code)
        if not qs.exists():
            raise InvalidInput(_("未知的项目代码：%(c)s") % {"c": programme_code}, field="programme")
    programmes = [p for p in qs if in_force(p, day)]
    if programme_code and not programmes:
        raise InvalidInput(_("项目 %(c)s 在 %(m)s 不在有效期内") % {"c": programme_code, "m": month}, field="programme")
    if programme_code and not payroll.paid_by_payroll(programmes[0]):
        raise InvalidInput(_("项目 %(c)s 以服务券发放，在服务券使用时从资金中列支，不进入发放批次") % {"c": programme_code},
                           field="programme")
    programmes = [p for p in programmes if payroll.paid_by_payroll(p)]
    todo = [p for p in programmes if not region_code or regions.contains(p.region_code, region_code)
            or regions.contains(region_code, p.region_code)]

    def run(p: Programme) -> Batch | None:
        return _run_one(actor=actor, programme=p, month=month, region_code=region_code, lookback=int(lookback),
                        request=request)

    workers = payroll.parallel_workers(len(todo))
    done = [run(p) for p in todo] if workers <= 1 else payroll.run_parallel(run, todo, workers, day)
    return [b for b in done if b is not None]


@transaction.atomic
def _run_one(*, actor: Actor, programme: Programme, month: str, region_code: str, lookback: int,
             request: "HttpRequest | None" = None) -> Batch | None:
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one run per programme at a time
    batch_region = region_code or programme.region_code
    batch = Batch.objects.create(
        programme=programme, month=month, region_code=batch_region,
        prepared_by=actor if signed_in(actor) else None,
    )
    written = 0
    for day, persons in payroll.periods_for(programme, month, lookback):
        written += payroll.insert_lines(batch=batch, programme=programme, day=day, region_code=region_code,
                                        person_ids=persons)
    if not written:
        batch.delete()
        return None
    payroll.summarise(batch)
    Appeal.objects.filter(
        programme=programme, state=Appeal.State.GRANTED, arrears_batch__isnull=True,
        person_id__in=Payment.objects.filter(batch=batch).values("person_id"),
    ).update(arrears_batch=batch)
    audit.record(actor=actor, action=AuditAction.PAYROLL_RUN, obj=batch, request=request, programme=programme.code,
                 month=month, lines=batch.line_count, payable=str(batch.total_payable),
                 recovery=str(batch.total_recovery), system="payroll")
    return batch


def _batch_for(actor: Actor, batch_id: int, perm: str) -> Batch:
    batch = Batch.objects.select_for_update().select_related("programme__fund").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    _actor_ok(actor, perm, batch.region_code)
    return batch


@transaction.atomic
def payroll_approve(*, actor: Actor, batch_id: int, note: str = "", request: "HttpRequest | None" = None) -> Batch:
    """Second pair of eyes: commit the batch's money in the ledger. Refused to the preparer, and
    refused when the fund's available balance is short (the shortfall is named)."""
    batch = _batch_for(actor, batch_id, "benefits.approve")
    if not batch_action_open(batch, BatchAction.APPROVE):
        raise Conflict(_("批次状态为“%(s)s”，不能审批") % {"s": batch.get_state_display()})
    if not signed_in(actor) or is_batch_preparer(actor, batch):
        raise Forbidden(_("制单人不能审批自己制作的批次（双人复核）"))
    fund = batch.programme.fund
    _require_available(fund, batch.total_payable,
                       _("资金不足：%(f)s 可用余额 %(a)s 元，本批次应发 %(n)s 元，缺口 %(s)s 元"))
    lines: list[Posting] = []
    for row in payroll.district_totals(batch):
        lines += transfer(Account.COMMITTED, Account.AVAILABLE, row["payable"], programme=batch.programme,
                          region_code=row["region"], month=row["period"])
    _post(key=f"commit:batch:{batch.pk}", kind=LedgerEntry.Kind.COMMITMENT, fund=fund, actor=actor, batch=batch,
          memo=_("批次#%(b)d 审批（%(p)s %(m)s）") % {"b": batch.pk, "p": batch.programme.name, "m": batch.month},
          lines=lines)
    batch.state, batch.approved_by, batch.approved_at = Batch.State.APPROVED, actor, timezone.now()
    batch.decision_note = (note or "")[:300]
    batch.save(update_fields=["state", "approved_by", "approved_at", "decision_note"])
    audit.record(actor=actor, action=AuditAction.PAYROLL_APPROVE, obj=batch, request=request, payable=str(batch.total_payable))
    return batch


@transaction.atomic
def payroll_reject(*, actor: Actor, batch_id: int, note: str, request: "HttpRequest | None" = None) -> Batch:
    """Send a prepared batch back: its lines are removed so that a corrected run can write them."""
    batch = _batch_for(actor, batch_id, "benefits.approve")
    if not batch_action_open(batch, BatchAction.REJECT):
        raise Conflict(_("只有待审核的批次可以退回"))
    if not (note or "").strip():
        raise InvalidInput(_("请填写退回理由"), field="note")
    count = Payment.objects.filter(batch=batch).delete()[0]
    Appeal.objects.filter(arrears_batch=batch).update(arrears_batch=None)
    batch.state, batch.decision_note = Batch.State.REJECTED, note.strip()[:300]
    batch.summary = {**batch.summary, "removed_lines": count}
    batch.save(update_fields=["state", "decision_note", "summary"])
    audit.record(actor=actor, action=AuditAction.PAYROLL_REJECT, obj=batch, request=request, note=note, lines=count)
    return batch


@transaction.atomic
def payroll_mark_paid(*, actor: Actor, batch_id: int, request: "HttpRequest | None" = None) -> Batch:
    """The bank has paid: committed money becomes disbursed; recoveries become receivables."""
    batch = _batch_for(actor, batch_id, "benefits.approve")
    if not batch_action_open(batch, BatchAction.PAID):
        raise Conflict(_("只有已审批的批次可以登记发放"))
    lines: list[Posting] = []
    for row in payroll.district_totals(batch):
        p, r, m = batch.programme, row["region"], row["period"]
        lines += [*transfer(Account.DISBURSED, Account.COMMITTED, row["payable"], programme=p, region_code=r, month=m),
                  *transfer(Account.RECEIVABLE, Account.DISBURSED, row["recovery"], programme=p, region_code=r, month=m)]
    _post(key=f"disburse:batch:{batch.pk}", kind=LedgerEntry.Kind.DISBURSEMENT, fund=batch.programme.fund,
          actor=actor, batch=batch, lines=lines,
          memo=_("批次#%(b)d 已发放（%(p)s %(m)s）") % {"b": batch.pk, "p": batch.programme.name, "m": batch.month})
    batch.state, batch.paid_at = Batch.State.PAID, timezone.now()
    batch.save(update_fields=["state", "paid_at"])
    audit.record(actor=actor, action=AuditAction.PAYROLL_PAID, obj=batch, request=request)
    return batch


@transaction.atomic
def recovery_collect(*, actor: Actor, payment_id: int, request: "HttpRequest | None" = None) -> Payment:
    """An overpayment has come back: the receivable is settled into the fund's available balance."""
    line = Payment.objects.select_for_update().select_related("batch", "programme__fund").filter(pk=payment_id).first()
    if line is None:
        raise NotFound()
    _actor_ok(actor, "benefits.approve", line.region_code)
    if line.recovered:
        raise Conflict(_("此笔追回款已登记收回"))
    if not recovery_open(line):
        raise Conflict(_("只有已发放批次中的追回款可以登记收回"))
    amount = -line.amount
    district = regions.district_of(line.region_code)
    _post(key=f"recover:payment:{line.pk}", kind=LedgerEntry.Kind.RECOVERY, fund=line.programme.fund, actor=actor,
          batch=line.batch, memo=_("追回款收回（明细#%(id)d）") % {"id": line.pk},
          lines=transfer(Account.AVAILABLE, Account.RECEIVABLE, amount, programme=line.programme,
                         region_code=district, month=line.period))
    line.recovered = True
    line.save(update_fields=["recovered"])
    audit.record(actor=actor, action=AuditAction.PAYROLL_RECOVERED, object_type="benefits.payment", object_id=str(line.pk),
                 region_code=line.region_code, request=request, amount=str(amount))
    return line


def payroll_export(*, actor: Actor, batch_id: int, fmt: str = "csv", purpose: str = "",
                   request: "HttpRequest | None" = None) -> tuple[bytes, str]:
    """The bank payment file of an approved batch (CSV or .xlsx): one row per person with the sum
    of their positive lines, with full ID and account numbers (an audited export)."""
    batch = Batch.objects.select_related("programme").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    _actor_ok(actor, "benefits.approve", batch.region_code)
    if not batch_action_open(batch, BatchAction.EXPORT):
        raise Conflict(_("批次审批后才能导出发放文件"))
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(_("导出格式只能是 csv 或 xlsx"), field="fmt")
    body, count = exports.bank_file(batch, fmt)
    audit.record(actor=actor, action=AuditAction.PAYROLL_EXPORT, obj=batch, request=request, purpose=purpose or _("银行代发"),
                 rows=count, fmt=fmt, system="payroll")
    return body, f"payroll-{batch.programme.code}-{batch.month}-{batch.pk}.{fmt}"


@transaction.atomic
def payee_account_set(*, actor: Actor, person: Person, bank: str, account_number: str,
                      request: "HttpRequest | None" = None) -> PayeeAccount:
    scope.require(actor, "registry.edit", person.region_code)
    digits = (account_number or "").replace(" ", "")
    if not digits.isdigit() or not 12 <= len(digits) <= 30:
        raise InvalidInput(_("银行账号应为12至30位数字"), field="account_number")
    if not (bank or "").strip():
        raise InvalidInput(_("请填写开户行"), field="bank")
    account, _created = PayeeAccount.objects.update_or_create(
        person=person,
        defaults={"region_code": person.region_code, "bank": bank.strip(), "account_number": digits,
                  "account_masked": mask_phone(digits) if len(digits) < 12 else f"{digits[:4]}****{digits[-4:]}"},
    )
    audit.record(actor=actor, action=AuditAction.PAYEE_SET, obj=person, request=request, bank=bank.strip())
    return account


# ---------------------------------------------------------------- appeals


@transaction.atomic
def appeal_file(*, actor: Actor, person: Person, programme: Programme, month: str, reason: str,
                request: "HttpRequest | None" = None) -> Appeal:
    """A person (through a linked resident account) or a worker for them contests a decision."""
    month_start(month)
    if not (reason or "").strip() or len(reason.strip()) < 4:
        raise InvalidInput(_("请写明申诉理由（至少4个字）"), field="reason")
    own = family_persons(actor).filter(pk=person.pk).exists()
    if not own:
        scope.require(actor, "benefits.appeal", person.region_code)
    if Appeal.objects.filter(person=person, programme=programme, month=month, state=Appeal.State.OPEN).exists():
        raise Conflict(_("该月份的同一项目已有待处理的申诉"), field="month")
    appeal = Appeal.objects.create(
        person=person, programme=programme, region_code=person.region_code,
        route_region=regions.district_of(person.region_code), month=month, reason=reason.strip(),
        filed_by=actor if signed_in(actor) else None,
    )
    audit.record(actor=actor, action=AuditAction.APPEAL_FILE, obj=appeal, request=request, programme=programme.code, month=month)
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Actor, appeal_id: int, grant: bool, reason: str, amount: Decimal | str | None = None,
                  grant_from: datetime.date | None = None, grant_to: datetime.date | None = None,
                  request: "HttpRequest | None" = None) -> Appeal:
    appeal = access_by_id(
        Appeal.objects.select_for_update().select_related("programme"), appeal_id, user=actor, perm="benefits.decide", region_field="route_region",
    )
    if not appeal_action_open(appeal, AppealAction.DECIDE):
        raise Conflict(_("该申诉已处理"))
    if not signed_in(actor) or appeal.filed_by_id == actor.pk:
        raise Forbidden(_("不能处理自己提交的申诉"))
    if not (reason or "").strip():
        raise InvalidInput(_("请填写处理理由"), field="reason")
    if grant:
        appeal.grant_amount = _money(amount, "amount", allow_zero=False)
        appeal.grant_from = grant_from or month_start(appeal.month)
        appeal.grant_to = grant_to
        if appeal.grant_to is not None and appeal.grant_to < appeal.grant_from:
            raise InvalidInput(_("核定终止不能早于核定起始"), field="grant_to")
        overlap = Appeal.objects.filter(person=appeal.person, programme=appeal.programme, state=Appeal.State.GRANTED)
        overlap = overlap.filter(Q(grant_to__isnull=True) | Q(grant_to__gte=appeal.grant_from))
        if appeal.grant_to is not None:
            overlap = overlap.filter(grant_from__lte=appeal.grant_to)
        if overlap.exists():
            raise Conflict(_("与已准予的申诉期间重叠"), field="grant_from")
    appeal.state = Appeal.State.GRANTED if grant else Appeal.State.REJECTED
    appeal.decision_reason = reason.strip()
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.save()
    audit.record(actor=actor, action=AuditAction.APPEAL_DECIDE, obj=appeal, request=request, granted=grant, reason=reason,
                 amount=str(appeal.grant_amount or ""))
    return appeal
