"""The time bank's pages: a bad form is a 422 naming the field, refusals are error pages, the staff
lists and the report export to Excel."""

import io

import pytest
from openpyxl import load_workbook

from carecircle.timebank.models import GuaranteeDeposit, Volunteer
from tests.conftest import COMMUNITY_A
from tests.timebank.helpers import account, elder_with_account, served, volunteer

pytestmark = pytest.mark.django_db


def test_register_refuses_a_minor_on_the_form_and_saves_nothing(users, client_for):
    user = account("young")
    c = client_for(user)
    assert c.get("/timebank/register/").status_code == 200
    answer = c.post(
        "/timebank/register/",
        {
            "name": "小明",
            "birth_date": "2015-01-01",
            "phone": "13900003333",
            "region_code": COMMUNITY_A,
            "skills": ["reading"],
        },
    )
    assert answer.status_code == 422 and "志愿者须年满18周岁" in answer.content.decode()
    assert not Volunteer.objects.exists()
    answer = c.post(
        "/timebank/register/",
        {
            "name": "小明",
            "birth_date": "1990-01-01",
            "phone": "13900003333",
            "region_code": COMMUNITY_A,
            "skills": ["reading"],
        },
    )
    assert answer.status_code == 302 and Volunteer.objects.get().phone_masked != "13900003333"


def test_the_volunteer_confirming_their_own_hours_gets_the_refusal_page(users, make_person, client_for):
    from carecircle.timebank import services

    elder = elder_with_account(make_person)
    vol = volunteer()
    req = services.request_post(
        actor=elder.user, person=elder, kind="reading", wanted_on=req_day(), hours="1"
    )
    c = client_for(vol.user)
    assert c.post(f"/timebank/requests/{req.pk}/take/").status_code == 302
    assert c.post(f"/timebank/requests/{req.pk}/check-in/", {}).status_code == 422  # no position
    c.post(f"/timebank/requests/{req.pk}/check-in/", {"latitude": "30.2", "longitude": "120.1"})
    c.post(f"/timebank/requests/{req.pk}/check-out/", {"latitude": "30.2", "longitude": "120.1"})
    refused = c.post(f"/timebank/requests/{req.pk}/confirm/", {"hours": "1"})
    assert refused.status_code == 403 and "志愿者本人不能确认" in refused.content.decode()
    bad = client_for(elder.user).post(f"/timebank/requests/{req.pk}/confirm/", {"hours": "abc"})
    assert bad.status_code == 422 and "时长须为数字" in bad.content.decode()
    assert (
        client_for(elder.user).post(f"/timebank/requests/{req.pk}/confirm/", {"hours": "1"}).status_code
        == 302
    )


def req_day():
    from django.utils import timezone

    return timezone.localdate()


def test_staff_lists_and_the_report_export(users, make_person, client_for):
    elder = elder_with_account(make_person)
    vol = volunteer()
    from carecircle.timebank import services

    req = services.request_post(
        actor=elder.user, person=elder, kind="reading", wanted_on=req_day(), hours="2"
    )
    served(req, vol, elder.user, "2")
    c = client_for(users["district"])
    for url in ("/timebank/staff/volunteers/", "/timebank/staff/requests/", "/timebank/staff/report/"):
        assert c.get(url).status_code == 200, url
    page = c.get("/timebank/staff/report/").content.decode()
    assert "账目平衡" in page and "东湖区" in page
    answer = c.post(
        "/timebank/staff/report/guarantee/", {"region_code": "339901000000", "hours": "4", "token": "a"}
    )
    assert answer.status_code == 302 and GuaranteeDeposit.objects.count() == 1
    bad = c.post(
        "/timebank/staff/report/guarantee/", {"region_code": "339901000000", "money": "5", "token": "b"}
    )
    assert bad.status_code == 422 and "每小时折算金额" in bad.content.decode()
    export = c.post("/timebank/staff/report/", {"purpose": "月度统计"})
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content), read_only=True)
    rows = [r for r in book.worksheets[0].iter_rows(values_only=True)]
    header, east = rows[0], next(r for r in rows if r[0] == "东湖区")
    figures = dict(zip(header, east, strict=False))
    assert float(figures["本年获得时数"]) == 2 and float(figures["未兑付时数（负债）"]) == 2
    assert figures["覆盖率"] == "200%"
    outsider = client_for(users["district_b"]).post(
        "/timebank/staff/report/guarantee/", {"region_code": "339901000000", "hours": "4", "token": "c"}
    )
    assert outsider.status_code == 422 and GuaranteeDeposit.objects.count() == 1  # not one of their districts


def test_a_worker_posts_for_a_person_of_their_region_from_the_person_page(users, make_person, client_for):
    from carecircle.timebank.models import HelpRequest

    person = make_person(age=88, name="赵奶奶")
    other = make_person(age=88, name="钱爷爷", region_code="339902001001")
    c = client_for(users["community"])
    assert "发布互助需求" in c.get(f"/people/{person.pk}/").content.decode()
    form = c.get(f"/timebank/requests/new/?person={person.pk}")
    assert form.status_code == 200 and "赵奶奶" in form.content.decode()
    data = {
        "person": person.pk,
        "kind": "repair",
        "wanted_on": req_day().isoformat(),
        "hours": "1",
        "pay": "",
    }
    assert c.post("/timebank/requests/new/", data).status_code == 302
    assert HelpRequest.objects.get().posted_by == users["community"]
    refused = c.post("/timebank/requests/new/", {**data, "person": other.pk})
    assert refused.status_code == 422 and HelpRequest.objects.count() == 1  # not a person of theirs
    late = c.post("/timebank/requests/new/", {**data, "wanted_on": "2020-01-01"})
    assert late.status_code == 422 and "期望日期不能早于今天" in late.content.decode()
