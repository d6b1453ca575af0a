"""The LTC pages: the list (count, filters, Excel export, scope from both sides), an application, the
assessors' record page built from the city table, refusal and objection through the pages."""

import pytest

from carecircle.careathome import services
from carecircle.careathome.models.ltc import LtcAssessment, LtcStatus
from tests.assessment.test_list_pages import sheet
from tests.careathome.ltc_table import answers
from tests.careathome.test_ltc_process import assessors, city_tables  # noqa: F401 — fixtures
from tests.conftest import COMMUNITY_B


@pytest.fixture
def applied(users, make_person, city_tables):  # noqa: F811 — the fixture above
    a = services.ltc_apply(
        actor=users["community"],
        person=make_person(name="甲老人"),
        applicant_kind="family",
        applicant_name="甲家属",
    )
    b = services.ltc_apply(
        actor=users["community_b"],
        person=make_person(name="西老人", region_code=COMMUNITY_B),
        applicant_kind="self",
        applicant_name="西老人",
    )
    return a, b


def test_list_count_filters_export_and_scope(users, client_for, applied):
    html = client_for(users["district"]).get("/careathome/ltc/").content.decode()
    assert "共 1 条" in html and "甲老人" in html and "西老人" not in html and "已申请待受理" in html
    assert "受理" in html  # the row's action for the official who decides
    assert "共 0 条" in client_for(users["district"]).get("/careathome/ltc/?status=notice").content.decode()
    rows = sheet(client_for(users["street"]).post("/careathome/ltc/", {"purpose": "核对"}).content)
    assert rows[0][:5] == ["老人", "所属社区", "申请日期", "申请人", "状态"]
    assert rows[1][0] == "甲老人" and rows[1][1] == "文新街道 桂花社区" and rows[1][3] == "家属或监护人"
    other = client_for(users["district_b"]).get("/careathome/ltc/").content.decode()
    assert "西老人" in other and "甲老人" not in other
    assert client_for(users["caregiver"]).get("/careathome/ltc/").status_code == 403


def test_apply_through_the_page(users, client_for, make_person, city_tables):  # noqa: F811
    person = make_person(name="乙老人")
    c = client_for(users["community"])
    assert c.get(f"/careathome/ltc/apply/{person.pk}/").status_code == 200
    bad = c.post(f"/careathome/ltc/apply/{person.pk}/", {"applicant_kind": "worker"})
    assert bad.status_code == 422 and "请填写申请人姓名" in bad.content.decode()
    ok = c.post(
        f"/careathome/ltc/apply/{person.pk}/", {"applicant_kind": "worker", "applicant_name": "王社工"}
    )
    assert ok.status_code == 302
    assert LtcAssessment.objects.get(person=person).status == LtcStatus.APPLIED
    assert client_for(users["community_b"]).get(f"/careathome/ltc/apply/{person.pk}/").status_code == 404


def test_record_page_and_refusal(users, client_for, applied, assessors):  # noqa: F811
    a, b = applied
    district = client_for(users["district"])
    r = district.post(f"/careathome/ltc/{a.pk}/refuse/", {"reason": "", "note": ""})
    assert r.status_code == 422 and "请选择不予受理的原因" in r.content.decode()
    assert district.post(f"/careathome/ltc/{a.pk}/accept/").status_code == 302
    phone = client_for(assessors["a"])
    page = phone.get(f"/careathome/ltc/{a.pk}/record/").content.decode()
    assert "进食" in page and "感知觉与沟通能力" in page and page.count('type="radio"') == 10 * 3 + 7 * 3
    partial = {f"answers.{k}": v for k, v in answers(60, 8, 6).items() if k != "A4"}
    r = phone.post(f"/careathome/ltc/{a.pk}/record/", partial)
    assert r.status_code == 422 and "「大便控制」未作答" in r.content.decode()
    full = {f"answers.{k}": v for k, v in answers(60, 8, 6).items()}
    assert phone.post(f"/careathome/ltc/{a.pk}/record/", full).status_code == 302
    assert client_for(assessors["b"]).post(f"/careathome/ltc/{a.pk}/record/", full).status_code == 302
    a.refresh_from_db()
    assert (a.status, a.level) == (LtcStatus.NOTICE, 2)
    detail = client_for(users["community"]).get(f"/careathome/ltc/{a.pk}/").content.decode()
    assert "中度失能" in detail and "提出异议" in detail and "日常生活活动能力" in detail
    assert client_for(users["district_b"]).get(f"/careathome/ltc/{a.pk}/").status_code == 404
    assert client_for(users["community"]).get(f"/careathome/ltc/{b.pk}/").status_code == 404
