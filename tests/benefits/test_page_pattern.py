"""The benefits pages follow docs/directory-guide.md "Writing a page": one view per batch action, the
buttons and the services follow `selectors.batch_actions` / `appeal_actions`, a bad value is a 422
with the message on the form, a refusal a 403 page and a conflict a 409 page, and the service (not
the view) writes the audit row once."""

import datetime

import pytest
from django.urls import reverse

from carecircle.benefits import selectors, services
from carecircle.benefits.models import Appeal, Batch, Fund
from carecircle.benefits.selectors import AppealAction, BatchAction
from carecircle.core.models import AuditEvent
from tests.benefits.conftest import born


@pytest.fixture
def batch(funded, users, make_person):
    make_person(birth=born(85, datetime.date(2026, 11, 1), 40), name="王秀英")
    services.payroll_run(
        actor=users["street"], month="2026-11", region_code="339901001000", programme_code="GAOLING"
    )
    return Batch.objects.get()


def test_every_batch_action_has_a_view_of_its_own(batch, client_for, users):
    client = client_for(users["district"])
    for action in BatchAction:
        if action is BatchAction.EXPORT:
            continue
        url = reverse(f"benefits:payroll_{action.value}", args=[batch.pk])
        assert url == f"/benefits/payrolls/{batch.pk}/{action.value}/"
        assert client.get(url).status_code == 405  # an action is a POST
    assert client.post(f"/benefits/payrolls/{batch.pk}/", {"action": "approve"}).status_code == 405


def test_the_buttons_and_the_services_follow_batch_actions(batch, client_for, users):
    street, district = users["street"], users["district"]
    assert selectors.batch_actions(street, batch) == frozenset()  # the preparer holds no benefits.approve
    assert selectors.batch_actions(district, batch) == {BatchAction.APPROVE, BatchAction.REJECT}
    page = client_for(street).get(f"/benefits/payrolls/{batch.pk}/").content.decode()
    assert "审批通过" not in page and "退回" not in page and "双人复核" in page
    page = client_for(district).get(f"/benefits/payrolls/{batch.pk}/").content.decode()
    assert "/approve/" in page and "/reject/" in page and "/paid/" not in page and "bank-file" not in page
    # The preparer is refused approval by the same rule, on the error page (403), never in a flash message.
    batch.prepared_by = district
    batch.save(update_fields=["prepared_by"])
    assert BatchAction.APPROVE not in selectors.batch_actions(district, batch)
    refused = client_for(district).post(f"/benefits/payrolls/{batch.pk}/approve/", {"note": ""})
    assert refused.status_code == 403 and "双人复核" in refused.content.decode()
    batch.refresh_from_db()
    assert batch.state == Batch.State.PREPARED


def test_an_approval_through_the_page_is_audited_once_by_the_service(batch, client_for, users):
    client = client_for(users["district"])
    r = client.post(f"/benefits/payrolls/{batch.pk}/approve/", {"note": "核对无误"})
    assert r.status_code == 302 and r["Location"] == f"/benefits/payrolls/{batch.pk}/"
    assert AuditEvent.objects.filter(action="payroll.approve", object_id=str(batch.pk)).count() == 1
    batch.refresh_from_db()
    assert selectors.batch_actions(users["district"], batch) == {BatchAction.PAID, BatchAction.EXPORT}
    page = client.get(f"/benefits/payrolls/{batch.pk}/").content.decode()
    assert "/paid/" in page and "bank-file.csv" in page and "/approve/" not in page
    # A state that no longer allows the action: a conflict page (409), nothing written.
    again = client.post(f"/benefits/payrolls/{batch.pk}/reject/", {"note": "重复"})
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action="payroll.reject").count() == 0


