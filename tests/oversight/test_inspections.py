"""Inspection on a phone and the rectification loop (issue #20 items 3-4) through the pages: check
in, fail an item with a photo, both inspectors confirm, the unit's admin answers with evidence,
the inspector closes it; re-sending never duplicates; the refusals say why."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.oversight import services
from carecircle.oversight.models import (
    Finding,
    FindingState,
    Inspection,
    InspectionState,
    ItemResult,
    UnitKind,
)
from carecircle.oversight.services_inspections import applicable_items
from tests.conftest import COMMUNITY_A, make_user
from tests.oversight.factories import make_inspectors, make_unit, publish

pytestmark = pytest.mark.django_db


def photo(name="p.png"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def drawn(users):
    """A home-care provider unit drawn with its two inspectors, and the provider's own admin."""
    unit = make_unit(COMMUNITY_A, grade="D", kind=UnitKind.HOMECARE, name="安康居家服务社")
    a, b = make_inspectors(2, region_code=COMMUNITY_A)
    users["inspector"].grants.all().delete()  # only the two drawn serve here
    plan = publish(users["district"], region_code="339901001000")
    services.plan_draw(actor=users["district"], plan=plan)
    admin = make_user("unit_admin", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=admin).update(
        organisation_kind="homecare_provider", organisation_id=unit.source_id
    )
    return {"unit": unit, "a": a, "b": b, "admin": admin, "inspection": Inspection.objects.get(unit=unit)}


def test_the_whole_loop_through_the_pages(drawn, client_for, users):
    inspection, unit = drawn["inspection"], drawn["unit"]
    a, b = client_for(drawn["a"]), client_for(drawn["b"])
    url = lambda name: reverse(f"oversight:{name}", args=[inspection.pk])  # noqa: E731
    assert a.get(reverse("oversight:tasks")).content.decode().count("安康居家服务社") == 1
    assert a.post(url("inspection_check_in"), {}).status_code == 422  # no position: says so
    assert a.post(url("inspection_check_in"), {"latitude": "30.29", "longitude": "120.12"}).status_code == 302
    items = applicable_items(unit)
    failing, rest = items[0], items[1:]
    no_photo = a.post(
        url("inspection_record"), {"item_id": failing.pk, "outcome": "fail", "note": "灭火器过期"}
    )
    assert no_photo.status_code == 422 and "拍照" in no_photo.content.decode()
    for _ in range(2):  # sent twice (a flaky connection): one result
        sent = {"item_id": failing.pk, "outcome": "fail", "note": "灭火器过期", "photo": photo()}
        assert a.post(url("inspection_record"), sent).status_code == 302
    assert ItemResult.objects.filter(inspection=inspection).count() == 1
    early = a.post(url("inspection_submit"))
    assert early.status_code == 422 and "未检查" in early.content.decode()
    for item in rest:
        assert b.post(url("inspection_record"), {"item_id": item.pk, "outcome": "pass"}).status_code == 302
    assert a.post(url("inspection_submit")).status_code == 302
    assert not Finding.objects.exists()  # one confirmation of two
    assert b.post(url("inspection_confirm")).status_code == 302
    inspection.refresh_from_db()
    unit.refresh_from_db()
    assert inspection.state == InspectionState.CONFIRMED and unit.last_inspected_on is not None
    finding = Finding.objects.get()
    assert finding.text == "灭火器过期" and finding.unit == unit
    result = ItemResult.objects.get(inspection=inspection, item=failing)
    assert a.get(reverse("oversight:result_photo", args=[result.pk]))["Content-Type"] == "image/jpeg"

    admin = client_for(drawn["admin"])
    assert "安康居家服务社" in admin.get(reverse("oversight:findings")).content.decode()
    furl = lambda name: reverse(f"oversight:{name}", args=[finding.pk])  # noqa: E731
    bare = admin.post(furl("finding_answer"), {"text": "已更换灭火器"})
    assert bare.status_code == 422 and "照片" in bare.content.decode()
    assert (
        admin.post(furl("finding_answer"), {"text": "已更换灭火器", "evidence_photo": photo()}).status_code
        == 302
    )
    assert admin.post(furl("finding_decide"), {"accepted": "1"}).status_code == 403  # not an inspector
    assert a.post(furl("finding_decide"), {"accepted": "0"}).status_code == 422  # a reason to send back
    assert a.post(furl("finding_decide"), {"accepted": "1"}).status_code == 302
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED


def test_only_the_drawn_inspectors_act_and_others_see_nothing_of_other_units(drawn, client_for, users):
    inspection = drawn["inspection"]
    other = make_inspectors(1, region_code=COMMUNITY_A)[0]
    page = client_for(other)
    assert page.get(reverse("oversight:inspection_detail", args=[inspection.pk])).status_code == 200
    refused = page.post(
        reverse("oversight:inspection_check_in", args=[inspection.pk]), {"latitude": 30, "longitude": 120}
    )
    assert refused.status_code == 403
    outsider = client_for(users["district_b"])
    assert outsider.get(reverse("oversight:inspection_detail", args=[inspection.pk])).status_code in (
        403,
        404,
    )
    stranger_admin = make_user("other_admin", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=stranger_admin).update(
        organisation_kind="homecare_provider", organisation_id=999
    )
    assert (
        "安康居家服务社" not in client_for(stranger_admin).get(reverse("oversight:findings")).content.decode()
    )


def test_a_file_that_is_not_an_image_is_refused(drawn, client_for):
    inspection = drawn["inspection"]
    a = client_for(drawn["a"])
    a.post(
        reverse("oversight:inspection_check_in", args=[inspection.pk]), {"latitude": 30.2, "longitude": 120.1}
    )
    item = applicable_items(drawn["unit"])[0]
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    sent = {"item_id": item.pk, "outcome": "fail", "note": "问题", "photo": fake}
    answer = a.post(reverse("oversight:inspection_record", args=[inspection.pk]), sent)
    assert answer.status_code == 422 and "图片" in answer.content.decode()
    assert not ItemResult.objects.exists()
