import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.benefits import defaults
from carecircle.benefits.models import Fund, Programme

CITY = "339900000000"


@pytest.fixture
def programmes(users):
    defaults.install(actor=users["admin"], region_code=CITY, valid_from=datetime.date(2020, 1, 1))
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def funded(programmes, users):
    from carecircle.benefits.services import fund_appropriate

    for fund in Fund.objects.all():
        fund_appropriate(
            actor=users["admin"], fund=fund, amount=Decimal("10000000"), memo="年度预算", key=f"t:{fund.pk}"
        )
    return programmes


def today() -> datetime.date:
    """The app's date (Beijing) on the test's clock: read while the test runs, never at import (the
    frozen clock starts with each test, after the modules are imported), never the host's date."""
    return timezone.localdate()


def month_of(day: datetime.date) -> str:
    """The payroll month (YYYY-MM) a day falls in."""
    return day.strftime("%Y-%m")


def month_start(months: int = 0) -> datetime.date:
    """The 1st of the app's month, `months` months later (earlier when negative): the day a monthly
    entitlement is judged on."""
    day = today()
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)


def born(years: int, on: datetime.date, days: int = 0) -> datetime.date:
    """The birth date of someone exactly `years` old on `on` (minus `days` days, i.e. older)."""
    try:
        d = on.replace(year=on.year - years)
    except ValueError:
        d = on.replace(year=on.year - years, day=28)
    return d - datetime.timedelta(days=days)
