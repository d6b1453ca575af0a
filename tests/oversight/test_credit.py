"""Credit (issue #20 item 5): the published method (CMS-style inspection weights, decay by age,
clipping, grade thresholds), events collected once, grades moving as events arrive, the page's
contributions adding up to the score, penalties entered by officials, and 信用修复 decided by a
second official — never by the requester."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.oversight import credit, services
from carecircle.oversight.models import (
    CorrectionState,
    CreditCorrection,
    CreditEvent,
    CreditRankWeight,
    CreditRule,
    CreditScore,
    Penalty,
    Unit,
)
from carecircle.oversight.selectors_credit import credit_sheet
from tests.oversight.credit_factories import event, provider_unit
from tests.oversight.factories import make_finding, make_unit

pytestmark = pytest.mark.django_db
D = Decimal


def fact(i, kind, on, points):
    return credit.Fact(i, kind, on, D(points))


def test_the_latest_three_inspections_weigh_half_a_third_and_a_sixth():
    m = credit.method()
    today = datetime.date(2026, 3, 31)
    facts = [
        fact(1, "inspection", datetime.date(2026, 3, 1), "-12"),  # latest: 1/2
        fact(2, "inspection", datetime.date(2025, 3, 1), "-12"),  # 1/3
        fact(3, "inspection", datetime.date(2024, 3, 1), "-12"),  # 1/6
        fact(4, "inspection", datetime.date(2023, 3, 1), "-12"),  # fourth: nothing
    ]
    result = credit.score(facts, m, today)
    weights = {r.event_id: r.weight for r in result.reasons}
    assert weights == {1: D("0.5"), 2: D("0.3333"), 3: D("0.1667"), 4: D(0)}
    assert result.score == D(100) - D("6") - D("4.00") - D("2.00")  # -12 × (1/2 + 1/3 + 1/6)
    assert result.grade == "B"  # 88


def test_other_events_decay_with_age_and_the_reasons_add_up_even_when_clipped():
    m = credit.method()
    today = datetime.date(2026, 3, 31)
    facts = [
        fact(1, "penalty", datetime.date(2026, 1, 5), "-20"),  # within 12 months: full
        fact(2, "penalty", datetime.date(2025, 1, 5), "-20"),  # within 24: half
        fact(3, "penalty", datetime.date(2023, 6, 5), "-20"),  # within 36: a quarter
        fact(4, "penalty", datetime.date(2022, 1, 5), "-20"),  # older: nothing
    ]
    result = credit.score(facts, m, today)
    assert [r.contribution for r in result.reasons] == [D("-20.00"), D("-10.00"), D("-5.00"), D("0.00")]
    assert result.score == D(65) and result.grade == "C"
    many = [fact(i, "penalty", datetime.date(2026, 3, 1), "-20") for i in range(1, 8)]
    clipped = credit.score(many, m, today)
    assert clipped.score == 0 and clipped.grade == "D"
    assert clipped.reasons[-1].event_id == credit.CLIP
    assert credit.BASE + sum(r.contribution for r in clipped.reasons) == clipped.score


def test_the_method_is_data_an_official_edits():
    CreditRankWeight.objects.filter(rank=1).update(weight=D("1"))
    CreditRule.objects.filter(kind="inspection").update(points=D("-10"))
    m = credit.method()
    result = credit.score(
        [fact(1, "inspection", datetime.date(2026, 3, 1), "-10")], m, datetime.date(2026, 3, 31)
    )
    assert result.score == 90
    assert m.grade(D("89.99")) == "B" and m.grade(D("75")) == "B" and m.grade(D("59.99")) == "D"


def _page_sum(html):
    cells = re.findall(r'<td class="contribution">([-\d.]+)</td>', html)
    return sum(D(c) for c in cells)


def test_credit_changes_as_events_arrive_and_the_page_adds_up(users, client_for):
    unit, _admin = provider_unit(users)
    district = client_for(users["district"])
    url = reverse("oversight:credit_unit", args=[unit.pk])
    today = timezone.localdate()
    grades = []
    for n in (1, 2):
        sent = {
            "decision_no": f"东民罚〔2026〕{n}号",
            "decided_on": today.isoformat(),
            "authority": "东湖区民政局",
            "fine": "5000",
            "text": "未按规定配备护理员",
        }
        assert district.post(reverse("oversight:credit_penalty", args=[unit.pk]), sent).status_code == 302
        unit.refresh_from_db()
        grades.append((unit.credit_grade, CreditScore.objects.get(unit=unit).score))
    assert grades == [("B", D(80)), ("C", D(60))]
    page = district.get(url).content.decode()
    assert "未按规定配备护理员" in page and "东湖区民政局" in page
    assert _page_sum(page) == D(60)
    sheet = credit_sheet(unit)
    assert credit.BASE + sum(line.contribution for line in sheet.lines) == sheet.score == D(60)
    # the same decision again: refused, naming the field, nothing saved
    again = district.post(reverse("oversight:credit_penalty", args=[unit.pk]), {**sent})
    assert again.status_code == 422 and "文号已登记" in again.content.decode()
    missing = district.post(reverse("oversight:credit_penalty", args=[unit.pk]), {**sent, "decision_no": ""})
    assert missing.status_code == 422 and "请填写处罚决定书文号" in missing.content.decode()
    assert Penalty.objects.filter(unit=unit).count() == 2
    assert CreditEvent.objects.filter(unit=unit).count() == 2


def test_an_inspection_and_its_rectification_move_credit_once(users):
    ctx = SimpleNamespace(users=users)
    finding = make_finding(ctx, answered=True)  # confirmed inspection: one failed item
    unit = finding.unit
    inspection_event = CreditEvent.objects.get(unit=unit, kind="inspection")
    assert inspection_event.points == D("-4") and "不合格 1 项" in inspection_event.text
    assert CreditScore.objects.get(unit=unit).score == D(98)  # -4 × 1/2
    services.finding_decide(actor=users["inspector"], finding=finding, accepted=True)
    assert CreditEvent.objects.get(unit=unit, kind="rectify_on_time").points == D(1)
    assert CreditScore.objects.get(unit=unit).score == D(99)
    before = CreditEvent.objects.count()
    assert sum(services.credit_collect().values()) == 0  # collecting again adds nothing
    assert services.credit_recompute() == services.credit_recompute()  # idempotent
    assert CreditEvent.objects.count() == before
    unit.refresh_from_db()
    assert unit.credit_grade == "A"


def test_an_overdue_finding_counts_as_late(users):
    finding = make_finding(SimpleNamespace(users=users))
    type(finding).objects.filter(pk=finding.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert services.credit_collect()["rectify_late"] == 1
    assert services.credit_collect().get("rectify_late", 0) == 0
    services.credit_recompute()
    assert CreditScore.objects.get(unit=finding.unit).score == D(95)  # -2 inspection, -3 late


def test_the_unit_page_is_in_scope(users, client_for):
    unit, admin = provider_unit(users)
    url = reverse("oversight:credit_unit", args=[unit.pk])
    assert client_for(users["district_b"]).get(url).status_code == 404
    assert client_for(users["inspector"]).get(url).status_code == 200
    assert client_for(admin).get(url).status_code == 200
    other, _ = provider_unit(users)
    assert client_for(admin).get(reverse("oversight:credit_unit", args=[other.pk])).status_code == 404
    # a unit's admin may not enter penalties
    refused = client_for(admin).post(
        reverse("oversight:credit_penalty", args=[unit.pk]),
        {"decision_no": "X1", "decided_on": "2026-03-01", "authority": "局", "text": "x"},
    )
    assert refused.status_code == 403 and not Penalty.objects.exists()


def test_credit_repair_needs_a_second_official(users, client_for):
    unit, admin = provider_unit(users)
    bad = event(unit, kind="penalty", points="-20", on=timezone.localdate())
    services.credit_recompute(unit_ids=[unit.pk])
    unit.refresh_from_db()
    assert unit.credit_grade == "B"
    c = client_for(admin)
    empty = c.post(
        reverse("oversight:credit_event_correct", args=[bad.pk]), {"action": "remove", "reason": ""}
    )
    assert empty.status_code == 422 and "请写明申请理由" in empty.content.decode()
    sent = {"action": "remove", "reason": "处罚决定已被行政复议撤销"}
    assert c.post(reverse("oversight:credit_event_correct", args=[bad.pk]), sent).status_code == 302
    correction = CreditCorrection.objects.get(event=bad)
    twice = c.post(reverse("oversight:credit_event_correct", args=[bad.pk]), sent)
    assert twice.status_code == 409 and CreditCorrection.objects.count() == 1
    # the requester also holds an official's role over the district: still may not approve it
    RoleGrant.objects.create(user=admin, role=Role.DISTRICT_OFFICIAL, region_id="339901000000")
    from carecircle.core import scope

    scope.forget(admin)
    own = client_for(admin).post(
        reverse("oversight:credit_correction_decide", args=[correction.pk]), {"approved": "1"}
    )
    assert own.status_code == 403 and "不能审核自己提交的申请" in own.content.decode()
    correction.refresh_from_db()
    assert correction.state == CorrectionState.PENDING
    # an official of another district: not theirs
    outsider = client_for(users["district_b"]).post(
        reverse("oversight:credit_correction_decide", args=[correction.pk]), {"approved": "1"}
    )
    assert outsider.status_code == 404
    ok = client_for(users["district"]).post(
        reverse("oversight:credit_correction_decide", args=[correction.pk]), {"approved": "1"}
    )
    assert ok.status_code == 302
    bad.refresh_from_db()
    unit.refresh_from_db()
    assert bad.voided and unit.credit_grade == "A"  # kept, marked, and no longer counted
    assert CreditScore.objects.get(unit=unit).score == 100
    page = (
        client_for(users["district"]).get(reverse("oversight:credit_unit", args=[unit.pk])).content.decode()
    )
    assert "经信用修复撤销" in page


def test_a_correction_of_points_only_lightens_and_a_refusal_needs_a_reason(users):
    unit, admin = provider_unit(users)
    bad = event(unit, kind="complaint", points="-5", on=timezone.localdate())
    from carecircle.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as e:
        services.correction_request(
            actor=admin, event=bad, action="correct", reason="核实有误", new_points=D("-8")
        )
    assert e.value.field == "new_points"
    corr = services.correction_request(
        actor=admin, event=bad, action="correct", reason="核实有误", new_points=D("-1")
    )
    with pytest.raises(InvalidInput):
        services.correction_decide(actor=users["district"], correction=corr, approved=False, note="")
    services.correction_decide(actor=users["district"], correction=corr, approved=True)
    bad.refresh_from_db()
    assert bad.points == D(-1) and bad.original_points == D(-5) and not bad.voided
    assert CreditScore.objects.get(unit=unit).score == D(99)


def test_corrections_list_is_on_the_list_component(users, client_for):
    unit, admin = provider_unit(users)
    services.correction_request(actor=admin, event=event(unit), action="remove", reason="重复记录")
    c = client_for(users["district"])
    page = c.get(reverse("oversight:credit_corrections"))
    assert page.status_code == 200 and unit.name in page.content.decode()
    assert c.get(reverse("oversight:credit_corrections"), {"state": "nonsense"}).status_code == 422
    assert client_for(admin).get(reverse("oversight:credit_corrections")).status_code == 200
    outsider = client_for(users["district_b"]).get(reverse("oversight:credit_corrections"))
    assert unit.name not in outsider.content.decode()


def test_recompute_grades_every_unit_in_one_pass(django_assert_max_num_queries):
    units = [make_unit(grade="B") for _ in range(30)]
    for u in units[:10]:
        event(u, kind="penalty", points="-30", on=timezone.localdate())
    with django_assert_max_num_queries(12):
        services.credit_recompute()
    grades = dict(Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("pk", "credit_grade"))
    assert [grades[u.pk] for u in units] == ["C"] * 10 + ["A"] * 20


def test_home_care_complaints_and_confirmed_visit_exceptions_become_events(users, make_person):
    from carecircle.homecare.models import Complaint, Order, ServiceItem, Visit, VisitException
    from carecircle.workforce.models import Caregiver

    unit, _admin = provider_unit(users)
    person = make_person()
    item = ServiceItem.objects.first()
    caregiver = Caregiver.objects.create(
        organisation_id=unit.source_id,
        region_code=unit.region_code,
        name="王护理",
        employed_from=datetime.date(2025, 1, 1),
    )
    assert item is not None
    now = timezone.now()
    orders = [
        Order.objects.create(
            region_code=person.region_code,
            person=person,
            item=item,
            provider_id=unit.source_id,
            window_start=now,
            window_end=now + datetime.timedelta(hours=1),
            address="桂花苑1幢",
            address_masked="桂花苑****",
            channel="phone",
            price=D("40"),
            status="completed",
            idempotency_key=f"credit-{n}",
        )  # fmt: skip
        for n in range(2)
    ]
    Complaint.objects.create(
        order=orders[0], region_code=person.region_code, provider_id=unit.source_id,
        street_code="339901001000", text="迟到一小时", deadline=now,
    )  # fmt: skip
    visit = Visit.objects.create(order=orders[1], region_code=person.region_code, caregiver=caregiver)
    VisitException.objects.create(visit=visit, region_code=person.region_code, kind="short", status="rejected", reviewed_at=now)  # fmt: skip
    VisitException.objects.create(visit=visit, region_code=person.region_code, kind="far", status="accepted", reviewed_at=now)  # fmt: skip
    added = services.credit_collect()
    assert added == {"complaint": 1, "visit_exception": 1}
    assert sum(services.credit_collect().values()) == 0  # once per source
    services.credit_recompute()
    assert CreditScore.objects.get(unit=unit).score == D("98.50")  # -1 complaint, -0.5 exception
    assert "迟到一小时" in CreditEvent.objects.get(unit=unit, kind="complaint").text


def test_the_demo_records_penalties_and_grades_the_register(users):
    import io
    import random

    from carecircle.core.demo import City
    from carecircle.core.models import Region
    from carecircle.oversight.demo_credit import generate

    units = [make_unit(grade="D") for _ in range(4)]
    out = io.StringIO()
    city = City(seed=1, scale=0.01, today=timezone.localdate(), rng=random.Random(1), out=out)
    city.districts = [Region.objects.get(code="339901000000")]
    generate(city)
    assert Penalty.objects.count() == 3
    assert "行政处罚 3 条" in out.getvalue()
    grades = list(Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("credit_grade", flat=True))
    assert sorted(grades).count("B") == 3 and grades.count("A") == 1  # 100 − 20: B; untouched: A
