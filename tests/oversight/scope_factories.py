"""Path parameters of oversight's pages for the scope walk: records in region A (东湖区)."""

from tests.conftest import COMMUNITY_A


def make_plan_in_region_a(ctx):
    from tests.oversight.factories import make_unit, publish

    make_unit(COMMUNITY_A)
    return publish(ctx.users["admin"], region_code="339901000000").pk


def make_unit_in_region_a(ctx):
    from tests.oversight.factories import make_unit

    return make_unit(COMMUNITY_A).pk


FACTORIES = {"plan_id": make_plan_in_region_a, "unit_id": make_unit_in_region_a}
