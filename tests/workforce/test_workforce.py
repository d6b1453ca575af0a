import datetime

import pytest

from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.workforce import selectors, services
from carecircle.workforce.types import Qualification
from tests.conftest import COMMUNITY_A, COMMUNITY_B

DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def org(users):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=501
    )
    return 501


def carer(users, org, name, region=COMMUNITY_A, **kw):
    return services.caregiver_create(
        actor=users["admin"],
        organisation_id=org,
        region_code=region,
        name=name,
        employed_from=kw.pop("employed_from", datetime.date(2020, 1, 1)),
        **kw,
    )


def test_certified_caregiver_count_counts_valid_elder_care_certificates_on_the_day(users, org):
    a, b, c, d = (carer(users, org, n) for n in "甲乙丙丁")
    e = carer(users, org, "戊", region=COMMUNITY_B)
    services.certificate_add(
        actor=users["provider"], caregiver=a, kind="elder_care", level=1, valid_from=datetime.date(2025, 1, 1)
    )
    services.certificate_add(
        actor=users["provider"],
        caregiver=b,
        kind="elder_care",
        level=3,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2026, 2, 28),
    )  # expired
    services.certificate_add(
        actor=users["provider"], caregiver=c, kind="health", valid_from=datetime.date(2025, 1, 1)
    )
    services.certificate_add(
        actor=users["provider"], caregiver=d, kind="elder_care", level=2, valid_from=datetime.date(2025, 1, 1)
    )
    services.caregiver_leave(actor=users["provider"], caregiver=d, day=datetime.date(2026, 1, 31))  # left
    services.certificate_add(
        actor=users["admin"], caregiver=e, kind="elder_care", level=2, valid_from=datetime.date(2025, 1, 1)
    )
    assert selectors.certified_caregiver_count(region_prefix="339901", day=DAY) == 1
    assert selectors.certified_caregiver_count(region_prefix="339901", day=datetime.date(2026, 1, 15)) == 3
    assert selectors.certified_caregiver_count(region_prefix="3399", day=DAY) == 2
    assert selectors.qualifications_on([a.pk, c.pk], DAY) == {
        a.pk: Qualification(level=1, health=False),
        c.pk: Qualification(level=0, health=True),
    }


def test_certificate_inputs_are_checked(users, org):
    a = carer(users, org, "甲")
    with pytest.raises(InvalidInput) as err:
        services.certificate_add(actor=users["provider"], caregiver=a, kind="elder_care", valid_from=DAY)
    assert err.value.field == "level"
    with pytest.raises(InvalidInput) as err:
        services.certificate_add(actor=users["provider"], caregiver=a, kind="diploma", valid_from=DAY)
    assert err.value.field == "kind"
    with pytest.raises(InvalidInput) as err:
        services.certificate_add(
            actor=users["provider"],
            caregiver=a,
            kind="health",
            valid_from=DAY,
            valid_to=DAY - datetime.timedelta(days=1),
        )
    assert err.value.field == "valid_to"
    services.certificate_add(actor=users["provider"], caregiver=a, kind="health", valid_from=DAY)
    with pytest.raises(Conflict):
        services.certificate_add(actor=users["provider"], caregiver=a, kind="health", valid_from=DAY)
    with pytest.raises(InvalidInput) as err:
        carer(users, org, " ")
    assert err.value.field == "name"


def test_scope_of_caregivers(users, org):
    a = carer(users, org, "甲")
    other_org = carer(users, 777, "乙")
    assert set(selectors.caregiver_search(user=users["provider"])) == {a}
    assert set(selectors.caregiver_search(user=users["street"])) == {a, other_org}
    assert list(selectors.caregiver_search(user=users["street_b"])) == []
    with pytest.raises(NotFound):
        selectors.caregiver_get(user=users["street_b"], caregiver_id=a.pk)
    with pytest.raises(Forbidden):  # visible region, but another organisation's caregiver
        selectors.caregiver_get(user=users["provider"], caregiver_id=other_org.pk)
    assert selectors.caregiver_get(user=users["provider"], caregiver_id=a.pk) == a
    # a provider admin cannot add caregivers to another organisation
    with pytest.raises(NotFound):
        services.caregiver_create(
            actor=users["provider"],
            organisation_id=777,
            region_code=COMMUNITY_B,
            name="丙",
            employed_from=DAY,
        )


def test_provider_admin_registers_own_caregiver_on_the_page(users, org, client_for):
    from carecircle.workforce.models import Caregiver

    c = client_for(users["provider"])
    r = c.post(
        "/workforce/new/",
        {
            "organisation_id": org,
            "name": "周护理",
            "phone": "13600002222",
            "region_code": COMMUNITY_A,
            "employed_from": "2026-01-05",
        },
    )
    caregiver = Caregiver.objects.get(name="周护理")
    assert (
        r.status_code == 302 and r.url == f"/workforce/{caregiver.pk}/" and caregiver.organisation_id == org
    )
    r = c.post(
        "/workforce/new/",
        {"organisation_id": 777, "name": "冒名", "region_code": COMMUNITY_A, "employed_from": "2026-01-05"},
    )
    assert r.status_code == 422 and "请选择本机构" in r.content.decode()  # on the form (docs: Writing a page)
    assert not Caregiver.objects.filter(name="冒名").exists()
    assert "周护理" in c.get("/workforce/").content.decode()
