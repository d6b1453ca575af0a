"""The public pages (issue 19 item 4): no sign-in; the facility finder's filters (kind, 普惠, fee
range, free places, grade) with a clear 422 naming the field for a bad value, and the policy page
whose conditions are generated in plain words from each programme's rule (benefits/rule_text.py)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from carecircle.facilities.models import Facility
from carecircle.portal import elder
from tests.facilities.scope_factories import make_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(users, make_person):
    return type("Ctx", (), {"users": users, "make_person": make_person, "person": None})()


@pytest.fixture
def places(ctx):
    """A public nursing home with 5 beds, and a childcare centre with 20 普惠 places at ¥1,500."""
    home = Facility.objects.get(pk=make_filing(ctx).facility_id)
    centre = Facility.objects.get(pk=make_filing(ctx, kind="childcare_centre").facility_id)
    Facility.objects.filter(pk=home.pk).update(name="东湖公办养老院")
    Facility.objects.filter(pk=centre.pk).update(name="东湖普惠托育园", childcare_fee_monthly=Decimal("1500"))
    return home, centre


def _names(client, **params):
    response = client.get(reverse("portal:public_facilities"), params)
    assert response.status_code == 200, response.content.decode()[:500]
    html = response.content.decode()
    return {n for n in ("东湖公办养老院", "东湖普惠托育园") if n in html}


def test_the_finder_needs_no_sign_in_and_filters(client, places):
    assert _names(client) == {"东湖公办养老院", "东湖普惠托育园"}
    assert _names(client, kind="nursing_public") == {"东湖公办养老院"}
    assert _names(client, puhui="on") == {"东湖普惠托育园"}
    assert _names(client, fee_max="1200") == set()
    assert _names(client, fee_min="1000", fee_max="2000") == {"东湖普惠托育园"}
    assert _names(client, free="on") == {"东湖公办养老院", "东湖普惠托育园"}
    assert _names(client, graded="on") == set()  # neither has a grade in force
    html = client.get(reverse("portal:public_facilities")).content.decode()
    assert "普惠托位月收费：¥1,500.00" in html
    assert 'id="finder-points"' in html and 'id="finder-map"' in html  # the map beside the list


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fee_max": "很多"}, "fee_max"),
        ({"fee_min": "-3"}, "fee_min"),
        ({"fee_min": "900", "fee_max": "100"}, "fee_max"),
        ({"kind": "casino"}, "kind"),
    ],
)
def test_a_bad_filter_is_a_422_naming_the_field(client, places, params, field):
    response = client.get(reverse("portal:public_facilities"), params)
    assert response.status_code == 422
    assert field in response.context["form"].errors


def test_the_policy_page_reads_each_programmes_rule_in_plain_words(client, users):
    from carecircle.benefits import defaults

    defaults.install(actor=users["admin"], region_code="339900000000", valid_from=datetime.date(2020, 1, 1))
    html = client.get(reverse("portal:public_policies")).content.decode()
    assert "高龄津贴" in html and "百岁及以上（长寿保健金）" in html
    assert "年满80周岁" in html  # "age >= 80" in words
    assert "age &gt;= 80" not in html and "age >= 80" not in html  # never the rule's source


def test_public_pages_follow_the_cookie_into_elder_mode(client):
    for name in ("portal:public_index", "portal:public_facilities", "portal:public_policies"):
        assert "portal/elder.css" not in client.get(reverse(name)).content.decode()
    client.cookies[elder.COOKIE] = "1"
    for name in ("portal:public_index", "portal:public_facilities", "portal:public_policies"):
        html = client.get(reverse(name)).content.decode()
        assert "portal/elder.css" in html and 'aria-pressed="true"' in html
