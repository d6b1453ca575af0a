"""The synthetic city's care visits: the city's visit rules (from the seeds), last month's and this
month's plans, and visits — most of last month's done, a few overdue, this month's under way."""

import datetime
import uuid

from django.utils import timezone

from carecircle.carevisits import plans
from carecircle.carevisits.models import CareVisit, PlanStatus, VisitPlan, VisitRule
from carecircle.core.demo import City, Progress

ORDER = 30  # after the people (10) and the assessments (20); before planning (90) reads coverage

RULES = [
    ("tekun", "weekly", "特困分散供养：每周探访"),
    ("living_alone", "monthly", "独居老人：每月探访（合川 二(九)、嘉兴 二(四)12）"),
    ("empty_nest", "monthly", "空巢老人：每月探访"),
    ("shidu", "monthly", "计生特殊家庭：每月探访（嘉兴 二(四)12）"),
    ("disabled", "monthly", "失能老人：每月探访"),
    ("severe_disability", "monthly", "重度残疾老人：每月探访"),
    ("left_behind", "monthly", "留守老人、留守儿童：每月探访"),
    ("senior80", "monthly", "高龄老人：每月探访（曲靖 特殊困难老年人月探访率100%）"),
    ("child_in_difficulty", "biweekly", "困境儿童：每半月上门查访（杭州 三(二)2）"),
    ("orphan", "monthly", "散居孤儿：每月家庭走访（杭州 三(二)2）"),
]
DONE_LAST_MONTH = 0.94
BATCH = 5000


def generate(city: City) -> None:
    rng = city.rng_for("carevisits")
    today = city.today
    VisitRule.objects.bulk_create(
        [VisitRule(region_code=city.city.code, group=g, frequency=f, note=n) for g, f, n in RULES]
    )
    last = today.replace(day=1) - datetime.timedelta(days=1)
    for year, month in ((last.year, last.month), (today.year, today.month)):
        result = plans.generate("", year, month)
        city.say(f"  {year}年{month}月探访计划：对象 {result.people:,} 人，计划 {result.created:,} 次")
    qs = VisitPlan.objects.filter(period_start__lte=today).order_by("id")
    total = qs.count()
    progress = Progress(city, "探访记录", total)
    visitors = ["社区网格员", "志愿者", "社区社工"]
    done = 0
    for start in range(0, total, BATCH):
        batch = list(
            qs.values_list("id", "person_id", "region_code", "period_start", "period_end")[
                start : start + BATCH
            ]
        )
        visits, done_ids = [], []
        for pid, person, region, p_start, p_end in batch:
            end = min(p_end, today)
            elapsed = ((end - p_start).days + 1) / ((p_end - p_start).days + 1)
            chance = DONE_LAST_MONTH if p_end < today else 0.9 * elapsed
            if rng.random() >= chance:
                continue
            day = p_start + datetime.timedelta(days=rng.randrange(0, (end - p_start).days + 1))
            at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(rng.randrange(9, 17), rng.randrange(60)))
            )
            poor = rng.random() < 0.05
            visits.append(
                CareVisit(
                    plan_id=pid,
                    person_id=person,
                    region_code=region,
                    visitor_name=rng.choice(visitors),
                    visited_at=at,
                    place="home" if rng.random() < 0.8 else "phone",
                    seen="self",
                    condition="poor" if poor else "good",
                    needs=["meal"] if poor else [],
                    notes="身体较弱，需助餐" if poor else "精神状态良好",
                    follow_up=poor,
                    follow_up_done=poor and p_end < today,
                    idempotency_key=f"demo-{uuid.UUID(int=rng.getrandbits(128)).hex}",
                )
            )
            done_ids.append((pid, at))
        CareVisit.objects.bulk_create(visits, batch_size=BATCH)
        rows = [VisitPlan(pk=pid, status=PlanStatus.DONE, done_at=at) for pid, at in done_ids]
        VisitPlan.objects.bulk_update(rows, ["status", "done_at"], batch_size=BATCH)
        done += len(visits)
        progress.add(len(batch))
    overdue = VisitPlan.objects.filter(status=PlanStatus.PLANNED, period_end__lt=today).count()
    city.facts["visit_plans"] = total
    city.say(f"  探访记录 {done:,} 次，逾期未访 {overdue:,} 次")
