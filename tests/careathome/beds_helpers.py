"""Helpers of the family-bed tests and their scope-walk factories."""

import datetime
from decimal import Decimal

from django.utils import timezone

from carecircle.careathome import beds_reference
from carecircle.registry.models import Person, PersonStatus

CITY = "339900000000"


def hold(person: Person, kind: str) -> None:
    PersonStatus.objects.create(
        person=person,
        region_code=person.region_code,
        kind=kind,
        valid_from=timezone.localdate() - datetime.timedelta(days=400),
        source="测试",
    )


def provider(users, licence: str = "91330100MA0000009B"):
    from carecircle.homecare.models import Provider
    from carecircle.homecare.services import provider_create

    existing = Provider.objects.filter(licence_no=licence).first()
    if existing:
        return existing
    return provider_create(
        actor=users["admin"],
        name="颐家居家养老服务中心",
        licence_no=licence,
        region_code="339901000000",
        areas=["339901000000"],
        latitude=30.29,
        longitude=120.12,
    )


def disabled_person(make_person, region_code: str) -> Person:
    """A person the rule admits as 失能 (the 重度残疾 status)."""
    person = make_person(region_code=region_code, age=81)
    hold(person, "severe_disability")
    return person


def verified_order(bed, day: datetime.date, n: int = 0):
    """A home-care order of the bed's person by its provider, completed on `day` (homecare's
    verified state)."""
    from carecircle.homecare.models import Order, ServiceItem

    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    return Order.objects.create(
        region_code=bed.region_code,
        person=bed.person,
        item=ServiceItem.objects.get(code="clean.home"),
        provider=bed.provider,
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
        channel="community",
        price=Decimal("40.00"),
        status="completed",
        idempotency_key=f"bed-test-{bed.pk}-{day}-{n}",
    )


def setup() -> None:
    beds_reference.ensure_programme(region_code=CITY)
