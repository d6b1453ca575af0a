"""Objects of region A (东湖区) for the scope walk."""

from django.utils import timezone


def _run(ctx):
    from carecircle.planning import coverage_services
    from carecircle.planning.network import synthetic

    net = synthetic([(30.291, 120.121), (30.271, 120.141)], spacing_m=150, reach_m=800, seed=1)
    row = coverage_services.network_store(
        actor=None, network=net, region_code="339901000000", name="walk", source="test"
    )
    return coverage_services.coverage_run(
        actor=ctx.users["district"],
        region_code="339901001000",
        group="elder",
        kind="community_centre",
        day=timezone.localdate(),
        network=row,
        extra_sites=[(30.291, 120.121)],
    )


def coverage_run_id(ctx):
    return _run(ctx).pk


def siting_id(ctx):
    from carecircle.planning.models import SitingRun

    run = _run(ctx)
    return SitingRun.objects.create(
        coverage=run,
        region_code=run.region_code,
        new_sites=1,
        candidates="communities",
        result={"regions": [], "sites": []},
    ).pk


def indicator_code(ctx):
    from carecircle.planning.services import indicators_load_defaults

    indicators_load_defaults()
    return "E01"


FACTORIES = {"coverage_run_id": coverage_run_id, "siting_id": siting_id, "indicator_code": indicator_code}
