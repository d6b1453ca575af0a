import datetime

import pytest

from carecircle.childcare import selectors, services, standards
from carecircle.childcare.models import Attendance, Enrolment
from carecircle.core.errors import Conflict, InvalidInput
from tests.childcare.conftest import months_ago, today


def test_months_old():
    assert standards.months_old(datetime.date(2025, 1, 31), datetime.date(2025, 2, 28)) == 0
    assert standards.months_old(datetime.date(2025, 1, 15), datetime.date(2026, 1, 15)) == 12
    assert standards.months_old(datetime.date(2025, 1, 15), datetime.date(2026, 1, 14)) == 11
    assert (
        standards.own_band(5) is None
        and standards.own_band(6) == "infant"
        and standards.own_band(12) == "small"
    )
    assert standards.own_band(24) == "big" and standards.own_band(36) is None


@pytest.mark.parametrize(
    "band, months, size, ratio",
    [
        ("infant", 8, 10, 3),
        ("small", 16, 15, 5),
        ("big", 28, 20, 7),
    ],
)
def test_capacity_and_ratio_refusals_per_band(users, nursery, make_child, band, months, size, ratio):
    with pytest.raises(InvalidInput) as exc:
        services.class_create(
            actor=users["admin"], facility=nursery, name="超额", band=band, capacity=size + 1, caregivers=9
        )
    assert exc.value.field == "capacity"
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="一班", band=band, capacity=size, caregivers=1
    )
    kids = [make_child(months) for _ in range(size + 1)]
    for kid in kids[:ratio]:
        services.enrol(actor=users["admin"], child_class=cls, child=kid, start_on=today())
    with pytest.raises(Conflict) as exc:  # one caregiver: the ratio would break
        services.enrol(actor=users["admin"], child_class=cls, child=kids[ratio], start_on=today())
    assert f"1:{ratio}" in str(exc.value.message) and "保育人员不足" in str(exc.value.message)
    services.class_set_caregivers(actor=users["admin"], child_class=cls, caregivers=-(-size // ratio))
    for kid in kids[ratio:size]:
        services.enrol(actor=users["admin"], child_class=cls, child=kid, start_on=today())
    with pytest.raises(Conflict) as exc:  # the class is full
        services.enrol(actor=users["admin"], child_class=cls, child=kids[size], start_on=today())
    assert "已满" in str(exc.value.message)
    with pytest.raises(Conflict):  # and caregivers cannot be cut below the ratio
        services.class_set_caregivers(actor=users["admin"], child_class=cls, caregivers=1)
    assert Enrolment.objects.filter(child_class=cls).count() == size


@pytest.mark.parametrize(
    "band, months, hint",
    [
        ("infant", 5, None),
        ("infant", 12, "托小班"),
        ("small", 11, "乳儿班"),
        ("small", 24, "托大班"),
        ("big", 23, "托小班"),
        ("mixed", 17, "托小班"),
    ],
)
def test_age_outside_band_refused_with_reason(users, nursery, make_child, band, months, hint):
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="班", band=band, capacity=10, caregivers=4
    )
    with pytest.raises(InvalidInput) as exc:
        services.enrol(actor=users["admin"], child_class=cls, child=make_child(months), start_on=today())
    assert f"{months} 个月" in str(exc.value.message)
    if hint:
        assert hint in str(exc.value.message)


def test_mixed_class_keeps_youngest_childs_ratio(users, nursery, make_child):
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="混合", band="mixed", capacity=18, caregivers=2
    )
    for _ in range(10):
        services.enrol(actor=users["admin"], child_class=cls, child=make_child(26), start_on=today())
    with pytest.raises(Conflict) as exc:  # an 19-month-old brings the class to 1:5: 11 children need 3
        services.enrol(actor=users["admin"], child_class=cls, child=make_child(19), start_on=today())
    assert "1:5" in str(exc.value.message)
    services.enrol(
        actor=users["admin"], child_class=cls, child=make_child(30), start_on=today()
    )  # 1:7, 11 ≤ 14
    assert selectors.class_figures(cls)["max_by_ratio"] == 14


