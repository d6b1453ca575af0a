"""Credit drives subsidies, 普惠 recognition and the provider choice (issue 20 item 5; Jiaxing 三(三)
"建立监管结果与星级评定、政府补贴以及行业准入退出等挂钩的联动机制"): a unit graded D (as the CreditEffect
table says) is held from grade subsidies and 普惠 recognition with the reason shown, and a home-care
provider's offers stand by grade, D last, each shown with its grade."""

from decimal import Decimal

import pytest
from django.urls import reverse

from carecircle.childcare import services as childcare
from carecircle.core.errors import InvalidInput
from carecircle.facilities import services as facilities
from carecircle.facilities import subsidies
from carecircle.homecare import selectors
from carecircle.oversight.models import CreditEffect, Unit, UnitKind
from tests.benefits.conftest import today
from tests.childcare.conftest import nursery  # noqa: F401  (shared fixture)
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)
from tests.homecare.conftest import tomorrow_at, world  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db


def _grade(kind, source_id, grade):
    Unit.objects.update_or_create(
        kind=kind,
        source_id=source_id,
        defaults={"name": f"单位{source_id}", "region_code": "339901001001", "credit_grade": grade},
    )


def test_a_d_graded_street_centre_is_held_from_its_subsidy_with_the_reason(users, make_facility, client_for):  # noqa: F811
    centre = make_facility("street_centre")
    assert subsidies.operating_subsidy(centre, today()).amount == Decimal("200000.00")
    _grade(UnitKind.FACILITY, centre.pk, "D")
    due = subsidies.operating_subsidy(centre, today())
    assert due.amount == 0 and due.minimum == Decimal("200000.00")
    assert "D 级" in due.basis and "暂停享受等级补助" in due.basis and "三(三)" in due.basis
    rows = {r.facility_id: r for r in subsidies.operating_subsidies("339901000000", today())}
    assert rows[centre.pk].amount == 0
    page = client_for(users["district"]).get(reverse("facilities:detail", args=[centre.pk])).content.decode()
    assert "暂停享受等级补助" in page  # the reason, on the facility's page
    _grade(UnitKind.FACILITY, centre.pk, "C")  # the grade recovers: paid again
    assert subsidies.operating_subsidy(centre, today()).amount == Decimal("200000.00")


def test_the_table_decides_which_grades_are_held(users, make_facility):  # noqa: F811
    centre = make_facility("street_centre")
    _grade(UnitKind.FACILITY, centre.pk, "C")
    CreditEffect.objects.filter(grade="C").update(subsidy=False)
    assert subsidies.operating_subsidy(centre, today()).amount == 0
    CreditEffect.objects.filter(grade="D").update(subsidy=True)
    _grade(UnitKind.FACILITY, centre.pk, "D")
    assert subsidies.operating_subsidy(centre, today()).amount == Decimal("200000.00")


def test_a_d_graded_nursery_opens_no_puhui_class_and_files_no_more_puhui_places(users, nursery):  # noqa: F811
    _grade(UnitKind.CHILDCARE, nursery.pk, "D")
    with pytest.raises(InvalidInput) as refused:
        childcare.class_create(
            actor=users["admin"], facility=nursery, name="普惠班", band="big", capacity=12, caregivers=2
        )
    assert refused.value.field == "puhui" and "不予认定普惠" in str(refused.value.message)
    assert "三(三)" in str(refused.value.message)
    market = childcare.class_create(  # a class at market price is still allowed
        actor=users["admin"],
        facility=nursery,
        name="市场班",
        band="big",
        capacity=12,
        caregivers=2,
        puhui=False,
    )
    assert market.pk and not market.puhui
    with pytest.raises(InvalidInput) as more:
        facilities.filing_submit(
            actor=users["admin"], facility=nursery, kind="change", changes={"childcare_places_puhui": 110}
        )
    assert more.value.field == "childcare_places_puhui" and "不予认定普惠" in str(more.value.message)
    _grade(UnitKind.CHILDCARE, nursery.pk, "B")
    cls = childcare.class_create(
        actor=users["admin"], facility=nursery, name="普惠班", band="big", capacity=12, caregivers=2
    )
    assert cls.puhui


def _second_provider(users, w, price):
    from carecircle.homecare.services import price_set, provider_create

    other = provider_create(
        actor=users["admin"],
        name="便宜居家服务社",
        licence_no="91330100MA0000009X",
        region_code="339901000000",
        areas=["339901000000"],
    )
    start = tomorrow_at(0).date().replace(day=1)
    price_set(actor=users["admin"], provider=other, item=w["bath"], price=price, valid_from=start)
    return other


def test_better_graded_providers_come_first_and_d_last_with_their_grade(users, world):  # noqa: F811
    w = world
    cheap = _second_provider(users, w, "60")
    day = tomorrow_at(9).date()
    region = w["mother"].region_code
    order = [p for p, _price in selectors.providers_for(region, w["bath"], day)]
    assert order == [cheap, w["provider"]]  # both ungraded: cheapest first
    _grade(UnitKind.HOMECARE, cheap.pk, "D")
    _grade(UnitKind.HOMECARE, w["provider"].pk, "A")
    choice = selectors.provider_grades(selectors.providers_for(region, w["bath"], day))
    assert [(p, g) for p, _price, g in choice] == [
        (w["provider"], "A 级（守信）"),
        (cheap, "D 级（严重失信）"),
    ]
    Unit.objects.filter(kind=UnitKind.HOMECARE, source_id=w["provider"].pk).delete()
    choice = selectors.provider_grades(selectors.providers_for(region, w["bath"], day))
    assert [(p, g) for p, _price, g in choice] == [(w["provider"], "未评级"), (cheap, "D 级（严重失信）")]


def test_the_order_page_shows_each_provider_with_its_grade(users, world, client_for):  # noqa: F811
    w = world
    cheap = _second_provider(users, w, "60")
    _grade(UnitKind.HOMECARE, cheap.pk, "D")
    _grade(UnitKind.HOMECARE, w["provider"].pk, "B")
    start = tomorrow_at(9).strftime("%Y-%m-%dT%H:%M")
    r = client_for(w["son"]).get(
        "/homecare/new/", {"person_id": w["mother"].pk, "item": w["bath"].code, "window_start": start}
    )
    html = r.content.decode()
    assert r.status_code == 200, html[:2000]
    first, last = html.index(w["provider"].name + " · 信用 B 级"), html.index(cheap.name + " · 信用 D 级")
    assert first < last


def test_the_public_facility_map_shows_the_credit_grade(client, make_facility):  # noqa: F811
    centre = make_facility("street_centre")
    other = make_facility("street_centre")
    _grade(UnitKind.FACILITY, centre.pk, "D")
    body = client.get("/api/v1/public/facilities.geojson").json()
    shown = {f["id"]: f["properties"]["credit"] for f in body["features"]}
    assert shown[centre.pk] == "信用D 级（严重失信）"
    assert shown[other.pk] is None  # not graded by oversight: nothing claimed
