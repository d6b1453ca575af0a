import datetime

from ninja import Router, Schema

from carecircle.assessment import capability, mchat, selectors, services
from carecircle.assessment.models import CapabilityAssessment, ChildCheck
from carecircle.core.limits import Count, Id, Limit
from carecircle.registry.selectors import person_get

router = Router(tags=["assessment"])


class ScoreIn(Schema):
    answers: dict
    coma: bool = False
    dementia_or_mental_disorder: bool = False
    risk_events_30d: Count = 0


class ScoreOut(Schema):
    dimension_scores: dict[str, int]
    total: int
    preliminary_level: int
    preliminary_level_name: str
    final_level: int
    final_level_name: str
    adjustments: list[str]


@router.post("/assessments/capability/score", response=ScoreOut)
def capability_score(request, payload: ScoreIn):
    """Score a GB/T 42195-2022 form without recording it (answers keyed B.1.1 … B.4.5)."""
    return capability.score(
        payload.answers,
        coma=payload.coma,
        dementia_or_mental_disorder=payload.dementia_or_mental_disorder,
        risk_events_30d=payload.risk_events_30d,
    ).as_dict()


@router.get("/assessments/capability/form")
def capability_form(request):
    """The form: 4 dimensions, 26 items, each option's text and score."""
    return {
        "total_max": capability.TOTAL_MAX,
        "dimensions": capability.form_definition(),
        "levels": [{"level": i, "name": str(n)} for i, n in enumerate(capability.LEVEL_NAMES)],
    }


class AssessmentIn(ScoreIn):
    person_id: Id
    assessed_on: datetime.date
    reason: str = "first"
    note: str = ""


class AssessmentOut(ScoreOut):
    id: int
    person_id: int
    person_name: str
    region_code: str
    assessor: str
    assessed_on: datetime.date
    reason: str
    answers: dict[str, int]
    valid_from: datetime.date
    valid_to: datetime.date
    superseded_by: int | None


def assessment_out(a: CapabilityAssessment) -> dict:
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "person_name": a.person.name,
        "region_code": a.region_code,
        "assessor": a.assessor_name,
        "assessed_on": a.assessed_on,
        "reason": a.reason,
        "answers": a.answers,
        "dimension_scores": a.dimension_scores,
        "total": a.total,
        "preliminary_level": a.preliminary_level,
        "preliminary_level_name": capability.level_name(a.preliminary_level),
        "final_level": a.final_level,
        "final_level_name": capability.level_name(a.final_level),
        "adjustments": a.adjustments,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "superseded_by": a.superseded_by_id,
    }


@router.post("/assessments/capability", response={201: AssessmentOut})
def assessment_create(request, payload: AssessmentIn):
    person = person_get(user=request.user, person_id=payload.person_id, perm="assessment.record")
    a = services.assessment_record(
        actor=request.user,
        person=person,
        assessed_on=payload.assessed_on,
        answers=payload.answers,
        coma=payload.coma,
        dementia_or_mental_disorder=payload.dementia_or_mental_disorder,
        risk_events_30d=payload.risk_events_30d,
        reason=payload.reason,
        note=payload.note,
        request=request,
    )
    return 201, assessment_out(a)


@router.get("/assessments/capability/{assessment_id}", response=AssessmentOut)
def assessment_detail(request, assessment_id: Id):
    return assessment_out(selectors.assessment_get(user=request.user, assessment_id=assessment_id))


@router.get("/assessments/persons/{person_id}", response=list[AssessmentOut])
def person_assessment_history(request, person_id: Id):
    person = person_get(user=request.user, person_id=person_id, perm="assessment.view")
    return [assessment_out(a) for a in selectors.person_assessments(person).select_related("person")]


class MchatIn(Schema):
    age_months: Count
    answers: list[bool]


class MchatOut(Schema):
    score: int
    risk: str
    failed_items: list[int]
    next_step: str
    refer: bool | None


@router.post("/screenings/mchat/score", response=MchatOut)
def mchat_score(request, payload: MchatIn):
    """Score an M-CHAT-R/F (20 answers in item order, true = the parent answered yes)."""
    return mchat.score(age_months=payload.age_months, answers=payload.answers).as_dict()


class CheckIn(Schema):
    person_id: Id
    kind: str
    checked_on: datetime.date
    data: dict


class CheckOut(Schema):
    id: int
    person_id: int
    person_name: str
    region_code: str
    kind: str
    kind_name: str
    checked_on: datetime.date
    age_months: int
    data: dict
    result: str
    referral: str
    referral_reason: str
    referral_note: str


def check_out(c: ChildCheck) -> dict:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "person_name": c.person.name,
        "region_code": c.region_code,
        "kind": c.kind,
        "kind_name": str(c.get_kind_display()),
        "checked_on": c.checked_on,
        "age_months": c.shown_age_months,
        "data": c.data,
        "result": c.result,
        "referral": c.referral,
        "referral_reason": c.referral_reason,
        "referral_note": c.referral_note,
    }


@router.post("/screenings/checks", response={201: CheckOut})
def check_create(request, payload: CheckIn):
    person = person_get(user=request.user, person_id=payload.person_id, perm="assessment.record")
    c = services.child_check_record(
        actor=request.user,
        person=person,
        kind=payload.kind,
        checked_on=payload.checked_on,
        data=payload.data,
        request=request,
    )
    return 201, check_out(c)


@router.get("/screenings/referrals", response=list[CheckOut])
def referrals(request, limit: Limit = 200):
    return [check_out(c) for c in selectors.referral_list(user=request.user)[: max(1, min(limit, 1000))]]


class ReferralIn(Schema):
    status: str
    note: str


@router.post("/screenings/checks/{check_id}/referral", response=CheckOut)
def referral_update(request, check_id: Id, payload: ReferralIn):
    check = selectors.check_get(user=request.user, check_id=check_id, perm="assessment.record")
    return check_out(
        services.referral_update(
            actor=request.user, check=check, status=payload.status, note=payload.note, request=request
        )
    )
