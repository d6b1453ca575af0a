"""The assessment pages follow the page pattern (docs/directory-guide.md, "Writing a page"): the
referral list offers the steps `selectors.referral_actions` allows, which the service applies too;
a bad value comes back on its page (422, the message naming the field); a clash is the 409 page
and a refusal the 403 page, never a flash message; the audit row is written once, by the service."""

import datetime

import pytest
from django.utils import timezone

from carecircle.assessment import selectors, services
from carecircle.assessment.models import CapabilityAssessment, ChildCheck, ReferralStatus
from carecircle.core.errors import Conflict
from carecircle.core.models import AuditEvent
from tests.assessment.test_capability import with_total

D = datetime.timedelta


@pytest.fixture
def referred(users, make_person):
    girl = make_person(birth=timezone.localdate() - D(days=200))
    return services.child_check_record(
        actor=users["community"],
        person=girl,
        kind="hearing",
        checked_on=timezone.localdate(),
        data={"left": "pass", "right": "refer", "method": "OAE"},
    )


def test_the_referral_list_offers_the_steps_referral_actions_allows(users, client_for, referred):
    assert selectors.referral_actions(users["community"], referred) == {
        ReferralStatus.REFERRED,
        ReferralStatus.CLOSED,
    }
    assert (
        selectors.referral_actions(users["operator"], referred) == frozenset()
    )  # sees the list, records nothing
    page = client_for(users["community"]).get("/assessment/referrals/").content.decode()
    assert f"/assessment/checks/{referred.pk}/referral/" in page
    assert 'value="referred"' in page and 'value="closed"' in page
    assert (
        f"/assessment/checks/{referred.pk}/referral/"
        not in client_for(users["operator"]).get("/assessment/referrals/").content.decode()
    )
    services.referral_update(actor=users["community"], check=referred, status="referred", note="转诊市妇幼")
    referred.refresh_from_db()
    assert selectors.referral_actions(users["community"], referred) == {ReferralStatus.CLOSED}
    page = client_for(users["community"]).get("/assessment/referrals/").content.decode()
    assert 'value="closed"' in page and 'value="referred"' not in page
    with pytest.raises(Conflict):  # the service keeps to the same steps
        services.referral_update(actor=users["community"], check=referred, status="referred", note="再转")


def test_a_referral_without_a_note_comes_back_on_the_list(users, client_for, referred):
    response = client_for(users["community"]).post(
        f"/assessment/checks/{referred.pk}/referral/", {"status": "closed", "note": ""}
    )
    assert response.status_code == 422 and "请填写转介去向或结案说明" in response.content.decode()
    assert ChildCheck.objects.get(pk=referred.pk).referral == ReferralStatus.PENDING


def test_a_step_not_allowed_is_the_conflict_page_and_a_refusal_the_403_page(users, client_for, referred):
    client = client_for(users["community"])
    assert (
        client.post(
            f"/assessment/checks/{referred.pk}/referral/", {"status": "closed", "note": "确诊正常"}
        ).status_code
        == 302
    )
    again = client.post(f"/assessment/checks/{referred.pk}/referral/", {"status": "referred", "note": "x"})
    assert again.status_code == 409 and "转介状态不能从" in again.content.decode()
    refused = client_for(users["operator"]).post(
        f"/assessment/checks/{referred.pk}/referral/", {"status": "closed", "note": "x"}
    )
    assert refused.status_code == 403 and "无法完成" in refused.content.decode()
    assert AuditEvent.objects.filter(action="child_check.referral", object_id=str(referred.pk)).count() == 1


def test_the_assessment_form_keeps_the_answers_and_marks_the_item(users, client_for, make_person):
    p = make_person(age=88)
    post = {k: str(v) for k, v in with_total(45).items()} | {
        "assessed_on": str(timezone.localdate()),
        "reason": "first",
        "risk_events_30d": "x",
        "dementia": "on",
    }
    client = client_for(users["community"])
    response = client.post(f"/assessment/new/{p.pk}/", post)
    body = response.content.decode()
    assert response.status_code == 422 and "近30天照护风险事件次数应为整数" in body
    assert 'name="dementia" checked' in body
    post["risk_events_30d"] = ""
    post["B.2.3"] = "9"
    response = client.post(f"/assessment/new/{p.pk}/", post)
    body = response.content.decode()
    assert response.status_code == 422 and "B.2.3" in body and "超出范围" in body
    assert 'class="item bad" id="B.2.3"' in body and 'class="item bad" id="B.2.2"' not in body
    post["B.2.3"] = str(with_total(45)["B.2.3"])
    assert client.post(f"/assessment/new/{p.pk}/", post).status_code == 302
    a = CapabilityAssessment.objects.get(person=p)
    assert a.dementia_or_mental_disorder and a.risk_events_30d == 0
    assert AuditEvent.objects.filter(action="assessment.record").count() == 1
    same_day = client.post(f"/assessment/new/{p.pk}/", post)
    assert same_day.status_code == 409 and "不能补录" in same_day.content.decode()


def test_a_check_with_a_bad_value_comes_back_with_it(users, client_for, make_person):
    boy = make_person(birth=timezone.localdate() - D(days=400), sex="M")
    client = client_for(users["community"])
    response = client.post(
        f"/assessment/checks/new/{boy.pk}/",
        {"kind": "growth", "checked_on": str(timezone.localdate()), "weight_kg": "abc", "length_cm": "77"},
    )
    body = response.content.decode()
    assert response.status_code == 422 and 'value="77"' in body and not ChildCheck.objects.exists()
    bad_date = client.post(f"/assessment/checks/new/{boy.pk}/", {"kind": "growth", "checked_on": "昨天"})
    assert bad_date.status_code == 422 and "检查日期格式不正确" in bad_date.content.decode()


def test_the_list_says_a_bad_filter_over_the_whole_list(users, client_for):
    response = client_for(users["street"]).get("/assessment/?region=12")
    assert response.status_code == 422 and "区划代码应为12位数字" in response.content.decode()
    assert client_for(users["street"]).get("/assessment/?level=2").status_code == 200
