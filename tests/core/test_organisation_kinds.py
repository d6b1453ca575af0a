"""Issue 13, High 5: one organisation id meant two organisations. A grant now names the kind of
organisation with its id, and each module reads only the kinds it means: a facility operator whose id
happens to be a home-care provider's id sees none of that provider's orders or caregivers, and the
provider's admin none of that operator's facilities."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from carecircle.core.errors import InvalidInput
from carecircle.core.models import RoleGrant
from carecircle.core.organisations import OrganisationKind, organisation_grants, organisations_of
from carecircle.core.roles import Role
from carecircle.core.services import role_grant
from tests.conftest import COMMUNITY_A, make_user

DISTRICT_A = "339901000000"
HOMECARE, FACILITY, CHILDCARE = (
    OrganisationKind.HOMECARE_PROVIDER,
    OrganisationKind.FACILITY_OPERATOR,
    OrganisationKind.CHILDCARE_OPERATOR,
)


@pytest.fixture
def twins(users, make_person):
    """A home-care provider and a facility operator with the same id, each with its own data."""
    from carecircle.facilities.models import Operator
    from carecircle.facilities.services import beds_add, facility_apply, filing_review
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import Provider, ProviderArea, ServiceCategory, ServiceItem
    from carecircle.homecare.services import order_create, price_set
    from carecircle.workforce.services import caregiver_create

    admin = users["admin"]
    shared = max([p.pk for p in Provider.objects.all()] + [o.pk for o in Operator.objects.all()] + [0]) + 500
    provider = Provider.objects.create(
        pk=shared, name="孪生居家服务中心", licence_no="TWIN-HC-1", region_code=DISTRICT_A
    )
    ProviderArea.objects.create(provider=provider, region_code=DISTRICT_A)
    operator = Operator.objects.create(
        pk=shared, name="孪生康养集团", credit_code="91330100MATWIN001X", region_code=COMMUNITY_A
    )
    catalogue_sync(ServiceCategory, ServiceItem)
    item = ServiceItem.objects.get(code="clean.home")
    price_set(
        actor=admin, provider=provider, item=item, price=Decimal("40"), valid_from=datetime.date(2020, 1, 1)
    )
    elder = make_person(name="孪生案例老人")
    order = order_create(
        actor=admin,
        person=elder,
        item=item,
        provider=provider,
        window_start=timezone.now().replace(microsecond=0) + datetime.timedelta(days=1),
        idempotency_key="twin-1",
    )
    carer = caregiver_create(
        actor=admin,
        organisation_id=provider.pk,
        region_code=COMMUNITY_A,
        name="孪生护理员",
        employed_from=datetime.date(2020, 1, 1),
    )
    docs = {
        k: "x"
        for k in (
            "business_licence",
            "site_proof",
            "fire_safety",
            "building_safety",
            "staff_list",
            "commitment",
            "health_inspection",
        )
    }
    facilities = {}
    for kind, extra in (
        ("nursing_public", {"beds_general": 5}),
        ("childcare_centre", {"childcare_places": 20, "childcare_places_puhui": 20}),
    ):
        filing = facility_apply(
            actor=admin,
            operator=operator,
            kind=kind,
            name=f"孪生{kind}",
            address="桂花路1号",
            region_code=COMMUNITY_A,
            latitude=30.29,
            longitude=120.12,
            documents=docs,
            **extra,
        )
        filing_review(actor=admin, filing=filing, approve=True)
        facilities[kind] = filing.facility
    beds_add(actor=admin, facility=facilities["nursing_public"], kind="general", count=1)

    def admin_of(name, kind):
        user = make_user(name, Role.PROVIDER_ADMIN, DISTRICT_A)
        RoleGrant.objects.filter(user=user).delete()
        role_grant(
            actor=admin,
            user=user,
            role=Role.PROVIDER_ADMIN,
            region_code=DISTRICT_A,
            organisation_kind=kind,
            organisation_id=shared,
        )
        return user

    return {
        "id": shared,
        "provider": provider,
        "operator": operator,
        "order": order,
        "carer": carer,
        "home": facilities["nursing_public"],
        "nursery": facilities["childcare_centre"],
        "elder": elder,
        "homecare_admin": admin_of("hc_admin", HOMECARE),
        "facility_admin": admin_of("fo_admin", FACILITY),
        "childcare_admin": admin_of("cc_admin", CHILDCARE),
    }


def test_facility_operator_does_not_see_the_providers_orders_or_caregivers(twins, client_for):
    from carecircle.homecare.selectors import order_search
    from carecircle.workforce.selectors import caregiver_search

    outsider, insider = twins["facility_admin"], twins["homecare_admin"]
    assert not order_search(user=outsider).exists()
    assert not caregiver_search(user=outsider).exists()
    assert list(order_search(user=insider)) == [twins["order"]]
    assert list(caregiver_search(user=insider)) == [twins["carer"]]
    client = client_for(outsider)
    assert client.get(f"/homecare/orders/{twins['order'].pk}/").status_code in (403, 404)
    assert client.get(f"/workforce/{twins['carer'].pk}/").status_code in (403, 404)
    assert twins["elder"].name not in client.get("/homecare/").content.decode()
    assert "孪生护理员" not in client.get("/workforce/").content.decode()
    assert client_for(insider).get(f"/homecare/orders/{twins['order'].pk}/").status_code == 200
    assert client_for(insider).get(f"/workforce/{twins['carer'].pk}/").status_code == 200


def test_homecare_provider_does_not_see_the_operators_facilities(twins, client_for):
    from carecircle.facilities.models import Facility
    from carecircle.facilities.selectors import in_facility_scope

    outsider, insider = twins["homecare_admin"], twins["facility_admin"]
    assert not in_facility_scope(Facility.objects.all(), outsider, "facilities.view").exists()
    assert set(in_facility_scope(Facility.objects.all(), insider, "facilities.view")) == {
        twins["home"],
        twins["nursery"],
    }
    for facility in (twins["home"], twins["nursery"]):
        assert client_for(outsider).get(f"/map/facilities/{facility.pk}/").status_code in (403, 404)
        assert client_for(insider).get(f"/map/facilities/{facility.pk}/").status_code == 200
    assert "孪生" not in client_for(outsider).get("/map/facilities/").content.decode()


def test_childcare_operator_reaches_only_childcare_facilities(twins, client_for):
    from carecircle.facilities.models import Facility
    from carecircle.facilities.selectors import in_facility_scope

    cc = twins["childcare_admin"]
    assert list(in_facility_scope(Facility.objects.all(), cc, "facilities.view")) == [twins["nursery"]]
    assert client_for(cc).get(f"/map/facilities/{twins['nursery'].pk}/").status_code == 200
    assert client_for(cc).get(f"/map/facilities/{twins['home'].pk}/").status_code in (403, 404)


def test_helper_answers_by_kind(twins):
    user = twins["homecare_admin"]
    assert organisations_of(user, HOMECARE) == {twins["id"]}
    assert organisations_of(user, [FACILITY, CHILDCARE]) == set()
    assert organisations_of(user, HOMECARE, Role.CAREGIVER) == set()
    [grant] = organisation_grants(user, HOMECARE)
    assert (grant.kind, grant.organisation_id, grant.region_code) == (HOMECARE, twins["id"], DISTRICT_A)
    with pytest.raises(ValueError):
        organisations_of(user, "provider")


def test_a_grant_names_kind_and_id_together(users):
    user = users["provider"]
    for kind, org in (("homecare_provider", None), ("", 7), ("nonsense", 7)):
        with pytest.raises(InvalidInput):
            role_grant(
                actor=users["admin"],
                user=user,
                role=Role.PROVIDER_ADMIN,
                region_code=DISTRICT_A,
                organisation_kind=kind,
                organisation_id=org,
            )
    with pytest.raises(InvalidInput):  # staff roles act for their region, not for an organisation
        role_grant(
            actor=users["admin"],
            user=users["street"],
            role=Role.STREET_WORKER,
            region_code=DISTRICT_A,
            organisation_kind=HOMECARE,
            organisation_id=7,
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # nor past the service, in the database
        RoleGrant.objects.filter(user=user).update(organisation_id=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.filter(user=user).update(organisation_kind=HOMECARE)


def test_one_user_may_act_for_both_kinds_of_one_id(users):
    user = users["provider"]
    RoleGrant.objects.filter(user=user).delete()
    for kind in (HOMECARE, FACILITY, FACILITY):  # the repeat is the same grant, not a second one
        role_grant(
            actor=users["admin"],
            user=user,
            role=Role.PROVIDER_ADMIN,
            region_code=DISTRICT_A,
            organisation_kind=kind,
            organisation_id=42,
        )
    assert sorted(RoleGrant.objects.filter(user=user).values_list("organisation_kind", flat=True)) == [
        "facility_operator",
        "homecare_provider",
    ]
    with pytest.raises(IntegrityError), transaction.atomic():  # one staff grant per role and region
        RoleGrant.objects.create(user=users["street"], role=Role.STREET_WORKER, region_id="339901001000")


def test_migration_keeps_what_each_grant_meant():
    migration = importlib.import_module("carecircle.core.migrations.0004_organisation_kind")
    plan = migration.plan_kinds(
        [(1, 10), (2, 20), (3, 30), (4, 40)], provider_ids={10, 30}, operator_ids={20, 30}
    )
    assert plan["kind"] == {1: "homecare_provider", 2: "facility_operator", 3: "homecare_provider"}
    assert plan["split"] == [3]  # read both ways before: one grant per kind now
    assert plan["cleared"] == [4]  # named no organisation: granted nothing, and still grants nothing


class _Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def test_demo_accounts_act_for_the_kind_they_were_made_for(db):
    """The finding as the tester saw it in the demo: the facility operator's account saw another
    provider's orders and caregivers, and the provider's account another operator's facilities."""
    import random

    from carecircle.core.demo import City
    from carecircle.core.management.commands import generate as gen
    from carecircle.core.models import User
    from carecircle.facilities import demo as facilities_demo
    from carecircle.facilities.models import Facility
    from carecircle.facilities.selectors import in_facility_scope
    from carecircle.homecare import demo as homecare_demo
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import ServiceCategory, ServiceItem
    from carecircle.homecare.selectors import order_search
    from carecircle.registry import demo as registry_demo
    from carecircle.workforce.selectors import caregiver_search

    catalogue_sync(ServiceCategory, ServiceItem)
    city = City(seed=5, scale=0.0001, today=datetime.date.today(), rng=random.Random(5), out=_Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    for step in (registry_demo, facilities_demo, homecare_demo):
        step.generate(city)
    facility_account, provider_account = (
        User.objects.get(username="facility"),
        User.objects.get(username="provider"),
    )
    assert set(facility_account.grants.values_list("organisation_kind", flat=True)) == {FACILITY}
    assert set(provider_account.grants.values_list("organisation_kind", flat=True)) == {HOMECARE}
    assert (
        not order_search(user=facility_account).exists()
        and not caregiver_search(user=facility_account).exists()
    )
    assert not in_facility_scope(Facility.objects.all(), provider_account, "facilities.view").exists()
    assert order_search(user=provider_account).exists() and caregiver_search(user=provider_account).exists()
    assert in_facility_scope(Facility.objects.all(), facility_account, "facilities.view").exists()
