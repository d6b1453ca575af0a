"""The resident page's world: 王奶奶 (84, linked to her son's account) with a delivered LTC level and
a plan, a family bed with a visit booked, an adaptation case in works and a wheelchair rented; and
李爷爷, linked to another family's account, with an LTC result of his own."""

import datetime
from decimal import Decimal

from django.utils import timezone

from carecircle.core.roles import Role
from tests.conftest import COMMUNITY_A, make_user
from tests.portal.test_applications_browser import _link


def _ltc(person, level, provider, item, hours=25):
    from carecircle.careathome.models.ltc import LtcAssessment, LtcCarePlan, LtcEntitlement

    today = timezone.localdate()
    LtcEntitlement.objects.get_or_create(
        city_code="339900000000",
        level=level,
        defaults={"hours_per_month": hours, "fund_percent": 70, "ledger_programme": "LTC", "source": "测试"},
    )
    a = LtcAssessment.objects.create(
        person=person,
        region_code=person.region_code,
        status="delivered",
        applicant_kind="family",
        applicant_name="家属",
        applied_on=today - datetime.timedelta(days=40),
        level=level,
        delivered_on=today - datetime.timedelta(days=10),
        valid_until=today + datetime.timedelta(days=700),
    )
    LtcCarePlan.objects.create(
        assessment=a,
        person=person,
        region_code=person.region_code,
        provider=provider,
        item=item,
        weekdays="135",
        start_time=datetime.time(9, 0),
        valid_from=today - datetime.timedelta(days=5),
        valid_to=today + datetime.timedelta(days=60),
    )


def home_world(users, make_person):
    from carecircle.careathome.models.beds import FamilyBed
    from carecircle.careathome.models.homes import (
        AdaptationCase,
        DeviceType,
        DeviceUnit,
        RentalContract,
        RentalPoint,
    )
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import Order, ServiceCategory, ServiceItem
    from tests.careathome.beds_helpers import provider as bed_provider

    catalogue_sync(ServiceCategory, ServiceItem)
    item = ServiceItem.objects.get(code="clean.home")
    provider = bed_provider(users)
    today = timezone.localdate()
    mother = make_person(age=84, name="王奶奶")
    son = make_user("son_cp", Role.RESIDENT, COMMUNITY_A)
    _link(mother, son, "儿子")
    other = make_person(age=80, name="李爷爷")
    stranger = make_user("other_family_cp", Role.RESIDENT, COMMUNITY_A)
    _link(other, stranger, "女儿")
    _ltc(mother, 3, provider, item)
    _ltc(other, 2, provider, item)
    FamilyBed.objects.create(
        person=mother,
        region_code=mother.region_code,
        provider=provider,
        tier="失能",
        monthly_subsidy=Decimal("300.00"),
        assessment_note="入户评估",
        visit_every_days=7,
        starts_on=today - datetime.timedelta(days=20),
    )
    start = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time(10))
    )
    Order.objects.create(
        region_code=mother.region_code,
        person=mother,
        item=item,
        provider=provider,
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
        channel="community",
        price=Decimal("40.00"),
        status="confirmed",
        idempotency_key="resident-cp-next",
    )
    AdaptationCase.objects.create(
        person=mother,
        region_code=mother.region_code,
        source="application",
        status="works",
        tier="低保",
        cap=Decimal("3000.00"),
        total=Decimal("2600.00"),
        subsidy=Decimal("2600.00"),
        own_share=Decimal("0.00"),
        applied_on=today - datetime.timedelta(days=30),
    )
    kind = DeviceType.objects.create(code="cp-wheelchair", name="轮椅", monthly_rent=Decimal("60.00"))
    point = RentalPoint.objects.create(name="桂花社区租赁点", region_code=COMMUNITY_A)
    unit = DeviceUnit.objects.create(
        device_type=kind, serial="CP-0001", point=point, region_code=COMMUNITY_A, condition="rented"
    )
    RentalContract.objects.create(
        person=mother,
        unit=unit,
        region_code=COMMUNITY_A,
        monthly_rent=Decimal("60.00"),
        subsidy_rate=Decimal("0.50"),
        delivered_on=today - datetime.timedelta(days=3),
        due_back=today + datetime.timedelta(days=90),
    )
    return {"mother": mother, "son": son, "other": other, "stranger": stranger}
