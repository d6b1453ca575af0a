"""Objects in region A (东湖区) for the scope walk (tests/test_scope_walk.py)."""

import datetime


def caregiver_id(ctx):
    from carecircle.workforce.services import caregiver_create

    return caregiver_create(
        actor=ctx.users["admin"],
        organisation_id=9001,
        region_code="339901001001",
        name="走查护理员",
        employed_from=datetime.date(2020, 1, 1),
    ).pk


FACTORIES = {"caregiver_id": caregiver_id}
