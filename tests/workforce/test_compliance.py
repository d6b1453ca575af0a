"""Expiry and compliance (issue 21, 2): warnings at 90, 30 and 7 days exactly once each; an expired
certificate stops a dispatch and a roster assignment; a childcare class over its ratio given the
staff on shift is a breach with its times; social workers per 60 beds as runs of days."""

import datetime

import numpy as np
import pytest

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.homecare import dispatch as engine
from carecircle.homecare import services as homecare
from carecircle.homecare import services_dispatch
from carecircle.portal.models import Message
from carecircle.workforce import notices, ratios, requirements, services
from carecircle.workforce.models import Caregiver, Certificate, CertificateWarning, Shift
from carecircle.workforce.types import Requirement
from tests.childcare.conftest import today
from tests.conftest import COMMUNITY_A, make_user
from tests.homecare.conftest import tomorrow_at

T = datetime.time


@pytest.fixture
def op_admin(users, operator):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="facility_operator", organisation_id=operator.pk
    )
    return users["provider"]


def worker(actor, unit, name, role, certs=(), **kw):
    w = services.worker_register(
        actor=actor,
        employer_kind="facility_operator",
        organisation_id=unit.operator_id,
        unit_id=unit.pk,
        role=role,
        region_code=COMMUNITY_A,
        name=name,
        employed_from=kw.pop("employed_from", datetime.date(2024, 1, 1)),
        **kw,
    )
    for kind, level, start, end in certs:
        services.certificate_add(
            actor=actor, caregiver=w, kind=kind, level=level, valid_from=start, valid_to=end
        )
    return w


def test_warnings_go_out_at_90_30_and_7_days_exactly_once(users, nursery, op_admin):
    end = datetime.date(2026, 12, 31)
    account = make_user("carer_self", Role.CAREGIVER, "339901000000")
    w = worker(
        op_admin,
        nursery,
        "吴保育",
        "childcare_carer",
        certs=[("health", None, datetime.date(2026, 1, 1), end)],
        user=account,
    )
    cert = Certificate.objects.get(caregiver=w)
    sent_on = []
    day = end - datetime.timedelta(days=120)
    while day <= end + datetime.timedelta(days=3):  # every day, each run twice
        first = notices.certificate_warnings_send(day=day)
        again = notices.certificate_warnings_send(day=day)
        assert again == {"warnings": 0, "messages": 0}
        if first["warnings"]:
            sent_on.append(((end - day).days, first["messages"]))
        day += datetime.timedelta(days=1)
    assert sent_on == [(90, 2), (30, 2), (7, 2)]  # the worker and their employer's admin
    assert sorted(
        CertificateWarning.objects.filter(certificate=cert).values_list("threshold", flat=True)
    ) == [
        7,
        30,
        90,
    ]
    msgs = Message.objects.filter(key__startswith=f"workforce.certificate:{cert.pk}:")
    assert msgs.count() == 6
    assert set(msgs.values_list("recipient_id", flat=True)) == {account.pk, op_admin.pk}
    assert "吴保育" in msgs.first().title and "健康证" in msgs.first().title


def test_a_missed_day_still_warns_once_and_a_late_entry_skips_passed_thresholds(users, nursery, op_admin):
    end = datetime.date(2026, 12, 31)
    worker(
        op_admin,
        nursery,
        "郑保育",
        "childcare_carer",
        certs=[("health", None, datetime.date(2026, 1, 1), end)],
    )
    # the task did not run on day 90: the next day sends the 90-day warning (to the admin)
    assert notices.certificate_warnings_send(day=end - datetime.timedelta(days=88)) == {
        "warnings": 1,
        "messages": 1,
    }
    # a run 20 days before the end sends the 30-day one only, never a late 90-day one again
    assert notices.certificate_warnings_send(day=end - datetime.timedelta(days=20))["warnings"] == 1
    assert sorted(CertificateWarning.objects.values_list("threshold", flat=True)) == [30, 90]


def test_an_expired_certificate_stops_a_roster_assignment(users, nursery, op_admin):
    day = today()
    w = worker(
        op_admin,
        nursery,
        "冯保育",
        "childcare_carer",
        certs=[
            ("childcare", 2, datetime.date(2024, 1, 1), None),
            ("health", None, datetime.date(2024, 1, 1), day - datetime.timedelta(days=1)),  # expired
        ],
    )
    with pytest.raises(InvalidInput) as err:
        services.shift_assign(actor=op_admin, worker=w, unit_id=nursery.pk, day=day, start=T(8), end=T(12))
    assert err.value.field == "worker" and "健康证" in str(err.value.message)
    assert Shift.objects.count() == 0
    services.certificate_add(actor=op_admin, caregiver=w, kind="health", valid_from=day)  # renewed
    shift = services.shift_assign(
        actor=op_admin, worker=w, unit_id=nursery.pk, day=day, start=T(8), end=T(12)
    )
    assert shift.region_code == nursery.region_code
    with pytest.raises(Conflict):  # overlapping shift
        services.shift_assign(actor=op_admin, worker=w, unit_id=nursery.pk, day=day, start=T(11), end=T(14))
    with pytest.raises(InvalidInput) as err:
        services.shift_assign(actor=op_admin, worker=w, unit_id=nursery.pk, day=day, start=T(15), end=T(14))
    assert err.value.field == "end"


