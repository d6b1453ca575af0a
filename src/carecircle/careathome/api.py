"""The JSON API of care at home (one ninja router for the module; the LTC part first)."""

from typing import Any

from ninja import Router, Schema

from carecircle.careathome import selectors, services
from carecircle.careathome.reference import DIMENSIONS, LEVEL_NAMES, SOURCE, scale_as_data
from carecircle.core.types import AuthedRequest

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
