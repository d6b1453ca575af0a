"""Payroll batches, the writes behind benefits.services: a month's run into batches, their review
(approve, reject), payment and recovery, the bank file, and a person's payee account."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.benefits import exports, payroll
from carecircle.benefits._common import _actor_ok, _region
from carecircle.benefits._ledger import _post, _require_available
from carecircle.benefits.engine import in_force, month_start
from carecircle.benefits.models import Account, Appeal, Batch, LedgerEntry, PayeeAccount, Payment, Programme
from carecircle.benefits.selectors import BatchAction, batch_action_open, is_batch_preparer, recovery_open
from carecircle.benefits.types import Posting, transfer
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import mask_phone
from carecircle.registry.models import Person

if TYPE_CHECKING:
    from django.http import HttpRequest

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


def payroll_run(
    *,
    actor: Actor,
    month: str,
    programme_code: str = "",
    region_code: str = "",
    lookback: int = 0,
    request: "HttpRequest | None" = None,
) -> list[Batch]:
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
        raise InvalidInput(
            _("项目 %(c)s 在 %(m)s 不在有效期内") % {"c": programme_code, "m": month}, field="programme"
        )
    if programme_code and not payroll.paid_by_payroll(programmes[0]):
        raise InvalidInput(
            _("项目 %(c)s 以服务券发放，在服务券使用时从资金中列支，不进入发放批次") % {"c": programme_code},
            field="programme",
        )
    programmes = [p for p in programmes if payroll.paid_by_payroll(p)]
    todo = [
        p
        for p in programmes
        if not region_code
        or regions.contains(p.region_code, region_code)
        or regions.contains(region_code, p.region_code)
    ]

    def run(p: Programme) -> Batch | None:
        return _run_one(
            actor=actor,
            programme=p,
            month=month,
            region_code=region_code,
            lookback=int(lookback),
            request=request,
        )

    workers = payroll.parallel_workers(len(todo))
    done = [run(p) for p in todo] if workers <= 1 else payroll.run_parallel(run, todo, workers, day)
    return [b for b in done if b is not None]


@transaction.atomic
def _run_one(
    *,
    actor: Actor,
    programme: Programme,
    month: str,
    region_code: str,
    lookback: int,
    request: "HttpRequest | None" = None,
) -> Batch | None:
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one run per programme at a time
    batch_region = region_code or programme.region_code
    batch = Batch.objects.create(
        programme=programme,
        month=month,
        region_code=batch_region,
        prepared_by=actor if signed_in(actor) else None,
    )
    written = 0
    for day, persons in payroll.periods_for(programme, month, lookback):
        written += payroll.insert_lines(
            batch=batch, programme=programme, day=day, region_code=region_code, person_ids=persons
        )
    if not written:
        batch.delete()
        return None
    payroll.summarise(batch)
    Appeal.objects.filter(
        programme=programme,
        state=Appeal.State.GRANTED,
        arrears_batch__isnull=True,
        person_id__in=Payment.objects.filter(batch=batch).values("person_id"),
    ).update(arrears_batch=batch)
    audit.record(
        actor=actor,
        action=AuditAction.PAYROLL_RUN,
        obj=batch,
        request=request,
        programme=programme.code,
        month=month,
        lines=batch.line_count,
        payable=str(batch.total_payable),
        recovery=str(batch.total_recovery),
        system="payroll",
    )
    return batch


def _batch_for(actor: Actor, batch_id: int, perm: str) -> Batch:
    batch = Batch.objects.select_for_update().select_related("programme__fund").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    _actor_ok(actor, perm, batch.region_code)
    return batch


@transaction.atomic
def payroll_approve(
    *, actor: Actor, batch_id: int, note: str = "", request: "HttpRequest | None" = None
) -> Batch:
    """Second pair of eyes: commit the batch's money in the ledger. Refused to the preparer, and
    refused when the fund's available balance is short (the shortfall is named)."""
    batch = _batch_for(actor, batch_id, "benefits.approve")
    if not batch_action_open(batch, BatchAction.APPROVE):
        raise Conflict(_("批次状态为“%(s)s”，不能审批") % {"s": batch.get_state_display()})
    if not signed_in(actor) or is_batch_preparer(actor, batch):
        raise Forbidden(_("制单人不能审批自己制作的批次（双人复核）"))
    fund = batch.programme.fund
    _require_available(
        fund, batch.total_payable, _("资金不足：%(f)s 可用余额 %(a)s 元，本批次应发 %(n)s 元，缺口 %(s)s 元")
    )
    lines: list[Posting] = []
    for row in payroll.district_totals(batch):
        lines += transfer(
            Account.COMMITTED,
            Account.AVAILABLE,
            row["payable"],
            programme=batch.programme,
            region_code=row["region"],
            month=row["period"],
        )
    _post(
        key=f"commit:batch:{batch.pk}",
        kind=LedgerEntry.Kind.COMMITMENT,
        fund=fund,
        actor=actor,
        batch=batch,
        memo=_("批次#%(b)d 审批（%(p)s %(m)s）")
        % {"b": batch.pk, "p": batch.programme.name, "m": batch.month},
        lines=lines,
    )
    batch.state, batch.approved_by, batch.approved_at = Batch.State.APPROVED, actor, timezone.now()
    batch.decision_note = (note or "")[:300]
    batch.save(update_fields=["state", "approved_by", "approved_at", "decision_note"])
    audit.record(
        actor=actor,
        action=AuditAction.PAYROLL_APPROVE,
        obj=batch,
        request=request,
        payable=str(batch.total_payable),
    )
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
    audit.record(
        actor=actor, action=AuditAction.PAYROLL_REJECT, obj=batch, request=request, note=note, lines=count
    )
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
        lines += [
            *transfer(
                Account.DISBURSED, Account.COMMITTED, row["payable"], programme=p, region_code=r, month=m
            ),
            *transfer(
                Account.RECEIVABLE, Account.DISBURSED, row["recovery"], programme=p, region_code=r, month=m
            ),
        ]
    _post(
        key=f"disburse:batch:{batch.pk}",
        kind=LedgerEntry.Kind.DISBURSEMENT,
        fund=batch.programme.fund,
        actor=actor,
        batch=batch,
        lines=lines,
        memo=_("批次#%(b)d 已发放（%(p)s %(m)s）")
        % {"b": batch.pk, "p": batch.programme.name, "m": batch.month},
    )
    batch.state, batch.paid_at = Batch.State.PAID, timezone.now()
    batch.save(update_fields=["state", "paid_at"])
    audit.record(actor=actor, action=AuditAction.PAYROLL_PAID, obj=batch, request=request)
    return batch


