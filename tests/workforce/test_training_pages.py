"""The training pages (issue 21, item 3) from both sides: an official creates a course and a
session of their regions and records a worker's attendance; an official of another district sees
none of it and cannot add to it; an employer's admin records their own staff, never another
employer's; empty or bad forms are answered 422 naming the field in Chinese, nothing saved."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.core.models import RoleGrant
from carecircle.workforce import services, training
from carecircle.workforce.models import Attendance, Course, TrainingSession
from tests.conftest import COMMUNITY_A

DISTRICT_A = "339901000000"


@pytest.fixture
def course(users):
    return training.course_create(
        actor=users["district"],
        title="失能照护",
        provider="东湖区职业培训学校",
        hours="8",
        topic="care_skills",
        roles=["home_caregiver"],
        region_code=DISTRICT_A,
    )


@pytest.fixture
def staff(users):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=7001
    )

    def worker(org, name):
        return services.worker_register(
            actor=users["admin"],
            organisation_id=org,
            region_code=COMMUNITY_A,
            name=name,
            employed_from=datetime.date(2024, 1, 1),
        )

    return {"mine": worker(7001, "本单位护理员"), "theirs": worker(7002, "他单位护理员")}


def test_an_official_creates_a_course_another_district_cannot(client_for, users):
    mine, other = client_for(users["district"]), client_for(users["district_b"])
    form = {
        "title": "认知障碍照护",
        "provider": "东湖区职业培训学校",
        "hours": "16",
        "topic": "dementia",
        "roles": ["carer", "nurse"],
        "region_code": DISTRICT_A,
    }
    r = other.post("/workforce/training/courses/new/", form)
    assert r.status_code in (403, 404, 422) and not Course.objects.exists()
    r = mine.post("/workforce/training/courses/new/", form)
    assert r.status_code == 302
    course = Course.objects.get()
    assert (course.hours, course.roles, course.region_code) == (16, ["carer", "nurse"], DISTRICT_A)
    page = mine.get("/workforce/training/courses/").content.decode()
    assert "认知障碍照护" in page and "<td>东湖区</td>" in page and f"<td>{DISTRICT_A}</td>" not in page
    assert ">认知障碍照护</a>" not in other.get("/workforce/training/courses/").content.decode()
    assert other.get(f"/workforce/training/courses/{course.pk}/").status_code == 404
    detail = mine.get(f"/workforce/training/courses/{course.pk}/").content.decode()
    assert "养老护理员、护士" in detail
    # the list's count, filter and Excel export (the same rows, regions by name)
    assert "共 1 条" in page
    assert ">认知障碍照护</a>" not in mine.get("/workforce/training/courses/?topic=safety").content.decode()
    sheet = load_workbook(
        io.BytesIO(mine.post("/workforce/training/courses/", {"purpose": "统计"}).content)
    ).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "课程名称" and rows[1][0] == "认知障碍照护" and "东湖区" in rows[1]


def test_the_course_form_names_each_field(client_for, users):
    c = client_for(users["district"])
    r = c.post("/workforce/training/courses/new/", {})
    page = r.content.decode()
    assert r.status_code == 422
    for text in ("请选择培训主题", "请选择适用岗位", "请选择课程所在区域"):
        assert text in page
    base = {"provider": "校", "topic": "safety", "roles": ["carer"], "region_code": DISTRICT_A}
    for extra, text in [
        ({"title": "", "hours": "2"}, "请填写课程名称"),
        ({"title": "课", "hours": "abc"}, "学时须为数字"),
        ({"title": "课", "hours": "0"}, "学时须大于0"),
        ({"title": "课", "hours": "2", "roles": ["pilot"]}, "请选择有效的适用岗位"),
    ]:
        r = c.post("/workforce/training/courses/new/", {**base, **extra})
        assert r.status_code == 422 and text in r.content.decode(), text
    assert not Course.objects.exists()
    assert client_for(users["street"]).post("/workforce/training/courses/new/", {}).status_code == 403


def test_sessions_of_a_course(client_for, users, course):
    mine, other = client_for(users["district"]), client_for(users["district_b"])
    url = f"/workforce/training/courses/{course.pk}/"
    day = timezone.localdate()
    assert other.post(url, {"day": day, "place": "文新街道"}).status_code == 404
    r = mine.post(url, {"place": "文新街道"})
    assert r.status_code == 422 and "请填写培训日期" in r.content.decode()
    r = mine.post(url, {"day": day})
    assert r.status_code == 422 and "请填写培训地点" in r.content.decode()
    assert not TrainingSession.objects.exists()
    r = mine.post(url, {"day": day, "place": "文新街道"})
    assert r.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.day, session.place, session.region_code) == (day, "文新街道", DISTRICT_A)
    r = mine.post(url, {"day": day, "place": "文新街道"})  # the same day and place again
    assert r.status_code == 409 and "同日同地点" in r.content.decode()
    assert TrainingSession.objects.count() == 1
    # the district's inspector sees the course but may not add a session
    assert client_for(users["inspector"]).get(url).status_code == 200
    assert client_for(users["inspector"]).post(url, {"day": day, "place": "x"}).status_code == 403


def test_attendance_from_both_sides(client_for, users, course, staff):
    session = training.session_create(
        actor=users["district"], course=course, day=timezone.localdate(), place="文新街道"
    )
    url = f"/workforce/training/sessions/{session.pk}/"
    employer, official = client_for(users["provider"]), client_for(users["district"])
    other = client_for(users["district_b"])
    assert other.get(url).status_code == 404
    assert other.post(url, {"worker": staff["mine"].pk, "passed": "1"}).status_code == 404
    page = employer.get(url).content.decode()
    assert "本单位护理员" in page and "他单位护理员" not in page  # only the employer's own staff
    r = employer.post(url, {"worker": staff["theirs"].pk, "passed": "1"})
    assert r.status_code == 422 and "请从名单中选择参训人员" in r.content.decode()
    r = employer.post(url, {"worker": staff["mine"].pk, "hours": "9", "passed": "1"})
    assert r.status_code == 422 and "签到学时不能超过课程学时" in r.content.decode()
    r = employer.post(url, {})
    assert r.status_code == 422 and "请选择参训人员" in r.content.decode()
    assert not Attendance.objects.exists()
    r = employer.post(url, {"worker": staff["mine"].pk, "hours": "6", "passed": "1"})
    assert r.status_code == 302
    r = official.post(url, {"worker": staff["theirs"].pk, "passed": "0"})
    assert r.status_code == 302
    rows = {a.worker.name: (a.hours, a.passed) for a in Attendance.objects.select_related("worker")}
    assert rows == {"本单位护理员": (6, True), "他单位护理员": (8, False)}
    page = official.get(url).content.decode()
    assert "已签到 2 人" in page and "不合格" in page
    # recorded workers are no longer offered; a second record of the same one is refused
    r = official.post(url, {"worker": staff["mine"].pk, "passed": "1"})
    assert r.status_code == 422 and Attendance.objects.count() == 2


def test_a_view_only_official_sees_the_attendance_without_a_form(client_for, users, course, staff):
    """The inspector holds workforce.view, not manage: the session's page lists who attended and offers
    no form (no worker they may record), and a POST records nothing."""
    session = training.session_create(actor=users["district"], course=course, day=timezone.localdate())
    training.attendance_record(actor=users["district"], session=session, worker=staff["mine"])
    url = f"/workforce/training/sessions/{session.pk}/"
    viewer = client_for(users["inspector"])
    page = viewer.get(url).content.decode()
    assert "已签到 1 人" in page and "本单位护理员" in page
    assert "他单位护理员" not in page and 'name="worker"' not in page
    assert viewer.post(url, {"worker": staff["theirs"].pk, "passed": "1"}).status_code == 422
    assert Attendance.objects.count() == 1
    # the district official (manage) is offered the worker not yet recorded
    assert "他单位护理员" in client_for(users["district"]).get(url).content.decode()
