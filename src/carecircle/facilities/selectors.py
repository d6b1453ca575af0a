"""Reads of facilities. Public reads (map, GeoJSON, planning's capacity figures) show only facilities
in operation; staff reads go through the user's scope, and a provider admin sees only the
facilities of the operator their grant names: a grant of kind facility operator or childcare operator
(core/organisations.py), never one of another kind of organisation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import StrEnum
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import plugins, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.organisations import (
    OPERATOR_KINDS,
    ORGANISATION_ROLES,
    OrganisationKind,
    organisation_grants,
)
from carecircle.core.roles import permissions_of
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.models import (
    CHILDCARE_KINDS,
    INSTITUTION_KINDS,
    PUBLIC_KINDS,
    Evaluation,
    Facility,
    FacilityKind,
    Filing,
    FilingState,
    FilingStatus,
    Offer,
    OfferResponse,
    Stay,
    WaitingEntry,
)
from carecircle.facilities.types import Capacity, SupervisedFacility
from carecircle.registry.selectors import family_persons

if TYPE_CHECKING:
    from carecircle.core.models import User

M = TypeVar("M", bound=Model)


def operating_q(day: datetime.date | None = None, prefix: str = "") -> Q:
    """Facilities in operation (filed and not closed) today, or on `day` from the filing history."""
    if day is None:
        return Q(**{f"{prefix}status": FilingStatus.FILED})
    return (
        Q(**{f"{prefix}status__in": [FilingStatus.FILED, FilingStatus.CLOSED]})
        & Q(**{f"{prefix}filed_on__lte": day})
        & (Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day}))
    )


# ------------------------------------------------------------------ contract for planning


def facility_points(
    *, kind: str | None = None, day: datetime.date | None = None, filed_only: bool = True
) -> QuerySet[Facility]:
    """Facilities with their coordinates: those in operation (on `day`, else now) unless
    filed_only=False, which returns every facility whatever its filing status."""
    qs = Facility.objects.all()
    if filed_only:
        qs = qs.filter(operating_q(day))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.only(
        "id",
        "kind",
        "name",
        "latitude",
        "longitude",
        "region_code",
        "status",
        "beds_general",
        "beds_nursing",
        "beds_cognitive",
        "childcare_places",
        "childcare_places_puhui",
    ).order_by("id")


def capacity_totals(
    *, region_prefix: str, day: datetime.date | None = None, institutions_only: bool = False
) -> Capacity:
    """Beds and 托位 of the facilities in operation under `region_prefix` (a region code or its
    prefix). beds_total counts general + nursing-type + cognitive-care beds (disjoint). With
    `institutions_only`, only 养老机构 (public, PPP, private institutions and dementia-care units):
    not the short-stay beds of street centres."""
    prefix = regions.prefix_of(region_prefix) if len(region_prefix) == 12 else region_prefix
    rows = Facility.objects.filter(operating_q(day), region_code__startswith=prefix)
    if institutions_only:
        rows = rows.filter(kind__in=[*INSTITUTION_KINDS, FacilityKind.DEMENTIA_UNIT])
    agg = rows.aggregate(
        general=Coalesce(Sum("beds_general"), 0),
        nursing=Coalesce(Sum("beds_nursing"), 0),
        cognitive=Coalesce(Sum("beds_cognitive"), 0),
        places=Coalesce(Sum("childcare_places"), 0),
        puhui=Coalesce(Sum("childcare_places_puhui"), 0),
    )
    return Capacity(
        beds_total=agg["general"] + agg["nursing"] + agg["cognitive"],
        beds_nursing=agg["nursing"],
        beds_cognitive=agg["cognitive"],
        childcare_places=agg["places"],
        childcare_places_puhui=agg["puhui"],
    )


# ------------------------------------------------------------------ staff scope


FacilityGrant: TypeAlias = tuple[str, str, int | None, bool]
"""(role, region code, operator id or None, childcare only): one way a user reaches facilities."""


def facility_grants(user: Actor) -> list[FacilityGrant]:
    """(role, region code, operator id, childcare only) of each grant through which `user` reaches
    facilities: staff grants region-wide (operator None); organisation roles only through a grant of a
    facility operator (all its facilities) or a childcare operator (only its childcare facilities)."""
    if not signed_in(user):
        return []
    found: list[FacilityGrant] = [
        (role, region, None, False)
        for role, region, _k, _o in _all_grants(user)
        if role not in ORGANISATION_ROLES
    ]
    found += [
        (g.role, g.region_code, g.organisation_id, g.kind == OrganisationKind.CHILDCARE_OPERATOR)
        for g in organisation_grants(user, OPERATOR_KINDS)
        if g.role in ORGANISATION_ROLES
    ]
    return found


def _all_grants(user: User) -> list[tuple[str, str, str, int | None]]:
    return list(user.grants.values_list("role", "region_id", "organisation_kind", "organisation_id"))


def grant_reaches(
    grant: FacilityGrant, region_code: str, operator_id: int | None, facility_kind: str
) -> bool:
    """Whether one of `facility_grants` covers a facility of `operator_id` and `facility_kind` in `region_code`."""
    _role, region, operator, childcare_only = grant
    if not region_code.startswith(regions.prefix_of(region)):
        return False
    if operator is None:
        return True
    return operator == operator_id and (not childcare_only or facility_kind in CHILDCARE_KINDS)


def scope_q(user: Actor, perm: str, field: str = "") -> Q | None:
    """The filter of facilities (through `field`, e.g. "facility__") that `user` reaches with
    `perm`: the region prefixes of their grants, narrowed to one operator (and for a childcare
    operator to childcare facilities) for organisation roles. None when the user has no such grant."""
    parts = []
    for role, region, operator, childcare_only in facility_grants(user):
        if perm not in permissions_of(role):
            continue
        q = Q(**{f"{field}region_code__startswith": regions.prefix_of(region)})
        if operator is not None:
            q &= Q(**{f"{field}operator_id": operator})
            if childcare_only:
                q &= Q(**{f"{field}kind__in": CHILDCARE_KINDS})
        parts.append(q)
    return reduce(or_, parts) if parts else None


def in_facility_scope(qs: QuerySet[M], user: Actor, perm: str, field: str = "") -> QuerySet[M]:
    q = scope_q(user, perm, field)
    return qs.none() if q is None else qs.filter(q)


def require_facility(user: Actor, perm: str, facility: Facility) -> None:
    """Raise unless `user` holds `perm` over this facility (region, and operator for provider roles)."""
    q = scope_q(user, perm)
    if q is not None and Facility.objects.filter(q, pk=facility.pk).exists():
        return
    if (
        scope_q(user, "facilities.view") is not None
        and Facility.objects.filter(scope_q(user, "facilities.view"), pk=facility.pk).exists()
    ):
        raise Forbidden()
    raise NotFound()


def reaches_facility(user: Actor, perm: str, facility_id: int) -> bool:
    """Whether `user` holds `perm` over the facility (no exception: a page deciding what to show)."""
    return in_facility_scope(Facility.objects.filter(pk=facility_id), user, perm).exists()


def childcare_facilities(*, user: Actor, perm: str) -> QuerySet[Facility]:
    """The filed childcare facilities `user` reaches with `perm`, by name (where classes open)."""
    filed = Facility.objects.filter(kind__in=CHILDCARE_KINDS, status=FilingStatus.FILED)
    return in_facility_scope(filed, user, perm).order_by("name")


def childcare_facilities_with_places() -> QuerySet[Facility]:
    """Every filed childcare facility that declares places, in id order: whole-city work with no
    user (the synthetic city's classes and vouchers)."""
    filed = Facility.objects.filter(
        kind__in=CHILDCARE_KINDS, status=FilingStatus.FILED, childcare_places__gt=0
    )
    return filed.order_by("id")


def require_filed_childcare(facility: Facility) -> None:
    """Raise unless the facility is a childcare facility (托育) whose filing is in force."""
    if facility.kind not in CHILDCARE_KINDS:
        raise InvalidInput(_("%(n)s 不是托育设施") % {"n": facility.name}, field="facility")
    if facility.status != FilingStatus.FILED:
        raise Conflict(_("%(n)s 未备案运营") % {"n": facility.name}, field="facility")


def facility_locked(facility_id: int) -> Facility:
    """The facility's row, locked until the caller's transaction ends (select_for_update): writes of
    other modules that count against its places (childcare classes) take turns on it."""
    return Facility.objects.select_for_update().get(pk=facility_id)


def facility_get(*, user: Actor, facility_id: int, perm: str = "facilities.view") -> Facility:
    facility = access_by_id(
        Facility.objects.select_related("operator"),
        facility_id,
        user=user,
        perm=perm,
        check=require_facility,
    )
    return facility


def facility_search(
    *, user: Actor, kind: str = "", region_code: str = "", status: str = "", text: str = ""
) -> QuerySet[Facility]:
    qs = in_facility_scope(Facility.objects.select_related("operator"), user, "facilities.view")
    if kind:
        qs = qs.filter(kind=kind)
    if region_code and regions.is_valid_code(region_code):
        qs = qs.filter(region_code__startswith=regions.prefix_of(region_code))
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(address__contains=text) | Q(operator__name__contains=text))
    return qs.order_by("region_code", "kind", "name", "id")


