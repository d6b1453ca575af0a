"""The LTC assessment process: application, acceptance or refusal, two assessors, notice with an
objection window, re-assessment by others, delivery, validity — with the city's periods and fees
(a table the test fills, as a city does from its rules)."""

import copy
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from carecircle.careathome import selectors, services
from carecircle.careathome.models.ltc import LtcAssessment, LtcAssessorRecord, LtcStatus, RefusalReason
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.months import add_months
from tests.careathome.ltc_table import TABLE, answers
from tests.conftest import make_user

CITY = "339900000000"
RULES = {
    "source": "测试用时限与费用（由测试填写）",
    "accept_days": 5,
    "assess_days": 10,
    "notice_days": 7,
    "validity_months": 24,
    "repeat_months": 12,
    "fee_first": Decimal("200.00"),
    "fee_objection": Decimal("150.00"),
    "capability_map": {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 4},
}


@pytest.fixture
def city_tables(users):
    services.ltc_scale_load(actor=users["admin"], region_code=CITY, **copy.deepcopy(TABLE))
    services.ltc_rules_load(actor=users["admin"], region_code=CITY, **RULES)


@pytest.fixture
def assessors(users):
    from carecircle.core.roles import Role

    return {
        "a": users["community"],
        "b": users["street"],
        "c": make_user("assessor_c", Role.COMMUNITY_WORKER, "339901001001"),
        "d": make_user("assessor_d", Role.STREET_WORKER, "339901001000"),
    }


def _travel(days: int):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=True)


def _apply(users, person):
    return services.ltc_apply(
        actor=users["community"], person=person, applicant_kind="worker", applicant_name="王社工"
    )


def test_nothing_runs_before_the_city_enters_its_periods_and_fees(users, make_person):
    with pytest.raises(Conflict) as exc:
        _apply(users, make_person())
    assert "尚未录入长期护理失能等级评估的时限与费用" in str(exc.value.message)


def test_the_whole_process_with_an_objection(users, assessors, make_person, city_tables):
    person = make_person()
    a = _apply(users, person)
    assert (a.status, a.fee, a.applicant_name) == (LtcStatus.APPLIED, Decimal("200.00"), "王社工")
    with pytest.raises(Conflict):  # one open application per person
        _apply(users, person)
    a = services.ltc_accept(actor=users["district"], assessment=a)
    assert a.assess_by == a.decided_on + datetime.timedelta(days=10)

    services.ltc_record(actor=assessors["a"], assessment=a, answers=answers(60, 8, 6))
    with pytest.raises(Conflict):  # the same assessor twice
        services.ltc_record(actor=assessors["a"], assessment=a, answers=answers(60, 8, 6))
    with pytest.raises(Conflict) as exc:  # a different level: the two reconcile first
        services.ltc_record(actor=assessors["b"], assessment=a, answers=answers(40, 8, 6))
    assert "不一致" in str(exc.value.message)
    a = services.ltc_record(actor=assessors["b"], assessment=a, answers=answers(60, 7, 6))
    assert (a.status, a.level, a.round) == (LtcStatus.NOTICE, 2, 1)
    assert a.notice_until == a.concluded_on + datetime.timedelta(days=7)

    with pytest.raises(Conflict) as exc:  # delivery waits for the notice to end
        services.ltc_deliver(actor=users["district"], assessment=a)
    assert "公示期至" in str(exc.value.message)

    with _travel(3):
        a = services.ltc_object(actor=users["community"], assessment=a, note="家属认为等级偏低")
    assert (a.status, a.round, a.fee, a.level) == (LtcStatus.REVIEW, 2, Decimal("350.00"), None)
    with pytest.raises(Forbidden) as exc2:  # re-assessment by others
        services.ltc_record(actor=assessors["b"], assessment=a, answers=answers(40, 8, 6))
    assert "未参加首次评估" in str(exc2.value.message)
    services.ltc_record(actor=assessors["c"], assessment=a, answers=answers(40, 8, 6))
    a = services.ltc_record(actor=assessors["d"], assessment=a, answers=answers(40, 8, 6))
    assert (a.status, a.level) == (LtcStatus.NOTICE, 3)
    with pytest.raises(Conflict) as exc:
        services.ltc_object(actor=users["community"], assessment=a, note="再次异议")
    assert "复评结论为最终结论" in str(exc.value.message)

    with _travel(8):
        a = services.ltc_deliver(actor=users["district"], assessment=a)
        assert a.status == LtcStatus.DELIVERED
        assert a.valid_until == add_months(a.delivered_on, 24) - datetime.timedelta(days=1)
        assert selectors.ltc_current_level(person.pk) == 3
        assert selectors.ltc_capability_level(person.pk, person.region_code) == 3
        with pytest.raises(Conflict) as exc:  # not assessed twice in a year for the same purpose
            _apply(users, person)
        assert "前不重复评估" in str(exc.value.message)
    assert LtcAssessorRecord.objects.filter(assessment=a).count() == 4