def test_a_bad_value_comes_back_on_the_form_with_422(batch, client_for, users):
    client = client_for(users["district"])
    r = client.post(f"/benefits/payrolls/{batch.pk}/reject/", {"note": "  "})
    assert r.status_code == 422 and "请填写退回理由" in r.content.decode()
    r = client.post(f"/benefits/payrolls/{batch.pk}/recover/", {"payment_id": "abc"})
    assert r.status_code == 422 and "追回款应为编号" in r.content.decode()
    batch.refresh_from_db()
    assert batch.state == Batch.State.PREPARED
    r = client_for(users["street"]).post(
        "/benefits/", {"month": "2026-11", "region_code": "339901001000", "lookback": "99"}
    )
    assert r.status_code == 422 and "回溯月数应在0到24之间" in r.content.decode()


def test_money_into_a_fund_through_its_own_view(funded, client_for, users):
    fund = Fund.objects.order_by("pk").first()
    admin = client_for(users["admin"])
    r = admin.post(f"/benefits/funds/{fund.pk}/appropriate/", {"amount": "", "memo": "追加"})
    assert r.status_code == 422 and "请填写金额" in r.content.decode()
    r = admin.post(f"/benefits/funds/{fund.pk}/appropriate/", {"amount": "100", "memo": "追加"})
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="fund.appropriate", detail__memo="追加").count() == 1
    assert admin.post("/benefits/funds/999999/appropriate/", {"amount": "1"}).status_code == 404
    # a fund outside the user's regions: the same 404 as a missing one
    assert (
        client_for(users["street"])
        .post(f"/benefits/funds/{fund.pk}/appropriate/", {"amount": "1"})
        .status_code
        == 404
    )


def test_appeals_follow_appeal_actions(funded, client_for, users, make_person):
    person = make_person(name="赵大爷")
    appeal = services.appeal_file(
        actor=users["district"],
        person=person,
        programme=funded["GAOLING"],
        month="2026-11",
        reason="年龄登记有误",
    )
    # The filer may not decide their own appeal: no form for them, a 403 page if they try.
    assert selectors.appeal_actions(users["district"], appeal) == frozenset()
    assert selectors.appeal_actions(users["admin"], appeal) == {AppealAction.DECIDE}
    assert (
        f"/appeals/{appeal.pk}/decide/"
        not in client_for(users["district"]).get("/benefits/appeals/").content.decode()
    )
    assert (
        f"/appeals/{appeal.pk}/decide/"
        in client_for(users["admin"]).get("/benefits/appeals/").content.decode()
    )
    refused = client_for(users["district"]).post(
        f"/benefits/appeals/{appeal.pk}/decide/", {"grant": "reject", "reason": "不符合"}
    )
    assert refused.status_code == 403
    admin = client_for(users["admin"])
    bad = admin.post(
        f"/benefits/appeals/{appeal.pk}/decide/",
        {"grant": "grant", "amount": "50", "grant_from": "2026-13-01", "reason": "核实"},
    )
    assert bad.status_code == 422 and "日期格式应为 YYYY-MM-DD" in bad.content.decode()
    assert (
        admin.post(
            f"/benefits/appeals/{appeal.pk}/decide/", {"grant": "reject", "reason": "经核实不符合"}
        ).status_code
        == 302
    )
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.REJECTED and appeal.decided_by == users["admin"]
    assert (
        admin.post(
            f"/benefits/appeals/{appeal.pk}/decide/", {"grant": "reject", "reason": "再次"}
        ).status_code
        == 409
    )


def test_filing_an_appeal_with_a_bad_value_is_422(funded, client_for, users, make_person):
    person = make_person(name="钱奶奶")
    client = client_for(users["community"])
    r = client.post(
        f"/benefits/people/{person.pk}/", {"programme": "NOPE", "month": "2026-11", "reason": "理由充分"}
    )
    assert r.status_code == 422 and "请选择项目" in r.content.decode()
    r = client.post(
        f"/benefits/people/{person.pk}/", {"programme": "GAOLING", "month": "2026-11", "reason": "短"}
    )
    assert r.status_code == 422 and "至少4个字" in r.content.decode() and not Appeal.objects.exists()
