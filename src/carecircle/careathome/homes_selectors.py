"""Reads of home adaptation: the catalogue with prices by region, cases and what a user may do with
one (`case_actions`, the one rule the page and the services follow), the contractor register, the
eligible households (the benefits rule compiled to SQL) and the live figures (Qujing 二(二): 5,000
households by 2025)."""

import datetime
import enum
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from carecircle.benefits.selectors import entitlements_for
from carecircle.careathome import homes_reference
from carecircle.careathome.models.homes import (
    AdaptationCase,
    AdaptationItem,
    AdaptationPrice,
    CaseStatus,
    Contractor,
)
from carecircle.core import region_pick, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.types import Actor
from carecircle.registry.models import Person

if TYPE_CHECKING:
    from carecircle.benefits.types import PolicyText

VIEW, APPLY, MANAGE = "careathome.homes_view", "careathome.homes_apply", "careathome.homes_manage"


class CaseAction(enum.StrEnum):
    ASSESS = "assess"
    PLAN = "plan"
    APPROVE = "approve"
    WORKS = "works"
    ACCEPT = "accept"
    PAY = "pay"
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        return str(_ACTION_LABELS[self])


_ACTION_LABELS = {
    CaseAction.ASSESS: _("入户评估"),
    CaseAction.PLAN: _("制定方案"),
    CaseAction.APPROVE: _("审批方案"),
    CaseAction.WORKS: _("开工"),
    CaseAction.ACCEPT: _("验收"),
    CaseAction.PAY: _("支付补贴"),
    CaseAction.REFUSE: _("不予受理"),
}
# which statuses allow an action (one table)
_STATUSES = {
    CaseAction.ASSESS: {CaseStatus.APPLIED},
    CaseAction.PLAN: {CaseStatus.ASSESSED, CaseStatus.PLANNED},
    CaseAction.APPROVE: {CaseStatus.PLANNED},
    CaseAction.WORKS: {CaseStatus.APPROVED},
    CaseAction.ACCEPT: {CaseStatus.WORKS},
    CaseAction.PAY: {CaseStatus.ACCEPTED},
    CaseAction.REFUSE: {CaseStatus.APPLIED, CaseStatus.ASSESSED, CaseStatus.PLANNED},
}
_PERM = {
    CaseAction.APPROVE: MANAGE,
    CaseAction.PAY: MANAGE,
    CaseAction.REFUSE: MANAGE,
}


def case_action_open(case: AdaptationCase, action: CaseAction) -> bool:
    return case.status in _STATUSES[action]


def case_actions(user: Actor, case: AdaptationCase) -> frozenset[CaseAction]:
    return frozenset(
        a
        for a in CaseAction
        if case_action_open(case, a) and scope.has_perm(user, _PERM.get(a, APPLY), case.region_code)
    )


# ---------------------------------------------------------------- catalogue


def price_of(item: AdaptationItem, region_code: str) -> Decimal | None:
    """The item's price in `region_code`: the price of the longest region prefix that holds it."""
    best: tuple[int, Decimal] | None = None
    for p in AdaptationPrice.objects.filter(item=item):
        prefix = regions.prefix_of(p.region_code) if p.region_code else ""
        if region_code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), p.price)
    return best[1] if best else None


def catalogue(region_code: str = "") -> list[dict[str, Any]]:
    """Every item with its group, kind, source and the price that applies in `region_code`."""
    prices: dict[int, list[AdaptationPrice]] = {}
    for p in AdaptationPrice.objects.all():
        prices.setdefault(p.item_id, []).append(p)
    rows: list[dict[str, Any]] = []
    for item in AdaptationItem.objects.all():
        best = None
        for p in prices.get(item.pk, []):
            prefix = regions.prefix_of(p.region_code) if p.region_code else ""
            if region_code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), p)
        rows.append({"item": item, "price": best[1] if best else None})
    return rows


# ---------------------------------------------------------------- cases


def cases(*, user: Actor) -> QuerySet[AdaptationCase]:
    return (
        scope.in_scope(AdaptationCase.objects.all(), user, VIEW)
        .select_related("person", "contractor")
        .annotate(region_name=region_pick.name_of())
    )


def case_get(*, user: Actor, case_id: int) -> AdaptationCase:
    return access_by_id(
        AdaptationCase.objects.select_related("person", "contractor"), case_id, user=user, perm=VIEW
    )


