"""Reads of care advisers (养老顾问, Jiaxing 二(二)5): one person's single care plan gathered from
every module through its public selectors — the needs from the latest assessment (assessment), the
allowances (benefits), home care (homecare), LTC, the family bed, adaptation and rentals (this
module), the care visits (registry's Person) — with what is pending and who acts, and the days from
the assessment to the first service (Yizhou 三(三) 老年护理需求评估; Hangzhou 三(一)3 连续转接)."""

import datetime
from typing import Any

from django.utils import timezone

from carecircle.assessment.selectors import current_assessment
from carecircle.benefits.selectors import entitlements_for
from carecircle.careathome.homes_selectors import CaseAction, case_action_open
from carecircle.careathome.models.beds import AdviserPlan, BedStatus, FamilyBed
from carecircle.careathome.models.homes import AdaptationCase, RentalContract
from carecircle.careathome.models.ltc import LtcAssessment, LtcStatus
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.types import Actor
from carecircle.homecare.selectors import visible_orders
from carecircle.registry.models import Person

VIEW = "careathome.homes_view"
MANAGE_ACTIONS = {CaseAction.APPROVE, CaseAction.PAY}
LTC_WHO = {
    LtcStatus.APPLIED: "区县长期护理保险经办机构（受理）",
    LtcStatus.ACCEPTED: "评估机构（两名评估员上门评估）",
    LtcStatus.NOTICE: "经办机构（公示期满后送达）",
    LtcStatus.REVIEW: "评估机构（另派评估员复评）",
}


def plan_person(*, user: Actor, person_id: object) -> Person:

    return access_by_id(Person.objects.all(), person_id, user=user, perm=VIEW)


def plan_of(person: Person) -> AdviserPlan | None:
    """The person's one plan, its adviser joined; None before an adviser is named."""
    return AdviserPlan.objects.filter(person=person).select_related("adviser").first()


def care_plan(*, user: Actor, person: Person, day: datetime.date | None = None) -> dict[str, Any]:
    """Everything the adviser reads on the person's one page (the caller has checked the person)."""

    day = day or timezone.localdate()
    assessment = current_assessment(person, day)
    ltc = LtcAssessment.objects.filter(person=person).order_by("-applied_on", "-id").first()
    bed = FamilyBed.objects.filter(person=person, status=BedStatus.ACTIVE).select_related("provider").first()
    case = AdaptationCase.objects.filter(person=person).order_by("-applied_on", "-id").first()
    rentals = list(
        RentalContract.objects.filter(person=person, returned_on__isnull=True).select_related(
            "unit__device_type"
        )
    )
    orders = visible_orders(user).filter(person=person)
    visits = person.care_visits.order_by("-visited_at")
    pending: list[tuple[str, str]] = []
    if assessment is None:
        pending.append(("老年人能力评估（尚无有效评估）", "社区工作人员申请、评估机构评估"))
    if ltc is not None and ltc.status in LTC_WHO:
        pending.append((f"长期护理失能评估：{ltc.get_status_display()}", LTC_WHO[LtcStatus(ltc.status)]))
    if case is not None:
        for action in CaseAction:
            if case_action_open(case, action) and action != CaseAction.REFUSE:
                who = "区县民政部门" if action in MANAGE_ACTIONS else "社区工作人员"
                pending.append((f"适老化改造：{action.label}", who))
    if bed is not None:
        missed = bed.missed_visits.count()
        if missed:
            pending.append((f"家庭养老床位漏访 {missed} 次", f"{bed.provider.name}（补上门服务）"))
    plan = plan_of(person)
    assessed_on = assessment.assessed_on if assessment is not None else None
    first = _first_service(assessed_on, orders, bed, rentals)
    return {
        "plan": plan,
        "consents": list(plan.consents.all()) if plan else [],
        "applications": list(plan.applications.select_related("adviser")) if plan else [],
        "assessment": assessment,
        "allowances": entitlements_for(person=person, day=day),
        "orders_done": orders.filter(status__in=("served", "completed")).count(),
        "orders_open": orders.filter(status__in=("confirmed", "offered", "accepted", "in_service")).count(),
        "ltc": ltc,
        "bed": bed,
        "case": case,
        "rentals": rentals,
        "last_visit": visits.first(),
        "pending": pending,
        "first_service": first,
        "days_to_service": (first[0] - assessed_on).days if first and assessed_on else None,
    }


def _first_service(
    since: datetime.date | None, orders: Any, bed: FamilyBed | None, rentals: list[RentalContract]
) -> tuple[datetime.date, str] | None:
    """The first service on or after the assessment: a home-care order, the family bed, a rental."""
    if since is None:
        return None
    found: list[tuple[datetime.date, str]] = []
    first_order = (
        orders.filter(window_start__date__gte=since)
        .order_by("window_start")
        .values_list("window_start", flat=True)
        .first()
    )
    if first_order is not None:
        found.append((timezone.localdate(first_order), "居家上门服务"))
    if bed is not None and bed.starts_on >= since:
        found.append((bed.starts_on, "家庭养老床位"))
    found += [(r.delivered_on, "康复辅具租赁") for r in rentals if r.delivered_on >= since]
    return min(found) if found else None


def may_act(user: Actor, person: Person) -> bool:
    return scope.has_perm(user, "careathome.homes_apply", person.region_code)
