"""The assessment lists on the list component (core/lists.py): count, sort, filters, defaults,
bad parameters (422), export of exactly the filtered rows with names, the audit row, scope."""

import io

import pytest
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from tests.assessment.test_records import record
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = pytest.mark.django_db


def sheet(body):
    return [
        list(r)
        for r in load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True)
    ]


@pytest.fixture
def assessed(users, make_person):
    a = make_person(age=85, name="甲老人")
    b = make_person(age=88, name="乙老人")
    west = make_person(age=90, name="西老人", region_code=COMMUNITY_B)
    record(users, a, 400, 90)  # expired
    record(users, a, 10, 50, reason="change")  # current, 中度失能
    record(users, b, 20, 90)  # current, 能力完好
    record(users, west, 5, 60, who="community_b")
    make_person(age=86, name="丙老人")  # never assessed
    make_person(age=1, name="小宝")
    return a


def test_assessments_count_sort_filter_and_defaults(users, client_for, assessed):
    c = client_for(users["street"])
    html = c.get("/assessment/").content.decode()
    assert "共 2 条" in html and "西老人" not in html  # current ones by default; 西山区's not seen
    assert "中度失能" in html and "文新街道 桂花社区" in html
    assert "共 3 条" in c.get("/assessment/?validity=all").content.decode()
    assert "共 1 条" in c.get("/assessment/?level=2").content.decode()
    assert "共 1 条" in c.get("/assessment/?reason=change").content.decode()
    by_total = c.get("/assessment/?sort=-total").content.decode().split("<tbody>")[1]
    assert "乙老人" in by_total.split("</tr>")[0]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/assessment/?level=7", "level"),
        ("/assessment/?validity=old", "validity"),
        ("/assessment/?sort=answers", "sort"),
        ("/assessment/?assessed_from=yesterday", "assessed_from"),
        ("/assessment/people/?group=teen", "group"),
        ("/assessment/people/?sort=id_number", "sort"),
    ],
)
def test_bad_parameters_are_422(users, client_for, assessed, url, param):
    response = client_for(users["street"]).get(url)
    assert response.status_code == 422 and f"参数 {param}" in response.content.decode()


def test_assessment_export_is_the_filtered_rows_with_names_and_audited(users, client_for, assessed):
    c = client_for(users["street"])
    rows = sheet(c.post("/assessment/?validity=all&sort=assessed_on", {"purpose": "复评计划"}).content)
    assert rows[0] == ["姓名", "所属社区", "评估日期", "评估原因", "总分", "能力等级", "有效期至", "评估员"]
    assert [r[0] for r in rows[1:]] == ["甲老人", "乙老人", "甲老人"]  # oldest first, no report links
    assert rows[1][1] == "文新街道 桂花社区" and rows[3][5] == "中度失能"
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 3 and event.detail["list"] == "assessment.assessments"
    assert client_for(users["community"]).post("/assessment/", {"purpose": "复评"}).status_code == 403


def test_people_to_assess_defaults_all_and_masking(users, client_for, assessed):
    c = client_for(users["community"])
    html = c.get("/assessment/people/").content.decode()
    assert "共 1 条" in html and "丙老人" in html and "开始评估" in html  # 80+ without a valid one
    everyone = c.get("/assessment/people/?group=&assessed=").content.decode()
    assert "共 4 条" in everyone and "记录筛查/检查" in everyone  # the infant too
    assert "共 2 条" in c.get("/assessment/people/?assessed=assessed").content.decode()
    rows = sheet(
        client_for(users["street"]).post("/assessment/people/?group=&assessed=", {"purpose": "入户"}).content
    )
    assert sorted(r[0] for r in rows[1:]) == ["丙老人", "乙老人", "小宝", "甲老人"]
    assert rows[0] == ["姓名", "性别", "年龄", "身份证号", "社区"] and all("*" in r[3] for r in rows[1:])


def test_outsider_sees_only_their_own(users, client_for, assessed):
    c = client_for(users["street_b"])
    html = c.get("/assessment/").content.decode()
    assert "共 1 条" in html and "西老人" in html and "甲老人" not in html
    assert c.get(f"/assessment/?region={COMMUNITY_A}").status_code == 422
    assert client_for(users["provider"]).get("/assessment/").status_code == 403


@pytest.fixture
def referrals(users, make_person):
    import datetime

    from django.utils import timezone

    from carecircle.assessment import services

    made = []
    for name, region, who in (("东宝", COMMUNITY_A, "community"), ("西宝", COMMUNITY_B, "community_b")):
        child = make_person(
            name=name, region_code=region, birth=timezone.localdate() - datetime.timedelta(days=200)
        )
        made.append(
            services.child_check_record(
                actor=users[who],
                person=child,
                kind="hearing",
                checked_on=timezone.localdate(),
                data={"left": "pass", "right": "refer", "method": "OAE"},
            )
        )
    return made


def test_referrals_list_filters_exports_and_keeps_its_row_actions(users, client_for, referrals):
    c = client_for(users["community"])
    html = c.get("/assessment/referrals/").content.decode()
    assert "共 1 条" in html and "东宝" in html and "西宝" not in html and "听力筛查" in html
    assert f"/assessment/checks/{referrals[0].pk}/referral/" in html and '<th scope="col">操作</th>' in html
    assert "共 0 条" in c.get("/assessment/referrals/?kind=vision").content.decode()
    assert "共 0 条" in c.get("/assessment/referrals/?status=sent").content.decode()
    assert "共 1 条" in c.get("/assessment/referrals/?status=waiting").content.decode()
    assert c.get("/assessment/referrals/?status=closed").status_code == 422  # not an open referral
    rows = sheet(client_for(users["street"]).post("/assessment/referrals/", {"purpose": "随访"}).content)
    assert rows[0][:4] == ["儿童", "月龄", "所属社区", "检查"] and "操作" not in rows[0]
    assert [r[0] for r in rows[1:]] == ["东宝"] and rows[1][2] == "文新街道 桂花社区"
    assert AuditEvent.objects.get(action=AuditAction.LIST_EXPORT).detail["list"] == "assessment.referrals"
