"""The frozen clock of tests/conftest.py (issue 15, item 6): a test that builds expected values from
the date takes `frozen_now` and gets the same day on every day it runs."""

import datetime

from django.utils import timezone

from tests.conftest import FROZEN_NOW


def test_frozen_now_pins_the_apps_date(frozen_now):
    assert timezone.localdate() == datetime.date(2026, 3, 31)
    assert abs(timezone.now() - FROZEN_NOW) < datetime.timedelta(minutes=1)  # it ticks on from there


def test_make_person_ages_on_the_frozen_day(make_person, frozen_now):
    from carecircle.core.vault import shown_age

    person = make_person(age=80)
    assert shown_age(person.birth_date, timezone.localdate()) == 80


def test_make_person_on_29_february(make_person, frozen_now):
    """A 29 February has no anniversary in most years: make_person still makes the age asked."""
    from carecircle.core.vault import shown_age

    frozen_now.move_to(datetime.datetime(2028, 2, 29, 12, tzinfo=FROZEN_NOW.tzinfo))
    person = make_person(age=75)
    assert shown_age(person.birth_date, timezone.localdate()) == 75