def filing_queue(*, user: Actor, state: str = FilingState.PENDING) -> QuerySet[Filing]:
    qs = in_facility_scope(
        Filing.objects.select_related("facility", "facility__operator"), user, "facilities.view", "facility__"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("submitted_at", "id")


def filing_get(*, user: Actor, filing_id: int, perm: str = "facilities.view") -> Filing:
    filing = access_by_id(
        Filing.objects.select_related("facility"),
        filing_id,
        user=user,
        perm=perm,
        check=lambda u, p, row: require_facility(u, p, row.facility),
    )
    return filing


# ------------------------------------------------------------------ figures per facility


def current_grades(facility_ids: Iterable[int], day: datetime.date | None = None) -> dict[int, Evaluation]:
    """The grade in force on `day` for each facility (the latest evaluation valid then)."""
    day = day or timezone.localdate()
    found: dict[int, Evaluation] = {}
    rows = (
        Evaluation.objects.filter(
            facility_id__in=list(facility_ids), valid_from__lte=day, valid_to__gte=day, grade__isnull=False
        )
        .select_related("grade")
        .order_by("facility_id", "-evaluated_on", "-id")
    )
    for e in rows:
        found.setdefault(e.facility_id, e)
    return found


def occupied_beds(facility_ids: Iterable[int], day: datetime.date | None = None) -> dict[int, int]:
    day = day or timezone.localdate()
    rows = (
        Stay.objects.filter(facility_id__in=list(facility_ids), admitted_on__lte=day)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=day))
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    return {r["facility_id"]: r["n"] for r in rows}


