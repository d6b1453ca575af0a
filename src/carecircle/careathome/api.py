"""The JSON API of care at home (one ninja router for the module; the LTC part first)."""

import datetime
from typing import Any

from ninja import Router, Schema

from carecircle.careathome import selectors, services
from carecircle.careathome.ltc_reference import DIMENSIONS, LEVEL_NAMES, SOURCE, scale_as_data
from carecircle.careathome.models.ltc import LtcAssessment
from carecircle.core.limits import Id
from carecircle.core.types import AuthedRequest
from carecircle.registry.selectors import person_get

router = Router(tags=["careathome"])


class LtcScoreIn(Schema):
    answers: dict[str, Any]
    region_code: str = ""


class LtcDimensionOut(Schema):
    code: str
    name: str
    score: int
    grade: int
    grade_name: str


class LtcScoreOut(Schema):
    dimensions: list[LtcDimensionOut]
    level: int
    level_name: str


@router.post("/ltc/score", response=LtcScoreOut)
def ltc_score(request: AuthedRequest, payload: LtcScoreIn) -> dict[str, object]:
    """Score an LTC assessment (长期护理失能等级评估标准(试行)) without recording it: answers keyed
    by the item codes of the city's table; each dimension's score and grade, and the level."""
    return selectors.ltc_score(
        user=request.user, answers=payload.answers, region_code=payload.region_code
    ).as_dict()


class LtcScaleIn(Schema):
    region_code: str
    source: str
    items: list[dict[str, Any]]
    grades: list[dict[str, Any]]
    combination: list[dict[str, Any]]


@router.put("/ltc/scale")
def ltc_scale_load(request: AuthedRequest, payload: LtcScaleIn) -> dict[str, object]:
    """Enter the city's table from its official copy (items, grade bands, combination)."""
    scale = services.ltc_scale_load(actor=request.user, request=request, **payload.dict())
    return {"city_code": scale.city_code, "source": scale.source, **scale_as_data(scale)}


@router.get("/ltc/scale")
def ltc_scale_get(request: AuthedRequest, region_code: str = "") -> dict[str, object]:
    """The structure the standard fixes (cited) and the city's table (empty until entered)."""
    city = selectors.ltc_user_city(request.user, region_code)
    scale = selectors.ltc_scale_or_none(city)
    return {
        "standard": SOURCE,
        "dimensions": [{"code": c, "name": n, "items": k} for c, n, k in DIMENSIONS],
        "levels": [{"level": i, "name": n} for i, n in enumerate(LEVEL_NAMES)],
        "city_code": city,
        "table": None if scale is None else {"source": scale.source, **scale_as_data(scale)},
    }


class LtcApplyIn(Schema):
    person_id: Id
    applicant_kind: str
    applicant_name: str


class LtcAssessmentOut(Schema):
    id: int
    person_id: int
    region_code: str
    status: str
    status_name: str
    round: int
    level: int | None
    level_name: str
    dimensions: list[dict[str, Any]]
    notice_until: datetime.date | None
    valid_until: datetime.date | None


def _out(a: LtcAssessment) -> dict[str, object]:
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "region_code": a.region_code,
        "status": a.status,
        "status_name": a.get_status_display(),
        "round": a.round,
        "level": a.level,
        "level_name": "" if a.level is None else LEVEL_NAMES[a.level],
        "dimensions": a.dimensions,
        "notice_until": a.notice_until,
        "valid_until": a.valid_until,
    }


@router.post("/ltc/assessments", response=LtcAssessmentOut)
def ltc_apply(request: AuthedRequest, payload: LtcApplyIn) -> dict[str, object]:
    """Apply for an LTC assessment for a person (by the person, the family or a worker)."""
    person = person_get(user=request.user, person_id=payload.person_id, perm="ltc.apply")
    return _out(
        services.ltc_apply(
            actor=request.user,
            person=person,
            applicant_kind=payload.applicant_kind,
            applicant_name=payload.applicant_name,
            request=request,
        )
    )


@router.get("/ltc/assessments/{ltc_assessment_id}", response=LtcAssessmentOut)
def ltc_assessment(request: AuthedRequest, ltc_assessment_id: Id) -> dict[str, object]:
    return _out(selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id))


class LtcRecordIn(Schema):
    answers: dict[str, Any]


@router.post("/ltc/assessments/{ltc_assessment_id}/record", response=LtcAssessmentOut)
def ltc_record(request: AuthedRequest, ltc_assessment_id: Id, payload: LtcRecordIn) -> dict[str, object]:
    """One assessor's on-site record; the second agreeing record concludes it (notice starts)."""
    a = selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id)
    return _out(
        services.ltc_record(actor=request.user, assessment=a, answers=payload.answers, request=request)
    )
