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


def certificate_id(ctx):
    """A 健康证 of a walk caregiver of region A (the verify page's certificate)."""
    from carecircle.workforce.models import Caregiver
    from carecircle.workforce.services import certificate_add

    worker = Caregiver.objects.get(pk=caregiver_id(ctx))
    return certificate_add(
        actor=ctx.users["admin"], caregiver=worker, kind="health", valid_from=datetime.date(2026, 1, 1)
    ).pk


FACTORIES = {"caregiver_id": caregiver_id, "certificate_id": certificate_id}
