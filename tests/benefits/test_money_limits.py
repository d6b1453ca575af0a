"""Money within the platform's maximum (issue 13): an appeal granted with 3.03e16 made the appeals
list answer 500 for everyone. Now such an amount is a 4xx naming the field, at the API and in the
service, and the list keeps working."""

import pytest

from carecircle.benefits import services
from carecircle.benefits.models import Appeal
from carecircle.core.errors import InvalidInput


@pytest.fixture
def appeal(funded, make_person, users):
    elder = make_person(age=85, name="王秀英")
    return services.appeal_file(
        actor=users["community"],
        person=elder,
        programme=funded["CARE_SUBSIDY"],
        month="2026-11",
        reason="低保已批准，系统未更新",
    )


def test_an_appeal_amount_beyond_the_maximum_is_a_4xx(appeal, users, client_for):
    district = client_for(users["district"])
    r = district.post(
        f"/api/v1/benefits/appeals/{appeal.pk}/decide",
        {"grant": True, "reason": "经核实", "amount": 3.03e16},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "amount" and "amount" in r.json()["message"]
    with pytest.raises(InvalidInput) as refused:
        services.appeal_decide(
            actor=users["district"],
            appeal_id=appeal.pk,
            grant=True,
            reason="经核实",
            amount="30300000000000000",
        )
    assert refused.value.field == "amount" and "上限" in str(refused.value.message)
    assert Appeal.objects.get(pk=appeal.pk).state == Appeal.State.OPEN  # nothing half-saved
    listing = district.get("/api/v1/benefits/appeals")
    assert listing.status_code == 200 and listing.json()[0]["grant_amount"] is None
