"""Money within the platform's maximum (issue 13): a price of 3.2e16 was accepted and every quote and
reschedule of that provider answered 500 afterwards. Now it is refused with a 4xx naming the field, at
the API and in the service (forms, imports), and the largest price that is accepted reads back."""

import datetime

import pytest

from carecircle.core.errors import InvalidInput
from carecircle.core.limits import MONEY_MAX, money_max
from carecircle.homecare.models import MONEY
from carecircle.homecare.services import price_set
from tests.homecare.conftest import tomorrow_at


def test_a_price_beyond_the_maximum_is_a_4xx_naming_the_field(world, client_for):
    client = client_for(world["admin_p"])
    url = f"/api/v1/homecare/providers/{world['provider'].pk}/prices"
    r = client.post(
        url,
        {"item": "bath.home", "price": 3.2e16, "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert (
        body["errors"][0]["field"] == "price" and "price" in body["message"] and "不能大于" in body["message"]
    )
    with pytest.raises(InvalidInput) as refused:
        price_set(
            actor=world["admin_p"],
            provider=world["provider"],
            item=world["bath"],
            price="3.2e16",
            valid_from=datetime.date(2026, 1, 1),
        )
    assert refused.value.field == "price" and "价格" in str(refused.value.message)


def test_the_largest_price_accepted_still_reads_back_in_quotes(world, client_for):
    top = money_max(MONEY["max_digits"])
    assert top <= MONEY_MAX
    price_set(
        actor=world["admin_p"],
        provider=world["provider"],
        item=world["bath"],
        price=str(top),
        valid_from=datetime.date(2026, 1, 2),
    )
    r = client_for(world["son"]).post(
        "/api/v1/homecare/quote",
        {
            "person_id": world["mother"].pk,
            "item": "bath.home",
            "provider_id": world["provider"].pk,
            "window_start": tomorrow_at(9).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content[:300]
    assert r.json()["price"] == str(top)
