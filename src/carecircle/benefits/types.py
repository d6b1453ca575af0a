"""The benefits module's contract with other modules: what a person is entitled to, and the
funds ledger's postings and balances.

`carecircle.benefits.selectors.entitlements_for(person=, day=)` returns a list of `Entitlement`;
its period and payment method are the enums below (the same ones the `Programme` model stores),
so a caller never guesses at spellings. A journal entry is posted as `Posting`s (`transfer` makes
the balanced pair); `fund_balances`, `balances` and `ledger_check` answer `FundBalance`,
`BalanceRow` and `LedgerCheck`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from carecircle.benefits.models import Account, Fund, Programme


class Period(models.TextChoices):
    """How often a programme pays its amount."""

    MONTHLY = "monthly", _("按月")
    YEARLY = "yearly", _("按年")
    ONCE = "once", _("一次性")

    def bounds(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The first and last day of the period that holds `day` (a one-off payment: all time)."""
        if self is Period.ONCE:
            return datetime.date.min, datetime.date.max
        if self is Period.YEARLY:
            return day.replace(month=1, day=1), day.replace(month=12, day=31)
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return first, following - datetime.timedelta(days=1)


class PaymentMethod(models.TextChoices):
    """How a programme pays: cash goes to the person's account, a voucher pays for services,
    in kind is a thing or a premium paid for them."""

    CASH = "cash", _("打卡发放")
    VOUCHER = "voucher", _("服务券")
    IN_KIND = "in_kind", _("实物/代缴（如保险投保）")


@dataclass(frozen=True, slots=True)
class Entitlement:
    """One programme a person qualifies for on a day: `amount` yuan (2 places) per `period`."""

    programme_code: str
    name: str
    amount: Decimal
    period: Period
    payment_method: PaymentMethod

    @property
    def pays_services(self) -> bool:
        """Whether the entitlement can pay for an ordered service (cash goes to the person)."""
        return self.payment_method is not PaymentMethod.CASH


# ------------------------------------------------------------------ the funds ledger


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a journal entry: `amount` yuan on `account` (positive: debit, negative:
    credit), with the ledger's dimensions (programme, region, month YYYY-MM; empty when none).
    The postings of one entry sum to zero."""

    account: Account
    amount: Decimal
    programme: Programme | None = None
    region_code: str = ""
    month: str = ""


def transfer(
    to: Account,
    source: Account,
    amount: Decimal,
    *,
    programme: Programme | None = None,
    region_code: str = "",
    month: str = "",
) -> tuple[Posting, Posting]:
    """The balanced pair that moves `amount` from account `source` to account `to` (debit `to`,
    credit `source`) on the same dimensions."""
    return (
        Posting(to, amount, programme, region_code, month),
        Posting(source, -amount, programme, region_code, month),
    )


@dataclass(frozen=True, slots=True)
class FundBalance:
    """A fund's balance on each account (2 places)."""

    fund: Fund
    appropriation: Decimal
    available: Decimal
    committed: Decimal
    disbursed: Decimal
    receivable: Decimal


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """The balance of one account of a fund for one programme, region and month."""

    fund_name: str
    programme_name: str | None  # None: appropriations, which belong to no programme
    region_code: str
    month: str
    account: Account
    total: Decimal
    region_name: str = ""  # what the page shows for region_code

    @property
    def account_label(self) -> str:
        return str(self.account.label)


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """The auditor's check of the whole ledger: every entry balances and all lines sum to zero."""

    entries: int
    lines: int
    total: Decimal
    unbalanced: tuple[tuple[int, Decimal], ...]  # (entry id, difference) of entries that do not balance
    empty_entries: int

    @property
    def ok(self) -> bool:
        return self.total == 0 and not self.unbalanced


@dataclass(frozen=True, slots=True)
class PolicyTier:
    """One amount of a programme and who gets it, in words (a public policy page)."""

    label: str
    condition: str  # the tier's rule in plain Chinese ("" when the tier has no condition of its own)
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PolicyText:
    """An allowance as the public reads it (`benefits.selectors.public_policies`): who qualifies,
    in plain Chinese generated from the programme's rule, how much, how often and how it is paid."""

    name: str
    region_code: str
    conditions: str
    tiers: tuple[PolicyTier, ...]
    period: Period
    payment_method: PaymentMethod
    cap: Decimal | None
    basis: str
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """What a person is told about a paid batch (`benefits.selectors.payment_notices`): a line paid
    (`granted`), money asked back (`recovered`), or an allowance paid last month and not in this
    month's batch (`stopped`). `phone` is the person's number as the vault keeps it (ciphertext)."""

    key: str  # stable: the same line gives the same key on every run
    kind: str  # "granted" | "recovered" | "stopped"
    person_id: int
    user_id: int | None  # the person's own account, if any
    phone: str
    programme: str
    period: str
    amount: Decimal
    region_code: str
