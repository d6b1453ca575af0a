"""Proactive wellbeing calls (issue 18, item 3): rules as data, generation once per schedule slot,
balanced assignment, no answer retried then a community visit, a double submit never duplicated,
and the on-time rate counted by hand."""

import datetime

import pytest
from django.utils import timezone

from carecircle.alarms import outreach, selectors, services
from carecircle.alarms.models import (
    OutreachAttempt,
    OutreachCall,
    OutreachRule,
    OutreachState,
)
from carecircle.carevisits.models import PlanStatus, VisitPlan
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from carecircle.core.roles import Role
from carecircle.registry.models import StatusKind
from tests.alarms.conftest import add_status
from tests.conftest import COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db


def _weekly():
    return OutreachRule.objects.get(code="living-alone-weekly")


def _sunday(weeks_ahead=0):
    """The last day of a weekly slot (every person's offset day has come by then)."""
    today = timezone.localdate()
    return outreach.slot_start(today, 7) + datetime.timedelta(days=6 + 7 * weeks_ahead)


def test_the_default_rules_are_data_loaded_by_the_migration():
    rules = {r.code: r for r in OutreachRule.objects.all()}
    alone, after = rules["living-alone-weekly"], rules["after-incident-daily"]
    assert (alone.condition, alone.value, alone.every_days, alone.max_calls) == (
        "status",
        StatusKind.LIVING_ALONE,
        7,
        None,
    )
    assert (after.condition, after.every_days, after.max_calls, after.lookback_days) == ("incident", 1, 3, 14)
    assert outreach.ensure_rules() == 0  # loading again creates nothing


def test_calls_are_generated_once_per_person_and_weekly_slot(users, alone, make_person):
    make_person(age=70, name="不独居")  # not in any rule's population
    day = _sunday()
    first = outreach.generate(day)
    assert first.created == 1
    call = OutreachCall.objects.get()
    assert (call.person, call.rule.code, call.slot_start) == (
        alone,
        "living-alone-weekly",
        day - datetime.timedelta(days=6),
    )
    assert call.scheduled_for == day and timezone.localtime(call.due_at).hour == 17
    assert outreach.generate(day).created == 0  # the same day again
    assert outreach.generate(day - datetime.timedelta(days=1)).created == 0  # another day of the slot
    assert OutreachCall.objects.count() == 1
    assert outreach.generate(_sunday(1)).created == 1  # the next week is a new slot
    assert OutreachCall.objects.count() == 2


def test_a_weekly_call_falls_on_the_persons_day_of_the_week(users, make_person):
    people = [make_person(age=80, name=f"独居{i}") for i in range(7)]
    for p in people:
        add_status(p, StatusKind.LIVING_ALONE)
    monday = _sunday() - datetime.timedelta(days=6)
    made = [outreach.generate(monday + datetime.timedelta(days=d)).created for d in range(7)]
    assert made == [sum(1 for p in people if p.pk % 7 == d) for d in range(7)]
    for call in OutreachCall.objects.all():
        assert (call.scheduled_for - monday).days == call.person_id % 7


def test_after_an_incident_daily_calls_for_three_days_only(users, make_person):
    person = make_person(age=78, name="报警过")
    services.incident_open_by_phone(actor=users["operator"], person=person, note="来电")
    today = timezone.localdate()
    created = [outreach.generate(today + datetime.timedelta(days=d)).created for d in range(1, 6)]
    assert created == [1, 1, 1, 0, 0]
    assert outreach.generate(today + datetime.timedelta(days=2)).created == 0  # re-run: nothing new
    days = sorted(
        OutreachCall.objects.filter(rule__code="after-incident-daily").values_list("scheduled_for", flat=True)
    )
    assert days == [today + datetime.timedelta(days=d) for d in (1, 2, 3)]


def test_calls_are_shared_evenly_between_the_operators_of_the_region(users, make_person):
    second = make_user("operator2", Role.OPERATOR, "339901000000")
    outsider = make_user("operator_b", Role.OPERATOR, "339902000000")
    for i in range(6):
        add_status(make_person(age=80, name=f"独居{i}"), StatusKind.LIVING_ALONE)
    add_status(make_person(age=80, name="西山独居", region_code=COMMUNITY_B), StatusKind.LIVING_ALONE)
    day = _sunday()
    done = outreach.generate(day)
    assert (done.created, done.assigned) == (7, 7)
    load = {u: OutreachCall.objects.filter(assignee=u).count() for u in (users["operator"], second, outsider)}
    assert load == {users["operator"]: 3, second: 3, outsider: 1}
    assert OutreachCall.objects.get(assignee=outsider).region_code == COMMUNITY_B
    assert outreach.generate(day).assigned == 0  # nothing moves on a second run


def _call(person, day=None):
    rule = _weekly()
    day = day or timezone.localdate()
    return OutreachCall.objects.create(
        rule=rule,
        person=person,
        region_code=person.region_code,
        slot_start=outreach.slot_start(day, 7),
        scheduled_for=day,
        due_at=outreach.due_at(day, rule.due_hour),
    )


