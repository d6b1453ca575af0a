"""The benefits module's contract with other modules: what a person is entitled to.

`carecircle.benefits.selectors.entitlements_for(person=, day=)` returns a list of `Entitlement`;
its period and payment method are the enums below (the same ones the `Programme` model stores),
so a caller never guesses at spellings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


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
