"""The demo's adaptation cases reach every stage and its rentals are billed (demo_homes.generate)."""

import io
import random

import pytest
from django.utils import timezone

from carecircle.careathome import demo_homes
from carecircle.careathome.models.homes import AdaptationCase, RentalBill, RentalContract
from carecircle.core.demo import City
from carecircle.core.models import Region
from tests.careathome.homes_helpers import eligible_person
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_demo_cases_at_every_stage_and_rentals(users, make_person):
    for n in range(12):
        eligible_person(
            make_person, [COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B][n % 3], ["dibao", "tekun"][n % 2], 81 + n
        )
    city = City(seed=1, scale=0.001, today=timezone.localdate(), rng=random.Random(1), out=io.StringIO())
    city.city = Region.objects.get(code="339900000000")
    city.districts = list(Region.objects.filter(code__in=["339901000000", "339902000000"]))
    city.communities = list(Region.objects.filter(code__in=[COMMUNITY_A, COMMUNITY_B]))
    demo_homes.generate(city)
    statuses = set(AdaptationCase.objects.values_list("status", flat=True))
    assert statuses == {"applied", "assessed", "planned", "approved", "works", "accepted", "paid", "refused"}
    assert RentalContract.objects.exists() and RentalBill.objects.exists()