def test_no_answer_is_retried_then_ends_as_a_community_visit(users, alone):
    call = _call(alone)
    op = users["operator"]
    now = timezone.now()
    a1 = services.outreach_record(
        actor=op, call_id=call.pk, result="no_answer", idempotency_key="k1", now=now
    )
    call.refresh_from_db()
    assert (a1.number, call.state, call.attempts) == (1, OutreachState.RETRY, 1)
    assert call.next_attempt_at == now + datetime.timedelta(minutes=120)
    assert call.assignee == op  # an unassigned call is the operator's once they call
    services.outreach_record(actor=op, call_id=call.pk, result="no_answer", idempotency_key="k2")
    assert not VisitPlan.objects.filter(person=alone).exists()
    services.outreach_record(actor=op, call_id=call.pk, result="no_answer", idempotency_key="k3", note="关机")
    call.refresh_from_db()
    assert (call.state, call.attempts, call.next_attempt_at) == (OutreachState.VISIT, 3, None)
    plan = VisitPlan.objects.get(person=alone)
    assert call.visit_plan_id == plan.pk
    assert plan.status == PlanStatus.PLANNED
    assert plan.period_end <= timezone.localdate() + datetime.timedelta(days=1)
    assert plan.assignee == users["community"]  # the community worker of the person's community
    assert "无人接听" in plan.reasons
    assert (
        AuditEvent.objects.filter(action=AuditAction.CAREVISITS_VISIT_REQUEST, object_id=str(plan.pk)).count()
        == 1
    )
    with pytest.raises(Conflict):
        services.outreach_record(actor=op, call_id=call.pk, result="no_answer", idempotency_key="k4")
    assert VisitPlan.objects.filter(person=alone).count() == 1


def test_an_open_visit_plan_is_brought_forward_not_doubled(users, alone):
    today = timezone.localdate()
    planned = VisitPlan.objects.create(
        person=alone,
        region_code=alone.region_code,
        period_start=today - datetime.timedelta(days=3),
        period_end=today + datetime.timedelta(days=20),
        frequency="monthly",
        reasons="独居",
    )
    rule = _weekly()
    rule.max_attempts = 1
    rule.save()
    call = _call(alone)
    services.outreach_record(
        actor=users["operator"], call_id=call.pk, result="no_answer", idempotency_key="x"
    )
    planned.refresh_from_db()
    call.refresh_from_db()
    assert call.visit_plan_id == planned.pk
    assert planned.period_end == today + datetime.timedelta(days=1)
    assert VisitPlan.objects.filter(person=alone).count() == 1


def test_a_double_submit_is_one_attempt(users, alone):
    call = _call(alone)
    op = users["operator"]
    first = services.outreach_record(
        actor=op, call_id=call.pk, result="well", idempotency_key="same", note="挺好"
    )
    again = services.outreach_record(
        actor=op, call_id=call.pk, result="well", idempotency_key="same", note="挺好"
    )
    assert again.pk == first.pk
    assert OutreachAttempt.objects.count() == 1
    call.refresh_from_db()
    assert (call.state, call.attempts) == (OutreachState.WELL, 1)
    assert AuditEvent.objects.filter(action=AuditAction.ALARMS_OUTREACH_RECORD).count() == 1
    with pytest.raises(Conflict) as refused:  # recorded twice with a fresh key: said so, not stored
        services.outreach_record(actor=op, call_id=call.pk, result="well", idempotency_key="other")
    assert "平安" in str(refused.value.message)
    other = _call(alone, timezone.localdate() + datetime.timedelta(days=7))
    with pytest.raises(Conflict):  # one key is one attempt of one call
        services.outreach_record(actor=op, call_id=other.pk, result="well", idempotency_key="same")
    assert OutreachAttempt.objects.count() == 1


def test_bad_input_names_the_field(users, alone):
    call = _call(alone)
    op = users["operator"]
    for kwargs, field in [
        ({"result": "maybe", "idempotency_key": "a"}, "result"),
        ({"result": "well", "idempotency_key": ""}, "idempotency_key"),
        ({"result": "service", "idempotency_key": "b", "service_item": "NOPE"}, "service_item"),
    ]:
        with pytest.raises(InvalidInput) as bad:
            services.outreach_record(actor=op, call_id=call.pk, **kwargs)
        assert bad.value.field == field
    assert OutreachAttempt.objects.count() == 0
    with pytest.raises(NotFound):
        services.outreach_record(actor=op, call_id=999999, result="well", idempotency_key="c")


def test_an_operator_of_another_district_may_not_record(users, alone):
    outsider = make_user("operator_b", Role.OPERATOR, "339902000000")
    call = _call(alone)
    with pytest.raises(NotFound):
        services.outreach_record(actor=outsider, call_id=call.pk, result="well", idempotency_key="o")
    assert OutreachAttempt.objects.count() == 0


