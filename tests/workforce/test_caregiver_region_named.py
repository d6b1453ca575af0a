"""A caregiver's page names where they work (东湖区 / 文新街道 / 桂花社区), never a bare 12-digit code."""

import re

import pytest

from carecircle.core.models import RoleGrant
from tests.conftest import COMMUNITY_A


@pytest.fixture
def org(users):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=501
    )
    return 501


def test_caregiver_page_names_the_region(users, org, client_for):
    from carecircle.workforce.models import Caregiver

    c = client_for(users["provider"])
    c.post(
        "/workforce/new/",
        {"organisation_id": org, "name": "周护理", "region_code": COMMUNITY_A, "employed_from": "2026-01-05"},
    )
    caregiver = Caregiver.objects.get(name="周护理")
    text = re.sub(r"<[^>]+>", " ", c.get(f"/workforce/{caregiver.pk}/").content.decode())
    assert "东湖区 / 文新街道 / 桂花社区" in text
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", text) == []


def test_caregiver_registered_with_the_community_by_name(users, org, client_for):
    from carecircle.workforce.models import Caregiver

    c = client_for(users["provider"])
    page = c.get("/workforce/").content.decode()
    assert "所在社区区划代码" not in page and ">东湖区 / 文新街道 / 桂花社区<" in page
    r = c.post(
        "/workforce/new/",
        {"organisation_id": org, "name": "吴护理", "region_code": "桂花社区", "employed_from": "2026-01-05"},
    )
    assert r.status_code == 302
    assert Caregiver.objects.get(name="吴护理").region_code == COMMUNITY_A
    outside = c.post(
        "/workforce/new/",
        {"organisation_id": org, "name": "郑护理", "region_code": "和睦社区", "employed_from": "2026-01-05"},
    )
    assert outside.status_code == 422 and "没有名为“和睦社区”的区划" in outside.content.decode()
