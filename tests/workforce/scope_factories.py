"""Objects in region A (东湖区) for the scope walk (tests/test_scope_walk.py)."""

import datetime
import itertools

_MADE = itertools.count(1)


def caregiver_id(ctx):
    from carecircle.workforce.services import caregiver_create

    return caregiver_create(
        actor=ctx.users["admin"],
        organisation_id=9001,
        region_code="339901001001",
        name="走查护理员",
        employed_from=datetime.date(2020, 1, 1),
    ).pk


def certificate_id(ctx):
    """A 健康证 of a walk caregiver of region A (the verify page's certificate)."""
    from carecircle.workforce.models import Caregiver
    from carecircle.workforce.services import certificate_add

    worker = Caregiver.objects.get(pk=caregiver_id(ctx))
    return certificate_add(
        actor=ctx.users["admin"], caregiver=worker, kind="health", valid_from=datetime.date(2026, 1, 1)
    ).pk


def course_id(ctx):
    """A course of region A (东湖区), made by its district official."""
    from carecircle.workforce.training import course_create

    return course_create(
        actor=ctx.users["district"],
        title=f"走查课程{next(_MADE)}",
        provider="走查培训学校",
        hours="8",
        topic="care_skills",
        roles=["home_caregiver", "carer"],
        region_code="339901000000",
    ).pk


def training_session_id(ctx):
    """A session of a walk course, held in region A."""
    from carecircle.workforce.models import Course
    from carecircle.workforce.training import session_create

    course = Course.objects.get(pk=course_id(ctx))
    return session_create(
        actor=ctx.users["district"], course=course, day=datetime.date(2026, 3, 2), place="走查培训室"
    ).pk


def shift_id(ctx):
    """A shift of a walk carer at a facility of region A (the remove page's shift)."""
    from carecircle.facilities.models import Facility
    from carecircle.workforce.models import Caregiver, Shift
    from tests.facilities.scope_factories import FACTORIES as FACILITY_FACTORIES

    unit = Facility.objects.get(pk=FACILITY_FACTORIES["facility_id"](ctx))
    worker = Caregiver.objects.get(pk=caregiver_id(ctx))
    # made directly: the walk's caregiver has no certificate a unit's roster asks for
    return Shift.objects.create(
        worker=worker,
        unit_id=unit.pk,
        region_code=unit.region_code,
        day=datetime.date(2026, 3, 2),
        start=datetime.time(8),
        end=datetime.time(12),
    ).pk


FACTORIES = {
    "caregiver_id": caregiver_id,
    "certificate_id": certificate_id,
    "course_id": course_id,
    "training_session_id": training_session_id,
    "shift_id": shift_id,
}
