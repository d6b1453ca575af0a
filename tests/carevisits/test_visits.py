"""Visits, overdue plans, coverage, vulnerable lists and the pages."""

import datetime

import pytest
from django.utils import timezone

from carecircle.carevisits import selectors, services
from carecircle.carevisits.models import CareVisit, VisitPlan
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from tests.carevisits.conftest import this_month, today
from tests.conftest import COMMUNITY_B


@pytest.fixture
def planned(users, make_person, rules, with_status):
    y, m = this_month()
    people = [make_person(age=70, name=f"探访对象{i}") for i in range(3)]
    for p in people:
        with_status(p, "living_alone")
    services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=m)
    return people


def visit(users, plan=None, person=None, seen="self", key="", **kw):
    return services.visit_record(
        actor=users["community"],
        plan=plan,
        person=person,
        visited_at=timezone.now(),
        place="home",
        seen=seen,
        condition=kw.pop("condition", "good"),
        idempotency_key=key,
        **kw,
    )


def test_visit_completes_plan_and_is_idempotent(users, planned):
    plan = VisitPlan.objects.get(person=planned[0])
    assert plan.assignee_id == users["community"].pk
    v = visit(users, plan=plan, key="k1", notes="精神好")
    plan.refresh_from_db()
    assert plan.status == "done" and v.plan_id == plan.pk and not v.follow_up
    assert visit(users, plan=plan, key="k1").pk == v.pk and CareVisit.objects.count() == 1
    assert AuditEvent.objects.filter(action="carevisits.visit").count() == 1


def test_nobody_seen_leaves_plan_open_and_needs_flag_follow_up(users, planned):
    plan = VisitPlan.objects.get(person=planned[1])
    visit(users, plan=plan, seen="nobody", condition="")
    plan.refresh_from_db()
    assert plan.status == "planned"
    v = visit(users, person=planned[1], condition="poor", needs=["meal", "medical"])  # matches the open plan
    plan.refresh_from_db()
    assert plan.status == "done" and v.plan_id == plan.pk and v.follow_up
    assert list(selectors.follow_ups(user=users["street"])) == [v]
    services.follow_up_close(actor=users["community"], visit=v)
    assert not selectors.follow_ups(user=users["street"]).exists()


def test_visit_validation_and_scope(users, planned):
    plan = VisitPlan.objects.get(person=planned[2])
    with pytest.raises(InvalidInput) as exc:
        visit(users, plan=plan, condition="")
    assert exc.value.field == "condition"
    with pytest.raises(InvalidInput) as exc:
        visit(users, plan=plan, needs=["wings"])
    assert exc.value.field == "needs"
    with pytest.raises(InvalidInput) as exc:
        services.visit_record(
            actor=users["community"],
            plan=plan,
            visited_at=timezone.now() + datetime.timedelta(days=1),
            place="home",
            seen="self",
            condition="good",
        )
    assert exc.value.field == "visited_at"
    with pytest.raises(NotFound):
        services.visit_record(
            actor=users["community_b"],
            plan=plan,
            visited_at=timezone.now(),
            place="home",
            seen="self",
            condition="good",
        )
    assert not CareVisit.objects.exists()


def test_coverage_and_overdue(users, planned, make_person, with_status, client_for):
    y, m = this_month()
    plans = list(VisitPlan.objects.order_by("person_id"))
    visit(users, plan=plans[0])
    assert selectors.visit_coverage(region_prefix="339901", year=y, month=m) == (1, 3)
    assert selectors.visit_coverage(region_prefix="339902", year=y, month=m) == (0, 0)
    rows = selectors.coverage_by_region(user=users["district"], region_code="339901000000", year=y, month=m)
    assert rows[0]["due"] == 3 and rows[0]["visited"] == 1 and rows[0]["rate"] == 33.3
    with pytest.raises(NotFound):
        selectors.coverage_by_region(user=users["district_b"], region_code="339901000000", year=y, month=m)
    # A month whose periods have ended: its open plans are overdue.
    last = today().replace(day=1) - datetime.timedelta(days=1)
    services.plans_generate(
        actor=users["district"], region_code="339901000000", year=last.year, month=last.month
    )
    VisitPlan.objects.filter(period_end=last).update(assignee=None)  # the list shows unassigned ones too
    assert "未分配" in client_for(users["street"]).get("/carevisits/overdue/").content.decode()
    late = selectors.overdue(user=users["street"])
    assert late.count() == 3 and all(p.period_end == last for p in late)
    assert not selectors.overdue(user=users["street_b"]).exists()


