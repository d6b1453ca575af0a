"""JSON API of the workforce, mounted at /api/v1/workforce/…"""

import datetime

from django.utils import timezone
from ninja import Router, Schema, Status

from carecircle.core import scope
from carecircle.core.errors import InvalidInput
from carecircle.core.limits import Count, Id, Latitude, Limit, Longitude
from carecircle.core.regions import is_valid_code, prefix_of
from carecircle.workforce import selectors, services

router = Router(tags=["workforce"])


class WfCertificateOut(Schema):
    id: int
    kind: str
    level: int | None
    number: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class WfCaregiverOut(Schema):
    id: int
    name: str
    organisation_id: int
    region_code: str
    phone: str  # masked
    employed_from: datetime.date
    employed_to: datetime.date | None
    certificates: list[WfCertificateOut]


def caregiver_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "organisation_id": c.organisation_id,
        "region_code": c.region_code,
        "phone": c.phone_masked,
        "employed_from": c.employed_from,
        "employed_to": c.employed_to,
        "certificates": list(c.certificates.all()),
    }


@router.get("/workforce/caregivers", response=list[WfCaregiverOut])
def caregiver_list(request, q: str = "", limit: Limit = 200):
    qs = selectors.caregiver_search(user=request.user, text=q).prefetch_related("certificates")
    return [caregiver_out(c) for c in qs[: max(1, min(limit, 1000))]]


class WfCaregiverIn(Schema):
    organisation_id: Id
    region_code: str
    name: str
    employed_from: datetime.date
    phone: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


@router.post("/workforce/caregivers", response={201: WfCaregiverOut})
def caregiver_create(request, payload: WfCaregiverIn):
    return Status(
        201, caregiver_out(services.caregiver_create(actor=request.user, request=request, **payload.dict()))
    )


@router.get("/workforce/caregivers/{caregiver_id}", response=WfCaregiverOut)
def caregiver_detail(request, caregiver_id: Id):
    return caregiver_out(selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id))


class WfCertificateIn(Schema):
    kind: str
    level: Count | None = None
    number: str = ""
    issuer: str = ""
    valid_from: datetime.date
    valid_to: datetime.date | None = None


@router.post("/workforce/caregivers/{caregiver_id}/certificates", response={201: WfCertificateOut})
def certificate_add(request, caregiver_id: Id, payload: WfCertificateIn):
    caregiver = selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id)
    return Status(
        201,
        services.certificate_add(actor=request.user, caregiver=caregiver, request=request, **payload.dict()),
    )


class WfCountOut(Schema):
    region_prefix: str
    day: datetime.date
    certified: int


@router.get("/workforce/certified-count", response=WfCountOut)
def certified_count(request, region: str, day: datetime.date | None = None):
    if not is_valid_code(region):
        raise InvalidInput(field="region")
    scope.require(request.user, "workforce.view", region)
    day = day or timezone.localdate()
    prefix = prefix_of(region)
    return {
        "region_prefix": prefix,
        "day": day,
        "certified": selectors.certified_caregiver_count(region_prefix=prefix, day=day),
    }
