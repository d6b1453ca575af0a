"""Recorded assessments: supersession, validity, current level, the subquery, scope; infant checks."""

import datetime

import pytest
from django.utils import timezone

from carecircle.assessment import selectors, services
from carecircle.assessment.models import CapabilityAssessment, ChildCheck
from carecircle.assessment.types import CapabilityLevel
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from carecircle.registry.models import Person
from tests.assessment.test_capability import FULL, with_total
from tests.conftest import COMMUNITY_B

D = datetime.timedelta


def today() -> datetime.date:
    """The app's date (Beijing) on the test's clock: read while the test runs, never at import (the
    frozen clock starts with each test, after the modules are imported)."""
    return timezone.localdate()


def record(users, person, days_ago, total, who="community", **kw):
    return services.assessment_record(
        actor=users[who],
        person=person,
        assessed_on=today() - D(days=days_ago),
        answers=with_total(total),
        **kw,
    )


def test_record_and_supersede(users, make_person):
    p = make_person(age=82)
    first = record(users, p, 100, 90)
    assert first.final_level == 0 and first.valid_from == first.assessed_on
    assert first.valid_to == first.assessed_on.replace(year=first.assessed_on.year + 1) - D(days=1)
    assert selectors.current_level(p) == 0
    second = record(users, p, 10, 50, reason="change")
    first.refresh_from_db()
    assert first.superseded_by_id == second.pk and first.valid_to == second.assessed_on - D(days=1)
    assert selectors.current_level(p) == 2
    # the contract other modules read: an enum with its label, still compared as a number
    assert selectors.current_level(p) is CapabilityLevel.MODERATE
    assert selectors.current_level(p, today() - D(days=50)) == 0
    assert selectors.current_level(p, today() - D(days=200)) is None
    assert AuditEvent.objects.filter(action="assessment.record", object_id=str(second.pk)).exists()


def test_cannot_backdate_or_double_record(users, make_person):
    p = make_person(age=82)
    record(users, p, 10, 80)
    with pytest.raises(Conflict):
        record(users, p, 10, 70)
    with pytest.raises(Conflict):
        record(users, p, 20, 70)
    assert CapabilityAssessment.objects.filter(person=p).count() == 1


def test_bad_form_saves_nothing(users, make_person):
    p = make_person(age=82)
    with pytest.raises(InvalidInput):
        services.assessment_record(
            actor=users["community"], person=p, assessed_on=today(), answers=dict(FULL, **{"B.1.1": 9})
        )
    with pytest.raises(InvalidInput):
        services.assessment_record(
            actor=users["community"], person=p, assessed_on=today() + D(days=1), answers=FULL
        )
    assert not CapabilityAssessment.objects.exists()


def test_only_elders_are_assessed(users, make_person):
    infant = make_person(age=1)
    with pytest.raises(InvalidInput):
        services.assessment_record(actor=users["community"], person=infant, assessed_on=today(), answers=FULL)


def test_scope(users, make_person):
    p = make_person(age=82)
    with pytest.raises(NotFound):
        record(users, p, 1, 90, who="community_b")
    a = record(users, p, 1, 90)
    with pytest.raises(NotFound):
        selectors.assessment_get(user=users["street_b"], assessment_id=a.pk)
    assert not selectors.assessment_list(user=users["district_b"]).exists()
    assert selectors.assessment_list(user=users["district"]).count() == 1


def test_level_subquery(users, make_person):
    a, b, c = make_person(age=81), make_person(age=85), make_person(age=90, region_code=COMMUNITY_B)
    record(users, a, 30, 60)
    record(users, a, 5, 20)
    record(users, b, 400, 90)  # expired
    record(users, c, 3, 40, who="admin", dementia_or_mental_disorder=True)
    levels = dict(
        Person.objects.annotate(capability_level=selectors.level_subquery(today())).values_list(
            "pk", "capability_level"
        )
    )
    assert levels == {a.pk: 4, b.pk: None, c.pk: 4}
    old = dict(
        Person.objects.annotate(capability_level=selectors.level_subquery(today() - D(days=10))).values_list(
            "pk", "capability_level"
        )
    )
    assert old == {a.pk: 2, b.pk: None, c.pk: None}
    assert Person.objects.annotate(lv=selectors.level_subquery(today())).filter(lv__gte=3).count() == 2


