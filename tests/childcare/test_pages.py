import datetime

import pytest

from carecircle.childcare import services
from carecircle.childcare.models import Attendance, Voucher
from carecircle.core.models import RoleGrant
from tests.childcare.conftest import today
from tests.conftest import make_user


@pytest.fixture
def cls(users, nursery):
    return services.class_create(
        actor=users["admin"], facility=nursery, name="星星班", band="big", capacity=12, caregivers=2
    )


def test_class_pages_enrol_attend_and_refuse(client_for, users, cls, make_child):
    c = client_for(users["district"])
    kid = make_child(30, name="王小宝")
    assert c.get("/childcare/").status_code == 200
    r = c.post(
        f"/childcare/classes/{cls.pk}/enrol/", {"child": kid.pk, "start_on": str(today())}, follow=True
    )
    assert "已入托：王小宝" in r.content.decode()
    page = c.get(f"/childcare/classes/{cls.pk}/").content.decode()
    assert "王小宝" in page
    too_young = make_child(10, name="李幼")
    # the service's InvalidInput: the class page again with the message (422), nothing saved
    r = c.post(f"/childcare/classes/{cls.pk}/enrol/", {"child": too_young.pk, "start_on": str(today())})
    assert r.status_code == 422 and "不符合" in r.content.decode() and not too_young.enrolments.exists()
    r = c.post(f"/childcare/classes/{cls.pk}/enrol/", {"child": "abc", "start_on": str(today())})
    assert r.status_code == 422 and "未找到该婴幼儿" in r.content.decode()
    r = c.post(f"/childcare/classes/{cls.pk}/enrol/", {"child": kid.pk, "start_on": "31/12"})
    assert r.status_code == 422 and "日期格式不正确：31/12" in r.content.decode()
    r = c.post(f"/childcare/classes/{cls.pk}/enrol/", {"child": kid.pk, "start_on": str(today())})
    assert r.status_code == 409 and "已在托" in r.content.decode()  # a conflict: the error page
    enrolment = kid.enrolments.get()
    r = c.post(
        f"/childcare/classes/{cls.pk}/attendance/", {"day": str(today()), "present_ids": [enrolment.pk]}
    )
    assert r.status_code == 302 and r["Location"].endswith(f"?day={today()}")
    assert Attendance.objects.get(enrolment=enrolment, day=today()).present is True
    r = c.post(f"/childcare/classes/{cls.pk}/attendance/", {"day": str(today()), "present_ids": ["x"]})
    assert r.status_code == 422 and "出勤数据有误" in r.content.decode()
    r = c.post(f"/childcare/enrolments/{enrolment.pk}/end/", {"day": str(today())})
    assert r.status_code == 422 and "请填写离托原因" in r.content.decode()


def test_voucher_page_issue_and_redeem(client_for, users, nursery, make_child):
    make_child(20)
    c = client_for(users["district"])
    c.post(
        "/childcare/vouchers/",
        {
            "region_code": "339901000000",
            "batch": "体验券",
            "amount": "400",
            "valid_to": str(today() + datetime.timedelta(days=30)),
        },
    )
    v = Voucher.objects.get()
    r = c.post("/childcare/vouchers/redeem/", {"code": v.code, "facility": 0})
    assert r.status_code == 422 and "请选择本机构" in r.content.decode()
    r = c.post("/childcare/vouchers/redeem/", {"code": v.code, "facility": nursery.pk}, follow=True)
    assert f"已使用：{v.code}" in r.content.decode()
    r = c.post("/childcare/vouchers/redeem/", {"code": v.code, "facility": nursery.pk})
    assert r.status_code == 409 and "不能重复使用" in r.content.decode()
    r = c.post("/childcare/vouchers/", {"region_code": "339901000000", "batch": "", "amount": "400"})
    assert r.status_code == 422 and 'name="region_code"' in r.content.decode()
    api = c.post(
        "/api/v1/childcare/vouchers/redeem",
        {"code": v.code, "facility_id": nursery.pk},
        content_type="application/json",
    )
    assert api.status_code == 409


def test_provider_sees_only_own_classes(client_for, users, cls, operator):
    other = make_user("prov3", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=other).update(
        organisation_kind="facility_operator", organisation_id=operator.pk + 1000
    )
    assert "星星班" not in client_for(other).get("/childcare/").content.decode()
    assert client_for(other).get(f"/childcare/classes/{cls.pk}/").status_code in (403, 404)
    own = make_user("prov4", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=own).update(
        organisation_kind="facility_operator", organisation_id=operator.pk
    )
    assert "星星班" in client_for(own).get("/childcare/").content.decode()
    for outsider in ("district_b", "street_b"):
        assert client_for(users[outsider]).get(f"/childcare/classes/{cls.pk}/").status_code in (403, 404)
        assert client_for(users[outsider]).get(f"/api/v1/childcare/classes/{cls.pk}").status_code in (
            403,
            404,
        )