def test_an_expired_certificate_stops_a_dispatch(world, no_entitlements, monkeypatch):
    """Requirements are data: 居家保洁 made to need a 护士执业证书 in the table; the caregiver whose
    licence expired the day before is not offered the order, nor can it be handed to them."""
    w = world
    monkeypatch.setitem(requirements.HOMECARE_TASKS, "clean", (Requirement(frozenset({"nurse"})),))
    day = tomorrow_at(9).date()
    services.certificate_add(
        actor=w["admin_p"],
        caregiver=w["carer"],
        kind="nurse",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=day - datetime.timedelta(days=1),
    )
    o = homecare.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=tomorrow_at(9),
        idempotency_key="clean-1",
    )
    summary = services_dispatch.dispatch_day(actor=w["admin_p"], day=day, provider=w["provider"])
    assert summary["offered"] == 0
    with pytest.raises(InvalidInput) as err:
        services_dispatch.order_reassign(actor=w["admin_p"], order=o, caregiver=w["carer"])
    assert "护士执业证书" in str(err.value.message)
    services.certificate_add(actor=w["admin_p"], caregiver=w["carer2"], kind="nurse", valid_from=day)
    summary = services_dispatch.dispatch_day(actor=w["admin_p"], day=day, provider=w["provider"])
    o.refresh_from_db()
    assert summary["offered"] == 1 and o.caregiver == w["carer2"]


def test_the_solver_mask_honours_required_certificates():
    p = engine.Problem(
        order_start=np.array([600.0, 700.0]),
        order_end=np.array([630.0, 730.0]),
        order_lat=np.array([30.0, 30.0]),
        order_lng=np.array([120.0, 120.0]),
        order_provider=np.array([1, 1]),
        order_level=np.array([0, 0]),
        order_health=np.array([False, False]),
        cg_provider=np.array([1, 1]),
        cg_lat=np.array([30.0, 30.5]),
        cg_lng=np.array([120.0, 120.5]),
        cg_level=np.array([1, 1]),
        cg_health=np.array([True, True]),
        order_need=np.array([0, -1]),
        need_ok=np.array([[False, True]]),  # only the far caregiver holds what order 0 needs
    )
    result = engine.assign(p)
    assert int(result.caregiver[0]) == 1 and int(result.caregiver[1]) == 0


def test_a_childcare_class_over_its_ratio_on_shift_is_a_breach_with_its_times(
    users,
    nursery,
    op_admin,
    make_child,
):
    from carecircle.childcare import services as childcare

    day = today()
    cls = childcare.class_create(
        actor=users["admin"], facility=nursery, name="托小一班", band="small", capacity=15, caregivers=2
    )
    for _ in range(8):  # 8 children of 12-24 months: 托小班 1:5 needs 2 caregivers
        childcare.enrol(actor=users["admin"], child_class=cls, child=make_child(18), start_on=day)
    valid = [
        ("childcare", 1, datetime.date(2024, 1, 1), None),
        ("health", None, datetime.date(2024, 1, 1), None),
    ]
    a = worker(op_admin, nursery, "甲保育", "childcare_carer", certs=valid)
    b = worker(op_admin, nursery, "乙保育", "childcare_carer", certs=valid)
    services.shift_assign(
        actor=op_admin, worker=a, unit_id=nursery.pk, class_id=cls.pk, day=day, start=T(8), end=T(17)
    )
    services.shift_assign(
        actor=op_admin, worker=b, unit_id=nursery.pk, class_id=cls.pk, day=day, start=T(8), end=T(12)
    )
    services.shift_assign(
        actor=op_admin, worker=b, unit_id=nursery.pk, class_id=cls.pk, day=day, start=T(13), end=T(17)
    )
    breaches = ratios.class_breaches(cls, day)
    assert [(x.start.time(), x.end.time(), x.have, x.need) for x in breaches] == [(T(12), T(13), 1, 2)]
    assert breaches[0].class_name == "托小一班" and breaches[0].kind == ratios.CLASS_RATIO
    # staff on shift elsewhere do not count; with both all day there is no breach
    services.shift_assign(
        actor=op_admin, worker=b, unit_id=nursery.pk, class_id=cls.pk, day=day, start=T(12), end=T(13)
    )
    assert ratios.class_breaches(cls, day) == []


def test_social_workers_per_60_beds_as_runs_of_days(users, make_facility, op_admin):
    home = make_facility("nursing_public", beds_general=130, name="颐养院")  # 130 beds: 3 social workers
    first = datetime.date(2026, 1, 1)
    for k in range(3):
        worker(op_admin, home, f"社工{k}", "social_worker", employed_from=first)
    # one of the three starts on the 5th; a fourth stays from the 10th to the 20th (over the need)
    Caregiver.objects.filter(name="社工2").update(employed_from=datetime.date(2026, 1, 5))
    leaver = worker(op_admin, home, "社工离职", "social_worker", employed_from=datetime.date(2026, 1, 10))
    services.caregiver_leave(actor=op_admin, caregiver=leaver, day=datetime.date(2026, 1, 20))
    found = [
        b
        for b in ratios.unit_breaches([home], first, datetime.date(2026, 1, 31))
        if b.kind == "social_workers"
    ]
    assert [(b.start, b.end, b.have, b.need) for b in found] == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 4), 2, 3),
    ]


def test_home_care_dispatch_takes_only_home_care_staff_whatever_the_ids(world):
    """An institution's carer whose operator id equals the provider's id is no caregiver of it."""
    from carecircle.workforce import selectors

    w = world
    twin = Caregiver.objects.create(
        employer_kind="facility_operator",
        organisation_id=w["provider"].pk,
        role="carer",
        region_code=COMMUNITY_A,
        name="同号机构护理员",
        employed_from=datetime.date(2020, 1, 1),
    )
    day = tomorrow_at(9).date()
    team = selectors.caregivers_employed(organisation_ids=[w["provider"].pk], day=day)
    assert twin not in team and {w["carer"], w["carer2"]} <= set(team)
    assert selectors.organisation_caregiver(organisation_id=w["provider"].pk, caregiver_id=twin.pk) is None