def test_an_objection_after_its_window_is_refused(users, assessors, make_person, city_tables):
    a = _apply(users, make_person())
    a = services.ltc_accept(actor=users["district"], assessment=a)
    services.ltc_record(actor=assessors["a"], assessment=a, answers=answers())
    a = services.ltc_record(actor=assessors["b"], assessment=a, answers=answers())
    with _travel(8):
        with pytest.raises(Conflict) as exc:
            services.ltc_object(actor=users["community"], assessment=a, note="不服")
        assert "异议期已于" in str(exc.value.message) and exc.value.field == "note"
    a.refresh_from_db()
    assert (a.status, a.round) == (LtcStatus.NOTICE, 1)


def test_refusal_needs_a_reason(users, make_person, city_tables):
    a = _apply(users, make_person())
    with pytest.raises(InvalidInput):
        services.ltc_refuse(actor=users["district"], assessment=a, reason="")
    with pytest.raises(InvalidInput) as exc:
        services.ltc_refuse(actor=users["district"], assessment=a, reason=RefusalReason.OTHER)
    assert exc.value.field == "note"
    a = services.ltc_refuse(actor=users["district"], assessment=a, reason=RefusalReason.NOT_INSURED)
    assert (a.status, a.get_refusal_reason_display()) == (LtcStatus.REFUSED, "未参加长期护理保险")
    with pytest.raises(Conflict):
        services.ltc_accept(actor=users["district"], assessment=a)


def test_a_bad_record_saves_nothing(users, assessors, make_person, city_tables):
    a = services.ltc_accept(actor=users["district"], assessment=_apply(users, make_person()))
    bad = answers()
    bad.pop("A2")
    with pytest.raises(InvalidInput) as exc:
        services.ltc_record(actor=assessors["a"], assessment=a, answers=bad)
    assert "「穿衣」(A2)未作答" in str(exc.value.message)
    assert not LtcAssessorRecord.objects.exists()


def test_scope_both_sides(users, make_person, city_tables):
    from tests.conftest import COMMUNITY_B

    mine = _apply(users, make_person())
    theirs = services.ltc_apply(
        actor=users["community_b"],
        person=make_person(region_code=COMMUNITY_B),
        applicant_kind="family",
        applicant_name="李家属",
    )
    with pytest.raises((Forbidden, NotFound)):
        services.ltc_apply(
            actor=users["community_b"], person=make_person(), applicant_kind="self", applicant_name="本人"
        )
    with pytest.raises((Forbidden, NotFound)):
        services.ltc_accept(actor=users["district_b"], assessment=mine)
    with pytest.raises((Forbidden, NotFound)):
        services.ltc_accept(actor=users["community"], assessment=mine)  # applies, does not decide
    assert services.ltc_accept(actor=users["district_b"], assessment=theirs).status == LtcStatus.ACCEPTED
    seen = set(selectors.ltc_assessment_list(user=users["district"]).values_list("pk", flat=True))
    assert seen == {mine.pk}
    with pytest.raises(NotFound):
        selectors.ltc_assessment_get(user=users["district"], assessment_id=theirs.pk)
    assert LtcAssessment.objects.count() == 2


def test_the_api_applies_reads_and_records(users, assessors, make_person, client_for, city_tables):
    from tests.conftest import COMMUNITY_B

    person = make_person()
    c = client_for(users["community"])
    r = c.post(
        "/api/v1/ltc/assessments",
        {"person_id": person.pk, "applicant_kind": "self", "applicant_name": "本人"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    pk = r.json()["id"]
    assert r.json()["status_name"] == "已申请待受理"
    other = make_person(region_code=COMMUNITY_B)
    refused = c.post(
        "/api/v1/ltc/assessments",
        {"person_id": other.pk, "applicant_kind": "self", "applicant_name": "本人"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    services.ltc_accept(actor=users["district"], assessment=LtcAssessment.objects.get(pk=pk))
    bad = c.post(
        f"/api/v1/ltc/assessments/{pk}/record", {"answers": {"A1": 10}}, content_type="application/json"
    )
    assert bad.status_code == 422 and "「穿衣」(A2)未作答" in bad.json()["message"]
    for who in ("a", "b"):
        r = client_for(assessors[who]).post(
            f"/api/v1/ltc/assessments/{pk}/record",
            {"answers": answers(60, 8, 6)},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["level"], r.json()["level_name"]) == ("notice", 2, "中度失能")
    assert client_for(users["community_b"]).get(f"/api/v1/ltc/assessments/{pk}").status_code == 404
    assert c.get(f"/api/v1/ltc/assessments/{pk}").json()["dimensions"][0]["score"] == 60
