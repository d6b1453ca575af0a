"""Training (issue 21, item 3): courses, sessions and attendance with bad input refused in Chinese
and nothing half-saved; hours per year; the list from both sides (an employer sees only its own
staff's records; an official of another district none)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.workforce import services, training
from carecircle.workforce.models import Attendance, Course
from tests.conftest import COMMUNITY_A, id_number


@pytest.fixture
def setup(users):
    day = timezone.localdate()
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=7001
    )
    w = services.worker_register(
        actor=users["admin"],
        organisation_id=7001,
        region_code=COMMUNITY_A,
        name="张护理",
        employed_from=datetime.date(2024, 1, 1),
        id_number=id_number(datetime.date(1980, 1, 1), 3),
    )
    other = services.worker_register(
        actor=users["admin"],
        organisation_id=7002,
        region_code=COMMUNITY_A,
        name="李护理",
        employed_from=datetime.date(2024, 1, 1),
    )
    course = training.course_create(
        actor=users["district"],
        title="居家护理规范",
        provider="东湖区职业培训学校",
        hours="12",
        topic="care_skills",
        roles=["home_caregiver"],
        region_code=COMMUNITY_A,
    )
    session = training.session_create(actor=users["district"], course=course, day=day, place="文新街道")
    return {"w": w, "other": other, "course": course, "session": session, "day": day}


def test_course_bad_input_refused(users):
    base = dict(
        actor=users["district"],
        title="课",
        provider="校",
        topic="safety",
        roles=["carer"],
        region_code=COMMUNITY_A,
    )
    for field, kw, text in [
        ("hours", {"hours": "abc"}, "学时须为数字"),
        ("hours", {"hours": "0"}, "学时须大于0"),
        ("hours", {"hours": "1.25"}, "一位小数"),
        ("topic", {"hours": "2", "topic": "cooking"}, "培训主题无效"),
        ("roles", {"hours": "2", "roles": ["pilot"]}, "适用岗位"),
        ("title", {"hours": "2", "title": "  "}, "课程名称"),
    ]:
        with pytest.raises(InvalidInput) as err:
            training.course_create(**{**base, **kw})
        assert err.value.field == field and text in str(err.value.message)
    assert Course.objects.count() == 0
    with pytest.raises(NotFound):  # another district's official
        training.course_create(**{**base, "actor": users["district_b"], "hours": "2"})


def test_attendance_hours_and_refusals(users, setup):
    s, w = setup["session"], setup["w"]
    row = training.attendance_record(actor=users["provider"], session=s, worker=w, hours="10")
    assert row.hours == 10 and row.region_code == COMMUNITY_A
    with pytest.raises(Conflict) as err:  # counted once
        training.attendance_record(actor=users["admin"], session=s, worker=w)
    assert "已登记本场培训" in str(err.value.message)
    with pytest.raises(InvalidInput) as err:
        training.attendance_record(actor=users["admin"], session=s, worker=setup["other"], hours="13")
    assert err.value.field == "hours" and "不能超过课程学时" in str(err.value.message)
    assert Attendance.objects.count() == 1
    later = training.session_create(
        actor=users["admin"], course=setup["course"], day=setup["day"], place="另一教室"
    )
    training.attendance_record(actor=users["admin"], session=later, worker=w, hours="2.5")
    assert training.hours_in_year([w.pk, setup["other"].pk], setup["day"].year) == {w.pk: 12.5}


def test_employer_records_only_own_staff(users, setup):
    from carecircle.core.errors import Forbidden

    with pytest.raises((Forbidden, NotFound)):  # 李 works for another provider
        training.attendance_record(actor=users["provider"], session=setup["session"], worker=setup["other"])
    assert Attendance.objects.count() == 0


def test_role_and_employment_checked(users, setup, make_facility):
    nurse = services.worker_register(
        actor=users["admin"],
        organisation_id=7001,
        region_code=COMMUNITY_A,
        name="王护士",
        role="nurse",
        employed_from=datetime.date(2024, 1, 1),
    )
    with pytest.raises(InvalidInput) as err:
        training.attendance_record(actor=users["admin"], session=setup["session"], worker=nurse)
    assert "不适用于岗位“护士”" in str(err.value.message)


def test_list_both_sides(client_for, users, setup):
    training.attendance_record(actor=users["admin"], session=setup["session"], worker=setup["w"])
    url = reverse("workforce:training_list")
    client = client_for(users["provider"])
    mine = client.get(url).content.decode()
    assert "张护理" in mine and "居家护理规范" in mine
    client = client_for(users["district_b"])
    assert "张护理" not in client.get(url).content.decode()
    client = client_for(users["district"])
    import io

    from openpyxl import load_workbook

    export = client.post(url, {"purpose": "培训核查"})
    book = load_workbook(io.BytesIO(export.content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][:3] == ["培训日期", "姓名", "岗位"] and rows[1][1] == "张护理" and len(rows) == 2
    client = client_for(users["resident"])
    assert client.get(url).status_code == 403
