import datetime
from decimal import Decimal

import pytest

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.facilities import selectors, services


def star(env, equip, mgmt, svc):
    return {"environment": env, "equipment": equip, "management": mgmt, "service": svc}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scores, grade",
    [
        # Sections: environment 120, equipment 130, management 150, service 600 (GB/T 37276-2018).
        (star(48, 52, 60, 240), "1"),  # every section exactly at 40%: total 400
        (star(47.9, 130, 150, 600), None),  # environment just under 40% despite 927.9 points
        (star(48, 52, 60, 239.9), None),  # service just under 40%
        (star(60, 65, 75, 300), "2"),  # every section exactly at 50%
        (star(59.9, 65, 75, 400), "1"),
        (star(72, 78, 90, 360), "3"),  # exactly 60%
        (star(72, 78, 90, 359.9), "2"),
        (star(96, 104, 120, 480), "4"),  # exactly 80%
        (star(96, 104, 119.9, 600), "3"),
        (star(108, 117, 135, 540), "5"),  # exactly 90%: total 900
        (star(108, 117, 135, 539.9), "4"),  # total 899.9
        (star(107.9, 130, 150, 600), "4"),  # 987.9 but environment under 90%
    ],
)
def test_star_thresholds_at_their_edges(scores, grade, city):
    level, total, reasons = services.grade_for("star", scores)
    assert (level.code if level else None) == grade, (total, reasons)
    assert reasons


@pytest.mark.django_db
def test_total_threshold_is_data_and_binds_at_its_edge(city):
    # With the standard's shares the totals of 一级 are implied (40% of 1000 = 400 > 360); an authority
    # that lowers the section share to 30% makes the 360-point total decide.
    from carecircle.facilities.models import GradeLevel

    GradeLevel.objects.filter(scheme="star", code="1").update(min_section_share=Decimal("0.30"))
    level, total, _ = services.grade_for("star", star(36, 39, 45, 239.9))
    assert total == Decimal("359.9") and level is None
    level, total, _ = services.grade_for("star", star(36, 39, 45, 240))
    assert total == Decimal("360") and level.code == "1"


@pytest.mark.django_db
def test_form_errors_name_the_section(city):
    with pytest.raises(InvalidInput) as exc:
        services.grade_for("star", star(121, 0, 0, 0))
    assert exc.value.field == "scores.environment"
    with pytest.raises(InvalidInput) as exc:
        services.grade_for("star", {"environment": 1, "equipment": 1, "management": 1})
    assert exc.value.field == "scores.service"


def test_centre_grade_brings_its_subsidy_and_validity(users, make_facility):
    centre = make_facility("community_centre")
    ev = services.evaluation_record(
        actor=users["district"],
        facility=centre,
        evaluated_on=datetime.date(2026, 1, 10),
        scores={"facility": 19, "service": 37, "management": 23, "satisfaction": 14},
    )
    assert ev.grade.code == "5A" and ev.yearly_subsidy == Decimal("160000.00")
    assert ev.valid_to == datetime.date(2029, 1, 9)
    four = make_facility("community_centre")
    ev4 = services.evaluation_record(
        actor=users["district"],
        facility=four,
        evaluated_on=datetime.date(2026, 1, 10),
        scores={"facility": 17, "service": 33, "management": 20, "satisfaction": 12},
    )
    assert ev4.grade.code == "4A" and ev4.yearly_subsidy == Decimal("120000.00")
    street = make_facility("street_centre")
    evs = services.evaluation_record(
        actor=users["district"],
        facility=street,
        evaluated_on=datetime.date(2026, 1, 10),
        scores={"facility": 15, "service": 30, "management": 20, "satisfaction": 12},
    )
    assert evs.grade.code == "3A" and evs.yearly_subsidy == Decimal("200000.00")
    grades = selectors.current_grades([centre.pk, four.pk], datetime.date(2027, 6, 1))
    assert grades[centre.pk].grade.label == "5A"
    assert selectors.current_grades([centre.pk], datetime.date(2029, 1, 10)) == {}
    with pytest.raises(Conflict):
        services.evaluation_record(
            actor=users["district"],
            facility=centre,
            evaluated_on=datetime.date(2026, 1, 10),
            scores={"facility": 19, "service": 37, "management": 23, "satisfaction": 14},
        )
    canteen = make_facility("canteen")
    with pytest.raises(InvalidInput):
        services.evaluation_record(
            actor=users["district"], facility=canteen, evaluated_on=datetime.date(2026, 1, 10), scores={}
        )


@pytest.mark.django_db
def test_reference_data_reloads_idempotently():
    from carecircle.facilities import reference
    from carecircle.facilities.models import GradeLevel, GradeSubsidy, WaitingRule

    GradeLevel.objects.all().delete()
    GradeSubsidy.objects.all().delete()
    WaitingRule.objects.all().delete()
    reference.ensure()
    reference.ensure()
    assert (
        GradeLevel.objects.filter(scheme="star").count() == 5
        and GradeLevel.objects.filter(scheme="centre").count() == 3
    )
    assert GradeSubsidy.objects.get(kind="community_centre", grade_code="5A").amount == Decimal("160000.00")
    assert WaitingRule.objects.filter(facility__isnull=True).count() == 1
