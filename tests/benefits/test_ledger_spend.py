"""The public ledger_spend service: other modules record service spending against a programme's
fund — balanced, idempotent by reference, refused on overdraft with the shortfall named."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from carecircle.benefits.models import Account, Fund, LedgerEntry, LedgerLine, Programme
from carecircle.benefits.selectors import balances, fund_balances, ledger_check
from carecircle.benefits.services import fund_appropriate, fund_available, ledger_spend
from carecircle.benefits.types import BalanceRow, FundBalance, LedgerCheck
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound

DISTRICT = "339901000000"


@pytest.fixture
def voucher_fund(users):
    fund = Fund.objects.create(code="F_SVC", name="居家服务补贴资金", region_code=DISTRICT)
    Programme.objects.create(
        code="SVC",
        name="居家服务补贴",
        fund=fund,
        region_code=DISTRICT,
        target_rule="true",
        payment_method="voucher",
        valid_from=datetime.date(2020, 1, 1),
    )
    fund_appropriate(actor=users["admin"], fund=fund, amount="100", key="t:svc")
    return fund


def spend(amount, reference="hc:1:voucher", actor=None, **kw):
    args = {"programme_code": "SVC", "region_code": DISTRICT, "month": "2026-10", "memo": "结算"} | kw
    return ledger_spend(actor=actor, amount=amount, reference=reference, **args)


def test_spending_is_balanced_and_counted_once(voucher_fund, users):
    entry = spend("30.5")
    assert entry.kind == LedgerEntry.Kind.SPENDING and entry.key == "spend:hc:1:voucher"
    rows = {(ln.account, ln.amount, ln.programme.code, ln.region_code, ln.month) for ln in entry.lines.all()}
    assert rows == {
        (Account.DISBURSED, Decimal("30.50"), "SVC", DISTRICT, "2026-10"),
        (Account.AVAILABLE, Decimal("-30.50"), "SVC", DISTRICT, "2026-10"),
    }
    assert spend("30.50").pk == entry.pk  # the same reference again: the first entry, nothing new
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING).count() == 1
    assert fund_available(voucher_fund) == Decimal("69.50")
    with pytest.raises(Conflict, match="已按 30.50 元入账"):
        spend("31")  # the same reference may not change its amount
    # a district official with benefits.approve may post too
    spend("9.50", reference="manual:1", actor=users["district"])
    assert fund_available(voucher_fund) == Decimal("60.00")
    assert ledger_check().ok
    call_command("ledger", "check")


def test_overdraft_refused_naming_the_shortfall(voucher_fund):
    spend("80", reference="a")
    with pytest.raises(Conflict, match="可用余额 20.00 元，本次支出 25.00 元，缺口 5.00 元") as exc:
        spend("25", reference="b")
    assert exc.value.details["shortfall"] == "5.00" and exc.value.field == "fund"
    assert not LedgerEntry.objects.filter(key="spend:b").exists()
    assert LedgerLine.objects.filter(fund=voucher_fund, account=Account.DISBURSED).aggregate(s=Sum("amount"))[
        "s"
    ] == Decimal("80.00")
    spend("20", reference="b")  # exactly what is left is fine
    assert fund_available(voucher_fund) == Decimal("0.00") and ledger_check().ok


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"programme_code": "NOPE"}, "programme_code"),
        ({"month": "2026-13x"}, "month"),
        ({"region_code": "33"}, "region_code"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 200}, "reference"),
    ],
)
def test_wrong_input_is_refused_by_field(voucher_fund, kw, field):
    args = {"amount": "10", "reference": "r"} | kw
    with pytest.raises(InvalidInput) as exc:
        spend(**args)
    assert exc.value.field == field
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING).exists()


def test_a_user_needs_approval_rights_in_the_region(voucher_fund, users):
    with pytest.raises((Forbidden, NotFound)):
        spend("10", actor=users["district_b"])
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPENDING).exists()


def test_ledger_readers_answer_typed_balances(voucher_fund, users):
    """fund_balances, balances and ledger_check answer FundBalance, BalanceRow and LedgerCheck
    (benefits/types.py), with the same figures the dictionaries had."""
    spend("30")
    (fb,) = [b for b in fund_balances(user=users["admin"]) if b.fund == voucher_fund]
    assert isinstance(fb, FundBalance)
    assert (fb.appropriation, fb.available, fb.committed, fb.disbursed, fb.receivable) == (
        Decimal("-100.00"),
        Decimal("70.00"),
        Decimal("0.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )
    rows = [r for r in balances(user=users["admin"], fund_id=voucher_fund.pk)]
    assert all(isinstance(r, BalanceRow) for r in rows)
    assert {(r.programme_name, r.month, r.account, r.total) for r in rows} == {
        (None, "", Account.APPROPRIATION, Decimal("-100.00")),
        (None, "", Account.AVAILABLE, Decimal("100.00")),
        ("居家服务补贴", "2026-10", Account.AVAILABLE, Decimal("-30.00")),
        ("居家服务补贴", "2026-10", Account.DISBURSED, Decimal("30.00")),
    }
    assert rows[0].fund_name == "居家服务补贴资金" and rows[0].account_label == str(rows[0].account.label)
    check = ledger_check()
    assert isinstance(check, LedgerCheck) and check.ok and check.unbalanced == () and check.entries == 2
