"""The public map and its open GeoJSON: no login, only facilities in operation, valid RFC 7946."""

import json
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, field_validator
from shapely.geometry import shape

from carecircle.core.models import RoleGrant
from carecircle.facilities import services
from tests.conftest import COMMUNITY_B, make_user


class Point(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["Point"]
    coordinates: list[float]

    @field_validator("coordinates")
    @classmethod
    def lon_lat(cls, v):
        assert len(v) == 2 and -180 <= v[0] <= 180 and -90 <= v[1] <= 90
        return v


class Props(BaseModel):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    address: str
    opening_hours: str
    region_code: str
    grade: str | None
    beds: int
    beds_free: int | None
    childcare_places: int
    childcare_places_free: int | None


class Feature(BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: Point
    properties: Props


class Collection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["FeatureCollection"]
    features: list[Feature]


def geojson(client, **params):
    response = client.get("/api/v1/public/facilities.geojson", params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/geo+json")
    body = json.loads(response.content)
    Collection.model_validate(body)
    for f in body["features"]:
        assert shape(f["geometry"]).is_valid
    return body


@pytest.fixture
def facilities(users, make_facility, make_person):
    import datetime

    home = make_facility(
        "nursing_public",
        name="东湖福利院",
        beds_general=10,
        beds_nursing=20,
        latitude=30.29,
        longitude=120.12,
        opening_hours="全天",
    )
    services.beds_add(actor=users["admin"], facility=home, kind="general", count=3)
    services.stay_admit(
        actor=users["admin"], facility=home, person=make_person(age=82), day=datetime.date.today()
    )
    centre = make_facility("community_centre", name="桂花照料中心")
    services.evaluation_record(
        actor=users["district"],
        facility=centre,
        evaluated_on=datetime.date.today(),
        scores={"facility": 19, "service": 38, "management": 24, "satisfaction": 14},
    )
    nursery = make_facility(
        "childcare_centre", name="小星星托育", childcare_places=40, childcare_places_puhui=30
    )
    pending = make_facility("canteen", filed=False, name="待审助餐点")
    west = make_facility("elder_university", name="西山老年大学", region=COMMUNITY_B)
    return {"home": home, "centre": centre, "nursery": nursery, "pending": pending, "west": west}


def test_geojson_is_public_valid_and_shows_only_operating(client, facilities):
    body = geojson(client)
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert set(by_name) == {"东湖福利院", "桂花照料中心", "小星星托育", "西山老年大学"}
    home = by_name["东湖福利院"]["properties"]
    assert home["beds"] == 30 and home["beds_free"] == 29 and home["opening_hours"] == "全天"
    assert by_name["东湖福利院"]["geometry"]["coordinates"] == [120.12, 30.29]
    assert by_name["桂花照料中心"]["properties"]["grade"] == "5A"
    assert by_name["小星星托育"]["properties"]["childcare_places_free"] == 40
    assert [f["properties"]["name"] for f in geojson(client, kind="childcare_centre")["features"]] == [
        "小星星托育"
    ]
    assert {f["properties"]["name"] for f in geojson(client, region="339902000000")["features"]} == {
        "西山老年大学"
    }
    bad = client.get("/api/v1/public/facilities.geojson", {"kind": "casino"})
    assert bad.status_code == 422 and json.loads(bad.content)["field"] == "kind"


def test_staff_also_see_unfiled_within_scope(client_for, facilities, users):
    names = {f["properties"]["name"] for f in geojson(client_for(users["district"]))["features"]}
    assert "待审助餐点" in names
    names_b = {f["properties"]["name"] for f in geojson(client_for(users["district_b"]))["features"]}
    assert "待审助餐点" not in names_b


def test_map_page_opens_without_login(client, facilities):
    page = client.get("/map/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "leaflet/leaflet" in html and "/api/v1/public/facilities.geojson" in html


def test_staff_pages_render_and_provider_sees_own(client_for, users, facilities, operator):
    c = client_for(users["district"])
    for url in [
        "/map/facilities/",
        f"/map/facilities/{facilities['home'].pk}/",
        "/map/filings/",
        f"/map/facilities/{facilities['centre'].pk}/",
        "/map/facilities/new/",
    ]:
        assert c.get(url).status_code == 200, url
    pending_filing = facilities["pending"].filings.get()
    assert c.get(f"/map/filings/{pending_filing.pk}/").status_code == 200
    other = services.operator_create(
        actor=users["admin"], name="别家", credit_code="91330100MA2CCCCC2Z", region_code="339901001001"
    )
    prov = make_user("prov2", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=prov).update(
        organisation_kind="facility_operator", organisation_id=other.pk
    )
    listing = client_for(prov).get("/map/facilities/").content.decode()
    assert "东湖福利院" not in listing
    assert client_for(prov).get(f"/map/facilities/{facilities['home'].pk}/").status_code in (403, 404)


def test_review_through_the_page(client_for, users, facilities):
    filing = facilities["pending"].filings.get()
    c = client_for(users["district"])
    r = c.post(f"/map/filings/{filing.pk}/", {"approve": "0", "reasons": ""})
    assert r.status_code == 422 and 'role="alert"' in r.content.decode()
    c.post(f"/map/filings/{filing.pk}/", {"approve": "0", "reasons": "地址与场地证明不符"})
    filing.refresh_from_db()
    assert filing.state == "returned" and filing.reasons == "地址与场地证明不符"


STAFF_ROUTES = [
    "/map/facilities/{facility}/",
    "/map/facilities/{facility}/change/",
    "/map/facilities/{facility}/evaluate/",
    "/map/facilities/{facility}/offer/",
    "/map/filings/{filing}/",
    "/map/facilities/{facility}/beds/",
    "/map/facilities/{facility}/admit/",
    "/map/facilities/{facility}/waiting/",
    "/map/stays/{stay}/discharge/",
    "/map/waiting/{entry}/withdraw/",
    "/map/facilities/{facility}/find/",
    "/map/waiting/{entry}/admit/",
    "/api/v1/facilities/{facility}",
    "/api/v1/facilities/{facility}/waiting",
]


@pytest.mark.parametrize("outsider", ["district_b", "street_b", "community_b"])
def test_staff_routes_refuse_other_region(client_for, users, facilities, outsider, make_person):
    """The project scope walk skips /map/ (the public map); this walks our staff pages below it."""
    c = client_for(users[outsider])
    filing = facilities["home"].filings.first()
    from carecircle.facilities import waiting as w

    entry = w.waiting_apply(
        actor=users["community"], facility=facilities["home"], person=make_person(age=85, name="轮候者")
    )
    for route in STAFF_ROUTES:
        url = route.format(
            facility=facilities["home"].pk,
            filing=filing.pk,
            stay=facilities["home"].stays.first().pk,
            entry=entry.pk,
        )
        r = c.get(url)
        if r.status_code == 405:
            r = c.post(url, {})
        assert r.status_code in (403, 404), f"{url}: {r.status_code}"
    assert "东湖福利院" not in c.get("/map/facilities/").content.decode()
    assert "轮候者" not in c.get("/map/waiting/").content.decode()
    r = c.post(f"/api/v1/filings/{filing.pk}/review", {"approve": True}, content_type="application/json")
    assert r.status_code in (403, 404)


def test_bed_register_admission_and_waiting_through_pages(client_for, users, make_facility, make_person):
    from carecircle.facilities.models import Stay, WaitingEntry

    private = make_facility("nursing_private", beds_general=3)
    c = client_for(users["district"])
    r = c.post(f"/map/facilities/{private.pk}/beds/", {"kind": "general", "count": 2}, follow=True)
    assert private.beds.count() == 2 and "已登记 2 张床位" in r.content.decode()
    # the service's InvalidInput: the facility page again with the message and the form (422)
    r = c.post(f"/map/facilities/{private.pk}/beds/", {"kind": "general", "count": 2})
    assert r.status_code == 422 and "超过备案" in r.content.decode() and private.beds.count() == 2
    r = c.post(f"/map/facilities/{private.pk}/beds/", {"kind": "general", "count": "x"})
    assert r.status_code == 422 and "请填写床位类型和张数" in r.content.decode()
    elder = make_person(age=81)
    r = c.post(f"/map/facilities/{private.pk}/admit/", {"person": "", "bed_kind": "general"})
    assert r.status_code == 422 and "请填写人员编号" in r.content.decode()
    stranger = make_person(age=81, region_code="339902001001")
    r = c.post(f"/map/facilities/{private.pk}/admit/", {"person": stranger.pk, "bed_kind": "general"})
    assert r.status_code == 422 and "不在您的管辖范围内" in r.content.decode()
    c.post(f"/map/facilities/{private.pk}/admit/", {"person": elder.pk, "bed_kind": "general"})
    stay = Stay.objects.get(person=elder)
    r = c.post(f"/map/facilities/{private.pk}/admit/", {"person": elder.pk, "bed_kind": "general"})
    assert r.status_code == 409 and "已在某机构入住" in r.content.decode()  # a conflict: the error page
    c.post(f"/map/stays/{stay.pk}/discharge/", {"reason": "回家养老"})
    stay.refresh_from_db()
    assert stay.discharged_on is not None
    public = make_facility("nursing_public", beds_general=3)
    r = c.post(f"/map/facilities/{public.pk}/admit/", {"person": elder.pk, "bed_kind": "general"})
    assert r.status_code == 422 and "须按轮候顺序通知入住" in r.content.decode()
    client_for(users["community"]).post(
        f"/map/facilities/{public.pk}/waiting/", {"person": elder.pk, "bed_kind": "general"}
    )
    assert WaitingEntry.objects.filter(facility=public, person=elder).exists()
    page = c.get(f"/map/facilities/{public.pk}/").content.decode()
    assert elder.name in page and "轮候" in page
    worker = client_for(users["community"])
    assert elder.name in worker.get("/map/waiting/").content.decode()
    entry = WaitingEntry.objects.get(facility=public, person=elder)
    worker.post(f"/map/waiting/{entry.pk}/withdraw/", {"reason": "已在家养老"})
    entry.refresh_from_db()
    assert entry.state == "withdrawn"


def test_a_refused_registration_shows_no_page_the_worker_may_not_see(
    client_for, users, make_facility, make_person
):
    """A community worker registers elders at any public institution of their district, but the
    institution's page (its residents) only of their own community: a bad value there is not
    answered with that page."""
    from django.utils import timezone

    from tests.conftest import COMMUNITY_A2

    other = make_facility("nursing_public", region=COMMUNITY_A2, beds_general=2)
    services.beds_add(actor=users["admin"], facility=other, kind="general", count=1)
    resident = make_person(age=90, name="别社区住户", region_code=COMMUNITY_A2)
    services.stay_admit(actor=users["admin"], facility=other, person=resident, day=timezone.localdate())
    worker = client_for(users["community"])
    assert worker.get(f"/map/facilities/{other.pk}/").status_code == 404
    r = worker.post(f"/map/facilities/{other.pk}/waiting/", {"person": "", "bed_kind": "general"})
    assert r.status_code == 404 and "别社区住户" not in r.content.decode()
    mine = make_person(age=85)
    r = worker.post(f"/map/facilities/{other.pk}/waiting/", {"person": mine.pk, "bed_kind": "general"})
    assert r.status_code == 302  # registered: the page itself stays out of reach
