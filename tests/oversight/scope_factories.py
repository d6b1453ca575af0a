"""Path parameters of oversight's pages for the scope walk: records in region A (东湖区)."""

from tests.conftest import COMMUNITY_A


def make_plan_in_region_a(ctx):
    from carecircle.oversight.models import Unit
    from tests.oversight.factories import make_inspectors, make_unit, publish

    make_inspectors(2, region_code=COMMUNITY_A)
    unit = make_unit(COMMUNITY_A)
    Unit.objects.exclude(pk=unit.pk).update(active=False)  # the plan is of this unit alone
    return publish(ctx.users["admin"], region_code="339901000000").pk


def make_unit_in_region_a(ctx):
    from tests.oversight.factories import make_unit

    return make_unit(COMMUNITY_A).pk


def make_inspection_in_region_a(ctx):
    from tests.oversight.factories import make_drawn_inspection

    return make_drawn_inspection(ctx)[0].pk


def make_finding_in_region_a(ctx):
    from tests.oversight.factories import make_finding

    return make_finding(ctx).pk


def make_result_in_region_a(ctx):
    from carecircle.oversight.models import ItemResult
    from tests.oversight.factories import make_finding

    return ItemResult.objects.get(inspection=make_finding(ctx).inspection, outcome="fail").pk


def make_answer_in_region_a(ctx):
    from tests.oversight.factories import make_finding

    return make_finding(ctx, answered=True).answers.get().pk


FACTORIES = {
    "draw_plan_id": make_plan_in_region_a,
    "unit_id": make_unit_in_region_a,
    "inspection_id": make_inspection_in_region_a,
    "finding_id": make_finding_in_region_a,
    "result_id": make_result_in_region_a,
    "answer_id": make_answer_in_region_a,
    "credit_event_id": lambda ctx: _credit().make_credit_event_in_region_a(ctx),
    "correction_id": lambda ctx: _credit().make_correction_in_region_a(ctx),
    "warning_id": lambda ctx: make_warning_in_region_a(ctx),
}


def make_warning_in_region_a(ctx):
    """A unit of region A never inspected, and the warning the check raises for it."""
    from carecircle.oversight.models import EarlyWarning
    from carecircle.oversight.services import warnings_raise
    from tests.oversight.factories import make_unit

    unit = make_unit(COMMUNITY_A)
    warnings_raise()
    return EarlyWarning.objects.filter(unit=unit).values_list("pk", flat=True).first()


def _credit():
    from tests.oversight import credit_factories

    return credit_factories
