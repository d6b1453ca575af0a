import datetime


def _plan(ctx):
    from django.utils import timezone

    from carecircle.carevisits import services
    from carecircle.carevisits.models import VisitPlan
    from carecircle.registry.services import status_add

    today = timezone.localdate()  # the app's date (Beijing), not the host's
    existing = VisitPlan.objects.filter(person=ctx.person).first()
    if existing is not None:  # the same person serves plan_id and visit_id
        return existing
    status_add(
        actor=ctx.users["admin"],
        person=ctx.person,
        kind="living_alone",
        valid_from=datetime.date(2020, 1, 1),
        source="测试",
    )
    services.rule_set(
        actor=ctx.users["admin"], region_code="339900000000", group="living_alone", frequency="monthly"
    )
    services.plans_generate(
        actor=ctx.users["admin"], region_code="339901000000", year=today.year, month=today.month
    )
    return VisitPlan.objects.get(person=ctx.person)


def plan_id(ctx):
    return _plan(ctx).pk


def visit_id(ctx):
    from django.utils import timezone

    from carecircle.carevisits import services

    return services.visit_record(
        actor=ctx.users["admin"],
        plan=_plan(ctx),
        visited_at=timezone.now(),
        place="home",
        seen="self",
        condition="poor",
    ).pk


FACTORIES = {"plan_id": plan_id, "visit_id": visit_id}
