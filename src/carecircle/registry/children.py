"""Reads of the register of children in difficulty and orphans (Hangzhou 三(二)2: 建立健全困境儿童
信息台账，落实定期上门查访; 社会散居孤儿、事实无人抚养儿童的家庭走访、监护评估).

Who is on it is the population group `child_in_difficulty` of registry/groups.py (under 18,
holding 困境儿童 or 孤儿 on the day), read through `selectors.population_q`; every read goes
through the user's scope (registry.view).
"""

import datetime
import enum
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import plugins, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import InvalidInput
from carecircle.core.regions import is_valid_code, prefix_of
from carecircle.core.types import Actor
from carecircle.registry.checks import CHILD_STATUSES
from carecircle.registry.models import (
    GuardianshipAssessment,
    GuardianshipOutcome,
    Person,
    PersonStatus,
    StatusKind,
)
from carecircle.registry.selectors import population_q
from carecircle.registry.types import HomeVisits

GROUP = "child_in_difficulty"  # registry/groups.py
NOT_ASSESSED = "none"  # the outcome filter's value for children without any guardianship assessment


def child_kinds() -> list[tuple[str, str]]:
    """The statuses that put a child on the register, with their labels (困境儿童, 孤儿)."""
    return [(k.value, str(k.label)) for k in StatusKind if k.value in CHILD_STATUSES]


def outcome_filters() -> list[tuple[str, str]]:
    return [*((o.value, str(o.label)) for o in GuardianshipOutcome), (NOT_ASSESSED, _("未评估"))]


@dataclass(frozen=True, slots=True)
class ChildFilters:
    """The list's filters, as the page and the export read them from the query string."""

    text: str = ""
    region_code: str = ""
    kind: str = ""
    outcome: str = ""


def _latest(field: str) -> Subquery:
    newest = GuardianshipAssessment.objects.filter(person=OuterRef("pk")).order_by("-assessed_on", "-id")
    return Subquery(newest.values(field)[:1])


def children_in_difficulty(
    *,
    user: Actor,
    filters: ChildFilters = ChildFilters(),
    day: datetime.date | None = None,
    perm: str = "registry.view",
) -> QuerySet[Person]:
    """The children on the register on `day` in the user's regions, with their latest guardianship
    assessment (`last_assessed`, `last_outcome`, `last_guardian`), by community and name."""
    day = day or timezone.localdate()
    qs = scope.in_scope(Person.objects.all(), user, perm).filter(population_q(GROUP, day))
    region = filters.region_code.strip()
    if region:
        if not is_valid_code(region):
            raise InvalidInput(_("区划代码应为12位数字：%(c)s") % {"c": region}, field="region")
        qs = qs.filter(region_code__startswith=prefix_of(region))
    if filters.kind:
        if filters.kind not in CHILD_STATUSES:
            raise InvalidInput(_("未知的儿童类别：%(k)s") % {"k": filters.kind}, field="kind")
        qs = qs.filter(pk__in=_holding([filters.kind], day).values("person_id"))
    text = filters.text.strip()
    if text:
        qs = qs.filter(name__contains=text)
    qs = qs.annotate(
        last_assessed=_latest("assessed_on"),
        last_outcome=_latest("outcome"),
        last_guardian=_latest("guardian_name"),
    )
    if filters.outcome == NOT_ASSESSED:
        qs = qs.filter(last_assessed__isnull=True)
    elif filters.outcome:
        if filters.outcome not in GuardianshipOutcome.values:
            raise InvalidInput(_("未知的评估结论：%(o)s") % {"o": filters.outcome}, field="outcome")
        qs = qs.filter(last_outcome=filters.outcome)
    return qs.defer("id_number", "phone", "address").order_by("region_code", "name", "id")


@dataclass(frozen=True, slots=True)
class LatestAssessment:
    """A row's latest guardianship assessment, as children_in_difficulty annotates it."""

    assessed_on: datetime.date | None
    outcome: str  # "" when never assessed
    guardian: str

    @property
    def outcome_label(self) -> str:
        return str(GuardianshipOutcome(self.outcome).label) if self.outcome else _("未评估")


def latest_assessment(person: Person) -> LatestAssessment:
    """The annotations of a row of children_in_difficulty (a plain Person has none: never assessed)."""
    return LatestAssessment(
        assessed_on=getattr(person, "last_assessed", None),
        outcome=getattr(person, "last_outcome", None) or "",
        guardian=getattr(person, "last_guardian", None) or "",
    )


def _holding(kinds: list[str], day: datetime.date) -> QuerySet[PersonStatus]:
    return PersonStatus.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), kind__in=kinds, valid_from__lte=day
    )


def child_kind_labels(people: list[Person], day: datetime.date | None = None) -> dict[int, list[str]]:
    """Per child, the labels of the register's statuses held on `day` (困境儿童, 孤儿): one query."""
    day = day or timezone.localdate()
    out: dict[int, list[str]] = {}
    rows = _holding(sorted(CHILD_STATUSES), day).filter(person_id__in=[p.pk for p in people])
    for pid, kind in rows.order_by("kind").values_list("person_id", "kind"):
        out.setdefault(pid, []).append(str(StatusKind(kind).label))
    return out


def child_get(*, user: Actor, child_id: int, perm: str = "registry.view") -> Person:
    """A child of the register in the user's scope; anyone else (not on it, out of scope, missing) is
    the same 404."""
    rows = Person.objects.filter(population_q(GROUP, timezone.localdate()))
    return access_by_id(rows, child_id, user=user, perm=perm)


def assessments_of(person: Person) -> QuerySet[GuardianshipAssessment]:
    return person.guardianship_assessments.all().order_by("-assessed_on", "-id")


def home_visits(user: Actor, person: Person) -> list[HomeVisits]:
    """The child's visit plans and visits, from the modules that plan them (carevisits/home_visits.py)."""
    found = []
    for module in plugins.optional_submodules("home_visits"):
        visits = module.home_visits(user, person)
        if visits is not None:
            found.append(visits)
    return found


class ChildAction(enum.StrEnum):
    ASSESS = "assess"  # record a guardianship assessment


def child_actions(user: Actor, person: Person) -> frozenset[ChildAction]:
    """What `user` may do with a child of the register (the page shows a button for each; the
    services refuse with the same check)."""
    if scope.has_perm(user, "registry.edit", person.region_code):
        return frozenset({ChildAction.ASSESS})
    return frozenset()
