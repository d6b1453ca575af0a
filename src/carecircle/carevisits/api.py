import datetime

from django.utils import timezone
from ninja import Router, Schema

from carecircle.carevisits import selectors, services
from carecircle.carevisits.models import CareVisit, VisitPlan, VisitRule
from carecircle.core import scope
from carecircle.core.errors import InvalidInput
from carecircle.core.limits import Id, Limit, Month, Offset, Year
from carecircle.core.vault import shown_birth
from carecircle.registry.selectors import person_get

router = Router(tags=["carevisits"])


class RuleIn(Schema):
    region_code: str
    group: str
    frequency: str
    active: bool = True
    note: str = ""


class RuleOut(Schema):
    id: int
    region_code: str
    group: str
    group_name: str
    frequency: str
    active: bool
    note: str


def rule_out(r: VisitRule) -> dict:
    return {
        "id": r.pk,
        "region_code": r.region_code,
        "group": r.group,
        "group_name": str(r.get_group_display()),
        "frequency": r.frequency,
        "active": r.active,
        "note": r.note,
    }


@router.get("/carevisits/rules", response=list[RuleOut])
def rule_list(request):
    return [rule_out(r) for r in selectors.rules_visible(user=request.user)]


@router.post("/carevisits/rules", response=RuleOut)
def rule_set(request, payload: RuleIn):
    return rule_out(services.rule_set(actor=request.user, request=request, **payload.dict()))


class GenerateIn(Schema):
    region_code: str
    year: Year
    month: Month


class GenerateOut(Schema):
    people: int
    plans: int
    created: int


@router.post("/carevisits/plans/generate", response=GenerateOut)
def plans_generate(request, payload: GenerateIn):
    r = services.plans_generate(actor=request.user, request=request, **payload.dict())
    return {"people": r.people, "plans": r.plans, "created": r.created}


class PlanOut(Schema):
    id: int
    person_id: int
    person_name: str
    region_code: str
    period_start: datetime.date
    period_end: datetime.date
    frequency: str
    reasons: str
    assignee: str | None
    status: str
    overdue: bool


def plan_out(p: VisitPlan, today: datetime.date) -> dict:
    return {
        "id": p.pk,
        "person_id": p.person_id,
        "person_name": p.person.name,
        "region_code": p.region_code,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "frequency": p.frequency,
        "reasons": p.reasons,
        "assignee": p.assignee.username if p.assignee else None,
        "status": p.status,
        "overdue": p.status == "planned" and p.period_end < today,
    }


class PlanPage(Schema):
    count: int
    results: list[PlanOut]


@router.get("/carevisits/worklist", response=PlanPage)
def worklist(
    request,
    year: Year,
    month: Month,
    mine: bool = True,
    status: str = "",
    region: str = "",
    offset: Offset = 0,
    limit: Limit = 100,
):
    if not 1 <= month <= 12:
        raise InvalidInput(field="month")
    qs = selectors.worklist(
        user=request.user, year=year, month=month, mine=mine, status=status, region_code=region
    )
    limit, offset = max(1, min(limit, 1000)), max(0, offset)
    today = timezone.localdate()
    return {"count": qs.count(), "results": [plan_out(p, today) for p in qs[offset : offset + limit]]}


class AssignIn(Schema):
    username: str | None = None  # None or "" unassigns


@router.post("/carevisits/plans/{plan_id}/assign", response=PlanOut)
def plan_assign(request, plan_id: Id, payload: AssignIn):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, perm="carevisits.manage")
    assignee = services.assignee_by_username(payload.username or "")
    plan = services.plan_assign(actor=request.user, plan=plan, assignee=assignee, request=request)
    return plan_out(plan, timezone.localdate())


class VisitIn(Schema):
    visited_at: datetime.datetime
    place: str
    seen: str
    condition: str = ""
    needs: list[str] = []
    notes: str = ""
    follow_up: bool = False
    idempotency_key: str = ""


class VisitOut(Schema):
    id: int
    plan_id: int | None
    person_id: int
    visited_at: datetime.datetime
    place: str
    seen: str
    condition: str
    needs: list[str]
    notes: str
    follow_up: bool
    plan_status: str | None


def visit_out(v: CareVisit) -> dict:
    return {
        "id": v.pk,
        "plan_id": v.plan_id,
        "person_id": v.person_id,
        "visited_at": v.visited_at,
        "place": v.place,
        "seen": v.seen,
        "condition": v.condition,
        "needs": v.needs,
        "notes": v.notes,
        "follow_up": v.follow_up,
        "plan_status": v.plan.status if v.plan else None,
    }


@router.post("/carevisits/plans/{plan_id}/visits", response={201: VisitOut})
def plan_visit(request, plan_id: Id, payload: VisitIn):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, perm="carevisits.visit")
    v = services.visit_record(actor=request.user, plan=plan, request=request, **payload.dict())
    v.refresh_from_db()
    return 201, visit_out(v)


@router.post("/carevisits/persons/{person_id}/visits", response={201: VisitOut})
def person_visit(request, person_id: Id, payload: VisitIn):
    person = person_get(user=request.user, person_id=person_id, perm="carevisits.visit")
    v = services.visit_record(actor=request.user, person=person, request=request, **payload.dict())
    v.refresh_from_db()
    return 201, visit_out(v)


class CoverageOut(Schema):
    code: str
    name: str
    due: int
    visited: int
    rate: float | None
    plans: int
    done: int
    overdue: int


@router.get("/carevisits/coverage", response=list[CoverageOut])
def coverage(request, region_code: str, year: Year, month: Month):
    if not 1 <= month <= 12:
        raise InvalidInput(field="month")
    return selectors.coverage_by_region(user=request.user, region_code=region_code, year=year, month=month)


class VulnerableOut(Schema):
    id: int
    name: str
    sex: str
    birth_month: str  # YYYY-MM (masked views show no day of birth: core/vault.py)
    id_number: str  # masked
    phone: str  # masked
    address: str  # masked
    region_code: str
    reasons: list[str]


class VulnerablePage(Schema):
    count: int
    results: list[VulnerableOut]


@router.get("/carevisits/vulnerable", response=VulnerablePage)
def vulnerable(
    request,
    population: str = "elder",
    group: str = "",
    region: str = "",
    offset: Offset = 0,
    limit: Limit = 100,
):
    scope.require_perm(request.user, "carevisits.view")
    qs = selectors.vulnerable_people(
        user=request.user, population=population, group=group, region_code=region
    )
    limit, offset = max(1, min(limit, 1000)), max(0, offset)
    page = list(qs[offset : offset + limit])
    why = selectors.reasons_for(page, population=population)
    return {
        "count": qs.count(),
        "results": [
            {
                "id": p.pk,
                "name": p.name,
                "sex": p.sex,
                "birth_month": shown_birth(p.birth_date),
                "id_number": p.id_masked,
                "phone": p.phone_masked,
                "address": p.address_masked,
                "region_code": p.region_code,
                "reasons": why.get(p.pk, []),
            }
            for p in page
        ],
    }
