"""Objects in region A (东湖区) for the project scope walk."""

from carecircle.facilities import services
from carecircle.facilities.models import Operator

DOCS = {"business_licence": "x", "site_proof": "x", "fire_safety": "x", "building_safety": "x", "staff_list": "x",
        "commitment": "x", "health_inspection": "x"}


def _operator(ctx):
    op = Operator.objects.filter(credit_code="91330100MA2SCOPE0X").first()
    return op or services.operator_create(actor=ctx.users["admin"], name="范围测试运营方", credit_code="91330100MA2SCOPE0X",
                                          region_code="339901001001")


def make_filing(ctx, kind="nursing_public", approve=True):
    filing = services.facility_apply(actor=ctx.users["admin"], operator=_operator(ctx), kind=kind, name="范围测试设施",
                                     address="桂花路1号", region_code="339901001001", latitude=30.29, longitude=120.12,
                                     documents=DOCS, beds_general=5 if kind == "nursing_public" else 0,
                                     childcare_places=20 if kind == "childcare_centre" else 0,
                                     childcare_places_puhui=20 if kind == "childcare_centre" else 0)
    if approve:
        services.filing_review(actor=ctx.users["admin"], filing=filing, approve=True)
    return filing


FACTORIES = {
    "facility_id": lambda ctx: make_filing(ctx).facility_id,
    "filing_id": lambda ctx: make_filing(ctx, approve=False).pk,
}