def test_vulnerable_list_reasons_and_masked_export(users, make_person, with_status, client_for):
    a = make_person(age=85, name="高龄独居")
    with_status(a, "living_alone")
    b = make_person(age=65, name="低保老人")
    with_status(b, "dibao")
    make_person(age=65, name="普通老人")
    child = make_person(age=1, name="困境儿童甲")
    with_status(child, "child_in_difficulty")
    far = make_person(age=70, region_code=COMMUNITY_B, name="他区老人")
    with_status(far, "tekun")
    qs = selectors.vulnerable_people(user=users["street"])
    assert [p.name for p in qs] == sorted(
        ["高龄独居", "低保老人"], key=lambda n: [p.name for p in qs].index(n)
    )
    assert set(p.name for p in qs) == {"高龄独居", "低保老人"}
    why = selectors.reasons_for(list(qs))
    assert set(why[a.pk]) == {"独居", "高龄(80+)"} and why[b.pk] == ["低保"]
    assert [p.name for p in selectors.vulnerable_people(user=users["street"], population="child")] == [
        "困境儿童甲"
    ]
    assert [p.name for p in selectors.vulnerable_people(user=users["street"], group="dibao")] == ["低保老人"]
    r = client_for(users["street"]).get("/carevisits/vulnerable/export.csv")
    body = r.content.decode("utf-8-sig")
    assert "高龄独居" in body and a.id_masked in body and a.id_number not in body and "他区老人" not in body
    assert AuditEvent.objects.filter(action="carevisits.vulnerable_export", detail__rows=2).exists()
    assert client_for(users["community"]).get("/carevisits/vulnerable/export.csv").status_code == 403
    page = client_for(users["street"]).get("/carevisits/vulnerable/?population=child").content.decode()
    assert "困境儿童甲" in page and "高龄独居" not in page


def test_pages(users, planned, client_for):
    y, m = this_month()
    client = client_for(users["community"])
    work = client.get("/carevisits/").content.decode()
    assert "探访对象0" in work
    plan = VisitPlan.objects.get(person=planned[0])
    form = client.get(f"/carevisits/plans/{plan.pk}/visit/")
    assert form.status_code == 200
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        f"/carevisits/plans/{plan.pk}/visit/",
        {"visited_at": now, "place": "home", "seen": "self", "idempotency_key": "p1"},
    )
    assert bad.status_code == 422 and "请选择探访对象的状况" in bad.content.decode()  # on the form
    ok = client.post(
        f"/carevisits/plans/{plan.pk}/visit/",
        {
            "visited_at": now,
            "place": "home",
            "seen": "self",
            "condition": "fair",
            "needs": ["meal"],
            "idempotency_key": "p1",
        },
    )
    assert ok.status_code == 302 and VisitPlan.objects.get(pk=plan.pk).status == "done"
    street = client_for(users["street"])
    for url in (
        "/carevisits/coverage/",
        "/carevisits/overdue/",
        "/carevisits/rules/",
        f"/carevisits/?all=1&month={y}-{m:02d}",
    ):
        assert street.get(url).status_code == 200, url
    assert "33.3%" in street.get("/carevisits/coverage/?region=339901001000").content.decode()
    r = street.post(
        "/carevisits/rules/",
        {"region_code": "339901001000", "group": "tekun", "frequency": "weekly", "active": "on"},
    )
    assert r.status_code == 302
    bad_rule = street.post(
        "/carevisits/rules/", {"region_code": "339901001000", "group": "nobody", "frequency": "x"}
    )
    assert bad_rule.status_code == 422 and 'role="alert"' in bad_rule.content.decode()
    gen = street.post("/carevisits/rules/generate/", {"region_code": "339901001000", "month": f"{y}-{m:02d}"})
    assert gen.status_code == 302
    assert client_for(users["community_b"]).get(f"/carevisits/plans/{plan.pk}/visit/").status_code == 404


