"""What an older person (or their linked family) reads on the resident page 居家照护: for each of
the account's persons (registry.selectors.family_persons — never anyone else), the LTC level and
plan with the hours used this month, the family bed with its schedule and next visit, the latest
home-adaptation case and the rentals out. One query per kind of record for all the persons, then a few for each plan and bed."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from carecircle.careathome.ltc_pages_selectors import ltc_hours_used, ltc_plan_entitlement, weekday_names
from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.careathome.models.beds import BedStatus, FamilyBed
from carecircle.careathome.models.homes import AdaptationCase, RentalContract
from carecircle.careathome.models.ltc import LtcAssessment, LtcCarePlan, LtcStatus
from carecircle.core.ages import age_on
from carecircle.core.errors import NotFound
from carecircle.core.types import Actor
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons

ADULT_FROM = 18  # the page is about older persons' care; a linked child is not shown
VERIFIED = ("served", "completed")
BOOKED = ("confirmed", "offered", "accepted", "in_service")


@dataclass
class HomeCare:
    person: Person
    is_self: bool
    ltc: LtcAssessment | None = None
    level_name: str = ""
    plan: LtcCarePlan | None = None
    plan_days: str = ""
    hours_entitled: int | None = None
    hours_used: Decimal | None = None
    bed: FamilyBed | None = None
    next_visit: datetime.datetime | None = None
    visit_due_by: datetime.date | None = None
    case: AdaptationCase | None = None
    rentals: list[Any] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.ltc or self.bed or self.case or self.rentals)


def resident_persons(user: Actor, person_id: str = "") -> list[Person]:
    """The account's adult persons, oldest first; with `person_id`, that one only (404 for anyone
    the account is not linked to)."""
    today = timezone.localdate()
    rows = family_persons(user).order_by("birth_date", "id")
    if person_id:
        rows = rows.filter(pk=int(person_id)) if person_id.isdigit() else rows.none()
    found = list(rows)
    if person_id and not found:
        raise NotFound()
    return [p for p in found if age_on(p.birth_date, today) >= ADULT_FROM]


def _first_each(rows: Any) -> dict[int, Any]:
    """The first row of each person in `rows` (ordered already), by person id."""
    out: dict[int, Any] = {}
    for row in rows:
        out.setdefault(row.person_id, row)
    return out


def _bed(care: HomeCare) -> None:
    bed = care.bed
    if bed is None:
        return
    orders = bed.provider.orders.filter(person_id=bed.person_id)
    care.next_visit = (
        orders.filter(status__in=BOOKED, window_start__gte=timezone.now())
        .order_by("window_start")
        .values_list("window_start", flat=True)
        .first()
    )
    last = (
        orders.filter(status__in=VERIFIED)
        .order_by("-window_start")
        .values_list("window_start", flat=True)
        .first()
    )
    since = timezone.localdate(last) if last is not None else bed.starts_on
    care.visit_due_by = since + datetime.timedelta(days=bed.visit_every_days)


def home_care(user: Actor, person_id: str = "") -> list[HomeCare]:
    """One query per kind of record for all the account's persons; a plan's hours and a bed's
    visits are then read for the persons who have one."""
    today = timezone.localdate()
    persons = resident_persons(user, person_id)
    ids = [p.pk for p in persons]
    ltcs = _first_each(LtcAssessment.objects.filter(person_id__in=ids).order_by("-applied_on", "-id"))
    plans = _first_each(
        LtcCarePlan.objects.filter(person_id__in=ids, valid_from__lte=today, valid_to__gte=today)
        .select_related("provider", "item", "assessment")
        .order_by("-valid_from")
    )
    beds = _first_each(
        FamilyBed.objects.filter(person_id__in=ids, status=BedStatus.ACTIVE).select_related("provider")
    )
    cases = _first_each(AdaptationCase.objects.filter(person_id__in=ids).order_by("-applied_on", "-id"))
    rentals: dict[int, list[Any]] = {}
    for r in RentalContract.objects.filter(person_id__in=ids, returned_on__isnull=True).select_related(
        "unit__device_type"
    ):
        rentals.setdefault(r.person_id, []).append(
            (r, (r.monthly_rent * (1 - r.subsidy_rate)).quantize(Decimal("0.01")))
        )
    out = []
    for person in persons:
        care = HomeCare(person=person, is_self=person.user_id == getattr(user, "pk", None))
        care.ltc = ltcs.get(person.pk)
        if care.ltc is not None and care.ltc.status == LtcStatus.DELIVERED and care.ltc.level is not None:
            care.level_name = LEVEL_NAMES[care.ltc.level]
        care.plan = plans.get(person.pk)
        if care.plan is not None:
            care.plan_days = weekday_names(care.plan.weekdays)
            ent = ltc_plan_entitlement(care.plan)
            care.hours_entitled = ent.hours_per_month if ent is not None else None
            care.hours_used = ltc_hours_used(person.pk, today)
        care.bed = beds.get(person.pk)
        _bed(care)
        care.case = cases.get(person.pk)
        care.rentals = rentals.get(person.pk, [])
        out.append(care)
    return out
