"""Early warnings (issue 20 item 6): rules as CEL data over the platform's signals; a warning is
raised once per rule, subject and month however often the check runs, reaches only its region's
inspectors, and is handled (dismissed with a reason, or marked for inspection) through the pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.core.models import AuditEvent
from carecircle.homecare.types import ProviderSignals
from carecircle.oversight import services
from carecircle.oversight import warnings as signals
from carecircle.oversight.models import EarlyWarning, UnitKind, WarningRule, WarningState
from carecircle.oversight.warnings import RuleError, check
from tests.conftest import COMMUNITY_A, COMMUNITY_B
from tests.oversight.factories import make_inspectors, make_unit

pytestmark = pytest.mark.django_db

NEVER = "超过12个月未检查"


def _recent():
    return timezone.localdate() - datetime.timedelta(days=30)


def test_the_default_rules_come_with_the_migration():
    names = set(WarningRule.objects.values_list("name", flat=True))
    assert set(signals.DEFAULT_RULES) <= names
    for rule in WarningRule.objects.all():
        check(rule.expression, rule.subject_kind)  # every default parses and answers true/false


def test_a_warning_is_raised_once_however_often_the_check_runs():
    stale = make_unit(
        COMMUNITY_A, name="久未检查养老院", last=timezone.localdate() - datetime.timedelta(days=500)
    )
    never = make_unit(COMMUNITY_B, name="从未检查养老院")
    fresh = make_unit(COMMUNITY_A, name="刚检查养老院", last=_recent())
    first = services.warnings_raise()
    assert first >= 2
    raised = EarlyWarning.objects.filter(rule__name=NEVER)
    assert set(raised.values_list("unit_id", flat=True)) >= {stale.pk, never.pk}
    assert not raised.filter(unit=fresh).exists()
    w = raised.get(unit=stale)
    assert w.region_code == COMMUNITY_A and w.period == timezone.localdate().strftime("%Y-%m")
    assert w.deadline == timezone.localdate() + datetime.timedelta(days=30)
    assert w.signals["months_since_inspection"] >= 16
    assert services.warnings_raise() == 0
    assert services.warnings_raise() == 0
    assert EarlyWarning.objects.filter(rule__name=NEVER, unit=stale).count() == 1


def test_a_dismissed_warning_is_not_raised_again_the_same_month(users):
    unit = make_unit(COMMUNITY_A)
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name=NEVER, unit=unit)
    services.warning_dismiss(actor=users["inspector"], warning=w, reason="新设机构，已列入下季度计划")
    assert services.warnings_raise() == 0
    assert EarlyWarning.objects.get(pk=w.pk).state == WarningState.DISMISSED


def test_home_care_signals_feed_the_rules(monkeypatch):
    busy = make_unit(COMMUNITY_A, kind=UnitKind.HOMECARE, name="异常多的服务社", last=_recent())
    calm = make_unit(COMMUNITY_A, kind=UnitKind.HOMECARE, name="平稳的服务社", last=_recent())
    few = make_unit(COMMUNITY_A, kind=UnitKind.HOMECARE, name="单少的服务社", last=_recent())
    monkeypatch.setattr(
        "carecircle.homecare.selectors.warning_signals",
        lambda since: [  # noqa: ARG005
            ProviderSignals(busy.source_id, 40, 10, 4),
            ProviderSignals(calm.source_id, 40, 2, 0),
            ProviderSignals(few.source_id, 5, 4, 0),  # 80 % of too few visits to say anything
        ],
    )
    services.warnings_raise()
    hit = EarlyWarning.objects.filter(unit__in=[busy, calm, few])
    assert set(hit.values_list("rule__name", "unit_id")) == {
        ("上门服务异常率偏高", busy.pk),
        ("投诉集中", busy.pk),
    }
    assert hit.get(rule__name="上门服务异常率偏高").signals["visit_exception_rate"] == 0.25


def test_overdue_care_visits_raise_a_community_warning(make_person):
    from carecircle.carevisits.models import VisitPlan

    person = make_person(region_code=COMMUNITY_A)
    end = timezone.localdate() - datetime.timedelta(days=3)
    VisitPlan.objects.bulk_create(
        VisitPlan(
            person=person,
            region_code=COMMUNITY_A,
            period_start=end - datetime.timedelta(days=27 + i),
            period_end=end - datetime.timedelta(days=i),
            frequency="monthly",
            reasons="测试",
            status="planned",
        )
        for i in range(6)
    )
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name="探访逾期积压")
    assert (w.subject_kind, w.subject_key, w.region_code, w.unit_id) == (
        "community",
        COMMUNITY_A,
        COMMUNITY_A,
        None,
    )
    assert (
        w.signals == {"overdue_visits": 6, "paid_after_death": 0, "alarms_unanswered": 0}
        and w.subject_name != COMMUNITY_A
    )  # the community's name


def test_only_the_region_s_inspectors_see_and_handle_it(users, client_for):
    unit = make_unit(COMMUNITY_A, name="东湖区久未检查养老院")
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name=NEVER, unit=unit)
    (outsider,) = make_inspectors(1, region_code="339902000000", prefix="west")
    inside, outside = client_for(users["inspector"]), client_for(outsider)
    listing = reverse("oversight:warnings")
    assert "东湖区久未检查养老院" in inside.get(listing).content.decode()
    assert "东湖区久未检查养老院" not in outside.get(listing).content.decode()
    detail = reverse("oversight:warning_detail", args=[w.pk])
    assert outside.get(detail).status_code == 404
    assert outside.post(reverse("oversight:warning_dismiss", args=[w.pk]), {"reason": "x"}).status_code == 404
    page = inside.get(detail)
    assert page.status_code == 200 and "排除理由" in page.content.decode()
    assert (
        "排除理由" not in client_for(users["district"]).get(detail).content.decode()
    )  # no oversight.inspect


def test_dismissing_needs_a_reason_and_is_audited_once(users, client_for):
    unit = make_unit(COMMUNITY_A)
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name=NEVER, unit=unit)
    c = client_for(users["inspector"])
    url = reverse("oversight:warning_dismiss", args=[w.pk])
    empty = c.post(url, {"reason": " "})
    assert empty.status_code == 422 and "请填写排除理由" in empty.content.decode()
    assert c.post(url, {"reason": "已于上月联合检查"}).status_code == 302
    w.refresh_from_db()
    assert (w.state, w.note, w.handled_by) == (WarningState.DISMISSED, "已于上月联合检查", users["inspector"])
    assert AuditEvent.objects.filter(action="oversight.warning_dismiss", object_id=str(w.pk)).count() == 1
    assert c.post(url, {"reason": "again"}).status_code == 409
    assert c.post(reverse("oversight:warning_to_inspect", args=[w.pk]), {"note": "x"}).status_code == 409


def test_marking_for_inspection_keeps_the_note(users, client_for):
    unit = make_unit(COMMUNITY_A)
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name=NEVER, unit=unit)
    c = client_for(users["inspector"])
    r = c.post(reverse("oversight:warning_to_inspect", args=[w.pk]), {"note": "列入4月双随机必抽"})
    assert r.status_code == 302
    w.refresh_from_db()
    assert (w.state, w.note) == (WarningState.TO_INSPECT, "列入4月双随机必抽")


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("visits >", "CEL 语法错误"),
        ("beds > 3", "“beds”不是可用的指标"),
        ("visits > 0.5", "无法计算"),
        ("visits + 1", "结果必须是真/假"),
        ("", "不能为空"),
    ],
)
def test_a_bad_expression_is_refused_naming_the_field(expression, says):
    with pytest.raises(RuleError) as caught:
        check(expression, "unit")
    assert says in str(caught.value) and caught.value.field == "expression"


def test_the_rule_page_refuses_bad_cel_with_the_message_on_the_field(users, client_for):
    c = client_for(users["admin"])
    url = reverse("oversight:warning_rule_new")
    form = {
        "name": "新规则",
        "subject_kind": "unit",
        "expression": "complaints >= 2.5",
        "level": "low",
        "deadline_days": 10,
    }
    bad = c.post(url, form)
    assert bad.status_code == 422 and "无法计算" in bad.content.decode()
    assert not WarningRule.objects.filter(name="新规则").exists()
    assert c.post(url, {**form, "expression": "complaints >= 2"}).status_code == 302
    assert WarningRule.objects.get(name="新规则").expression == "complaints >= 2"
    assert client_for(users["district"]).post(url, {**form, "name": "区规则"}).status_code == 403


def test_a_new_rule_raises_on_the_next_run(users):
    unit = make_unit(COMMUNITY_A, name="信用D级机构", last=_recent(), grade="D")
    services.warnings_raise()
    services.warning_rule_save(
        actor=users["admin"], name="只在类别上", subject_kind="unit", expression='kind == "facility"', level="low",
        deadline_days=5,
    )  # fmt: skip
    assert services.warnings_raise() >= 1
    assert EarlyWarning.objects.filter(rule__name="只在类别上", unit=unit).exists()


def test_payments_to_a_person_recorded_as_dead_raise_a_community_warning(make_person, users):
    from carecircle.benefits.models import Batch, Fund, Payment, Programme
    from carecircle.registry.models import PersonStatus, StatusKind

    fund = Fund.objects.create(code="F_OLD", name="高龄津贴资金", region_code="339901000000")
    programme = Programme.objects.create(
        code="OLD", name="高龄津贴", fund=fund, region_code="339901000000", target_rule="age >= 80",
        payment_method="cash", valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    today = timezone.localdate()
    month = today.strftime("%Y-%m")
    dead, alive, late = (make_person(region_code=COMMUNITY_A) for _ in range(3))
    for person, died in (
        (dead, today.replace(day=1) - datetime.timedelta(days=20)),
        (late, today.replace(day=1)),
    ):
        PersonStatus.objects.create(
            person=person, region_code=COMMUNITY_A, kind=StatusKind.DECEASED, valid_from=died, source="民政"
        )
    batch = Batch.objects.create(programme=programme, month=month, region_code=COMMUNITY_A, state="paid")
    for person in (dead, alive, late):  # died during this month: the month is still due (not counted)
        Payment.objects.create(
            batch=batch, programme=programme, person=person, period=month, kind="regular", amount=100,
            region_code=COMMUNITY_A,
        )  # fmt: skip
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name="死亡人员仍在领取")
    assert (w.region_code, w.signals["paid_after_death"], w.level) == (COMMUNITY_A, 1, "high")


def test_certificates_ending_soon_and_unanswered_alarms_raise_warnings(make_person):
    from carecircle.alarms.models import Incident
    from carecircle.workforce.models import Caregiver, Certificate

    today = timezone.localdate()
    unit = make_unit(COMMUNITY_A, kind=UnitKind.HOMECARE, name="证书将到期的服务社", last=_recent())
    for i in range(3):
        cg = Caregiver.objects.create(
            organisation_id=unit.source_id,
            region_code=COMMUNITY_A,
            name=f"护理员{i}",
            employed_from=today.replace(year=today.year - 2),
        )
        Certificate.objects.create(
            caregiver=cg, region_code=COMMUNITY_A, kind="health", valid_from=today.replace(year=today.year - 1),
            valid_to=today + datetime.timedelta(days=10 + i),
        )  # fmt: skip
    now = timezone.now()
    person = make_person(region_code=COMMUNITY_B)
    for minutes, acked in ((60, False), (5, False), (90, True)):  # only the first is unanswered for long
        Incident.objects.create(
            person=person, region_code=COMMUNITY_B, source="phone", kind="fall", title="跌倒",
            opened_at=now - datetime.timedelta(minutes=minutes), acknowledged_at=now if acked else None,
        )  # fmt: skip
    services.warnings_raise()
    cert = EarlyWarning.objects.get(rule__name="护理员证书集中到期")
    assert (cert.unit_id, cert.signals["certificates_expiring"]) == (unit.pk, 3)
    alarm = EarlyWarning.objects.get(rule__name="警情无人响应")
    assert (alarm.region_code, alarm.signals["alarms_unanswered"]) == (COMMUNITY_B, 1)


def test_the_database_refuses_a_second_warning_for_the_same_rule_subject_and_month():
    from django.db import IntegrityError, transaction

    unit = make_unit(COMMUNITY_A)
    services.warnings_raise()
    w = EarlyWarning.objects.get(rule__name=NEVER, unit=unit)
    w.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        w.save()


def test_home_care_s_own_figures_per_provider(users, make_person):
    """homecare.selectors.warning_signals on real rows: a visit checked in, an open exception (an
    accepted one is explained, not counted), a complaint; nothing before the window."""
    from types import SimpleNamespace

    from carecircle.homecare.models import Complaint, ExceptionKind, Visit, VisitException
    from carecircle.homecare.selectors import warning_signals
    from carecircle.workforce.services import caregiver_create
    from tests.homecare.scope_factories import _order

    order = _order(SimpleNamespace(users=users, person=make_person(region_code=COMMUNITY_A)))
    carer = caregiver_create(
        actor=users["admin"], organisation_id=order.provider_id, region_code=COMMUNITY_A, name="李护理",
        employed_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    now = timezone.now()
    visit = Visit.objects.create(order=order, region_code=order.region_code, caregiver=carer, check_in_at=now)
    VisitException.objects.create(visit=visit, region_code=order.region_code, kind=ExceptionKind.SHORT)
    VisitException.objects.create(
        visit=visit,
        region_code=order.region_code,
        kind=ExceptionKind.FAR,
        status=VisitException.Status.ACCEPTED,
    )
    Complaint.objects.create(
        order=order, region_code=order.region_code, provider_id=order.provider_id, street_code="339901001000",
        text="迟到", deadline=now + datetime.timedelta(days=3), by=users["resident"],
    )  # fmt: skip
    today = timezone.localdate()
    (row,) = [
        r
        for r in warning_signals(since=today - datetime.timedelta(days=30))
        if r.provider_id == order.provider_id
    ]
    assert (row.visits, row.exceptions, row.complaints) == (1, 1, 1)
    later = [
        r
        for r in warning_signals(since=today + datetime.timedelta(days=1))
        if r.provider_id == order.provider_id
    ]
    assert later == []
