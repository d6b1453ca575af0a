"""The units list links each unit (its name and its grade) to the unit's credit page (issue 20
item 5), which opens for the region's staff and not for another district's."""

import pytest
from django.urls import reverse

from tests.conftest import COMMUNITY_A
from tests.oversight.factories import make_unit

pytestmark = pytest.mark.django_db


def test_each_unit_links_to_its_credit_page(users, client_for):
    unit = make_unit(COMMUNITY_A, grade="C", name="链接测试养老院")
    page = client_for(users["district"]).get(reverse("oversight:units")).content.decode()
    link = reverse("oversight:credit_unit", args=[unit.pk])
    assert page.count(f'href="{link}"') == 2  # the name and the grade
    credit = client_for(users["district"]).get(link)
    assert credit.status_code == 200 and "链接测试养老院" in credit.content.decode()
    assert client_for(users["district_b"]).get(link).status_code in (403, 404)
