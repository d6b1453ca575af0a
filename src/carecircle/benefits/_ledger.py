"""The funds ledger: double-entry postings with idempotency keys, appropriations and spending
against a fund (private to the module: services.py re-exports what others call)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.benefits._common import CENT, _actor_ok, _money, _region
from carecircle.benefits.engine import month_start
from carecircle.benefits.models import (
    Account,
    Batch,
    Fund,
    LedgerEntry,
    LedgerLine,
    Programme,
)
from carecircle.benefits.types import Posting, transfer
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in


def _post(
    *,
    key: str,
    kind: str,
    fund: Fund,
    actor: Actor,
    memo: str,
    lines: Iterable[Posting],
    batch: Batch | None = None,
) -> LedgerEntry | None:
    """Post a balanced entry once (postings of zero are left out; nothing when all are zero)."""
    lines = [ln for ln in lines if ln.amount != 0]
    if not lines:
        return None
    total = sum((ln.amount for ln in lines), Decimal("0"))
    if total != 0:
        raise Conflict(_("记账凭证借贷不平：差额 %(d)s") % {"d": total})
    if LedgerEntry.objects.filter(key=key).exists():
        return None
    entry = LedgerEntry.objects.create(
        key=key,
        kind=kind,
        fund=fund,
        batch=batch,
        memo=memo[:200],
        created_by=actor if signed_in(actor) else None,
    )
    LedgerLine.objects.bulk_create(
        [
            LedgerLine(
                entry=entry,
                fund=fund,
                account=ln.account,
                amount=ln.amount.quantize(CENT),
                programme=ln.programme,
                region_code=ln.region_code,
                month=ln.month,
            )
            for ln in lines
        ]
    )
    return entry


def fund_available(fund: Fund) -> Decimal:
    value = LedgerLine.objects.filter(fund=fund, account=Account.AVAILABLE).aggregate(s=Sum("amount"))["s"]
    return (value or Decimal("0")).quantize(CENT)


@transaction.atomic
def fund_appropriate(
    *, actor, fund: Fund, amount, memo: str = "", month: str = "", key: str = "", request=None
):
    _actor_ok(actor, "benefits.manage", fund.region_code)
    amount = _money(amount, "amount", allow_zero=False)
    if month:
        month_start(month)
    key = key or f"appropriation:{fund.pk}:{timezone.now().timestamp()}"
    entry = _post(
        key=key,
        kind=LedgerEntry.Kind.APPROPRIATION,
        fund=fund,
        actor=actor,
        memo=memo or _("预算拨入"),
        lines=transfer(
            Account.AVAILABLE, Account.APPROPRIATION, amount, region_code=fund.region_code, month=month
        ),
    )
    audit.record(
        actor=actor,
        action=AuditAction.FUND_APPROPRIATE,
        obj=fund,
        request=request,
        amount=str(amount),
        memo=memo,
        system="benefits",
    )
    return entry


SPEND_PREFIX = "spend:"


def spend_key(reference: str) -> str:
    """The ledger key of a spending posted with `reference` (see ledger_spend)."""
    return SPEND_PREFIX + (reference or "").strip()


def _require_available(fund: Fund, amount: Decimal, message: str) -> None:
    """Refuse an `amount` above the fund's available balance, naming the shortfall in `message`
    (placeholders f: fund, a: available, n: amount, s: shortfall)."""
    available = fund_available(fund)
    if amount > available:
        raise Conflict(
            message % {"f": fund.name, "a": available, "n": amount, "s": amount - available},
            field="fund",
            shortfall=str(amount - available),
        )


@transaction.atomic
def ledger_spend(
    *,
    actor,
    programme_code: str,
    region_code: str,
    month: str,
    amount,
    reference: str,
    memo: str = "",
    system: str = "",
    request=None,
) -> LedgerEntry:
    """Public service for other modules: record service spending paid by a programme's fund (for
    example a home-care provider's month-end statement settling voucher lines).

    Posts one balanced entry of kind `spending`: debit `disbursed`, credit `available`, on the
    programme's fund, with the programme, `region_code` and `month` (YYYY-MM) as dimensions.

    - Idempotent by `reference` (the entry's unique key is ``spend:<reference>``): posting the same
      reference again returns the first entry and counts nothing twice; the same reference with a
      different amount or programme is refused (Conflict), never silently changed.
    - Refused when the fund's available balance is short, naming the shortfall (the rule of payroll
      approval); nothing is posted then. The fund row is locked, so two concurrent spendings cannot
      both pass the check.
    - `actor` None is the system acting for a settlement rule of the calling module (that module
      authorises and audits its own user); a user must hold ``benefits.approve`` for `region_code`.
    - Runs in one transaction: called inside the caller's transaction, a refusal lets the caller
      roll back all of its postings together.
    """
    reference = (reference or "").strip()
    key = spend_key(reference)
    if not reference or len(key) > (LedgerEntry._meta.get_field("key").max_length or 0):
        raise InvalidInput(_("记账凭证号为空或过长：%(r)s") % {"r": reference[:60]}, field="reference")
    region_code = _region(region_code)
    month_start(month)
    amount = _money(amount, "amount", allow_zero=False)
    _actor_ok(actor, "benefits.approve", region_code)
    programme = Programme.objects.select_related("fund").filter(code=(programme_code or "").strip()).first()
    if programme is None:
        raise InvalidInput(_("未知的项目代码：%(c)s") % {"c": programme_code}, field="programme_code")
    fund = Fund.objects.select_for_update().get(pk=programme.fund_id)
    existing = LedgerEntry.objects.filter(key=key).first()
    if existing is not None:
        posted = (
            existing.lines.filter(account=Account.DISBURSED).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        ).quantize(CENT)
        same_programme = existing.lines.filter(programme=programme).exists()
        if existing.kind != LedgerEntry.Kind.SPENDING or posted != amount or not same_programme:
            raise Conflict(
                _("凭证号 %(r)s 已按 %(a)s 元入账，不能改为 %(p)s %(n)s 元")
                % {"r": reference, "a": posted, "p": programme.name, "n": amount},
                field="reference",
            )
        return existing
    _require_available(fund, amount, _("资金不足：%(f)s 可用余额 %(a)s 元，本次支出 %(n)s 元，缺口 %(s)s 元"))
    entry = _post(
        key=key,
        kind=LedgerEntry.Kind.SPENDING,
        fund=fund,
        actor=actor,
        memo=memo or _("服务结算支出（%(p)s %(m)s）") % {"p": programme.name, "m": month},
        lines=transfer(
            Account.DISBURSED,
            Account.AVAILABLE,
            amount,
            programme=programme,
            region_code=region_code,
            month=month,
        ),
    )
    assert entry is not None  # the amount is not zero (checked above): the entry has its lines
    audit.record(
        actor=actor,
        action=AuditAction.LEDGER_SPEND,
        obj=entry,
        region_code=region_code,
        request=request,
        programme=programme.code,
        fund=fund.code,
        month=month,
        amount=str(amount),
        reference=reference,
        system=system or "benefits",
    )
    return entry
