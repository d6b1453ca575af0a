"""The workforce demo step on a tiny city: workers of every kind at institutions and childcare
centres, certificates with some expiring soon, three days of roster, warnings sent, a breach."""

import datetime
import random

from django.utils import timezone

from carecircle.core.demo import City
from carecircle.workforce.models import Caregiver, Certificate, CertificateWarning, Shift


class Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def test_demo_fills_the_register(db):
    from carecircle.childcare import demo as childcare_demo
    from carecircle.core.management.commands import generate as gen
    from carecircle.facilities import demo as facilities_demo
    from carecircle.registry import demo as registry_demo
    from carecircle.workforce import demo as workforce_demo
    from carecircle.workforce import ratios

    city = City(seed=7, scale=0.0001, today=timezone.localdate(), rng=random.Random(7), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    registry_demo.generate(city)
    facilities_demo.generate(city)
    childcare_demo.generate(city)
    workforce_demo.generate(city)
    roles = set(Caregiver.objects.values_list("role", flat=True))
    assert {
        "carer",
        "nurse",
        "social_worker",
        "manager",
        "childcare_carer",
        "child_health",
        "director",
    } <= roles
    assert not Caregiver.objects.filter(id_index="").exists()
    soon = city.today + datetime.timedelta(days=90)
    assert Certificate.objects.filter(valid_to__gte=city.today, valid_to__lte=soon).exists()
    assert Shift.objects.filter(day=city.today).exists() and CertificateWarning.objects.exists()
    from carecircle.childcare.models import ChildClass

    found = [
        b for c in ChildClass.objects.select_related("facility") for b in ratios.class_breaches(c, city.today)
    ]
    assert any(b.start.time() == datetime.time(12) and b.end.time() == datetime.time(13) for b in found)
