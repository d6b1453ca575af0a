"""The demo step on a tiny city: every part of the shop window is there."""

import datetime
import random

from carecircle.core.demo import City
from carecircle.homecare.models import Order, OrderStatus, Provider, Rating, Statement
from carecircle.workforce.models import Caregiver, Certificate
from carecircle.workforce.selectors import certified_caregiver_count


class Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def test_demo_fills_home_services(db):
    from carecircle.core.management.commands import generate as gen
    from carecircle.homecare import demo as homecare_demo
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import ServiceCategory, ServiceItem
    from carecircle.registry import demo as registry_demo

    catalogue_sync(ServiceCategory, ServiceItem)
    city = City(seed=5, scale=0.0001, today=datetime.date.today(), rng=random.Random(5), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    registry_demo.generate(city)
    homecare_demo.generate(city)
    assert Provider.objects.count() == 2 * len(city.districts)
    assert Caregiver.objects.filter(user__username="caregiver").exists()
    assert Certificate.objects.filter(kind="elder_care").exists()
    assert certified_caregiver_count(region_prefix="3399", day=city.today) > 0
    yesterday = city.today - datetime.timedelta(days=1)
    served = Order.objects.filter(
        window_start__date=yesterday, status__in=[OrderStatus.SERVED, OrderStatus.COMPLETED]
    )
    assert served.count() >= 10 and Rating.objects.filter(order__in=served).exists()
    assert Statement.objects.filter(month=yesterday.replace(day=1), visit_count__gt=0).exists()
    assert Order.objects.filter(
        placed_by__username="family", caregiver__user__username="caregiver", status=OrderStatus.OFFERED
    ).exists()
