"""A test of a FROZEN_PACKAGES package (tests/conftest.py) runs on the frozen clock unasked."""

import datetime

import pytest
from django.utils import timezone


def test_the_package_runs_on_the_frozen_clock():
    assert timezone.localdate() == datetime.date(2026, 3, 31)


@pytest.mark.real_clock
def test_real_clock_opts_out():
    assert timezone.localdate() != datetime.date(2026, 3, 31)  # (wrong on that one real day only)
