"""Settling a closed month of a provider from the LTC settlements list (issue 22, item 2): a district
official settles it once (a second press is refused with 409 and the message, nothing posted twice);
empty or bad fields are named in Chinese; a community worker (no right to settle) is refused and sees
no form; an official of another district cannot pick the provider."""

import datetime

from django.utils import timezone

from carecircle.benefits.models import LedgerEntry
from carecircle.careathome.models.ltc import LtcSettlement
from tests.careathome.test_ltc_care import _plan, ltc_world, settled_month  # noqa: F401 — fixture
from tests.careathome.test_ltc_process import _travel, assessors  # noqa: F401 — fixture
from tests.homecare.conftest import world  # noqa: F401 — fixture

URL = "/careathome/ltc/settlements/settle/"


def _before(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def test_a_district_official_settles_a_closed_month_once(users, client_for, ltc_world):  # noqa: F811
    plan, _orders, month, s = settled_month(users, ltc_world)
    provider = ltc_world["provider"]
    district = client_for(users["district"])
    listing = district.get("/careathome/ltc/settlements/").content.decode()
    assert 'id="ltc-settle"' in listing and provider.name in listing and "结算并入账" in listing
    entries = LedgerEntry.objects.count()
    # the month the service settled: a press is refused with 409, on the list's form
    again = district.post(URL, {"provider": provider.pk, "month": f"{month:%Y-%m}"})
    assert again.status_code == 409 and f"{month:%Y-%m}已结算入账，不重复结算" in again.content.decode()
    # the month before (closed, no visits): settled once from the page, then refused
    earlier = _before(month)
    done = district.post(URL, {"provider": provider.pk, "month": f"{earlier:%Y-%m}"})
    made = LtcSettlement.objects.get(provider=provider, month=earlier)
    assert done.status_code == 302 and done.url == f"/careathome/ltc/settlements/{made.pk}/"
    assert made.settled_by == users["district"] and made.visits == 0 and made.fund_amount == 0
    second = district.post(URL, {"provider": provider.pk, "month": f"{earlier:%Y-%m}"})
    assert second.status_code == 409 and "已结算入账，不重复结算" in second.content.decode()
    assert LtcSettlement.objects.filter(provider=provider).count() == 2
    assert LedgerEntry.objects.count() == entries  # nothing posted again
    assert "共 2 条" in district.get("/careathome/ltc/settlements/").content.decode()


def test_bad_fields_are_named_and_the_open_month_refused(users, client_for, ltc_world):  # noqa: F811
    _plan(users, ltc_world)
    provider = ltc_world["provider"]
    district = client_for(users["district"])
    empty = district.post(URL, {})
    page = empty.content.decode()
    assert empty.status_code == 422 and "请选择服务机构" in page and "请填写结算月份" in page
    bad = district.post(URL, {"provider": provider.pk, "month": "2026/13"})
    assert bad.status_code == 422 and "结算月份应为YYYY-MM格式" in bad.content.decode()
    now = f"{timezone.localdate():%Y-%m}"
    current = district.post(URL, {"provider": provider.pk, "month": now})
    assert current.status_code == 409 and f"{now}尚未结束，月末后方可结算" in current.content.decode()
    assert not LtcSettlement.objects.exists()


def test_who_may_not_settle_is_refused(users, client_for, ltc_world):  # noqa: F811
    _plan(users, ltc_world)
    provider = ltc_world["provider"]
    month = _before(timezone.localdate().replace(day=1))
    form = {"provider": provider.pk, "month": f"{month:%Y-%m}"}
    community = client_for(users["community"])
    assert 'id="ltc-settle"' not in community.get("/careathome/ltc/settlements/").content.decode()
    assert community.post(URL, form).status_code == 403
    outsider = client_for(users["district_b"])
    assert provider.name not in outsider.get("/careathome/ltc/settlements/").content.decode()
    refused = outsider.post(URL, form)
    assert (
        refused.status_code == 422
        and "请选择服务机构（本辖区内有长期护理计划的机构）" in refused.content.decode()
    )
    assert client_for(users["caregiver"]).post(URL, form).status_code == 403
    assert not LtcSettlement.objects.exists()


def test_a_concurrent_press_is_refused_with_409_not_an_error(users, client_for, ltc_world, monkeypatch):  # noqa: F811
    """The month settled by another press between the check and the save: 409, not a 500."""
    from carecircle.careathome import ltc_care

    _plan(users, ltc_world)
    provider = ltc_world["provider"]
    month = _before(timezone.localdate().replace(day=1))
    split = ltc_care._split

    def meanwhile(rows, entitlements):
        LtcSettlement.objects.create(provider=provider, month=month, region_code=provider.region_code)
        return split(rows, entitlements)

    monkeypatch.setattr(ltc_care, "_split", meanwhile)
    response = client_for(users["district"]).post(URL, {"provider": provider.pk, "month": f"{month:%Y-%m}"})
    assert response.status_code == 409 and "已结算入账，不重复结算" in response.content.decode()
    # the stand-in for the other press ran inside this request's transaction, so it went with the refusal
    assert not LtcSettlement.objects.exists()
