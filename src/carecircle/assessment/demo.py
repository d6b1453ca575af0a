"""The synthetic city's assessments: capability assessments for a share of the 80+ (Hechuan
二(十一): assessment for everyone 80+), some with an earlier, superseded one; and infant checks
(growth, hearing, vision, M-CHAT-R/F for 16–30 months) with their referrals."""

import datetime
import math
from decimal import Decimal

from pygrowup import Observation

from carecircle.assessment import capability, checks
from carecircle.assessment.models import CapabilityAssessment, CheckKind, ChildCheck, ReferralStatus
from carecircle.assessment.services import VALID_MONTHS, assessment_request_submit
from carecircle.core.demo import City, Progress
from carecircle.core.errors import InvalidInput
from carecircle.core.models import User
from carecircle.core.months import add_months
from carecircle.registry.models import Person
from carecircle.registry.selectors import active_on, birth_date_bounds

ORDER = 20
ASSESSED_SHARE = 0.6  # of the 80+ have a valid assessment
EARLIER_SHARE = 0.25  # of those, also an earlier one that the new one superseded
# (share of people, mean ability) by rough level: most 80+ are able, a tail is disabled.
ABILITY_MIX = [(0.38, 1.0), (0.32, 0.85), (0.15, 0.6), (0.1, 0.42), (0.05, 0.15)]
CHECK_CAP = 20_000  # infant checks at most (pygrowup computes per child)
BATCH = 5000


def _answers(rng, ability: float) -> dict[str, int]:
    out = {}
    for code, item in capability.ITEMS.items():
        x = min(1.0, max(0.0, rng.gauss(ability, 0.05 if ability >= 1 else 0.12)))
        out[code] = round(x * item.max_score)
    return out


def _assessment(rng, person_id: int, region: str, day: datetime.date, assessor: str, ability: float):
    dementia = ability < 0.7 and rng.random() < 0.25
    risk = rng.choice([0, 0, 0, 0, 1, 2]) if ability < 0.8 else 0
    coma = ability < 0.2 and rng.random() < 0.1
    r = capability.score(
        _answers(rng, ability), coma=coma, dementia_or_mental_disorder=dementia, risk_events_30d=risk
    )
    return CapabilityAssessment(
        person_id=person_id,
        region_code=region,
        assessor_name=assessor,
        assessed_on=day,
        reason="first",
        answers=r.answers,
        coma=coma,
        dementia_or_mental_disorder=dementia,
        risk_events_30d=risk,
        self_care=r.dimension_scores["B.1"],
        mobility=r.dimension_scores["B.2"],
        mental=r.dimension_scores["B.3"],
        perception=r.dimension_scores["B.4"],
        total=r.total,
        preliminary_level=r.preliminary_level,
        final_level=r.final_level,
        adjustments=list(r.adjustments),
        valid_from=day,
        valid_to=add_months(day, VALID_MONTHS) - datetime.timedelta(days=1),
    )


def generate(city: City) -> None:
    rng = city.rng_for("assessment")
    today = city.today
    people = list(
        Person.objects.filter(birth_date_bounds("senior80", today))
        .filter(active_on(today))
        .order_by("id")
        .values_list("id", "region_code")
    )
    chosen = [p for p in people if rng.random() < ASSESSED_SHARE]
    progress = Progress(city, "能力评估", len(chosen))
    assessors = ["张评估员", "李评估员", "王评估员", "陈评估员"]
    levels = [0] * 5
    for start in range(0, len(chosen), BATCH):
        old_rows, new_rows = [], []
        for pid, region in chosen[start : start + BATCH]:
            ability = rng.choices([a for _, a in ABILITY_MIX], [w for w, _ in ABILITY_MIX])[0]
            new_day = today - datetime.timedelta(days=rng.randrange(1, 330))
            new = _assessment(rng, pid, region, new_day, rng.choice(assessors), ability)
            new.reason = "routine" if rng.random() < EARLIER_SHARE else "first"
            if new.reason == "routine":
                old_day = new_day - datetime.timedelta(days=rng.randrange(300, 420))
                old = _assessment(rng, pid, region, old_day, rng.choice(assessors), min(1.0, ability + 0.1))
                old.valid_to = min(old.valid_to, new_day - datetime.timedelta(days=1))
                old_rows.append(old)
            new_rows.append(new)
            levels[new.final_level] += 1
        CapabilityAssessment.objects.bulk_create(old_rows, batch_size=BATCH)
        created = CapabilityAssessment.objects.bulk_create(new_rows, batch_size=BATCH)
        by_person = {a.person_id: a.pk for a in created}
        for old in old_rows:
            old.superseded_by_id = by_person[old.person_id]
        CapabilityAssessment.objects.bulk_update(old_rows, ["superseded_by"], batch_size=BATCH)
        progress.add(len(new_rows))
    city.facts["assessments"] = len(chosen)
    city.say("  能力评估 " + "、".join(f"{capability.level_name(i)} {n:,}" for i, n in enumerate(levels)))
    _infant_checks(city, rng, today)
    _family_request(city)


