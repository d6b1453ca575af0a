"""The register's staff pages, from both sides: an employer's admin sees and rosters its own staff and
not another employer's; staff verify certificates; the import page reports rows; the ratio
breaches page lists a class over its ratio with its times; the list exports to Excel."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.workforce import services
from carecircle.workforce.models import Caregiver, Shift
from tests.childcare.conftest import today
from tests.conftest import COMMUNITY_A, make_user

VALID = [("childcare", 1), ("health", None)]


@pytest.fixture
def two_employers(users, nursery, make_facility, operator):
    from carecircle.facilities.services import operator_create

    mine = users["provider"]
    RoleGrant.objects.filter(user=mine).update(
        organisation_kind="facility_operator", organisation_id=operator.pk
    )
    other_op = operator_create(
        actor=users["admin"], name="西湖托育公司", credit_code="91330100MA2CCCCC0X", region_code=COMMUNITY_A
    )
    other_unit = make_facility("childcare_centre", op=other_op, name="西湖托育园", childcare_places=60)
    theirs_admin = make_user("theirs_admin", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=theirs_admin).update(
        organisation_kind="childcare_operator", organisation_id=other_op.pk
    )

    def add(actor, unit, name):
        w = services.worker_register(
            actor=actor,
            employer_kind="facility_operator" if unit == nursery else "childcare_operator",
            organisation_id=unit.operator_id,
            unit_id=unit.pk,
            role="childcare_carer",
            region_code=COMMUNITY_A,
            name=name,
            employed_from=datetime.date(2024, 1, 1),
        )
        for kind, level in VALID:
            services.certificate_add(
                actor=actor, caregiver=w, kind=kind, level=level, valid_from=datetime.date(2024, 1, 1)
            )
        return w

    return {
        "mine": mine,
        "theirs_admin": theirs_admin,
        "my_worker": add(mine, nursery, "本园保育员"),
        "their_worker": add(theirs_admin, other_unit, "他园保育员"),
        "other_unit": other_unit,
    }


def test_an_employer_cannot_see_another_employers_staff_on_the_pages(client_for, nursery, two_employers):
    t = two_employers
    mine, theirs = client_for(t["mine"]), client_for(t["theirs_admin"])
    page = mine.get("/workforce/").content.decode()
    assert "本园保育员" in page and "他园保育员" not in page
    page = theirs.get("/workforce/").content.decode()
    assert "他园保育员" in page and "本园保育员" not in page
    assert mine.get(f"/workforce/{t['their_worker'].pk}/").status_code in (403, 404)
    assert mine.get(f"/workforce/{t['my_worker'].pk}/").status_code == 200
    # the roster of the other employer's workplace is closed to me, mine is open
    assert mine.get(f"/workforce/roster/?workplace={t['other_unit'].pk}").status_code in (403, 404)
    page = mine.get(f"/workforce/roster/?workplace={nursery.pk}")
    assert page.status_code == 200 and "本园保育员" in page.content.decode()
    # nor can I put their worker on my roster
    r = mine.post(
        "/workforce/roster/assign/",
        {
            "workplace": nursery.pk,
            "worker_id": t["their_worker"].pk,
            "day": today(),
            "start": "08:00",
            "end": "12:00",
        },
    )
    assert r.status_code in (403, 404) and Shift.objects.count() == 0
    r = mine.post(
        "/workforce/roster/assign/",
        {
            "workplace": nursery.pk,
            "worker_id": t["my_worker"].pk,
            "day": today(),
            "start": "08:00",
            "end": "12:00",
        },
    )
    assert r.status_code == 302 and Shift.objects.get().worker == t["my_worker"]


def test_the_list_filters_by_role_and_exports(client_for, users, nursery, two_employers):
    c = client_for(users["street"])
    page = c.get("/workforce/?role=childcare_carer").content.decode()
    assert "本园保育员" in page and "他园保育员" in page and "保育人员" in page
    assert "本园保育员" not in c.get("/workforce/?role=nurse").content.decode()
    r = c.post("/workforce/?role=childcare_carer", {"purpose": "持证核查"})
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = {str(v) for row in ws.iter_rows(values_only=True) for v in row if v}
    assert "本园保育员" in cells and "保育人员" in cells


def test_staff_verify_on_the_worker_page_the_employer_cannot(client_for, users, two_employers):
    t = two_employers
    cert = t["my_worker"].certificates.get(kind="health")
    r = client_for(t["mine"]).post(f"/workforce/certificates/{cert.pk}/verify/", {"evidence": "原件已核"})
    assert r.status_code == 403
    r = client_for(users["district_b"]).post(f"/workforce/certificates/{cert.pk}/verify/", {"evidence": "x"})
    assert r.status_code == 404
    r = client_for(users["district"]).post(f"/workforce/certificates/{cert.pk}/verify/", {"evidence": ""})
    assert r.status_code == 422 and "核验依据" in r.content.decode()
    r = client_for(users["district"]).post(
        f"/workforce/certificates/{cert.pk}/verify/", {"evidence": "卫健委系统查询一致"}
    )
    assert r.status_code == 302
    page = client_for(users["district"]).get(f"/workforce/{t['my_worker'].pk}/").content.decode()
    assert "卫健委系统查询一致" in page


def test_import_page_reports_rows(client_for, nursery, two_employers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carecircle.workforce import imports

    wb = Workbook()
    ws = wb.active
    ws.append(list(imports.COLUMNS))
    ws.append(["新员工", None, None, "保育人员", COMMUNITY_A, "2025-01-01"])
    ws.append(["错岗位", None, None, "司机", COMMUNITY_A, "2025-01-01"])
    buf = io.BytesIO()
    wb.save(buf)
    c = client_for(two_employers["mine"])
    assert c.get("/workforce/import/").status_code == 200
    r = c.post(
        "/workforce/import/",
        {
            "employer": f"facility_operator:{nursery.operator_id}",
            "file": SimpleUploadedFile("s.xlsx", buf.getvalue()),
        },
    )
    page = r.content.decode()
    assert r.status_code == 422 and "司机" in page and ">3<" in page and "文件未保存" in page
    assert not Caregiver.objects.filter(name="新员工").exists()


def test_the_breaches_page_shows_a_class_over_its_ratio_with_its_times(
    client_for, users, nursery, two_employers, make_child
):
    from carecircle.childcare import services as childcare

    day = today()
    cls = childcare.class_create(
        actor=users["admin"], facility=nursery, name="托大一班", band="big", capacity=20, caregivers=2
    )
    for _ in range(9):  # 托大班 1:7: 9 children need 2 caregivers
        childcare.enrol(actor=users["admin"], child_class=cls, child=make_child(30), start_on=day)
    services.shift_assign(
        actor=users["admin"],
        worker=two_employers["my_worker"],
        unit_id=nursery.pk,
        class_id=cls.pk,
        day=day,
        start=datetime.time(8),
        end=datetime.time(17),
    )
    page = client_for(users["district"]).get(f"/workforce/breaches/?day={day}").content.decode()
    assert "托大一班" in page and "08:00" in page and "17:00" in page
    # the other employer's admin sees no breach of my class
    assert (
        "托大一班"
        not in client_for(two_employers["theirs_admin"]).get("/workforce/breaches/").content.decode()
    )
