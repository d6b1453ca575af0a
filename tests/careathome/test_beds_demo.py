"""The demo's family beds: signed for people the rule admits, each with its four monitoring devices
registered with the alarms module, and the missed-visit warnings of beds started a month ago."""

import io
import random

import pytest
from django.utils import timezone

from carecircle.alarms.models import Device
from carecircle.careathome import beds_demo
from carecircle.careathome.models.beds import BedDevice, FamilyBed, MissedVisit
from carecircle.core.demo import City
from carecircle.core.models import Region
from tests.careathome.beds_helpers import disabled_person, provider
from tests.conftest import COMMUNITY_A, COMMUNITY_A2

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_demo_beds_with_devices_and_warnings(users, make_person):
    import datetime

    from carecircle.core.models import RoleGrant
    from carecircle.homecare.models import ServiceItem
    from carecircle.homecare.services import price_set

    prov = provider(users)  # the demo picks a provider pricing home cleaning in the person's community
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=prov.pk
    )
    clean = ServiceItem.objects.get(code="clean.home")
    price_set(
        actor=users["provider"], provider=prov, item=clean, price="40", valid_from=datetime.date(2020, 1, 1)
    )
    people = [disabled_person(make_person, [COMMUNITY_A, COMMUNITY_A2][n % 2]) for n in range(4)]
    make_person(region_code=COMMUNITY_A, age=70)  # not admitted by the rule
    city = City(seed=1, scale=0.001, today=timezone.localdate(), rng=random.Random(1), out=io.StringIO())
    city.city = Region.objects.get(code="339900000000")
    beds_demo.generate(city)
    assert set(FamilyBed.objects.values_list("person_id", flat=True)) == {p.pk for p in people}
    assert BedDevice.objects.count() == 16 and Device.objects.filter(person__in=people).count() == 16
    assert MissedVisit.objects.exists()  # the beds started 30 days ago have no verified visit
    beds_demo.generate(city)  # a second run adds nothing
    assert FamilyBed.objects.count() == 4
