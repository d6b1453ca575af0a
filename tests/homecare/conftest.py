"""A small home-service world in 东湖区: one provider with an admin and two caregivers, prices,
a meal cost-sharing rule, a mother of 82 with a son's account and her own account."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.benefits.types import Entitlement, PaymentMethod, Period
from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.homecare.models import CostShareLine, CostShareRule, FundingRule, ServiceCategory, ServiceItem
from carecircle.registry.models import FamilyContact
from tests.conftest import COMMUNITY_A, make_user

MOTHER_LAT, MOTHER_LNG = 30.2912, 120.1213


@pytest.fixture
def world(users, make_person):
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.services import price_set, provider_create
    from carecircle.workforce.services import caregiver_create, certificate_add

    catalogue_sync(ServiceCategory, ServiceItem)  # in case a transactional test flushed the migration's rows
    admin = users["admin"]
    provider = provider_create(
        actor=admin,
        name="安康居家养老服务中心",
        licence_no="91330100MA0000001X",
        region_code="339901000000",
        areas=["339901000000"],
        latitude=30.29,
        longitude=120.12,
    )
    RoleGrant.objects.filter(user__in=[users["provider"], users["caregiver"]]).update(
        organisation_kind="homecare_provider", organisation_id=provider.pk
    )
    start = datetime.date(2020, 1, 1)
    carer = caregiver_create(
        actor=users["provider"],
        organisation_id=provider.pk,
        region_code=COMMUNITY_A,
        name="王护理",
        user=users["caregiver"],
        employed_from=start,
        latitude=30.292,
        longitude=120.122,
    )
    certificate_add(actor=users["provider"], caregiver=carer, kind="elder_care", level=2, valid_from=start)
    certificate_add(actor=users["provider"], caregiver=carer, kind="health", valid_from=start)
    carer2_user = make_user("carer2", Role.CAREGIVER, "339901000000")
    RoleGrant.objects.filter(user=carer2_user).update(
        organisation_kind="homecare_provider", organisation_id=provider.pk
    )
    carer2 = caregiver_create(
        actor=users["provider"],
        organisation_id=provider.pk,
        region_code=COMMUNITY_A,
        name="李护理",
        user=carer2_user,
        employed_from=start,
        latitude=30.30,
        longitude=120.13,
    )
    certificate_add(actor=users["provider"], caregiver=carer2, kind="elder_care", level=3, valid_from=start)
    certificate_add(actor=users["provider"], caregiver=carer2, kind="health", valid_from=start)
    bath = ServiceItem.objects.get(code="bath.home")
    meal = ServiceItem.objects.get(code="meal.delivery")
    clean = ServiceItem.objects.get(code="clean.home")
    for item, price in ((bath, "80"), (meal, "15"), (clean, "40")):
        price_set(actor=users["provider"], provider=provider, item=item, price=price, valid_from=start)
    rule = CostShareRule.objects.create(
        region_code="339901000000",
        category=ServiceCategory.objects.get(code="meal"),
        name="东湖区老年助餐",
        valid_from=start,
    )
    CostShareLine.objects.create(rule=rule, source="enterprise", amount=Decimal("2.00"))
    CostShareLine.objects.create(rule=rule, source="government", percent=Decimal("30"))
    CostShareLine.objects.create(rule=rule, source="collective", amount=Decimal("1.00"))
    CostShareLine.objects.create(rule=rule, source="social", amount=Decimal("1.00"))
    FundingRule.objects.create(programme_code="HC_VOUCHER", source="voucher")
    FundingRule.objects.create(programme_code="GOV_BUY", source="allowance")
    mother = make_person(
        age=82, name="张桂英", latitude=MOTHER_LAT, longitude=MOTHER_LNG, address="桂花苑3幢2单元501室"
    )
    mother_user = make_user("mother", Role.RESIDENT, COMMUNITY_A)
    mother.user = mother_user
    mother.save(update_fields=["user"])
    son = make_user("son", Role.RESIDENT, COMMUNITY_A)
    FamilyContact.objects.create(
        person=mother,
        region_code=mother.region_code,
        name="张伟",
        relation="子女",
        user=son,
        link_state="active",
    )
    return {
        "provider": provider,
        "carer": carer,
        "carer2": carer2,
        "carer2_user": carer2_user,
        "bath": bath,
        "meal": meal,
        "clean": clean,
        "mother": mother,
        "mother_user": mother_user,
        "son": son,
        "admin_p": users["provider"],
        "carer_user": users["caregiver"],
    }


def tomorrow_at(hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def no_entitlements(monkeypatch):
    monkeypatch.setattr("carecircle.homecare.services.quotes._entitlements", lambda person, day: [])


@pytest.fixture
def voucher(monkeypatch):
    def fake(person, day):
        return [
            Entitlement(
                "HC_VOUCHER", "居家养老服务补贴", Decimal("50"), Period.MONTHLY, PaymentMethod.VOUCHER
            ),
            Entitlement("ALLOWANCE_80", "高龄津贴", Decimal("100"), Period.MONTHLY, PaymentMethod.CASH),
        ]

    monkeypatch.setattr("carecircle.homecare.services.quotes._entitlements", fake)
