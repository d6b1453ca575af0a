"""The facilities module's contract with other modules: capacities.

`carecircle.facilities.selectors.capacity_totals(region_prefix=, day=)` answers a `Capacity` for
the facilities in operation under a region (planning's indicators read it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Capacity:
    """Beds and 托位 of the facilities in operation under one region on one day."""

    beds_total: int  # general + nursing-type + cognitive-care beds (disjoint)
    beds_nursing: int
    beds_cognitive: int
    childcare_places: int
    childcare_places_puhui: int


@dataclass(frozen=True, slots=True)
class SupervisedFacility:
    """A facility in operation as oversight's unit register records it."""

    id: int
    name: str
    is_childcare: bool
    region_code: str
    latitude: float
    longitude: float
