"""A bad ?day= on the home-care pages is a 422 naming the date, never a 500 (an impossible date
such as 2024-02-30 raised ValueError from django's parse_date) and never silently today."""

import datetime
from types import SimpleNamespace

import pytest

from tests.homecare.scope_factories import _provider


@pytest.mark.parametrize("day", ["2024-02-30", "abc"])
def test_a_bad_day_on_the_order_list_is_refused(users, client_for, day):
    # the order list's service date is a range (list component): ?day_from= / ?day_to=
    for param in ("day_from", "day_to"):
        response = client_for(users["admin"]).get(f"/homecare/?{param}={day}")
        assert response.status_code == 422 and f"参数 {param}" in response.content.decode()
    # the one-day address of old links: a bad day is refused, a good one is that day as a range
    assert client_for(users["admin"]).get(f"/homecare/?day={day}").status_code == 422


def test_a_one_day_address_becomes_the_range_of_that_day(users, client_for):
    response = client_for(users["admin"]).get("/homecare/?day=2026-03-02&status=accepted")
    assert response.status_code == 302
    assert response["Location"] == "/homecare/?status=accepted&day_from=2026-03-02&day_to=2026-03-02"


@pytest.mark.parametrize("day", ["2024-02-30", "abc"])
def test_a_bad_day_on_the_caregivers_page_is_refused(users, client_for, day):
    from carecircle.workforce.services import caregiver_create

    provider = _provider(SimpleNamespace(users=users))
    caregiver_create(
        actor=users["admin"],
        organisation_id=provider.pk,
        region_code="339901001001",
        name="护理员",
        employed_from=datetime.date(2020, 1, 1),
        user=users["caregiver"],
    )
    client = client_for(users["caregiver"])
    assert client.get("/homecare/visits/").status_code == 200
    response = client.get(f"/homecare/visits/?day={day}")
    assert response.status_code == 422 and day in response.content.decode()
