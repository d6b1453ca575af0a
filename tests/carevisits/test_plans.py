"""Plan generation from rules: slots, region overrides, frequency, exits, idempotency, assignment."""

import datetime

import pytest

from carecircle.assessment.services import assessment_record
from carecircle.carevisits import plans, services
from carecircle.carevisits.models import VisitPlan
from carecircle.core.errors import InvalidInput, NotFound
from tests.assessment.test_capability import with_total
from tests.carevisits.conftest import this_month, today
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B, make_user


def test_slots():
    assert plans.slots("monthly", 2026, 2) == [(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))]
    assert [e.day for _, e in plans.slots("biweekly", 2026, 1)] == [15, 31]
    weekly = plans.slots("weekly", 2024, 2)
    assert [(s.day, e.day) for s, e in weekly] == [(1, 7), (8, 14), (15, 21), (22, 29)]


def test_generate_and_regenerate(users, make_person, rules, with_status):
    y, m = this_month()
    alone = make_person(age=70)
    with_status(alone, "living_alone")
    poor = make_person(age=72, region_code=COMMUNITY_A2)
    with_status(poor, "tekun")
    with_status(poor, "living_alone")  # both: the weekly rule wins, both reasons kept
    nobody = make_person(age=75)
    ended = make_person(age=75)
    with_status(ended, "living_alone", datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))
    dead = make_person(age=90)
    with_status(dead, "living_alone")
    with_status(dead, "deceased", datetime.date(2022, 1, 1))
    other = make_person(age=70, region_code=COMMUNITY_B)
    with_status(other, "living_alone")

    result = services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=m)
    assert (result.people, result.created) == (2, 1 + 4)
    assert VisitPlan.objects.filter(person=alone).count() == 1
    weekly = VisitPlan.objects.filter(person=poor).order_by("period_start")
    assert weekly.count() == 4 and weekly[0].frequency == "weekly"
    assert "特困" in weekly[0].reasons and "独居" in weekly[0].reasons
    assert not VisitPlan.objects.filter(person__in=[nobody, ended, dead, other]).exists()

    again = services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=m)
    assert again.created == 0 and VisitPlan.objects.count() == 5


def test_most_specific_region_rule_wins(users, make_person, rules, with_status):
    y, m = this_month()
    a, a2 = make_person(age=70), make_person(age=70, region_code=COMMUNITY_A2)
    for p in (a, a2):
        with_status(p, "living_alone")
    # 桂花社区 visits 独居 weekly; 丹枫社区 switches 独居 visits off.
    services.rule_set(
        actor=users["street"], region_code=COMMUNITY_A, group="living_alone", frequency="weekly"
    )
    services.rule_set(
        actor=users["street"],
        region_code=COMMUNITY_A2,
        group="living_alone",
        frequency="monthly",
        active=False,
    )
    services.plans_generate(actor=users["street"], region_code="339901001000", year=y, month=m)
    assert VisitPlan.objects.filter(person=a).count() == 4
    assert not VisitPlan.objects.filter(person=a2).exists()


def test_derived_groups_disabled_and_senior(users, make_person, rules):
    y, m = this_month()
    frail = make_person(age=70)
    assessment_record(
        actor=users["community"],
        person=frail,
        assessed_on=today().replace(day=1) - datetime.timedelta(days=3),
        answers=with_total(50),
    )
    old = make_person(age=85)
    services.plans_generate(actor=users["street"], region_code="339901001000", year=y, month=m)
    assert (
        VisitPlan.objects.get(person=frail).reasons == "失能（评估轻度及以上）"
    )  # level 1 on (registry/groups.py)
    assert not VisitPlan.objects.filter(person=old).exists()  # no 80+ rule yet
    services.rule_set(
        actor=users["street"], region_code="339901001000", group="senior80", frequency="monthly"
    )
    services.plans_generate(actor=users["street"], region_code="339901001000", year=y, month=m)
    assert VisitPlan.objects.filter(person=old).count() == 1


def test_assignment_round_robin(users, make_person, rules, with_status):
    y, m = this_month()
    second = make_user("community2", "community_worker", COMMUNITY_A)
    people = [make_person(age=70) for _ in range(4)]
    for p in people:
        with_status(p, "empty_nest")
    services.plans_generate(actor=users["street"], region_code="339901001000", year=y, month=m)
    assignees = list(VisitPlan.objects.order_by("person_id").values_list("assignee_id", flat=True))
    assert sorted(assignees) == sorted([users["community"].pk, second.pk] * 2)


def test_generate_scope_and_input(users, rules):
    y, m = this_month()
    with pytest.raises(NotFound):
        services.plans_generate(actor=users["street_b"], region_code="339901000000", year=y, month=m)
    with pytest.raises(InvalidInput) as exc:
        services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=13)
    assert exc.value.field == "month"
    with pytest.raises(InvalidInput):
        services.rule_set(
            actor=users["district"], region_code="339901000000", group="nobody", frequency="weekly"
        )
    from carecircle.core.errors import Forbidden

    with pytest.raises((Forbidden, NotFound)):
        services.rule_set(
            actor=users["community"], region_code=COMMUNITY_A, group="tekun", frequency="weekly"
        )


def test_generate_api(users, client_for, make_person, rules, with_status):
    y, m = this_month()
    p = make_person(age=70)
    with_status(p, "living_alone")
    client = client_for(users["street"])
    body = {"region_code": "339901001000", "year": y, "month": m}
    r = client.post("/api/v1/carevisits/plans/generate", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["created"] == 1
    r = client.post("/api/v1/carevisits/plans/generate", body, content_type="application/json")
    assert r.json()["created"] == 0
    r = client_for(users["street_b"]).post(
        "/api/v1/carevisits/plans/generate", body, content_type="application/json"
    )
    assert r.status_code == 404