def enrolled_children(facility_ids: Iterable[int], day: datetime.date | None = None) -> dict[int, int]:
    """Children enrolled on `day` (today when None) per facility, as the modules that enrol children
    count them: each module's `occupancy.places_taken` (childcare/occupancy.py), found through
    core.plugins so that facilities imports none of the modules built on it. {} without any."""
    facility_ids = list(facility_ids)
    taken: dict[int, int] = {}
    for module in plugins.optional_submodules("occupancy"):
        for facility_id, count in module.places_taken(facility_ids, day).items():
            taken[facility_id] = taken.get(facility_id, 0) + count
    return taken


def free_places(
    facilities: Iterable[Facility], day: datetime.date | None = None
) -> dict[int, dict[str, int | None]]:
    """Per facility: free beds (declared beds minus residents) or free 托位 (places minus enrolled)."""
    ids = [f.pk for f in facilities]
    beds = occupied_beds(ids, day)
    kids = enrolled_children([f.pk for f in facilities if f.kind in CHILDCARE_KINDS], day)
    out = {}
    for f in facilities:
        out[f.pk] = {
            "beds": f.beds_total,
            "beds_free": max(0, f.beds_total - beds.get(f.pk, 0)) if f.beds_total else None,
            "places": f.childcare_places,
            "places_free": max(0, f.childcare_places - kids.get(f.pk, 0)) if f.childcare_places else None,
        }
    return out


def public_facilities(*, user: Actor = None, kind: str = "", region_code: str = "") -> QuerySet[Facility]:
    """What the public map shows: facilities in operation. A signed-in staff user additionally sees
    the unfiled and closed facilities within their scope."""
    q = operating_q()
    if user is not None:
        staff = scope_q(user, "facilities.view")
        if staff is not None:
            q |= staff
    qs = Facility.objects.filter(q)
    if kind:
        if kind not in FacilityKind.values:
            raise InvalidInput(_("未知的设施类型：%(k)s") % {"k": kind}, field="kind")
        qs = qs.filter(kind=kind)
    if region_code:
        if not regions.is_valid_code(region_code):
            raise InvalidInput(_("区划代码不正确：%(c)s") % {"c": region_code}, field="region")
        qs = qs.filter(region_code__startswith=regions.prefix_of(region_code))
    return qs.order_by("id")