def test_the_on_time_rate_matches_a_count_by_hand(users, make_person):
    today = timezone.localdate()
    now = timezone.now()
    rule = _weekly()

    def made(region, day, tried_after_due_minutes=None):
        p = make_person(age=80, region_code=region)
        due = outreach.due_at(day, rule.due_hour)
        tried = (
            None
            if tried_after_due_minutes is None
            else due + datetime.timedelta(minutes=tried_after_due_minutes)
        )
        return OutreachCall.objects.create(
            rule=rule,
            person=p,
            region_code=region,
            slot_start=outreach.slot_start(day, 7),
            scheduled_for=day,
            due_at=due,
            first_attempt_at=tried,
            attempts=0 if tried is None else 1,
        )

    past = today - datetime.timedelta(days=1) if today.day > 1 else today
    a = "339901001001"
    made(a, past, -60)  # on time
    made(a, past, 0)  # on time (at the due minute)
    made(a, past, 30)  # late
    made(a, past)  # never tried, past due: late
    made(a, today + datetime.timedelta(days=40))  # next month: not counted
    made(COMMUNITY_B, past, -5)  # 西山区, on time
    made(a, today, -300)  # tried early today, before its due time: counts, on time
    rows = selectors.outreach_on_time(user=users["admin"], month=today, now=now)
    by_region = {r.region: (r.due, r.on_time, r.rate) for r in rows}
    assert by_region["东湖区"] == (5, 3, 60.0)
    assert by_region["西山区"] == (1, 1, 100.0)
    assert by_region[""] == (6, 4, round(400 / 6, 1))
    # a district official sees their own district only
    own = selectors.outreach_on_time(user=users["district"], month=today, now=now)
    assert [(r.region, r.due, r.on_time) for r in own] == [("东湖区", 5, 3), ("", 5, 3)]


def test_generation_by_a_supervisor_is_their_regions_only_and_audited(users, alone, make_person):
    add_status(make_person(age=80, name="西山独居", region_code=COMMUNITY_B), StatusKind.LIVING_ALONE)
    done = services.outreach_generate(actor=users["district"], day=_sunday())
    assert done.created == 1
    assert OutreachCall.objects.get().person == alone
    assert AuditEvent.objects.filter(action=AuditAction.ALARMS_OUTREACH_GENERATE).count() == 1
    with pytest.raises(Forbidden):
        services.outreach_generate(actor=users["operator"], day=_sunday())


def test_the_demo_has_rules_a_worklist_for_today_and_outcomes(users, make_person):
    import io
    import random

    from carecircle.alarms import demo_outreach
    from carecircle.core.demo import City

    for i in range(30):
        add_status(make_person(age=70 + i % 20, name=f"独居{i}"), StatusKind.LIVING_ALONE)
    out = io.StringIO()
    city = City(seed=1, scale=0.001, today=timezone.localdate(), rng=random.Random(1), out=out)
    demo_outreach.generate(city)
    today = timezone.localdate()
    assert OutreachCall.objects.filter(scheduled_for=today, state=OutreachState.PENDING).exists()
    past = OutreachCall.objects.filter(scheduled_for__lt=today)
    assert past.exists() and not past.filter(state__in=["pending", "retry"]).exists()
    visits = past.filter(state=OutreachState.VISIT)
    assert visits.exists() and all(c.visit_plan_id for c in visits)
    assert all(c.attempts == c.rule.max_attempts for c in visits)
    assert OutreachAttempt.objects.filter(call__scheduled_for=today).exists()  # some called already
    total = selectors.outreach_on_time(user=users["admin"], month=today)[-1]
    assert total.due > 0 and total.rate is not None
    assert "主动关怀电话" in out.getvalue()


def test_a_rule_on_a_population_group_reads_the_registrys_definition(users, make_person):
    from django.core.exceptions import ValidationError

    OutreachRule.objects.update(active=False)
    rule = OutreachRule(
        code="senior80-monthly",
        name="高龄老人每月问候",
        condition="group",
        value="senior80",
        every_days=30,
        script="您好，{name}",
    )
    rule.full_clean()
    rule.save()
    old, young = make_person(age=85, name="高龄"), make_person(age=70, name="低龄")
    day = outreach.slot_start(timezone.localdate(), 30) + datetime.timedelta(days=29)
    assert outreach.generate(day).created == 1
    assert OutreachCall.objects.get().person == old
    assert not OutreachCall.objects.filter(person=young).exists()
    for condition, value in [("group", "nobody"), ("status", "rich"), ("incident", "living_alone")]:
        bad = OutreachRule(
            code=f"bad-{condition}", name="坏规则", condition=condition, value=value, script="您好"
        )
        with pytest.raises(ValidationError) as refused:
            bad.full_clean()
        assert "value" in refused.value.message_dict