def _family_request(city: City) -> None:
    """The demo's 子女 account (registry's step links it to an older parent) has asked online for a
    capability assessment of that parent: the apply page follows it, the community's list answers it."""
    family = User.objects.filter(username="family").first()
    elder_id = city.facts.get("family_elder_id")
    if family is None or elder_id is None:
        return
    elder = Person.objects.get(pk=elder_id)
    req = assessment_request_submit(
        actor=family, person=elder, note="最近走路不稳，想评估一下能不能申请护理补贴"
    )
    city.facts["family_assessment_request_id"] = req.pk
    city.say(f"  能力评估申请：家属账号 family 为{elder.name}提交（待社区受理）")


def _infant_checks(city: City, rng, today: datetime.date) -> None:
    infants = list(
        Person.objects.filter(birth_date_bounds("infant", today))
        .filter(active_on(today))
        .order_by("id")
        .values_list("id", "region_code", "birth_date", "sex")
    )
    rng.shuffle(infants)
    rows, referrals = [], 0
    for pid, region, birth, sex in infants[: CHECK_CAP // 2]:
        day = today - datetime.timedelta(days=rng.randrange(0, 60))
        if day <= birth:
            continue
        months = checks.months_between(birth, day)
        todo = [CheckKind.GROWTH]
        if months < 6:
            todo.append(CheckKind.HEARING)
        elif rng.random() < 0.3:
            todo.append(CheckKind.VISION)
        if 16 <= months <= 30 and rng.random() < 0.5:
            todo.append(CheckKind.MCHAT)
        for kind in todo:
            data = _check_data(rng, kind, months, sex)
            try:
                kept, result, reason = checks.EVALUATORS[kind](
                    data, age_months=months, birth=birth, sex=sex, day=day
                )
            except InvalidInput:  # a drawn measurement outside the WHO tables: not measured that day
                continue
            referrals += bool(reason)
            rows.append(
                ChildCheck(
                    person_id=pid,
                    region_code=region,
                    kind=kind,
                    checked_on=day,
                    age_months=months,
                    examiner_name="社区儿保医生",
                    data=kept,
                    result=result[:300],
                    referral=ReferralStatus.PENDING if reason else ReferralStatus.NONE,
                    referral_reason=reason[:300],
                )
            )
    ChildCheck.objects.bulk_create(rows, batch_size=BATCH)
    city.say(f"  儿童筛查 {len(rows):,} 次，需转介 {referrals:,} 人次")


def _from_lms(lms: dict, z: float) -> float:
    lam, mu, sigma = (float(lms[k]) for k in ("l", "m", "s"))
    return mu * (1 + lam * sigma * z) ** (1 / lam) if lam else mu * math.exp(sigma * z)


def _growth_sample(rng, months: int, sex: str) -> dict:
    """A measurement drawn from the WHO standards themselves: length at a normal z for the age,
    then weight at a normal z for that length, so that about 2–3% fall outside ±2 SD."""
    obs = Observation(
        sex=Observation.MALE if sex == "M" else Observation.FEMALE,
        age_in_days=max(1, round(months * 30.4375 + 15)),
    )
    length = _from_lms(obs._get_box_cox_variables("lfa", obs.sex, obs.t), rng.gauss(0, 1))
    length = round(min(max(length, 45.5), 109.5), 1)
    weight = _from_lms(obs._get_box_cox_variables("wfl", obs.sex, Decimal(str(length))), rng.gauss(0, 1))
    return {"weight_kg": round(weight, 1), "length_cm": length}


def _check_data(rng, kind: str, months: int, sex: str) -> dict:
    if kind == CheckKind.GROWTH:
        return _growth_sample(rng, months, sex)
    if kind in (CheckKind.HEARING, CheckKind.VISION):
        return {
            "left": "refer" if rng.random() < 0.02 else "pass",
            "right": "refer" if rng.random() < 0.02 else "pass",
            "method": "OAE" if kind == CheckKind.HEARING else "屈光筛查",
        }
    at_risk = rng.choices([0, 1, 2, 4, 9], [0.6, 0.2, 0.1, 0.07, 0.03])[0]
    items = set(rng.sample(range(1, 21), at_risk))
    answers = [(i in (2, 5, 12)) == (i in items) for i in range(1, 21)]
    data = {"answers": answers}
    if 3 <= at_risk <= 7:
        data["follow_up_failed"] = sorted(items)[: rng.choice([0, 1, 2])]
    return data
