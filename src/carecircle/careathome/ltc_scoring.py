"""Scoring an LTC disability assessment against a city's filled-in table (reference.py): each
first-level indicator's total is the sum of its second-level scores; the total falls in one grade
band; the three grades give the level through the combination table (组合法, 医保办发〔2021〕37号).
Pure: no database, no request."""

from typing import Any

from django.utils.translation import gettext as _

from carecircle.careathome.ltc_reference import DIMENSIONS, LEVEL_NAMES
from carecircle.careathome.types import LtcDimensionScore, LtcScale, LtcScore
from carecircle.core.errors import InvalidInput


def check_answers(scale: LtcScale, answers: Any) -> dict[str, int]:
    """Every item answered with one of its option scores; the first fault names the item."""
    if not isinstance(answers, dict):
        raise InvalidInput(_("各项指标的得分应按指标编号给出"), field="answers")
    known = {i.code for i in scale.items}
    for code in answers:
        if code not in known:
            raise InvalidInput(
                _("没有编号为「%(code)s」的二级指标") % {"code": code}, field=f"answers.{code}"
            )
    out: dict[str, int] = {}
    for item in scale.items:
        field = f"answers.{item.code}"
        if item.code not in answers or answers[item.code] is None:
            raise InvalidInput(
                _("「%(name)s」(%(code)s)未作答") % {"name": item.name, "code": item.code}, field=field
            )
        value = answers[item.code]
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.scores:
            allowed = "、".join(str(s) for s in sorted(item.scores))
            raise InvalidInput(
                _("「%(name)s」(%(code)s)的得分应为%(allowed)s之一")
                % {"name": item.name, "code": item.code, "allowed": allowed},
                field=field,
            )
        out[item.code] = value
    return out


def score(scale: LtcScale, answers: Any) -> LtcScore:
    checked = check_answers(scale, answers)
    dims: list[LtcDimensionScore] = []
    for code, name, _n in DIMENSIONS:
        total = sum(checked[i.code] for i in scale.items_of(code))
        band = next(b for b in scale.bands_of(code) if b.low <= total <= b.high)
        dims.append(LtcDimensionScore(code, name, total, band.grade, band.name))
    key = (dims[0].grade, dims[1].grade, dims[2].grade)
    level = next(lv for a, c, p, lv in scale.combination if (a, c, p) == key)
    return LtcScore(tuple(dims), level, LEVEL_NAMES[level], checked)
