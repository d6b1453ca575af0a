"""The demo step on a tiny city: LTC assessments at every stage and care plans with orders."""

import datetime
import random

from django.utils import timezone

from carecircle.careathome.models.ltc import (
    LtcAssessment,
    LtcCarePlan,
    LtcPlanOrder,
    LtcScaleTable,
    LtcStatus,
)
from carecircle.core.demo import City


class Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def test_demo_has_every_stage_and_plans(db):
    from carecircle.benefits import demo as benefits_demo
    from carecircle.careathome import ltc_demo
    from carecircle.core.management.commands import generate as gen
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import ServiceCategory, ServiceItem
    from carecircle.registry import demo as registry_demo

    catalogue_sync(ServiceCategory, ServiceItem)
    today = timezone.localdate()
    city = City(seed=5, scale=0.0005, today=today, rng=random.Random(5), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    registry_demo.generate(city)
    benefits_demo.generate(city)
    # a provider serving the first district with a price for the home bath (homecare's own demo
    # step is another module's; this keeps the test to care at home's part)
    from carecircle.core.models import User
    from carecircle.homecare.services import price_set, provider_create

    admin = User.objects.get(username="admin")
    district = city.districts[0].code
    provider = provider_create(
        actor=admin,
        name="演示居家服务中心",
        licence_no="91330100MA0000009X",
        region_code=district,
        areas=[district],
        latitude=30.0,
        longitude=120.0,
    )
    price_set(
        actor=admin,
        provider=provider,
        item=ServiceItem.objects.get(code="bath.home"),
        price="80",
        valid_from=datetime.date(2020, 1, 1),
    )
    ltc_demo.generate(city)
    stages = set(LtcAssessment.objects.values_list("status", flat=True))
    assert stages == set(LtcStatus.values)
    assert LtcAssessment.objects.filter(status=LtcStatus.ACCEPTED, records__isnull=False).exists()
    assert "演示" in LtcScaleTable.objects.get().source  # never passed off as the standard's scoring
    assert LtcCarePlan.objects.exists()
    assert LtcPlanOrder.objects.filter(day__gt=today, day__lte=today + datetime.timedelta(days=14)).exists()
