"""Reads of family care beds (家庭养老床位): the beds a user reaches (staff of the bed's region, or the
admin of the bed's home-care provider), one bed, eligibility by the benefits rule, the count of home
beds per provider, facility or region (capacity and indicators: Hangzhou 三(一)3, Jiaxing 二(二)5),
and the missed-visit warnings."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from carecircle.benefits.selectors import entitled_amounts, entitlements_for, public_policies
from carecircle.careathome import beds_reference
from carecircle.careathome.models.beds import BedStatus, FamilyBed, MissedVisit
from carecircle.core import region_pick, scope
from carecircle.core.access import access_by_id
from carecircle.core.organisations import OrganisationKind, organisations_of, require_admin_or_staff
from carecircle.core.roles import Role
from carecircle.core.types import Actor
from carecircle.registry.models import Person

VIEW, APPLY, MANAGE = "careathome.homes_view", "careathome.homes_apply", "careathome.homes_manage"
VERIFIED = ("served", "completed")  # homecare's order statuses of a visit done and checked out


def _provider_ids(user: Actor) -> set[int]:
    return organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, Role.PROVIDER_ADMIN)


def beds(*, user: Actor) -> QuerySet[FamilyBed]:
    """The beds of the user's regions, and those of the home-care providers the user administers."""
    staff = scope.in_scope(FamilyBed.objects.all(), user, VIEW).values("pk")
    return (
        FamilyBed.objects.filter(Q(pk__in=staff) | Q(provider_id__in=_provider_ids(user)))
        .select_related("person", "provider", "facility")
        .annotate(region_name=region_pick.name_of(), missed=Count("missed_visits"))
    )


def _check(user: Actor, perm: str, bed: FamilyBed) -> None:
    require_admin_or_staff(
        user,
        kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=bed.provider_id,
        perm=perm,
        region_code=bed.region_code,
    )


def bed_get(*, user: Actor, family_bed_id: object) -> FamilyBed:
    return access_by_id(
        FamilyBed.objects.select_related("person", "provider", "facility", "adaptation_case"),
        family_bed_id,
        user=user,
        perm=VIEW,
        check=_check,
    )


def may_manage(user: Actor, bed: FamilyBed) -> bool:
    return bed.status == BedStatus.ACTIVE and scope.has_perm(user, APPLY, bed.region_code)


def missed_visits(*, user: Actor) -> QuerySet[MissedVisit]:
    return MissedVisit.objects.filter(bed__in=beds(user=user).values("pk")).select_related(
        "bed", "bed__person", "bed__provider"
    )


def eligibility(person: Person, day: datetime.date) -> tuple[bool, str, str, object]:
    """(eligible, the rule in words, the tier, the monthly amount): the benefits programme
    `family_bed` evaluated for one person by the benefits module (entitlements_for)."""

    policy = next((p for p in public_policies(day=day) if p.name == beds_reference.PROGRAMME_NAME), None)
    if policy is None:
        return False, "补贴项目“家庭养老床位运营补贴”尚未设立或未生效", "", None
    for e in entitlements_for(person=person, day=day):
        if e.programme_code == beds_reference.PROGRAMME_CODE:
            tier = next((str(t.label) for t in policy.tiers if t.amount == e.amount), "")
            return True, policy.conditions, tier, e.amount
    return False, policy.conditions, "", None


def eligible_persons(*, region_prefix: str, day: datetime.date) -> dict[int, object]:
    """{person id: monthly amount} of everyone under `region_prefix` the rule admits: the benefits
    rule compiled to SQL (benefits.selectors.entitled_amounts), one query for the whole city."""

    persons = Person.objects.filter(region_code__startswith=region_prefix)
    return dict(entitled_amounts(programme_code=beds_reference.PROGRAMME_CODE, persons=persons, day=day))


def _active_on(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def home_beds_by_facility(facility_ids: Iterable[int], day: datetime.date) -> dict[int, int]:
    """{facility id: family beds it runs on `day`} — the home beds of a facility's capacity."""
    rows = (
        FamilyBed.objects.filter(_active_on(day), facility_id__in=list(facility_ids))
        .values_list("facility_id")
        .annotate(n=Count("id"))
    )
    return {fid: n for fid, n in rows}


def home_beds_by_provider(provider_ids: Iterable[int], day: datetime.date) -> dict[int, int]:
    """{home-care provider id: family beds it serves on `day`}."""
    rows = (
        FamilyBed.objects.filter(_active_on(day), provider_id__in=list(provider_ids))
        .values_list("provider_id")
        .annotate(n=Count("id"))
    )
    return {pid: n for pid, n in rows}


def home_bed_counts(prefixes: list[str], day: datetime.date) -> dict[str, int]:
    """{region prefix: family beds in service on `day`} — the figure for planning's indicators
    (home beds next to institution beds), one grouped query."""
    rows = FamilyBed.objects.filter(_active_on(day)).values_list("region_code").annotate(n=Count("id"))
    out: Counter[str] = Counter(dict.fromkeys(prefixes, 0))
    for code, n in rows:
        for p in prefixes:
            if code.startswith(p):
                out[p] += n
    return dict(out)
