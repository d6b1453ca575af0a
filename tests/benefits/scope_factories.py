"""Objects in region A (东湖区) for the scope walk."""

import datetime


def _programme():
    from carecircle.benefits.models import Fund, Programme

    fund, _ = Fund.objects.get_or_create(
        code="WALK_FUND", defaults={"name": "东湖区专项", "region_code": "339901000000"}
    )
    programme, _ = Programme.objects.get_or_create(
        code="WALK_A",
        defaults=dict(
            name="东湖区试点补贴",
            fund=fund,
            region_code="339901000000",
            target_rule="age >= 60",
            payment_method="cash",
            valid_from=datetime.date(2025, 1, 1),
        ),
    )
    return programme


def programme_id(ctx):
    return _programme().pk


def payroll_id(ctx):
    from carecircle.benefits.models import Batch

    return Batch.objects.create(
        programme=_programme(), month="2026-11", region_code="339901001000", prepared_by=ctx.users["street"]
    ).pk


def appeal_id(ctx):
    from carecircle.benefits.models import Appeal

    return Appeal.objects.create(
        person=ctx.person,
        programme=_programme(),
        region_code=ctx.person.region_code,
        route_region="339901000000",
        month="2026-11",
        reason="测试申诉",
        filed_by=ctx.users["community"],
    ).pk


def fund_id(ctx):
    return _programme().fund_id


FACTORIES = {
    "programme_id": programme_id,
    "payroll_id": payroll_id,
    "appeal_id": appeal_id,
    "fund_id": fund_id,
}
