"""The staff pages of adaptation and rental: lists with count, filters and Excel export (names, not
codes), a bad value a 422 on the form, a refusal a 409 page, scope from both sides."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.careathome import adaptation_services as svc
from carecircle.careathome import rentals_services
from carecircle.careathome.models.homes import DeviceType
from tests.careathome.homes_helpers import eligible_person, photo, setup_programme
from tests.conftest import COMMUNITY_A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def sheet(body: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]


@pytest.fixture
def world(users, make_person):
    setup_programme()
    person = eligible_person(make_person, COMMUNITY_A)
    type(person).objects.filter(pk=person.pk).update(name="赵桂芳")
    person.refresh_from_db()
    case = svc.case_apply(actor=users["community"], person=person)
    point = rentals_services.point_create(
        actor=users["community"], name="桂花租赁点", region_code=COMMUNITY_A
    )
    unit = rentals_services.unit_add(
        actor=users["community"],
        point=point,
        device_type=DeviceType.objects.get(code="walker"),
        serial="WK-1",
    )
    contract = rentals_services.rental_deliver(
        actor=users["community"], person=person, unit=unit, delivered_on=timezone.localdate(), months=1
    )
    return {"case": case, "unit": unit, "contract": contract, "point": point}


def test_case_list_count_filters_export_and_scope(users, client_for, world):
    c = client_for(users["district"])
    url = reverse("careathome:adaptation_list")
    html = c.get(url).content.decode()
    assert "共 1 条" in html and "赵桂芳" in html and "桂花社区" in html
    assert "共 0 条" in c.get(url + "?status=paid").content.decode()
    assert c.get(url + "?status=nonsense").status_code == 422
    rows = sheet(c.post(url + "?status=applied", {"purpose": "改造进度核对"}).content)
    assert len(rows) == 2 and "赵桂芳" in rows[1] and "已申请" in rows[1]
    assert "赵桂芳" not in client_for(users["district_b"]).get(url).content.decode()
    assert client_for(users["resident"]).get(url).status_code == 403


def test_rental_lists_and_point_figures(users, client_for, world):
    c = client_for(users["community"])
    html = c.get(reverse("careathome:rental_list")).content.decode()
    assert "共 1 条" in html and "助行器" in html and "WK-1" in html
    assert "共 1 条" in c.get(reverse("careathome:unit_list") + "?condition=rented").content.decode()
    rows = sheet(c.post(reverse("careathome:unit_list"), {"purpose": "盘点"}).content)
    assert rows[1][:2] == ["WK-1", "助行器"]
    points = c.get(reverse("careathome:rental_points")).content.decode()
    assert "桂花租赁点" in points and "100%" in points
    assert c.get(reverse("careathome:unit_detail", args=[world["unit"].pk])).status_code == 200
    assert (
        client_for(users["community_b"])
        .get(reverse("careathome:unit_detail", args=[world["unit"].pk]))
        .status_code
        == 404
    )


def test_bad_plan_is_422_on_the_form_and_a_refused_rental_a_409(users, client_for, world):
    c = client_for(users["community"])
    case = world["case"]
    svc.case_assess(actor=users["community"], case=case, note="评估", photos=[photo()])
    r = c.post(reverse("careathome:adaptation_plan", args=[case.pk]), {"qty_floor_antislip": "60"})
    assert r.status_code == 422 and "超过本户补贴上限" in r.content.decode()
    r = c.post(reverse("careathome:adaptation_plan", args=[case.pk]), {"qty_floor_antislip": "abc"})
    assert r.status_code == 422
    rentals_services.rental_return(
        actor=users["community"], contract=world["contract"], returned_on=timezone.localdate()
    )
    r = c.post(
        reverse("careathome:unit_deliver", args=[world["unit"].pk]),
        {
            "person": world["contract"].person_id,
            "delivered_on": timezone.localdate().isoformat(),
            "months": "1",
        },
    )
    assert r.status_code == 409 and "尚未清洗消毒" in r.content.decode()


def test_catalogue_page_shows_the_missing_items(users, client_for, world):
    html = client_for(users["district"]).get(reverse("careathome:adaptation_catalogue")).content.decode()
    assert "缺2项" in html and "示例价格" in html and "防走失装置" in html


def test_home_page_figures(users, client_for, world):
    html = client_for(users["district"]).get(reverse("careathome:adaptation_home")).content.decode()
    assert "5000" in html and "已申请：1" in html