def contractors(*, user: Actor) -> QuerySet[Contractor]:
    return scope.in_scope(Contractor.objects.all(), user, VIEW).annotate(
        region_name=region_pick.name_of(), case_count=Count("cases")
    )


def contractor_get(*, user: Actor, contractor_id: int) -> Contractor:
    return access_by_id(Contractor.objects.all(), contractor_id, user=user, perm=VIEW)


def contractors_for(case: AdaptationCase) -> QuerySet[Contractor]:
    """The registered contractors that may take `case` (registered in a region that holds it)."""
    return Contractor.objects.filter(active=True, region_code__in=regions.chain(case.region_code))


# ---------------------------------------------------------------- eligibility, the whole city


def adaptation_policy(day: datetime.date) -> "PolicyText | None":
    """The adaptation programme as the public reads it (its rule in words, its tiers)."""
    from carecircle.benefits.selectors import public_policies  # noqa: PLC0415 — the other module may be absent

    for p in public_policies(day=day):
        if p.name == homes_reference.PROGRAMME_NAME:
            return p
    return None


def tier_label(policy: "PolicyText", amount: Decimal) -> str:
    for t in policy.tiers:
        if t.amount == amount:
            return str(t.label)
    return ""


def eligible_households(*, region_prefix: str, day: datetime.date) -> dict[int, Decimal]:
    """{person id: the household's cap} of one eligible person per household under `region_prefix`
    (the eldest; a person without a household is a household of one): the benefits programme's
    rule compiled to SQL (benefits.selectors.entitled_amounts), one query for the whole city."""
    from carecircle.benefits.selectors import entitled_amounts  # noqa: PLC0415 — the other module may be absent

    persons = Person.objects.filter(region_code__startswith=region_prefix)
    amounts = entitled_amounts(programme_code=homes_reference.PROGRAMME_CODE, persons=persons, day=day)
    return _one_per_household(amounts)


def eligible_households_python(*, region_prefix: str, day: datetime.date) -> dict[int, Decimal]:
    """The same answer person by person in Python (benefits.selectors.entitlements_for): the
    baseline the benchmark and the tests compare against."""

    amounts = {}
    for person in Person.objects.filter(region_code__startswith=region_prefix).iterator(chunk_size=2000):
        for e in entitlements_for(person=person, day=day):
            if e.programme_code == homes_reference.PROGRAMME_CODE:
                amounts[person.pk] = e.amount
    return _one_per_household(amounts)


def _one_per_household(amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    rows = Person.objects.filter(pk__in=list(amounts)).values_list("pk", "household_id", "birth_date")
    best: dict[object, tuple[datetime.date, int]] = {}
    for pk, household, birth in rows:
        key = household if household is not None else ("p", pk)
        if key not in best or (birth, pk) < best[key]:
            best[key] = (birth, pk)
    return {pk: amounts[pk] for _, pk in best.values()}


# ---------------------------------------------------------------- live figures


def adaptation_figures(*, user: Actor) -> dict[str, object]:
    """Households adapted (subsidy paid) by district within the user's regions, all cases by status,
    and Qujing's target (二(二): 5,000 households by 2025)."""
    qs = scope.in_scope(AdaptationCase.objects.all(), user, VIEW)
    by_status = Counter(dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n")))
    paid = qs.filter(status=CaseStatus.PAID)
    by_district = Counter(regions.district_of(code) for code in paid.values_list("region_code", flat=True))
    names = region_pick.names_of(list(by_district))
    return {
        "target": homes_reference.QUJING_TARGET,
        "done": sum(by_district.values()),
        "by_status": [(CaseStatus(s).label, by_status.get(s, 0)) for s in CaseStatus.values],
        "by_district": sorted(((names.get(c, c), n) for c, n in by_district.items()), key=lambda r: -r[1]),
    }


def paid_counts(prefixes: list[str], day: datetime.date) -> dict[str, int]:
    """{region prefix: households whose adaptation subsidy was paid by the end of `day`} — the figure
    of planning's indicator E44 (Qujing 二(二): 5,000 households by 2025), one grouped query."""
    rows = (
        AdaptationCase.objects.filter(status=CaseStatus.PAID, paid_at__date__lte=day)
        .values_list("region_code")
        .annotate(n=Count("id"))
    )
    out = dict.fromkeys(prefixes, 0)
    for code, n in rows:
        for p in prefixes:
            if code.startswith(p):
                out[p] += n
    return out


def open_q() -> Q:
    return ~Q(status__in=[CaseStatus.PAID, CaseStatus.REFUSED])
