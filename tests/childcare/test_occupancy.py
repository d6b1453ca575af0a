"""Facilities counts the 托位 that childcare's enrolments take without importing childcare
(childcare/occupancy.py, found through core.plugins; issue 15: no circle between the two)."""

import datetime

import pytest
from django.utils import timezone

from carecircle.childcare import services
from carecircle.core.errors import Conflict
from carecircle.facilities import selectors as facility_selectors
from carecircle.facilities import services as facility_services
from tests.facilities.conftest import ALL_DOCS


@pytest.fixture
def two_enrolled(users, nursery, make_child):
    today = timezone.localdate()
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="一班", band="small", capacity=10, caregivers=2
    )
    for _k in range(2):
        services.enrol(actor=users["admin"], child_class=cls, child=make_child(18), start_on=today)
    return nursery


def test_free_places_count_the_enrolled_children(two_enrolled):
    today = timezone.localdate()
    assert facility_selectors.enrolled_children([two_enrolled.pk], today) == {two_enrolled.pk: 2}
    assert facility_selectors.free_places([two_enrolled], today)[two_enrolled.pk]["places_free"] == 118
    before = today - datetime.timedelta(days=1)  # enrolled from today: yesterday all 120 were free
    assert facility_selectors.free_places([two_enrolled], before)[two_enrolled.pk]["places_free"] == 120


def test_closing_a_facility_with_enrolled_children_is_refused(users, two_enrolled):
    filing = facility_services.filing_submit(
        actor=users["admin"], facility=two_enrolled, kind="closure", note="场地到期", documents=ALL_DOCS
    )
    with pytest.raises(Conflict) as exc:
        facility_services.filing_review(actor=users["admin"], filing=filing, approve=True)
    assert "2 名在托婴幼儿" in str(exc.value.message)
