"""The scope walk's factories for the homes part of care at home (adaptation and rental): records in
region A (东湖区), each call a fresh one where a record is one per person."""

from tests.careathome.homes_helpers import eligible_person, photo, setup_programme
from tests.conftest import COMMUNITY_A


def _ready():
    from carecircle.careathome.models.homes import AdaptationItem

    if not AdaptationItem.objects.exists():
        setup_programme()


def _contractor(ctx):
    from carecircle.careathome import adaptation_services
    from carecircle.careathome.models.homes import Contractor

    found = Contractor.objects.filter(credit_code="91330100MA2WALK01X").first()
    return found or adaptation_services.contractor_register(
        actor=ctx.users["admin"],
        name="走查施工单位",
        credit_code="91330100MA2WALK01X",
        region_code="339901000000",
    )


def adaptation_case_id(ctx):
    from carecircle.careathome import adaptation_services

    _ready()
    person = eligible_person(ctx.make_person, COMMUNITY_A)
    return adaptation_services.case_apply(actor=ctx.users["admin"], person=person).pk


def adaptation_photo_id(ctx):
    from carecircle.careathome import adaptation_services
    from carecircle.careathome.models.homes import AdaptationCase

    case = AdaptationCase.objects.get(pk=adaptation_case_id(ctx))
    adaptation_services.case_assess(actor=ctx.users["admin"], case=case, note="走查", photos=[photo()])
    return case.photos.get().pk


def contractor_id(ctx):
    _ready()
    return _contractor(ctx).pk


def _point(ctx):
    from carecircle.careathome import rentals_services
    from carecircle.careathome.models.homes import RentalPoint

    _ready()
    return RentalPoint.objects.filter(region_code=COMMUNITY_A).first() or rentals_services.point_create(
        actor=ctx.users["admin"], name="走查租赁点", region_code=COMMUNITY_A
    )


def rental_point_id(ctx):
    return _point(ctx).pk


def device_unit_id(ctx):
    import uuid

    from carecircle.careathome import rentals_services
    from carecircle.careathome.models.homes import DeviceType

    return rentals_services.unit_add(
        actor=ctx.users["admin"],
        point=_point(ctx),
        device_type=DeviceType.objects.get(code="walker"),
        serial=f"WALK-{uuid.uuid4().hex[:10]}",
    ).pk


def rental_contract_id(ctx):
    from django.utils import timezone

    from carecircle.careathome import rentals_services
    from carecircle.careathome.models.homes import DeviceUnit

    unit = DeviceUnit.objects.get(pk=device_unit_id(ctx))
    return rentals_services.rental_deliver(
        actor=ctx.users["admin"],
        person=ctx.make_person(),
        unit=unit,
        delivered_on=timezone.localdate(),
        months=1,
    ).pk


FACTORIES = {
    "adaptation_case_id": adaptation_case_id,
    "adaptation_photo_id": adaptation_photo_id,
    "contractor_id": contractor_id,
    "rental_point_id": rental_point_id,
    "device_unit_id": device_unit_id,
    "rental_contract_id": rental_contract_id,
}
