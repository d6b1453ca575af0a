"""The childcare demo step on a tiny city: classes in the filed childcare facilities (which it finds
through facilities.selectors), kindergarten classes only for 2–3 year olds, children enrolled."""

import contextlib
import datetime
import random

import pytest
import time_machine
from django.utils import timezone

from carecircle.childcare.models import Band, ChildClass, Enrolment
from carecircle.core.demo import City
from carecircle.facilities.selectors import childcare_facilities_with_places


class Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


LEAP_DAY = datetime.datetime(2028, 2, 29, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.mark.parametrize("leap_day", [False, True], ids=["today", "29-february"])
def test_demo_fills_the_childcare_facilities(db, leap_day):
    from carecircle.childcare import demo as childcare_demo
    from carecircle.core.management.commands import generate as gen
    from carecircle.facilities import demo as facilities_demo
    from carecircle.registry import demo as registry_demo

    # on 29 February "N years ago" has no such day: the demo steps must not crash on it
    with time_machine.travel(LEAP_DAY, tick=True) if leap_day else contextlib.nullcontext():
        city = City(seed=7, scale=0.0001, today=timezone.localdate(), rng=random.Random(7), out=Quiet())
        gen.build_regions(city)
        gen.build_accounts(city)
        registry_demo.generate(city)
        facilities_demo.generate(city)
        childcare_demo.generate(city)
    facilities = list(childcare_facilities_with_places())
    assert facilities
    assert set(ChildClass.objects.values_list("facility_id", flat=True)) == {f.pk for f in facilities}
    kindergartens = [f.pk for f in facilities if f.kind == "kindergarten_class"]
    assert not ChildClass.objects.filter(facility_id__in=kindergartens).exclude(band=Band.BIG).exists()
    assert Enrolment.objects.exists()
