"""The centres' operating subsidy means what Jiaxing 二(二)7 says (issue 16 item 1).

Jiaxing 二(二)7 "对正常运营的镇(街道)居家养老服务中心,每年给予不低于20万元的政府购买服务补助;对正常运营的5A、
4A、3A级村(社区)居家养老服务照料中心,在评定有效期内,每年分别给予不低于16万元、12万元、10万元的政府购买服务补助":
- a street centre is paid because it operates normally, whatever its grade (or none);
- a community centre is paid by its grade, only while the grade is valid;
- the amounts are minimums: a city may pay more, never less.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from carecircle.core.errors import InvalidInput
from carecircle.facilities import services, subsidies
from tests.benefits.conftest import today  # the facilities are filed today (tests/facilities/conftest.py)
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)

BELOW_3A = {"facility": 10, "service": 20, "management": 10, "satisfaction": 5}
FIVE_A = {"facility": 19, "service": 37, "management": 23, "satisfaction": 14}
THREE_A = {"facility": 15, "service": 30, "management": 20, "satisfaction": 12}


def test_a_normally_operating_street_centre_gets_at_least_200k_whatever_its_grade(users, make_facility):  # noqa: F811
    ungraded = make_facility("street_centre")
    below = make_facility("street_centre")
    ev = services.evaluation_record(
        actor=users["district"], facility=below, evaluated_on=today(), scores=BELOW_3A
    )
    assert ev.grade is None and ev.yearly_subsidy == Decimal("200000.00")
    for centre in (ungraded, below):
        due = subsidies.operating_subsidy(centre, today() + datetime.timedelta(days=30))
        assert due.minimum == Decimal("200000.00") and due.amount == Decimal("200000.00"), centre.name
        assert "不低于" in due.basis and "二(二)7" in due.basis


def test_a_street_centre_not_operating_gets_nothing(users, make_facility):  # noqa: F811
    pending = make_facility("street_centre", filed=False)
    assert subsidies.operating_subsidy(pending, today()).amount == 0
    closed = make_facility("street_centre")
    closed.filed_on, closed.closed_on, closed.status = (
        today() - datetime.timedelta(days=400),
        today(),
        "closed",
    )
    closed.save(update_fields=["filed_on", "closed_on", "status"])
    assert subsidies.operating_subsidy(closed, today()).amount == 0
    assert subsidies.operating_subsidy(closed, today() - datetime.timedelta(days=1)).amount == Decimal(
        "200000.00"
    )


def test_a_community_centre_is_paid_by_its_grade_while_valid(users, make_facility):  # noqa: F811
    ungraded = make_facility("community_centre")
    assert subsidies.operating_subsidy(ungraded, today()).amount == 0
    graded = make_facility("community_centre")
    ev = services.evaluation_record(
        actor=users["district"], facility=graded, evaluated_on=today(), scores=FIVE_A
    )
    assert subsidies.operating_subsidy(graded, today()).amount == Decimal("160000.00")
    assert subsidies.operating_subsidy(graded, ev.valid_to + datetime.timedelta(days=1)).amount == 0


def test_the_amounts_are_minimums(users, make_facility):  # noqa: F811
    centre = make_facility("community_centre")
    with pytest.raises(InvalidInput) as exc:
        services.evaluation_record(
            actor=users["district"],
            facility=centre,
            evaluated_on=today(),
            scores=THREE_A,
            yearly_subsidy="99999.99",
        )
    assert exc.value.field == "yearly_subsidy" and "100000.00" in str(exc.value.message)
    ev = services.evaluation_record(
        actor=users["district"],
        facility=centre,
        evaluated_on=today(),
        scores=THREE_A,
        yearly_subsidy="130000",
    )
    assert ev.grade.code == "3A" and ev.yearly_subsidy == Decimal("130000.00")
    due = subsidies.operating_subsidy(centre, today())
    assert due.minimum == Decimal("100000.00") and due.amount == Decimal("130000.00")
    street = make_facility("street_centre")
    services.evaluation_record(
        actor=users["district"],
        facility=street,
        evaluated_on=today(),
        scores=THREE_A,
        yearly_subsidy="250000",
    )
    assert subsidies.operating_subsidy(street, today()).amount == Decimal("250000.00")


def test_the_region_list_has_every_centre(users, make_facility):  # noqa: F811
    street, community = make_facility("street_centre"), make_facility("community_centre")
    make_facility("canteen")
    rows = {r.facility_id: r for r in subsidies.operating_subsidies("339901000000", today())}
    assert set(rows) == {street.pk, community.pk}
    assert rows[street.pk].amount == Decimal("200000.00") and rows[community.pk].amount == 0


def test_the_evaluation_page_takes_a_higher_amount_and_refuses_a_lower_one(users, make_facility, client_for):  # noqa: F811
    centre = make_facility("community_centre")
    district = client_for(users["district"])
    scores = {f"score_{k}": v for k, v in THREE_A.items()}
    url = reverse("facilities:evaluate", args=[centre.pk])
    r = district.post(url, {"evaluated_on": today().isoformat(), "yearly_subsidy": "90000", **scores})
    assert r.status_code == 422 and "年度补助不能低于 100000.00 元" in r.content.decode()
    assert not centre.evaluations.exists()
    r = district.post(url, {"evaluated_on": today().isoformat(), "yearly_subsidy": "", **scores})
    assert r.status_code == 302 and centre.evaluations.get().yearly_subsidy == Decimal("100000.00")


def test_the_centre_page_shows_what_it_is_due(users, make_facility, client_for):  # noqa: F811
    street = make_facility("street_centre")
    page = client_for(users["district"]).get(reverse("facilities:detail", args=[street.pk])).content.decode()
    assert "本年度运营补助" in page and "200000.00" in page and "每年不低于 200000.00 元" in page
