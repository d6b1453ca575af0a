"""The facility finder (public) and the nearby facilities of a resident's home: facilities in
operation (facilities.selectors.public_facilities) with their grade in force, free beds or 托位 and
the 普惠 monthly fee, filtered by kind, 普惠, fee range, free places and grade, and sorted by the
straight-line distance from a home when one is given (walking minutes estimated from it). Each
shows its credit grade from oversight (一公开, issue 20 item 8: oversight.selectors.public_grades)
and, when a major hazard suspends it, that it takes no new admissions (core.suspension)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import suspension
from carecircle.facilities import selectors as facilities
from carecircle.oversight import selectors as oversight
from carecircle.portal.tiles import distance_km, walking_minutes


@dataclass(frozen=True)
class Found:
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    phone: str
    opening_hours: str
    latitude: float
    longitude: float
    grade: str
    beds: int
    beds_free: int | None
    places: int
    places_puhui: int
    places_free: int | None
    fee: Decimal | None
    km: float | None
    minutes: int | None
    credit_grade: str = ""  # oversight's credit grade A–D ("": not under supervision)
    suspended: str = ""  # why a major hazard suspends it ("": it is not suspended)

    def standing(self) -> str:
        """Kind, credit grade and suspension in a few words (the map's tooltip)."""
        parts = [self.kind_label]
        if self.credit_grade:
            parts.append(_("信用%(g)s级") % {"g": self.credit_grade})
        if self.suspended:
            parts.append(_("因重大隐患暂停新增入住"))
        return "，".join(parts)

    def point(self) -> dict[str, Any]:
        """What the map's script reads (json_script): names as text, never markup."""
        return {
            "name": self.name,
            "kind": self.standing(),
            "lat": self.latitude,
            "lng": self.longitude,
            "anchor": f"f{self.id}",
        }


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    puhui: bool = False
    fee_max: Decimal | None = None
    fee_min: Decimal | None = None
    free_only: bool = False
    graded_only: bool = False


def kind_choices() -> list[tuple[str, str]]:
    field = facilities.public_facilities().model._meta.get_field("kind")
    return [(str(v), str(label)) for v, label in field.choices or []]


def find(
    filters: Filters,
    *,
    home: tuple[float, float] | None = None,
    limit: int = 200,
    day: datetime.date | None = None,
) -> list[Found]:
    """Facilities in operation that pass `filters`, nearest first when `home` is given (else by name)."""
    day = day or timezone.localdate()
    rows = list(facilities.public_facilities(kind=filters.kind))
    if filters.puhui:
        rows = [f for f in rows if f.childcare_places_puhui > 0]
    if filters.fee_min is not None or filters.fee_max is not None:
        rows = [
            f
            for f in rows
            if f.childcare_fee_monthly is not None
            and (filters.fee_min is None or f.childcare_fee_monthly >= filters.fee_min)
            and (filters.fee_max is None or f.childcare_fee_monthly <= filters.fee_max)
        ]
    grades = facilities.current_grades([f.pk for f in rows], day)
    if filters.graded_only:
        rows = [f for f in rows if f.pk in grades]
    free = facilities.free_places(rows, day)
    credit = oversight.public_grades("facility", [f.pk for f in rows])
    stopped = suspension.suspended("facility", [f.pk for f in rows])
    out = []
    for f in rows:
        room = free[f.pk]
        if filters.free_only and not (room["beds_free"] or room["places_free"]):
            continue
        km = distance_km(home[0], home[1], f.latitude, f.longitude) if home else None
        grade = grades.get(f.pk)
        out.append(
            Found(
                id=f.pk,
                name=f.name,
                kind=f.kind,
                kind_label=str(f.get_kind_display()),
                address=f.address,
                phone=f.phone,
                opening_hours=f.opening_hours,
                latitude=f.latitude,
                longitude=f.longitude,
                grade=grade.grade.label if grade is not None and grade.grade is not None else "",
                beds=room["beds"] or 0,
                beds_free=room["beds_free"],
                places=room["places"] or 0,
                places_puhui=f.childcare_places_puhui,
                places_free=room["places_free"],
                fee=f.childcare_fee_monthly,
                km=round(km, 1) if km is not None else None,
                minutes=walking_minutes(km) if km is not None else None,
                credit_grade=credit.get(f.pk, ""),
                suspended=stopped.get(f.pk, ""),
            )
        )
    out.sort(key=lambda x: (x.km if x.km is not None else 0.0, x.name))
    return out[:limit]
