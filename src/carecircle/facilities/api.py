"""Facilities API: the open GeoJSON of the facility map (no login), and scoped staff endpoints."""

import dataclasses

from django.http import JsonResponse
from ninja import Router, Schema

from carecircle.core import regions, scope
from carecircle.core.errors import InvalidInput
from carecircle.core.limits import Id, Limit
from carecircle.facilities import mapdata, selectors, services, waiting

router = Router(tags=["facilities"])


@router.get("/public/facilities.geojson", auth=None, url_name="public_geojson")
def public_geojson(request, kind: str = "", region: str = ""):
    """All facilities in operation as GeoJSON (RFC 7946). A signed-in staff user also gets the
    unfiled and closed facilities within their scope."""
    qs = selectors.public_facilities(user=request.user, kind=kind, region_code=region)
    response = JsonResponse(mapdata.feature_collection(qs), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    return response


class FacilityOut(Schema):
    id: int
    kind: str
    name: str
    operator_id: int
    address: str
    region_code: str
    latitude: float
    longitude: float
    status: str
    filing_number: str
    opening_hours: str
    beds_general: int
    beds_nursing: int
    beds_cognitive: int
    childcare_places: int
    childcare_places_puhui: int
    staff_count: int


@router.get("/facilities", response=list[FacilityOut])
def facility_list(request, kind: str = "", region: str = "", status: str = "", limit: Limit = 200):
    return list(
        selectors.facility_search(user=request.user, kind=kind, region_code=region, status=status)[
            : max(1, min(limit, 2000))
        ]
    )


@router.get("/facilities/{facility_id}", response=FacilityOut)
def facility_detail(request, facility_id: Id):
    return selectors.facility_get(user=request.user, facility_id=facility_id)


class PlaceOut(Schema):
    rank: int
    entry_id: int
    person_id: int
    state: str
    reason: str


@router.get("/facilities/{facility_id}/waiting", response=list[PlaceOut])
def waiting_list(request, facility_id: Id):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.waiting")
    return [
        {
            "rank": p.rank,
            "entry_id": p.entry.pk,
            "person_id": p.entry.person_id,
            "state": p.entry.state,
            "reason": p.reason,
        }
        for p in waiting.ranked(facility)
    ]


class ReviewIn(Schema):
    approve: bool
    reasons: str = ""


class FilingOut(Schema):
    id: int
    facility_id: int
    kind: str
    state: str
    reasons: str


@router.post("/filings/{filing_id}/review", response=FilingOut)
def filing_review(request, filing_id: Id, payload: ReviewIn):
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    return services.filing_review(
        actor=request.user, filing=filing, approve=payload.approve, reasons=payload.reasons, request=request
    )


class CapacityOut(Schema):
    beds_total: int
    beds_nursing: int
    beds_cognitive: int
    childcare_places: int
    childcare_places_puhui: int


@router.get("/facilities-capacity", response=CapacityOut)
def capacity(request, region: str):
    if not regions.is_valid_code(region):
        raise InvalidInput(field="region")
    scope.require(request.user, "facilities.view", region)
    return dataclasses.asdict(selectors.capacity_totals(region_prefix=region))
