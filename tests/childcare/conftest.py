import datetime

import pytest
from django.utils import timezone

from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)


def today() -> datetime.date:
    """The app's date (Beijing) on the test's clock: read while the test runs, never at import (the
    frozen clock starts with each test, after the modules are imported), never the host's date."""
    return timezone.localdate()


def months_ago(months: int, day: datetime.date | None = None, extra_days: int = 3) -> datetime.date:
    day = day or today()
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(y, m + 1, min(day.day, 28)) - datetime.timedelta(days=extra_days)


@pytest.fixture
def nursery(make_facility):  # noqa: F811
    return make_facility("childcare_centre", childcare_places=120, childcare_places_puhui=100)


@pytest.fixture
def make_child(make_person):
    def make(months, extra_days=3, **kw):
        return make_person(birth=months_ago(months, extra_days=extra_days), **kw)

    return make
