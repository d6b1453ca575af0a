"""core.months: one definition of a month's bounds and of adding months, for every module."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.months import add_months, month_bounds, next_month

D = datetime.date


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 5, 31), 24, D(2028, 5, 31)),
        (D(2026, 5, 31), 0, D(2026, 5, 31)),
    ],
)
def test_add_months(day, n, expected):
    assert add_months(day, n) == expected


def test_next_month_and_bounds_are_local_midnights_half_open():
    assert next_month(D(2026, 12, 31)) == D(2027, 1, 1)
    start, end = month_bounds(D(2026, 2, 17))
    tz = timezone.get_current_timezone()
    assert start == datetime.datetime(2026, 2, 1, tzinfo=tz)
    assert end == datetime.datetime(2026, 3, 1, tzinfo=tz)
    assert start.utcoffset() == datetime.timedelta(hours=8)  # Beijing, not UTC
