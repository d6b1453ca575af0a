import datetime

import pytest

from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.facilities import selectors, services
from carecircle.facilities.models import Facility, Filing, FilingState, FilingStatus
from carecircle.facilities.types import Capacity
from tests.conftest import COMMUNITY_A, COMMUNITY_B, make_user
from tests.facilities.conftest import ALL_DOCS


@pytest.fixture
def provider(users, operator):
    user = make_user("prov1", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=user).update(
        organisation_kind="facility_operator", organisation_id=operator.pk
    )
    return user


def test_filing_round_trip_returned_then_approved(users, operator, provider):
    docs = {k: v for k, v in ALL_DOCS.items() if k != "fire_safety"}
    filing = services.facility_apply(
        actor=provider,
        operator=operator,
        kind="childcare_centre",
        name="小太阳托育",
        address="桂花路8号",
        region_code=COMMUNITY_A,
        latitude=30.29,
        longitude=120.12,
        documents=docs,
        childcare_places=60,
        childcare_places_puhui=40,
        opening_hours="周一至周五 7:30-17:30",
    )
    facility = filing.facility
    assert facility.status == FilingStatus.PENDING
    # the provider cannot review; the official cannot approve with a document missing
    with pytest.raises((Forbidden, NotFound)):
        services.filing_review(actor=provider, filing=filing, approve=True)
    with pytest.raises(InvalidInput) as exc:
        services.filing_review(actor=users["district"], filing=filing, approve=True)
    assert "消防" in str(exc.value.message) and exc.value.field == "documents"
    with pytest.raises(InvalidInput):
        services.filing_review(actor=users["district"], filing=filing, approve=False, reasons=" ")
    services.filing_review(actor=users["district"], filing=filing, approve=False, reasons="缺少消防备案凭证")
    facility.refresh_from_db()
    assert facility.status == FilingStatus.RETURNED
    # resubmitted with the document and a corrected figure, then approved
    again = services.filing_submit(
        actor=provider, facility=facility, kind="new", changes={"childcare_places": 80}, documents=ALL_DOCS
    )
    with pytest.raises(Conflict):  # only one pending filing at a time
        services.filing_submit(actor=provider, facility=facility, kind="new", documents=ALL_DOCS)
    services.filing_review(actor=users["district"], filing=again, approve=True, day=datetime.date(2026, 3, 1))
    facility.refresh_from_db()
    assert facility.status == FilingStatus.FILED and facility.childcare_places == 80
    assert facility.filed_on == datetime.date(2026, 3, 1) and facility.filing_number.startswith(
        "339901-2026-"
    )
    history = list(Filing.objects.filter(facility=facility).order_by("id").values_list("kind", "state"))
    assert history == [("new", FilingState.RETURNED), ("new", FilingState.APPROVED)]


def test_change_and_closure_are_filed_and_kept(users, make_facility):
    facility = make_facility("nursing_private", beds_general=20, beds_nursing=30)
    with pytest.raises(InvalidInput) as exc:
        services.filing_submit(
            actor=users["admin"], facility=facility, kind="change", changes={"beds_nursing": "多"}
        )
    assert exc.value.field == "beds_nursing"
    change = services.filing_submit(
        actor=users["admin"],
        facility=facility,
        kind="change",
        changes={"beds_nursing": 50},
        documents={"fire_safety": "x"},
    )
    with pytest.raises(InvalidInput):  # capacity change needs the building document as well
        services.filing_review(actor=users["district"], filing=change, approve=True)
    change.documents["building_safety"] = "y"
    change.save()
    services.filing_review(actor=users["district"], filing=change, approve=True)
    facility.refresh_from_db()
    assert facility.beds_nursing == 50
    with pytest.raises(InvalidInput):
        services.filing_submit(actor=users["admin"], facility=facility, kind="closure", note="")
    closure = services.filing_submit(
        actor=users["admin"],
        facility=facility,
        kind="closure",
        note="场地到期",
        documents={"closure_plan": "安置方案"},
    )
    services.filing_review(actor=users["district"], filing=closure, approve=True, day=datetime.date.today())
    facility.refresh_from_db()
    assert facility.status == FilingStatus.CLOSED and facility.closed_on == datetime.date.today()
    assert facility.filings.count() == 3


def test_invalid_values_name_their_field(users, operator):
    def apply(**kw):
        base = dict(
            actor=users["admin"],
            operator=operator,
            kind="canteen",
            name="助餐点",
            address="路1号",
            region_code=COMMUNITY_A,
            latitude=30.2,
            longitude=120.1,
        )
        base.update(kw)
        return services.facility_apply(**base)

    for kw, field in [
        ({"region_code": "339901001000"}, "region_code"),  # a street, not a community
        ({"latitude": 200}, "latitude"),
        ({"beds_general": 10}, "beds_general"),  # a canteen has no beds
        (
            {"kind": "childcare_centre", "childcare_places": 10, "childcare_places_puhui": 11},
            "childcare_places_puhui",
        ),
        ({"name": " "}, "name"),
        ({"kind": "hotel"}, "kind"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            apply(**kw)
        assert exc.value.field == field, kw
    assert not Facility.objects.exists()


def test_provider_admin_sees_and_files_only_own_facilities(users, make_facility, operator, provider):
    other_op = services.operator_create(
        actor=users["admin"], name="另一家", credit_code="91330100MA2BBBBB1Y", region_code=COMMUNITY_A
    )
    mine = make_facility("nursing_private", beds_general=10)
    theirs = make_facility("nursing_private", beds_general=10, op=other_op)
    assert list(selectors.facility_search(user=provider)) == [mine]
    assert set(selectors.facility_search(user=users["street"])) == {mine, theirs}
    with pytest.raises((Forbidden, NotFound)):
        selectors.facility_get(user=provider, facility_id=theirs.pk)
    with pytest.raises((Forbidden, NotFound)):
        services.facility_apply(
            actor=provider,
            operator=other_op,
            kind="canteen",
            name="x",
            address="y",
            region_code=COMMUNITY_A,
            latitude=30.2,
            longitude=120.1,
        )
    with pytest.raises((Forbidden, NotFound)):
        services.filing_submit(actor=provider, facility=theirs, kind="closure", note="x")
    # another region's official sees nothing of region A
    assert not selectors.facility_search(user=users["district_b"]).exists()


def test_contract_points_and_capacity(users, make_facility):
    make_facility("nursing_public", beds_general=10, beds_nursing=30, beds_cognitive=5)
    make_facility("childcare_centre", childcare_places=50, childcare_places_puhui=30)
    make_facility("nursing_private", filed=False, beds_general=100)
    make_facility("childcare_centre", region=COMMUNITY_B, childcare_places=20, childcare_places_puhui=20)
    totals = selectors.capacity_totals(region_prefix="339901000000")
    assert totals == Capacity(
        beds_total=45, beds_nursing=30, beds_cognitive=5, childcare_places=50, childcare_places_puhui=30
    )
    assert selectors.capacity_totals(region_prefix="3399").childcare_places == 70
    assert selectors.capacity_totals(
        region_prefix="339901", day=datetime.date.today() - datetime.timedelta(days=1)
    ) == Capacity(
        beds_total=0, beds_nursing=0, beds_cognitive=0, childcare_places=0, childcare_places_puhui=0
    )
    pts = selectors.facility_points(kind="childcare_centre")
    assert pts.count() == 2 and {"id", "kind", "latitude", "longitude", "region_code"} <= set(pts.values()[0])
    assert selectors.facility_points(filed_only=False).count() == 4