@transaction.atomic
def recovery_collect(*, actor: Actor, payment_id: int, request: "HttpRequest | None" = None) -> Payment:
    """An overpayment has come back: the receivable is settled into the fund's available balance."""
    line = (
        Payment.objects.select_for_update()
        .select_related("batch", "programme__fund")
        .filter(pk=payment_id)
        .first()
    )
    if line is None:
        raise NotFound()
    _actor_ok(actor, "benefits.approve", line.region_code)
    if line.recovered:
        raise Conflict(_("此笔追回款已登记收回"))
    if not recovery_open(line):
        raise Conflict(_("只有已发放批次中的追回款可以登记收回"))
    amount = -line.amount
    district = regions.district_of(line.region_code)
    _post(
        key=f"recover:payment:{line.pk}",
        kind=LedgerEntry.Kind.RECOVERY,
        fund=line.programme.fund,
        actor=actor,
        batch=line.batch,
        memo=_("追回款收回（明细#%(id)d）") % {"id": line.pk},
        lines=transfer(
            Account.AVAILABLE,
            Account.RECEIVABLE,
            amount,
            programme=line.programme,
            region_code=district,
            month=line.period,
        ),
    )
    line.recovered = True
    line.save(update_fields=["recovered"])
    audit.record(
        actor=actor,
        action=AuditAction.PAYROLL_RECOVERED,
        object_type="benefits.payment",
        object_id=str(line.pk),
        region_code=line.region_code,
        request=request,
        amount=str(amount),
    )
    return line


def payroll_export(
    *, actor: Actor, batch_id: int, fmt: str = "csv", purpose: str = "", request: "HttpRequest | None" = None
) -> tuple[bytes, str]:
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
    audit.record(
        actor=actor,
        action=AuditAction.PAYROLL_EXPORT,
        obj=batch,
        request=request,
        purpose=purpose or _("银行代发"),
        rows=count,
        fmt=fmt,
        system="payroll",
    )
    return body, f"payroll-{batch.programme.code}-{batch.month}-{batch.pk}.{fmt}"


@transaction.atomic
def payee_account_set(
    *, actor: Actor, person: Person, bank: str, account_number: str, request: "HttpRequest | None" = None
) -> PayeeAccount:
    scope.require(actor, "registry.edit", person.region_code)
    digits = (account_number or "").replace(" ", "")
    if not digits.isdigit() or not 12 <= len(digits) <= 30:
        raise InvalidInput(_("银行账号应为12至30位数字"), field="account_number")
    if not (bank or "").strip():
        raise InvalidInput(_("请填写开户行"), field="bank")
    account, _created = PayeeAccount.objects.update_or_create(
        person=person,
        defaults={
            "region_code": person.region_code,
            "bank": bank.strip(),
            "account_number": digits,
            "account_masked": mask_phone(digits) if len(digits) < 12 else f"{digits[:4]}****{digits[-4:]}",
        },
    )
    audit.record(actor=actor, action=AuditAction.PAYEE_SET, obj=person, request=request, bank=bank.strip())
    return account