def facility_ids_for(user: Actor, perm: str = "facilities.view") -> list[int]:
    """Ids of the facilities `user` reaches with `perm` (a provider admin: their operator's)."""
    return list(in_facility_scope(Facility.objects.all(), user, perm).values_list("pk", flat=True))


def supervised_facilities(day: datetime.date | None = None) -> list[SupervisedFacility]:
    """Every facility in operation, for oversight's register of supervised units (the system reads
    it; each page of oversight scopes what it shows)."""
    rows = Facility.objects.filter(operating_q(day)).values_list(
        "id", "name", "kind", "region_code", "latitude", "longitude"
    )
    return [
        SupervisedFacility(pk, name, kind in CHILDCARE_KINDS, region, lat, lon)
        for pk, name, kind, region, lat, lon in rows.order_by("id")
    ]


def visible_to_staff(user: Actor) -> bool:
    return scope.has_perm(user, "facilities.view")


# ------------------------------------------------------------------ what a user may do with an offer


class OfferAction(StrEnum):
    """The answers to a waiting-list offer of a bed (one page action: facilities:offer_respond)."""

    ACCEPT = "accept"
    DECLINE = "decline"


def offer_open(offer: Offer) -> bool:
    """THE state rule: an offer is answered once. waiting.offer_respond refuses an answered one."""
    return offer.response == OfferResponse.OPEN


def offer_actions(user: Actor, offer: Offer) -> frozenset[OfferAction]:
    """What `user` may answer to `offer` now: the facility page's buttons and waiting.offer_respond
    (through offer_open and require_facility over the same permission) follow this one rule."""
    if not offer_open(offer) or not reaches_facility(user, "facilities.beds", offer.entry.facility_id):
        return frozenset()
    return frozenset(OfferAction)


def institution_residents(*, person_ids: Iterable[int], day: datetime.date) -> set[int]:
    """Those of `person_ids` living in a 养老机构 on `day` (a stay in an institution or dementia-care
    unit admitted by then and not discharged before it): planning's 集中供养 indicator. A short stay
    in a street centre is not 集中供养."""
    return set(
        Stay.objects.filter(
            person_id__in=list(person_ids),
            admitted_on__lte=day,
            facility__kind__in=[*INSTITUTION_KINDS, FacilityKind.DEMENTIA_UNIT],
        )
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=day))
        .values_list("person_id", flat=True)
    )


def resident_stays(
    facility_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> list[tuple[int, int, datetime.date, datetime.date | None]]:
    """(facility id, person id, admitted on, discharged on) of the stays at these facilities that
    overlap `first`..`last` (a person stays on a day when admitted by then and not discharged
    before it), one query for the whole span: workforce's nursing-staff ratio reads the residents
    of each day of its window from them."""
    return list(
        Stay.objects.filter(facility_id__in=list(facility_ids), admitted_on__lte=last)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=first))
        .values_list("facility_id", "person_id", "admitted_on", "discharged_on")
    )


# ------------------------------------------------------------------ the resident's waiting-list pages


def waiting_list_facilities(district_codes: Iterable[str]) -> QuerySet[Facility]:
    """The filed public institutions that keep an admission waiting list in the given districts
    (the first 6 digits of the persons' regions), by name: where a resident may apply
    (services.waiting_apply_resident)."""
    parts = [Q(region_code__startswith=code[:6]) for code in sorted(set(district_codes))]
    if not parts:
        return Facility.objects.none()
    return Facility.objects.filter(
        reduce(or_, parts), kind__in=PUBLIC_KINDS, status=FilingStatus.FILED
    ).order_by("name")


def childcare_centres_in(district_codes: Iterable[str]) -> QuerySet[Facility]:
    """The filed childcare centres declaring places in the given districts, by name: where a parent
    may apply for a 托位 (childcare.services.application_submit)."""
    parts = [Q(region_code__startswith=code[:6]) for code in sorted(set(district_codes))]
    if not parts:
        return Facility.objects.none()
    return childcare_facilities_with_places().filter(reduce(or_, parts)).order_by("name")


def family_waiting(user: Actor) -> QuerySet[WaitingEntry]:
    """The waiting-list entries of the persons the resident account acts for, newest first."""
    return (
        WaitingEntry.objects.filter(person__in=family_persons(user).values("pk"))
        .select_related("facility", "person")
        .order_by("-applied_at", "-id")
    )