def test_record_api_and_history(users, make_person, client_for):
    p = make_person(age=83)
    client = client_for(users["community"])
    body = {"person_id": p.pk, "assessed_on": str(today()), "answers": with_total(70), "risk_events_30d": 2}
    r = client.post("/api/v1/assessments/capability", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["final_level"] == 2 and r.json()["answers"]["B.1.1"] == 0
    aid = r.json()["id"]
    assert client.get(f"/api/v1/assessments/capability/{aid}").json()["total"] == 70
    assert len(client.get(f"/api/v1/assessments/persons/{p.pk}").json()) == 1
    outsider = client_for(users["community_b"])
    assert outsider.get(f"/api/v1/assessments/capability/{aid}").status_code == 404
    assert outsider.post(
        "/api/v1/assessments/capability", body, content_type="application/json"
    ).status_code in (403, 404)


def test_pages(users, make_person, client_for):
    p = make_person(age=88, name="评估页测试")
    client = client_for(users["community"])
    page = client.get(f"/assessment/new/{p.pk}/")
    assert page.status_code == 200 and "B.4.5" in page.content.decode()
    post = {k: str(v) for k, v in with_total(45).items()} | {
        "assessed_on": str(today()),
        "reason": "first",
        "risk_events_30d": "0",
    }
    bad = dict(post)
    bad.pop("B.2.3")
    r = client.post(f"/assessment/new/{p.pk}/", bad)
    assert (
        r.status_code == 422 and "B.2.3" in r.content.decode() and not CapabilityAssessment.objects.exists()
    )
    assert (
        'name="B.1.1" value="%d" checked' % with_total(45)["B.1.1"] in r.content.decode()
    )  # the answers kept
    r = client.post(f"/assessment/new/{p.pk}/", post)
    assert r.status_code == 302
    a = CapabilityAssessment.objects.get()
    report = client.get(f"/assessment/{a.pk}/").content.decode()
    assert "老年人能力评估报告" in report and "重度失能" in report and "45" in report
    listing = client.get("/assessment/").content.decode()
    assert "评估页测试" in listing
    assert client_for(users["community_b"]).get(f"/assessment/{a.pk}/").status_code == 404


# ------------------------------------------------------------------ infant checks


def test_growth_check_uses_who_z_scores(users, make_person):
    boy = make_person(birth=today() - D(days=400), sex="M")
    ok = services.child_check_record(
        actor=users["community"],
        person=boy,
        kind="growth",
        checked_on=today(),
        data={"weight_kg": "9.6", "length_cm": "77"},
    )
    assert ok.referral == "none" and abs(float(ok.data["wfa_z"])) < 1
    thin = services.child_check_record(
        actor=users["community"],
        person=boy,
        kind="growth",
        checked_on=today() - D(days=1),
        data={"weight_kg": "7.0", "length_cm": "70"},
    )
    assert thin.referral == "pending" and "低体重" in thin.result and "生长迟缓" in thin.result
    with pytest.raises(InvalidInput) as exc:
        services.child_check_record(
            actor=users["community"],
            person=boy,
            kind="growth",
            checked_on=today() - D(days=2),
            data={"weight_kg": "abc", "length_cm": "70"},
        )
    assert exc.value.field == "weight_kg"
    with pytest.raises(Conflict):
        services.child_check_record(
            actor=users["community"],
            person=boy,
            kind="growth",
            checked_on=today(),
            data={"weight_kg": "9.6", "length_cm": "77"},
        )


def test_hearing_vision_and_referral_flow(users, make_person, client_for):
    girl = make_person(birth=today() - D(days=200))
    c = services.child_check_record(
        actor=users["community"],
        person=girl,
        kind="hearing",
        checked_on=today(),
        data={"left": "pass", "right": "refer", "method": "OAE"},
    )
    assert c.referral == "pending" and "右耳" in c.result
    v = services.child_check_record(
        actor=users["community"],
        person=girl,
        kind="vision",
        checked_on=today(),
        data={"left": "pass", "right": "pass", "method": "红球试验"},
    )
    assert v.referral == "none"
    with pytest.raises(InvalidInput) as exc:
        services.child_check_record(
            actor=users["community"],
            person=girl,
            kind="vision",
            checked_on=today() - D(days=1),
            data={"left": "pass", "method": "x"},
        )
    assert exc.value.field == "right"
    assert [x.pk for x in selectors.referral_list(user=users["street"])] == [c.pk]
    assert not selectors.referral_list(user=users["street_b"]).exists()
    with pytest.raises(InvalidInput):
        services.referral_update(actor=users["community"], check=c, status="referred", note="")
    services.referral_update(actor=users["community"], check=c, status="referred", note="转诊市妇幼听力中心")
    with pytest.raises(Conflict):
        services.referral_update(actor=users["community"], check=c, status="pending", note="x")
    r = client_for(users["community"]).post(
        f"/assessment/checks/{c.pk}/referral/", {"status": "closed", "note": "确诊正常"}
    )
    assert r.status_code == 302
    assert ChildCheck.objects.get(pk=c.pk).referral == "closed"
    assert not selectors.referral_list(user=users["street"]).exists()


def test_mchat_record_and_age_window(users, make_person, client_for):
    from tests.assessment.test_mchat import failing

    toddler = make_person(birth=today() - D(days=600))  # about 19 months
    high = services.child_check_record(
        actor=users["community"],
        person=toddler,
        kind="mchat",
        checked_on=today(),
        data={"answers": failing(set(range(1, 9)))},
    )
    assert high.referral == "pending" and high.data["risk"] == "high"
    medium = services.child_check_record(
        actor=users["community"],
        person=toddler,
        kind="mchat",
        checked_on=today() - D(days=1),
        data={"answers": failing({1, 3, 4}), "follow_up_failed": [3]},
    )
    assert medium.referral == "none" and "阴性" in medium.result
    baby = make_person(birth=today() - D(days=200))
    with pytest.raises(InvalidInput) as exc:
        services.child_check_record(
            actor=users["community"],
            person=baby,
            kind="mchat",
            checked_on=today(),
            data={"answers": failing(set())},
        )
    assert exc.value.field == "age_months"
    page = client_for(users["community"]).get(f"/assessment/checks/new/{toddler.pk}/?kind=mchat")
    assert page.status_code == 200 and "M-CHAT" in page.content.decode()
    r = client_for(users["community"]).post(
        f"/assessment/checks/new/{toddler.pk}/",
        {"kind": "growth", "checked_on": str(today()), "weight_kg": "11", "length_cm": "82"},
    )
    assert r.status_code == 302


def test_people_to_assess_and_level_counts(users, make_person, client_for):
    done = make_person(age=85, name="已评估老人")
    make_person(age=86, name="待评估老人")
    make_person(age=70, name="年轻老人")
    make_person(age=85, name="他区老人", region_code=COMMUNITY_B)
    record(users, done, 3, 60)
    names = [p.name for p in selectors.people_to_assess(user=users["community"])]
    assert names == ["待评估老人"]
    assert len(selectors.people_to_assess(user=users["community"], group="elder", unassessed_only=False)) == 3
    assert selectors.level_counts(user=users["street"]) == {2: 1}
    page = client_for(users["community"]).get("/assessment/people/").content.decode()
    assert "待评估老人" in page and "已评估老人" not in page
    from carecircle.assessment.home import cards

    assert cards(users["street"])[0]["figures"][2] == ("中度失能", 1)
    assert cards(users["resident"]) == []
