"""The region's list of operating subsidies reads the grade subsidies once, not once per centre:
its query count does not grow with the number of centres."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecircle.facilities import subsidies
from tests.benefits.conftest import today


def _count() -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        rows = subsidies.operating_subsidies("339901000000", today())
    return len(captured.captured_queries), rows


def test_the_region_list_queries_do_not_grow_with_the_centres(users, make_facility):
    make_facility("street_centre"), make_facility("community_centre")
    few, rows = _count()
    assert len(rows) == 2
    for _ in range(4):
        make_facility("street_centre")
    many, rows = _count()
    assert len(rows) == 6 and many == few <= 5  # centres, evaluations, subsidies, credit grades and effects
    street = [r for r in rows if r.amount]
    assert len(street) == 5 and all(r.amount == Decimal("200000.00") for r in street)
