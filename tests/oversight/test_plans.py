"""Plans through the services and pages (issue #20 item 2): publish, draw once, verify from the
seed, recusal from a declared conflict, refusal with too few inspectors, the public pages."""

import pytest
from django.urls import reverse

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.models import AuditEvent
from carecircle.oversight import selectors, services
from carecircle.oversight.models import DrawAssignment, DrawPlan, PlanState
from tests.conftest import COMMUNITY_A, COMMUNITY_B
from tests.oversight.factories import make_inspectors, make_unit, publish

pytestmark = pytest.mark.django_db


def test_publish_then_draw_once_and_the_published_seed_gives_the_same_result(users):
    units = [make_unit(COMMUNITY_A, grade="D") for _ in range(6)]
    make_unit(COMMUNITY_B, grade="D")  # another district: not in the plan
    make_inspectors(4)
    plan = publish(users["district"])
    assert plan.state == PlanState.PUBLISHED and len(plan.inputs["units"]) == 6
    assert selectors.plan_verify(plan).digest_ok
    drawn = services.plan_draw(actor=users["district"], plan=plan)
    assert {d.unit_id for d in drawn} == {u.pk for u in units}  # grade D: always
    assert DrawAssignment.objects.filter(drawn__plan=plan).count() == 12
    check = selectors.plan_verify(DrawPlan.objects.get(pk=plan.pk))
    assert check.digest_ok and check.result_ok and check.units == 6
    with pytest.raises(Conflict):
        services.plan_draw(actor=users["district"], plan=plan)
    assert AuditEvent.objects.filter(action="oversight.plan_draw").count() == 1


def test_a_tampered_result_or_input_fails_the_check(users):
    make_unit(COMMUNITY_A, grade="D")
    make_inspectors(3)
    plan = publish(users["district"])
    services.plan_draw(actor=users["district"], plan=plan)
    a = DrawAssignment.objects.filter(drawn__plan=plan).first()
    other = make_inspectors(1)[0]
    DrawAssignment.objects.filter(pk=a.pk).update(inspector=other)
    assert not selectors.plan_verify(plan).result_ok
    plan.inputs["per_unit"] = 3
    assert not selectors.plan_verify(plan).digest_ok


def test_a_declared_conflict_keeps_the_inspector_off_the_unit(users):
    unit = make_unit(COMMUNITY_A, grade="D")
    inspectors = make_inspectors(5)  # with the fixture's: 6; one recused, two rest after each round
    services.conflict_declare(actor=inspectors[0], unit=unit, reason="配偶在该院任职")
    for _ in range(5):
        plan = publish(users["district"])
        drawn = services.plan_draw(actor=users["district"], plan=plan)
        names = set(drawn[0].assignments.values_list("inspector_id", flat=True))
        assert inspectors[0].pk not in names and len(names) == 2


def test_no_inspector_twice_in_a_row(users):
    unit = make_unit(COMMUNITY_A, grade="D")
    make_inspectors(4)
    last: set[int] = set()
    for _ in range(4):
        plan = publish(users["district"])
        drawn = services.plan_draw(actor=users["district"], plan=plan)
        now = set(drawn[0].assignments.values_list("inspector_id", flat=True))
        assert not now & last, unit
        last = now


def test_too_few_inspectors_refuses_naming_the_unit_and_saves_nothing(users):
    unit = make_unit(COMMUNITY_A, grade="D", name="东湖区福寿养老院")
    # the fixture's inspector serves 东湖区 too: with one more there are two, then a conflict leaves one
    extra = make_inspectors(1)[0]
    services.conflict_declare(actor=extra, unit=unit, reason="曾在该院任职")
    plan = publish(users["district"])
    with pytest.raises(InvalidInput) as refused:
        services.plan_draw(actor=users["district"], plan=plan)
    assert "东湖区福寿养老院" in str(refused.value.message)
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED and not plan.drawn_units.exists()


def test_an_official_of_another_district_cannot_plan_or_draw_here(users):
    make_unit(COMMUNITY_A)
    with pytest.raises(Exception) as refused:
        publish(users["district_b"])
    assert refused.value.__class__.__name__ in {"Forbidden", "NotFound"}
    plan = publish(users["district"])
    with pytest.raises(Exception) as refused:
        services.plan_draw(actor=users["district_b"], plan=plan)
    assert refused.value.__class__.__name__ in {"Forbidden", "NotFound"}


def test_pages_publish_draw_and_show_the_public_result_without_personal_data(users, client_for, client):
    make_unit(COMMUNITY_A, grade="D", name="桂花托育园")
    drawn_from = make_inspectors(3)
    staff = client_for(users["district"])
    assert staff.get(reverse("oversight:plans")).status_code == 200
    bad = staff.post(
        reverse("oversight:plan_publish"),
        {
            "name": "",
            "region_code": "339901000000",
            "period_start": "2026-04-01",
            "period_end": "2026-03-01",
            "per_unit": 2,
            "always_after_months": 12,
        },
    )
    assert bad.status_code == 422 and not DrawPlan.objects.exists()
    made = staff.post(
        reverse("oversight:plan_publish"),
        {
            "name": "二季度抽查",
            "region_code": "东湖区",
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
            "per_unit": 2,
            "always_after_months": 12,
        },
    )
    plan = DrawPlan.objects.get()
    assert made.status_code == 302
    assert staff.post(reverse("oversight:plan_draw", args=[plan.pk])).status_code == 302
    assert staff.post(reverse("oversight:plan_draw", args=[plan.pk])).status_code == 409
    public = client.get(reverse("oversight:public_draw", args=[plan.pk]))
    text = public.content.decode()
    assert public.status_code == 200 and "桂花托育园" in text and plan.seed in text and "结果一致" in text
    assert not any(u.username in text for u in drawn_from)  # inspectors appear by name, never by account
    inputs = client.get(reverse("oversight:public_draw_inputs", args=[plan.pk])).json()
    assert inputs["seed"] == plan.seed and inputs["inputs"]["per_unit"] == 2
    assert client.get(reverse("oversight:public_draws")).status_code == 200
    outsider = client_for(users["district_b"])
    assert outsider.get(reverse("oversight:plan_detail", args=[plan.pk])).status_code in (403, 404)


def test_conflict_through_the_units_page(users, client_for):
    unit = make_unit(COMMUNITY_A)
    page = client_for(users["inspector"])
    assert "申报回避" in page.get(reverse("oversight:units")).content.decode()
    empty = page.post(reverse("oversight:unit_conflict", args=[unit.pk]), {"reason": " "})
    assert empty.status_code == 422 and "回避事由" in empty.content.decode()
    assert (
        page.post(reverse("oversight:unit_conflict", args=[unit.pk]), {"reason": "亲属任职"}).status_code
        == 302
    )
    assert unit.conflicts.count() == 1
    assert (
        client_for(users["district"])
        .post(reverse("oversight:unit_conflict", args=[unit.pk]), {"reason": "x"})
        .status_code
        == 403
    )
