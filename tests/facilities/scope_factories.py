"""Objects in region A (东湖区) for the project scope walk."""

from carecircle.facilities import services
from carecircle.facilities.models import Operator

DOCS = {
    "business_licence": "x",
    "site_proof": "x",
    "fire_safety": "x",
    "building_safety": "x",
    "staff_list": "x",
    "commitment": "x",
    "health_inspection": "x",
}


def _operator(ctx):
    op = Operator.objects.filter(credit_code="91330100MA2SCOPE0X").first()
    return op or services.operator_create(
        actor=ctx.users["admin"],
        name="范围测试运营方",
        credit_code="91330100MA2SCOPE0X",
        region_code="339901001001",
    )


def make_filing(ctx, kind="nursing_public", approve=True):
    filing = services.facility_apply(
        actor=ctx.users["admin"],
        operator=_operator(ctx),
        kind=kind,
        name="范围测试设施",
        address="桂花路1号",
        region_code="339901001001",
        latitude=30.29,
        longitude=120.12,
        documents=DOCS,
        beds_general=5 if kind == "nursing_public" else 0,
        childcare_places=20 if kind == "childcare_centre" else 0,
        childcare_places_puhui=20 if kind == "childcare_centre" else 0,
    )
    if approve:
        services.filing_review(actor=ctx.users["admin"], filing=filing, approve=True)
    return filing


def _home(ctx):
    from carecircle.facilities.models import Facility

    facility = Facility.objects.get(pk=make_filing(ctx).facility_id)
    services.beds_add(actor=ctx.users["admin"], facility=facility, kind="general", count=2)
    return facility


def make_stay(ctx):
    import datetime

    return services.stay_admit(
        actor=ctx.users["admin"],
        facility=_home(ctx),
        person=ctx.make_person(age=84),
        day=datetime.date.today(),
    ).pk


def make_entry(ctx):
    from carecircle.facilities import waiting

    return waiting.waiting_apply(
        actor=ctx.users["admin"], facility=_home(ctx), person=ctx.make_person(age=86)
    ).pk


def make_offer(ctx):
    from carecircle.facilities import waiting

    facility = _home(ctx)
    waiting.waiting_apply(actor=ctx.users["admin"], facility=facility, person=ctx.make_person(age=88))
    return waiting.offer_next(actor=ctx.users["admin"], facility=facility).pk


FACTORIES = {
    "facility_id": lambda ctx: make_filing(ctx).facility_id,
    "filing_id": lambda ctx: make_filing(ctx, approve=False).pk,
    "stay_id": make_stay,
    "entry_id": make_entry,
    "offer_id": make_offer,
}
