"""Reads of the assessment module. `current_level` and `level_subquery` are what benefits,
dispatch and care visits read: the final level (0 能力完好 … 4 完全失能) of the newest assessment
valid on a day. Who is 失能 is a population group (registry/groups.py, read through
`registry.selectors.population_q("disabled", day)`), not decided here."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.assessment.capability import ITEMS, level_name
from carecircle.assessment.checks import Z_LOW
from carecircle.assessment.models import CapabilityAssessment, CheckKind, ChildCheck, ReferralStatus
from carecircle.assessment.requests import RequestAction as RequestAction  # the request pages' reads
from carecircle.assessment.requests import request_actions as request_actions
from carecircle.assessment.requests import request_get as request_get
from carecircle.assessment.requests import request_list as request_list
from carecircle.assessment.requests import requests_decided_between as requests_decided_between
from carecircle.assessment.requests import requests_of_family as requests_of_family
from carecircle.assessment.types import CapabilityLevel, CareProfile
from carecircle.core import regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.ages import years_before
from carecircle.core.errors import InvalidInput
from carecircle.core.types import Actor
from carecircle.registry.models import Person
from carecircle.registry.selectors import active_on, birth_date_bounds


def region_prefix(code: str) -> str:
    """The significant prefix of a 12-digit region code typed into a filter."""
    code = (code or "").strip()
    if not regions.is_valid_code(code):
        raise InvalidInput(_("区划代码应为12位数字：%(c)s") % {"c": code}, field="region")
    return regions.prefix_of(code)


def _valid_on(day: datetime.date) -> QuerySet[CapabilityAssessment]:
    return CapabilityAssessment.objects.filter(valid_from__lte=day, valid_to__gte=day).order_by(
        "-valid_from", "-id"
    )


def current_assessment(person: Person, day: datetime.date | None = None) -> CapabilityAssessment | None:
    return _valid_on(day or timezone.localdate()).filter(person=person).first()


def current_level(person: Person, day: datetime.date | None = None) -> CapabilityLevel | None:
    """The final level of the newest assessment of `person` valid on `day`, or None."""
    level = (
        _valid_on(day or timezone.localdate())
        .filter(person=person)
        .values_list("final_level", flat=True)
        .first()
    )
    return None if level is None else CapabilityLevel(level)


# The items of the form that matter when the person calls for help (can they hear and speak on the
# phone, understand, are they awake, can they reach the door, may a responder meet aggression), in
# the order the operator reads them; one counts when the person scores at most half of its maximum.
CALL_ITEMS = ("B.3.9", "B.4.2", "B.3.6", "B.3.5", "B.3.2", "B.3.4", "B.3.7", "B.4.1", "B.2.3", "B.2.4")


def care_profile(person: Person, day: datetime.date | None = None) -> CareProfile | None:
    """The newest assessment of `person` made by `day` (valid or not: `valid` says), as a call
    operator reads it; None when the person was never assessed. One query."""
    day = day or timezone.localdate()
    row = (
        CapabilityAssessment.objects.filter(person=person, assessed_on__lte=day)
        .order_by("-assessed_on", "-id")
        .only(
            "final_level",
            "assessed_on",
            "valid_from",
            "valid_to",
            "answers",
            "coma",
            "dementia_or_mental_disorder",
            "risk_events_30d",
        )
        .first()
    )
    if row is None:
        return None
    conditions: list[str] = []
    if row.coma:
        conditions.append(_("昏迷"))
    if row.dementia_or_mental_disorder:
        conditions.append(_("确诊痴呆或精神和行为障碍"))
    if row.risk_events_30d:
        conditions.append(_("评估前30天照护风险事件%(n)d次") % {"n": row.risk_events_30d})
    answers = row.answers if isinstance(row.answers, dict) else {}
    for code in CALL_ITEMS:
        item, score = ITEMS[code], answers.get(code)
        if isinstance(score, int) and score in item.scores and score <= item.max_score // 2:
            conditions.append(f"{item.name}：{item.option_text(score)}")
    return CareProfile(
        level=CapabilityLevel(row.final_level),
        assessed_on=row.assessed_on,
        valid=row.valid_from <= day <= row.valid_to,
        conditions=tuple(conditions),
    )


def current_assessments(day: datetime.date | None = None) -> QuerySet[CapabilityAssessment]:
    """The assessment `current_level` reads, for every assessed person at once: at most one row per
    person (the newest valid on `day`). `current_assessments(day).filter(final_level__gte=2)
    .values("person_id")` is a set that a whole-population query joins once, instead of running
    `level_subquery` for every person."""
    day = day or timezone.localdate()
    newest = _valid_on(day).filter(person=OuterRef("person")).values("pk")[:1]
    return _valid_on(day).filter(pk=Subquery(newest))


def level_names(person_ids: Iterable[int], day: datetime.date, *, min_level: int = 0) -> dict[int, str]:
    """{person id: name of the level} of `current_level` for those of `person_ids` assessed at
    `min_level` or worse on `day` (e.g. "重度失能"), in one query."""
    rows = current_assessments(day).filter(person_id__in=list(person_ids), final_level__gte=min_level)
    return {pid: level_name(level) for pid, level in rows.values_list("person_id", "final_level")}


def level_subquery(day: datetime.date | None = None) -> Subquery:
    """For Person.objects.annotate(capability_level=level_subquery(day)); NULL when none is valid."""
    rows = _valid_on(day or timezone.localdate()).filter(person=OuterRef("pk")).values("final_level")[:1]
    return Subquery(rows, output_field=IntegerField())


def assessment_list(
    *,
    user: Actor,
    region_code: str = "",
    level: int | None = None,
    current_only: bool = True,
    day: datetime.date | None = None,
) -> QuerySet[CapabilityAssessment]:
    qs = scope.in_scope(CapabilityAssessment.objects.select_related("person"), user, "assessment.view")
    if region_code:
        qs = qs.filter(region_code__startswith=region_prefix(region_code))
    if current_only:
        day = day or timezone.localdate()
        qs = qs.filter(valid_from__lte=day, valid_to__gte=day)
    if level is not None:
        qs = qs.filter(final_level=level)
    return qs.order_by("-assessed_on", "-id")


def assessment_get(*, user: Actor, assessment_id: int) -> CapabilityAssessment:
    return access_by_id(
        CapabilityAssessment.objects.select_related("person"),
        assessment_id,
        user=user,
        perm="assessment.view",
    )


def person_assessments(person: Person) -> QuerySet[CapabilityAssessment]:
    return CapabilityAssessment.objects.filter(person=person).order_by("-assessed_on", "-id")


def person_checks(person: Person) -> QuerySet[ChildCheck]:
    return ChildCheck.objects.filter(person=person).order_by("-checked_on", "-id")


def checks_of(person_ids: Iterable[int]) -> dict[int, list[ChildCheck]]:
    """{person id: their checks, latest first} for many persons in one query (the resident home
    page's children; the caller has checked the persons are the account's own)."""
    found: dict[int, list[ChildCheck]] = {}
    for check in ChildCheck.objects.filter(person_id__in=list(person_ids)).order_by("-checked_on", "-id"):
        found.setdefault(check.person_id, []).append(check)
    return found


def check_get(*, user: Actor, check_id: int, perm: str = "assessment.view") -> ChildCheck:
    return access_by_id(ChildCheck.objects.select_related("person"), check_id, user=user, perm=perm)


REFERRAL_NEXT: dict[str, frozenset[ReferralStatus]] = {  # keyed by ReferralStatus (a str)
    ReferralStatus.PENDING: frozenset({ReferralStatus.REFERRED, ReferralStatus.CLOSED}),
    ReferralStatus.REFERRED: frozenset({ReferralStatus.CLOSED}),
}


def referral_next(check: ChildCheck) -> frozenset[ReferralStatus]:
    """The statuses a check's referral may move to from where it is (pending → referred or
    closed, referred → closed); services.referral_update refuses any other."""
    return REFERRAL_NEXT.get(check.referral, frozenset())


def referral_actions(user: Actor, check: ChildCheck) -> frozenset[ReferralStatus]:
    """The one rule of what `user` may do with a check's referral: the next statuses, for those who
    record checks in the child's region. The referral list offers exactly these; the service
    refuses the rest (scope.require for the user, `referral_next` for the step)."""
    if not scope.has_perm(user, "assessment.record", check.region_code):
        return frozenset()
    return referral_next(check)


def referral_list(*, user: Actor, include_referred: bool = True) -> QuerySet[ChildCheck]:
    """Children whose checks need follow-up: pending, and (by default) referred but not closed."""
    states = [ReferralStatus.PENDING] + ([ReferralStatus.REFERRED] if include_referred else [])
    qs = scope.in_scope(ChildCheck.objects.select_related("person"), user, "assessment.view")
    return qs.filter(referral__in=states).order_by("checked_on", "id")


def level_counts(*, user: Actor, day: datetime.date | None = None) -> dict[int, int]:
    rows = assessment_list(user=user, day=day).order_by().values("final_level").annotate(n=Count("id"))
    return {r["final_level"]: r["n"] for r in rows}


def people_to_assess(
    *,
    user: Actor,
    group: str = "senior80",
    text: str = "",
    unassessed_only: bool = True,
    day: datetime.date | None = None,
) -> QuerySet[Person]:
    """Older people (80+ by default) or infants in the user's scope, to start an assessment or a
    check from; for elders, by default those without a valid assessment (Hechuan 二(十一))."""
    day = day or timezone.localdate()
    if group not in ("senior80", "elder", "infant"):
        raise InvalidInput(_("未知的人群：%(g)s") % {"g": group}, field="group")
    qs = (
        scope.in_scope(Person.objects.all(), user, "assessment.record")
        .filter(birth_date_bounds(group, day))
        .filter(active_on(day))
    )
    text = (text or "").strip()
    if text:
        qs = qs.filter(name__contains=text)
    if group != "infant" and unassessed_only:
        qs = qs.filter(~Exists(_valid_on(day).filter(person=OuterRef("pk"))))
    return qs.defer("id_number", "phone", "address").order_by("region_code", "name", "id")


def growth_stunting(*, region_prefix: str, day: datetime.date) -> tuple[int, int]:
    """(stunted, measured) children under 5 on `day` under `region_prefix`: measured = with a growth
    check in the year up to `day`; stunted = whose newest such check has a length/height-for-age
    WHO z-score below −2 (checks.growth stores it as `lhfa_z`). planning's 生长迟缓率."""
    return growth_stunting_under(region_prefixes=[region_prefix], day=day)[region_prefix]


def growth_stunting_under(*, region_prefixes: list[str], day: datetime.date) -> dict[str, tuple[int, int]]:
    """`growth_stunting` of each prefix, in one query per prefix length (not one per prefix)."""
    under5 = Person.objects.filter(birth_date__gt=years_before(day, 5)).filter(active_on(day))
    checks = ChildCheck.objects.filter(
        kind=CheckKind.GROWTH,
        checked_on__gt=day - datetime.timedelta(days=365),
        checked_on__lte=day,
        person__in=under5,
    )
    newest: dict[tuple[str, int], dict[str, object]] = {}
    for grouped in regions.grouped_under(checks, region_prefixes):
        rows = grouped.order_by("checked_on", "id").values_list("under", "person_id", "data")
        for under, person_id, data in rows:
            newest[(under, person_id)] = data  # ordered by day: the newest wins
    out = dict.fromkeys(region_prefixes, (0, 0))
    for (under, _person), data in newest.items():
        stunted, measured = out[under]
        out[under] = (stunted + (Decimal(str(data.get("lhfa_z", "0"))) < Z_LOW), measured + 1)
    return out
