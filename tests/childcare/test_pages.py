import datetime

import pytest

from carecircle.childcare import services
from carecircle.childcare.models import Attendance, Voucher
from carecircle.core.models import RoleGrant
from tests.conftest import make_user

TODAY = datetime.date.today()


@pytest.fixture
def cls(users, nursery):
    return services.class_create(actor=users["admin"], facility=nursery, name="星星班", band="big", capacity=12, caregivers=2)


def test_class_pages_enrol_attend_and_refuse(client_for, users, cls, make_child):
    c = client_for(users["district"])
    kid = make_child(30, name="王小宝")
    assert c.get("/childcare/").status_code == 200
    c.post(f"/childcare/classes/{cls.pk}/enrol/", {"child_id": kid.pk, "start_on": str(TODAY)})
    page = c.get(f"/childcare/classes/{cls.pk}/").content.decode()
    assert "王小宝" in page
    too_young = make_child(10, name="李幼")
    r = c.post(f"/childcare/classes/{cls.pk}/enrol/", {"child_id": too_young.pk, "start_on": str(TODAY)}, follow=True)
    assert "不符合" in r.content.decode()
    enrolment = kid.enrolments.get()
    c.post(f"/childcare/classes/{cls.pk}/attendance/", {"day": str(TODAY), "present": [enrolment.pk]})
    assert Attendance.objects.get(enrolment=enrolment, day=TODAY).present is True


def test_voucher_page_issue_and_redeem(client_for, users, nursery, make_child):
    make_child(20)
    c = client_for(users["district"])
    c.post("/childcare/vouchers/", {"region_code": "339901000000", "batch": "体验券", "amount": "400",
                                    "valid_to": str(TODAY + datetime.timedelta(days=30))})
    v = Voucher.objects.get()
    c.post("/childcare/vouchers/", {"action": "redeem", "code": v.code, "facility": nursery.pk})
    r = c.post("/childcare/vouchers/", {"action": "redeem", "code": v.code, "facility": nursery.pk}, follow=True)
    assert "不能重复使用" in r.content.decode()
    api = c.post("/api/v1/childcare/vouchers/redeem", {"code": v.code, "facility_id": nursery.pk},
                 content_type="application/json")
    assert api.status_code == 409


def test_provider_sees_only_own_classes(client_for, users, cls, operator):
    other = make_user("prov3", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=other).update(organisation_kind="facility_operator", organisation_id=operator.pk + 1000)
    assert "星星班" not in client_for(other).get("/childcare/").content.decode()
    assert client_for(other).get(f"/childcare/classes/{cls.pk}/").status_code in (403, 404)
    own = make_user("prov4", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=own).update(organisation_kind="facility_operator", organisation_id=operator.pk)
    assert "星星班" in client_for(own).get("/childcare/").content.decode()
    for outsider in ("district_b", "street_b"):
        assert client_for(users[outsider]).get(f"/childcare/classes/{cls.pk}/").status_code in (403, 404)
        assert client_for(users[outsider]).get(f"/api/v1/childcare/classes/{cls.pk}").status_code in (403, 404)
