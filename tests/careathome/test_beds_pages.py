"""The family-bed pages: signing a bed from the page, a second bed refused on the page with its
message, the list with its count and Excel export, the detail with devices and warnings."""

import io

import pytest
from openpyxl import load_workbook

from carecircle.careathome.models.beds import FamilyBed
from tests.careathome.beds_helpers import disabled_person, provider, setup
from tests.conftest import COMMUNITY_A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_sign_a_bed_on_the_page_then_a_second_is_refused(users, make_person, client_for):
    setup()
    prov = provider(users)
    person = disabled_person(make_person, COMMUNITY_A)
    client = client_for(users["community"])
    assert client.get("/careathome/beds/contract/?q=" + person.name).status_code == 200
    form = {"person": person.pk, "provider": prov.pk, "visit_every_days": 7, "assessment_note": "需床边护栏"}
    response = client.post("/careathome/beds/contract/", form)
    bed = FamilyBed.objects.get(person=person)
    assert response.status_code == 302 and response.url == f"/careathome/beds/{bed.pk}/"
    page = client.get(f"/careathome/beds/{bed.pk}/").content.decode()
    assert person.name in page and "600.00" in page and prov.name in page
    again = client.post("/careathome/beds/contract/", form)
    assert again.status_code == 409 and "已有服务中的家庭养老床位" in again.content.decode()
    assert FamilyBed.objects.filter(person=person).count() == 1
    # the list: count, filters, names not codes, Excel
    listing = client.get("/careathome/beds/").content.decode()
    assert "共 1 条" in listing and person.name in listing and prov.name in listing and "桂花社区" in listing
    assert "共 0 条" in client.get("/careathome/beds/?status=ended").content.decode()
    rows = [
        list(r)
        for r in load_workbook(
            io.BytesIO(client.post("/careathome/beds/", {"purpose": "床位核对"}).content)
        ).active.iter_rows(values_only=True)
    ]
    assert len(rows) == 2 and person.name in rows[1] and "服务中" in rows[1]
    assert person.name not in client_for(users["district_b"]).get("/careathome/beds/").content.decode()


def test_an_unknown_device_kind_on_the_page_names_the_field(users, make_person, client_for):
    setup()
    from carecircle.careathome import beds_services

    bed = beds_services.bed_contract(
        actor=users["community"],
        person=disabled_person(make_person, COMMUNITY_A),
        provider=provider(users),
        visit_every_days=7,
        assessment_note="评估",
    )
    client = client_for(users["district"])
    response = client.post(f"/careathome/beds/{bed.pk}/device/", {"kind": "toaster", "serial": "X1"})
    assert response.status_code == 422 and "设备类型" in response.content.decode()
    ok = client.post(
        f"/careathome/beds/{bed.pk}/device/", {"kind": "door", "serial": "DM-9", "location": "入户门"}
    )
    assert ok.status_code == 302
    assert "DM-9" in client.get(f"/careathome/beds/{bed.pk}/").content.decode()
