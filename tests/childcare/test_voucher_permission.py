"""Issuing vouchers takes childcare.voucher: a POST from a user who may only look at the vouchers
is refused (403) with nothing issued, never answered with the page as if it had worked (200)."""

import datetime

import pytest

from carecircle.childcare.models import Voucher
from tests.childcare.conftest import today


def _batch() -> dict:
    return {
        "region_code": "339901000000",
        "batch": "体验券",
        "amount": "400",
        "valid_to": str(today() + datetime.timedelta(days=30)),
    }


@pytest.mark.parametrize("role", ["street", "community", "inspector"])
def test_issuing_without_the_permission_is_forbidden(client_for, users, make_child, role):
    make_child(20)
    c = client_for(users[role])
    assert c.get("/childcare/vouchers/").status_code == 200  # may look
    assert c.post("/childcare/vouchers/", _batch()).status_code == 403
    assert not Voucher.objects.exists()


def test_the_district_issues(client_for, users, make_child):
    make_child(20)
    r = client_for(users["district"]).post("/childcare/vouchers/", _batch())
    assert r.status_code == 302 and Voucher.objects.count() == 1
