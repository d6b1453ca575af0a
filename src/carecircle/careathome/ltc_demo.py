"""The synthetic city's long-term care: LTC assessments at every stage (applied, refused, accepted,
one assessor recorded, in notice, objected and under re-assessment, delivered) and care plans with
their home-care orders for the delivered levels.

The demo city is fictional, so it enters DEMO tables for what a real city enters from its official
copy (reference.py): the scale below is the demo's own, labelled as such on every page that shows its
source — it is not the standard's published scoring, which the platform does not ship."""

import datetime

from django.db.models import F
from django.utils import timezone

from carecircle.careathome import services
from carecircle.careathome.ltc_mapping import ltc_answer
from carecircle.careathome.models.ltc import LtcAssessment
from carecircle.core import regions, scope
from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.homecare import selectors as homecare_selectors
from carecircle.registry.selectors import population

DEMO_SOURCE = "演示城市用表（虚构，仅供演示；不是《长期护理失能等级评估标准(试行)》的正式分值，正式使用前须按本市正式文本重新录入）"
ADL = [
    "进食",
    "穿衣",
    "面部与口腔清洁",
    "大便控制",
    "小便控制",
    "用厕",
    "平地行走",
    "床椅转移",
    "上下楼梯",
    "洗澡",
]


def _item(dimension: str, code: str, name: str, scores: list[int]) -> dict[str, object]:
    texts = {0: "完全依赖", 1: "需部分帮助", 2: "独立完成", 5: "需部分帮助", 10: "独立完成"}
    return {
        "dimension": dimension,
        "code": code,
        "name": name,
        "options": [{"score": s, "text": texts[s]} for s in scores],
    }


def demo_scale() -> dict[str, object]:
    items = [_item("adl", f"A{n}", name, [10, 5, 0]) for n, name in enumerate(ADL, start=1)]
    items += [_item("cognition", f"C{n}", f"认知指标{n}", [2, 1, 0]) for n in range(1, 5)]
    items += [_item("perception", f"P{n}", f"感知觉与沟通指标{n}", [2, 1, 0]) for n in range(1, 4)]
    bands = {"adl": [(100, 100), (65, 95), (45, 60), (0, 40)], "cognition": [(8, 8), (5, 7), (2, 4), (0, 1)]}
    bands["perception"] = [(6, 6), (4, 5), (2, 3), (0, 1)]
    names = ["能力完好", "轻度受损", "中度受损", "重度受损"]
    grades = [
        {"dimension": d, "grade": g, "name": names[g], "low": lo, "high": hi}
        for d, rows in bands.items()
        for g, (lo, hi) in enumerate(rows)
    ]

    def level(a: int, c: int, p: int) -> int:
        other = max(c, p)
        if a == 0:
            return 0 if other == 0 else 1
        if a in (1, 2):
            return a if other <= 1 else a + 1
        return 3 + min(other, 2)

    combination = [
        {"adl": a, "cognition": c, "perception": p, "level": level(a, c, p)}
        for a in range(4)
        for c in range(4)
        for p in range(4)
    ]
    return {"source": DEMO_SOURCE, "items": items, "grades": grades, "combination": combination}


def _answers(adl: int, cog: int = 8, per: int = 6) -> dict[str, int]:
    out: dict[str, int] = {}
    for prefix, n, total, top in (("A", 10, adl, 10), ("C", 4, cog, 2), ("P", 3, per, 2)):
        left = total
        for i in range(1, n + 1):
            take = min(top, left)
            out[f"{prefix}{i}"] = take
            left -= take
    return out


def generate(city: City) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "district", "street"])}
    if len(users) < 3:
        city.say("长期护理评估：缺少演示账号，跳过")
        return
    admin, district, street = (users[k] for k in ("admin", "district", "street"))
    city_code = scope.region_codes(admin, "ltc.manage")[0]
    services.ltc_scale_load(actor=admin, region_code=city_code, **demo_scale())  # type: ignore[arg-type]
    services.ltc_rules_load(
        actor=admin,
        region_code=city_code,
        source=DEMO_SOURCE,
        accept_days=5,
        assess_days=15,
        notice_days=7,
        validity_months=24,
        repeat_months=12,
        fee_first=200,  # type: ignore[arg-type]
        fee_objection=150,  # type: ignore[arg-type]
        capability_map={"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 4},
    )
    services.ltc_entitlement_load(
        actor=admin,
        region_code=city_code,
        source=DEMO_SOURCE,
        ledger_programme="LTC_CARE",
        rows=[{"level": lv, "hours_per_month": 10 + 6 * lv, "fund_percent": 70} for lv in range(1, 6)],
    )
    where = scope.region_codes(street, "ltc.apply")[0]
    today = timezone.localdate()
    # not those a capability assessment of the year answers by the city's mapping (ltc_mapping.py)
    pool = population(code="elder", day=today, region_prefix=regions.prefix_of(where)).order_by("id")[:200]
    people = [p for p in pool if getattr(ltc_answer(p, today), "mapped", None) is None][:14]
    if len(people) < 14:
        city.say("长期护理评估：街道老年人不足，跳过")
        return
    apply = lambda p, kind="worker": services.ltc_apply(  # noqa: E731 — a short local helper
        actor=street,
        person=p,
        applicant_kind=kind,
        applicant_name="社区代办" if kind == "worker" else "家属",
    )
    a = [apply(p, "family" if i % 3 == 0 else "worker") for i, p in enumerate(people)]
    services.ltc_refuse(actor=district, assessment=a[2], reason="not_insured")
    for x in a[3:]:
        services.ltc_accept(actor=district, assessment=x)
    services.ltc_record(actor=street, assessment=a[5], answers=_answers(60))
    levels = [40, 60, 0, 95, 40, 20, 60, 40]
    for x, adl in zip(a[6:], levels, strict=True):
        services.ltc_record(actor=street, assessment=x, answers=_answers(adl, 4 if adl == 0 else 8))
        services.ltc_record(actor=district, assessment=x, answers=_answers(adl, 4 if adl == 0 else 8))
    services.ltc_object(actor=street, assessment=a[7], note="家属认为等级偏低")
    services.ltc_record(actor=admin, assessment=a[7], answers=_answers(40))
    # the notice of the last six has passed: they are delivered
    done = [x.pk for x in a[8:]]
    LtcAssessment.objects.filter(pk__in=done).update(
        concluded_on=F("concluded_on") - datetime.timedelta(days=10),
        notice_until=F("notice_until") - datetime.timedelta(days=10),
    )
    delivered = [
        services.ltc_deliver(actor=district, assessment=LtcAssessment.objects.get(pk=pk)) for pk in done
    ]
    plans = 0
    item = next(
        (i for c in homecare_selectors.catalogue() for i in c.active_items if i.code == "bath.home"),  # type: ignore[attr-defined]
        None,
    )
    for x in delivered:
        if item is None or not x.level:
            continue
        providers = homecare_selectors.providers_for(x.region_code, item, today)
        if not providers:
            continue
        plan = services.ltc_plan_create(
            actor=street,
            assessment=x,
            provider=providers[0][0],
            item=item,
            weekdays="25",
            start_time=datetime.time(9, 30),
            valid_from=today,
            valid_to=min(x.valid_until or today, today + datetime.timedelta(days=90)),
        )
        services.ltc_plan_generate(actor=street, plan=plan, until=today + datetime.timedelta(days=14))
        plans += 1
    city.say(f"长期护理评估：{len(a)} 份（各阶段），照护计划 {plans} 份")
