"""Reads of assistive-device rental: the device types, the points and their inventory, contracts and
bills, and what a point's manager watches (overdue returns, utilisation)."""

import datetime

from django.db.models import Count, Q, QuerySet

from carecircle.careathome.models.homes import (
    DeviceType,
    DeviceUnit,
    RentalContract,
    RentalPoint,
    UnitCondition,
)
from carecircle.core import region_pick, scope
from carecircle.core.access import access_by_id
from carecircle.core.types import Actor

RENTAL = "careathome.rental"


def device_types() -> QuerySet[DeviceType]:
    return DeviceType.objects.all()


def points(*, user: Actor) -> QuerySet[RentalPoint]:
    """The user's points with their inventory figures (utilisation: units out of units in service)."""
    return scope.in_scope(RentalPoint.objects.all(), user, RENTAL).annotate(
        region_name=region_pick.name_of(),
        units_total=Count("units", filter=~Q(units__condition=UnitCondition.RETIRED)),
        units_rented=Count("units", filter=Q(units__condition=UnitCondition.RENTED)),
        units_to_clean=Count("units", filter=Q(units__condition=UnitCondition.TO_CLEAN)),
        units_in_repair=Count("units", filter=Q(units__condition=UnitCondition.IN_REPAIR)),
    )


def point_get(*, user: Actor, point_id: int) -> RentalPoint:
    return access_by_id(RentalPoint.objects.all(), point_id, user=user, perm=RENTAL)


def units(*, user: Actor) -> QuerySet[DeviceUnit]:
    return (
        scope.in_scope(DeviceUnit.objects.all(), user, RENTAL)
        .select_related("device_type", "point")
        .annotate(region_name=region_pick.name_of())
    )


def unit_get(*, user: Actor, unit_id: int) -> DeviceUnit:
    return access_by_id(
        DeviceUnit.objects.select_related("device_type", "point"), unit_id, user=user, perm=RENTAL
    )


def ready_units(point: RentalPoint) -> QuerySet[DeviceUnit]:
    return DeviceUnit.objects.filter(point=point, condition=UnitCondition.READY).select_related("device_type")


def contracts(*, user: Actor) -> QuerySet[RentalContract]:
    return (
        scope.in_scope(RentalContract.objects.all(), user, RENTAL)
        .select_related("person", "unit__device_type", "unit__point")
        .annotate(region_name=region_pick.name_of())
    )


def contract_get(*, user: Actor, contract_id: int) -> RentalContract:
    return access_by_id(
        RentalContract.objects.select_related("person", "unit__device_type", "unit__point"),
        contract_id,
        user=user,
        perm=RENTAL,
    )


def overdue(*, user: Actor, day: datetime.date) -> QuerySet[RentalContract]:
    """Contracts past their return date and not returned on `day`."""
    return contracts(user=user).filter(returned_on__isnull=True, due_back__lt=day)


def is_overdue(contract: RentalContract, day: datetime.date) -> bool:
    return contract.returned_on is None and contract.due_back < day
