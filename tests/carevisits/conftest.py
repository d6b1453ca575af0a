import datetime

import pytest
from django.utils import timezone

from carecircle.carevisits import services
from carecircle.registry.services import status_add

LONG_AGO = datetime.date(2020, 1, 1)


def today() -> datetime.date:
    """The app's date (Beijing) on the test's clock: read while the test runs, never at import (the
    frozen clock starts with each test, after the modules are imported)."""
    return timezone.localdate()


def this_month() -> tuple[int, int]:
    return today().year, today().month


@pytest.fixture
def rules(users):
    """City-wide rules as the issue's example: 独居/空巢/失能 monthly, 特困 weekly, 困境儿童 monthly."""
    admin = users["admin"]
    for group, freq in [
        ("living_alone", "monthly"),
        ("empty_nest", "monthly"),
        ("disabled", "monthly"),
        ("tekun", "weekly"),
        ("child_in_difficulty", "monthly"),
    ]:
        services.rule_set(actor=admin, region_code="339900000000", group=group, frequency=freq)


@pytest.fixture
def with_status(users):
    def add(person, kind, start=LONG_AGO, end=None):
        return status_add(
            actor=users["admin"], person=person, kind=kind, valid_from=start, valid_to=end, source="测试"
        )

    return add
