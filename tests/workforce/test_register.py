"""The register of the workforce (issue 21, 1): every kind of worker with an employer through the one
organisation identity, one employer per role at a time, certificates with levels per kind and
periods, verification by a staff member with evidence, the Excel import with its row report, and
an employer seeing only its own staff."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.workforce import imports, selectors, services
from carecircle.workforce.models import Caregiver, Certificate
from tests.conftest import COMMUNITY_A, id_number, make_user

DAY = datetime.date(2026, 3, 1)
ID_A = id_number(datetime.date(1980, 5, 1), 11)


@pytest.fixture
def home(make_facility):
    return make_facility("nursing_public", beds_general=120, name="东湖颐养院")


@pytest.fixture
def op_admin(users, home):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="facility_operator", organisation_id=home.operator_id
    )
    return users["provider"]


def staff(actor, home, name, role="carer", **kw):
    return services.worker_register(
        actor=actor,
        employer_kind=kw.pop("employer_kind", "facility_operator"),
        organisation_id=kw.pop("organisation_id", home.operator_id),
        unit_id=kw.pop("unit_id", home.pk),
        role=role,
        region_code=COMMUNITY_A,
        name=name,
        employed_from=kw.pop("employed_from", datetime.date(2024, 1, 1)),
        **kw,
    )


def test_workers_of_every_kind_with_encrypted_masked_id(users, home, op_admin):
    nurse = staff(op_admin, home, "钱护士", role="nurse", id_number=ID_A, phone="13800001111")
    social = staff(op_admin, home, "孙社工", role="social_worker")
    assert nurse.id_number_masked == ID_A[:6] + "*" * 12 and nurse.phone_masked == "138****1111"
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM workforce_caregiver WHERE id = %s", [nurse.pk])
        stored = cur.fetchone()[0]
    assert ID_A not in stored  # encrypted at rest
    assert {w.role for w in selectors.caregiver_search(user=op_admin)} == {"nurse", "social_worker"}
    assert social.get_role_display() == "社会工作者"


def test_one_employer_per_role_at_a_time(users, home, op_admin, make_facility):
    from carecircle.facilities.services import operator_create

    staff(op_admin, home, "钱护士", role="nurse", id_number=ID_A)
    other_op = operator_create(
        actor=users["admin"], name="西湖护理院公司", credit_code="91330100MA2BBBBB0X", region_code=COMMUNITY_A
    )
    other = make_facility("nursing_private", op=other_op, name="西湖护理院")
    with pytest.raises(Conflict) as err:  # same person, same role, another employer, overlapping
        staff(users["admin"], other, "钱护士", role="nurse", id_number=ID_A, employed_from=DAY)
    assert err.value.field == "id_number" and "同一岗位不能同时受雇于两家单位" in str(err.value.message)
    assert Caregiver.objects.filter(organisation_id=other_op.pk).count() == 0
    # another role at the other employer is allowed; so is the same role after leaving
    staff(users["admin"], other, "钱护士", role="manager", id_number=ID_A, employed_from=DAY)
    first = Caregiver.objects.get(role="nurse")
    services.caregiver_leave(actor=op_admin, caregiver=first, day=datetime.date(2026, 1, 31))
    later = staff(users["admin"], other, "钱护士", role="nurse", id_number=ID_A, employed_from=DAY)
    assert later.id_index == first.id_index
    # the database refuses an open duplicate even past the service's check
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Caregiver.objects.create(
            employer_kind="facility_operator",
            organisation_id=home.operator_id,
            role="nurse",
            region_code=COMMUNITY_A,
            name="钱护士",
            id_index=first.id_index,
            employed_from=DAY,
        )


@pytest.mark.parametrize(
    "kind,level,valid_to,field",
    [
        ("infant_care", 4, None, "level"),  # 育婴员 has levels 1-3
        ("nurse", 2, None, "level"),  # a licence has no level
        ("teacher", None, datetime.date(2020, 1, 1), "valid_to"),  # ends before it starts
        ("forklift", None, None, "kind"),
    ],
)
def test_impossible_certificates_are_refused(users, home, op_admin, kind, level, valid_to, field):
    w = staff(op_admin, home, "周保育", role="carer")
    with pytest.raises(InvalidInput) as err:
        services.certificate_add(
            actor=op_admin, caregiver=w, kind=kind, level=level, valid_from=DAY, valid_to=valid_to
        )
    assert err.value.field == field and Certificate.objects.count() == 0


def test_verification_by_staff_with_evidence(users, home, op_admin):
    w = staff(op_admin, home, "周护理", role="carer")
    cert = services.certificate_add(
        actor=op_admin, caregiver=w, kind="elder_care", level=3, number="YL001", valid_from=DAY
    )
    with pytest.raises(Forbidden):  # the employer does not verify its own staff's certificates
        services.certificate_verify(actor=op_admin, certificate=cert, evidence="原件已核")
    with pytest.raises(NotFound):  # a district official elsewhere
        services.certificate_verify(actor=users["district_b"], certificate=cert, evidence="原件已核")
    with pytest.raises(InvalidInput) as err:
        services.certificate_verify(actor=users["district"], certificate=cert, evidence="  ")
    assert err.value.field == "evidence"
    done = services.certificate_verify(
        actor=users["district"], certificate=cert, evidence="人社部技能人员证书查询 YL001 一致"
    )
    assert done.verified_by == users["district"] and done.verified_at is not None
    with pytest.raises(Conflict):
        services.certificate_verify(actor=users["district"], certificate=cert, evidence="再次")


def test_an_employer_sees_only_its_own_staff(users, home, op_admin, make_facility):
    from carecircle.facilities.services import operator_create

    mine = staff(op_admin, home, "本院护理员")
    other_op = operator_create(
        actor=users["admin"], name="西湖护理院公司", credit_code="91330100MA2BBBBB0X", region_code=COMMUNITY_A
    )
    other_home = make_facility("nursing_private", op=other_op, name="西湖护理院")
    theirs = staff(users["admin"], other_home, "他院护理员")
    other_admin = make_user("other_admin", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=other_admin).update(
        organisation_kind="facility_operator", organisation_id=other_op.pk
    )
    assert list(selectors.caregiver_search(user=op_admin)) == [mine]
    assert list(selectors.caregiver_search(user=other_admin)) == [theirs]
    with pytest.raises(Forbidden):
        selectors.caregiver_get(user=op_admin, caregiver_id=theirs.pk)
    assert selectors.caregiver_get(user=other_admin, caregiver_id=theirs.pk) == theirs
    with pytest.raises(Forbidden):  # nor register staff for it
        staff(op_admin, other_home, "冒名")
    # staff of the region see both
    assert {w.pk for w in selectors.caregiver_search(user=users["street"])} == {mine.pk, theirs.pk}


def _xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(imports.COLUMNS))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("staff.xlsx", buf.getvalue())


def _line(name, role, ident="", kind="", level=None, start="2025-01-01", end="2027-12-31"):
    return [
        name,
        ident,
        "13800002222",
        role,
        COMMUNITY_A,
        "2024-03-01",
        None,
        None,
        kind,
        level,
        "N1",
        "发证机关",
        start if kind else None,
        end if kind else None,
    ]


def test_import_reports_rows_and_saves_nothing_half(users, home, op_admin):
    bad = _xlsx(
        [
            _line("甲", "保育人员", kind="健康证"),
            _line("乙", "厨师"),  # unknown role
            _line("丙", "护士", kind="育婴员职业技能等级证书", level=7),  # unknown level
            _line(
                "丁", "养老护理员", kind="健康证", start="2026-05-01", end="2026-01-01"
            ),  # impossible period
        ]
    )
    report = imports.workers_import(
        actor=op_admin, employer_kind="facility_operator", organisation_id=home.operator_id, uploaded_file=bad
    )
    assert [(e["row"], e["field"]) for e in report.errors] == [(3, "岗位"), (4, "证书等级"), (5, "有效期止")]
    assert "厨师" in report.errors[0]["message"]
    assert Caregiver.objects.count() == 0 and Certificate.objects.count() == 0 and not report.saved
    good = _xlsx([_line("甲", "保育人员", kind="健康证"), _line("戊", "社会工作者", ident=ID_A)])
    report = imports.workers_import(
        actor=op_admin,
        employer_kind="facility_operator",
        organisation_id=home.operator_id,
        uploaded_file=good,
    )
    assert report.saved and report.created == 2 and report.certificates == 1
    assert Caregiver.objects.get(name="戊").id_number_masked.startswith(ID_A[:6])