def test_child_ageing_into_next_band(users, nursery, make_child):
    infants = services.class_create(
        actor=users["admin"], facility=nursery, name="乳儿", band="infant", capacity=10, caregivers=3
    )
    small = services.class_create(
        actor=users["admin"], facility=nursery, name="托小", band="small", capacity=1, caregivers=1
    )
    child = make_child(11, extra_days=0)
    e = services.enrol(actor=users["admin"], child_class=infants, child=child, start_on=today())
    later = today() + datetime.timedelta(days=40)
    assert selectors.roster(infants, today())[0]["outgrown"] is False
    row = selectors.roster(infants, later)[0]
    assert row["outgrown"] is True and row["band"] == "small"
    assert [o["enrolment"] for o in selectors.outgrowing(user=users["admin"], within_days=40)] == [e]
    with pytest.raises(InvalidInput):  # cannot stay on in the infant band: a new 乳儿班 enrolment is refused
        services.enrol(actor=users["admin"], child_class=infants, child=make_child(12), start_on=today())
    services.enrol(actor=users["admin"], child_class=small, child=make_child(13), start_on=today())
    with pytest.raises(Conflict):  # 托小班 full: the move is refused and nothing changes
        services.enrolment_move(actor=users["admin"], enrolment=e, to_class=small, day=later)
    e.refresh_from_db()
    assert e.end_on is None and e.child_class == infants
    bigger = services.class_create(
        actor=users["admin"], facility=nursery, name="托小二", band="small", capacity=5, caregivers=1
    )
    with pytest.raises(InvalidInput):  # too early: still 11 months today
        services.enrolment_move(
            actor=users["admin"], enrolment=e, to_class=bigger, day=today() + datetime.timedelta(days=1)
        )
    moved = services.enrolment_move(actor=users["admin"], enrolment=e, to_class=bigger, day=later)
    e.refresh_from_db()
    assert e.end_on == later and moved.child_class == bigger and moved.start_on == later


def test_attendance_per_day(users, nursery, make_child):
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="大班", band="big", capacity=20, caregivers=3
    )
    a = services.enrol(
        actor=users["admin"],
        child_class=cls,
        child=make_child(30),
        start_on=today() - datetime.timedelta(days=5),
    )
    b = services.enrol(
        actor=users["admin"],
        child_class=cls,
        child=make_child(30),
        start_on=today() - datetime.timedelta(days=5),
    )
    day = today() - datetime.timedelta(days=1)
    assert services.attendance_record(actor=users["admin"], child_class=cls, day=day, present_ids={a.pk}) == 2
    services.attendance_record(actor=users["admin"], child_class=cls, day=day, present_ids={a.pk, b.pk})
    assert (
        Attendance.objects.filter(day=day).count() == 2
        and Attendance.objects.filter(present=True).count() == 2
    )
    with pytest.raises(InvalidInput):
        services.attendance_record(
            actor=users["admin"], child_class=cls, day=today() + datetime.timedelta(days=1), present_ids=set()
        )
    with pytest.raises(InvalidInput):
        services.attendance_record(actor=users["admin"], child_class=cls, day=day, present_ids={999999})


def test_classes_fit_filed_places(users, make_facility):
    small = make_facility("kindergarten_class", childcare_places=20, childcare_places_puhui=10)
    services.class_create(
        actor=users["admin"], facility=small, name="托班", band="big", capacity=10, caregivers=2
    )
    with pytest.raises(InvalidInput) as exc:
        services.class_create(
            actor=users["admin"], facility=small, name="托班二", band="big", capacity=10, caregivers=2
        )
    assert exc.value.field == "puhui"
    services.class_create(
        actor=users["admin"],
        facility=small,
        name="托班二",
        band="big",
        capacity=10,
        caregivers=2,
        puhui=False,
        monthly_fee="2800",
    )
    with pytest.raises(InvalidInput):
        services.class_create(
            actor=users["admin"],
            facility=small,
            name="托班三",
            band="big",
            capacity=1,
            caregivers=1,
            puhui=False,
        )
    with pytest.raises(InvalidInput) as exc:  # kindergartens take 2–3 year olds only
        services.class_create(
            actor=users["admin"], facility=small, name="乳儿", band="infant", capacity=1, caregivers=1
        )
    assert exc.value.field == "band"
    home = make_facility("nursing_public", beds_general=5)
    with pytest.raises(InvalidInput):
        services.class_create(
            actor=users["admin"], facility=home, name="x", band="big", capacity=5, caregivers=1
        )


def test_months_ago_helper():
    assert standards.months_old(months_ago(11, extra_days=0), today()) == 11