def test_api_worklist_and_visit(users, planned, client_for):
    y, m = this_month()
    client = client_for(users["community"])
    data = client.get(f"/api/v1/carevisits/worklist?year={y}&month={m}").json()
    assert data["count"] == 3
    pid = data["results"][0]["id"]
    body = {
        "visited_at": timezone.now().isoformat(),
        "place": "phone",
        "seen": "self",
        "condition": "good",
        "idempotency_key": "api-1",
    }
    r = client.post(f"/api/v1/carevisits/plans/{pid}/visits", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["plan_status"] == "done"
    r = client.post(f"/api/v1/carevisits/plans/{pid}/visits", body, content_type="application/json")
    assert r.status_code == 201 and CareVisit.objects.count() == 1
    cov = client_for(users["street"]).get(
        f"/api/v1/carevisits/coverage?region_code=339901001000&year={y}&month={m}"
    )
    assert cov.json()[0]["visited"] == 1
    assert (
        client_for(users["community_b"])
        .post(f"/api/v1/carevisits/plans/{pid}/visits", body, content_type="application/json")
        .status_code
        == 404
    )


def test_periodic_generation_and_home_card(users, planned):
    from carecircle.carevisits.home import cards
    from carecircle.carevisits.tasks import generate_month_plans

    generate_month_plans()  # the month exists already: nothing new
    assert VisitPlan.objects.count() == 3
    card = cards(users["community"])[0]
    assert dict(card["figures"])["应探访对象"] == 3 and dict(card["figures"])["我的待访"] == 3
    assert cards(users["resident"]) == []


def test_critical_visit_raises_alarm_incident_and_offers_an_order(users, planned, client_for):
    plan = VisitPlan.objects.get(person=planned[0])
    with pytest.raises(InvalidInput) as exc:
        visit(users, plan=plan, condition="poor", raise_alarm=True)
    assert exc.value.field == "raise_alarm"
    if not services.alarms_available():
        pytest.skip("the alarms module is not part of this platform")
    from carecircle.alarms.models import Incident

    v = visit(users, plan=plan, condition="critical", needs=["medical"], raise_alarm=True, notes="跌倒在地")
    incident = Incident.objects.get(pk=v.alarm_incident_id)
    assert incident.person_id == planned[0].pk and incident.region_code == planned[0].region_code
    page = client_for(users["community"]).get("/carevisits/overdue/").content.decode()
    assert f"#{incident.pk}" in page and "助医" in page
    if "homecare" in __import__("django.conf").conf.settings.CARECIRCLE_MODULES:
        assert f"?person_id={planned[0].pk}" in page


def test_reassign(users, planned, client_for):
    y, m = this_month()
    from carecircle.core.errors import Forbidden
    from tests.conftest import make_user

    plan = VisitPlan.objects.get(person=planned[0])
    volunteer = make_user("volunteer1", "community_worker", plan.region_code)
    r = client_for(users["street"]).post(
        f"/api/v1/carevisits/plans/{plan.pk}/assign",
        {"username": "volunteer1"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["assignee"] == "volunteer1"
    assert selectors.worklist(user=volunteer, year=y, month=m).count() == 1
    with pytest.raises(InvalidInput):  # a worker of another region may not take it
        services.plan_assign(actor=users["street"], plan=plan, assignee=users["community_b"])
    with pytest.raises((Forbidden, NotFound)):
        services.plan_assign(actor=users["community"], plan=plan, assignee=None)
    r = client_for(users["street"]).post(f"/carevisits/plans/{plan.pk}/assign/", {"username": ""})
    assert r.status_code == 302 and VisitPlan.objects.get(pk=plan.pk).assignee_id is None
    assert (
        client_for(users["street_b"])
        .post(f"/carevisits/plans/{plan.pk}/assign/", {"username": ""})
        .status_code
        == 404
    )
