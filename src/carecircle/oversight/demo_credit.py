"""Credit's part of the demo city (called from oversight/demo.py): the published method loaded,
administrative penalties for a few units, the credit events collected from the inspections done
(and from home care's complaints and confirmed visit exceptions), and every unit's grade
recomputed from them (the grades the register showed until now were drawn at random)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.oversight import credit, services
from carecircle.oversight.models import (
    CreditAgeBand,
    CreditGradeBand,
    CreditRankWeight,
    CreditRule,
    CreditScore,
    Unit,
)

PENALTIES = (
    ("未按规定配备专职护理员，责令改正并处罚款", Decimal(10000)),
    ("消防设施未保持完好有效，处罚款", Decimal(20000)),
    ("超出核定床位收住老年人，责令改正", Decimal(5000)),
)


def generate(city: City) -> None:
    credit.load_defaults(CreditRule, CreditAgeBand, CreditRankWeight, CreditGradeBand)
    official = User.objects.filter(username="district").first()
    rng = city.rng_for("oversight.credit")
    penalised = 0
    if official is not None and city.districts:
        district = city.districts[0].code
        units = list(Unit.objects.filter(region_code__startswith=district[:6], active=True).order_by("pk"))
        for n, unit in enumerate(rng.sample(units, min(len(PENALTIES), len(units)))):
            text, fine = PENALTIES[n]
            services.penalty_record(
                actor=official,
                unit=unit,
                decision_no=f"{city.districts[0].name}民罚〔{city.today.year}〕{n + 1}号",
                decided_on=city.today - datetime.timedelta(days=rng.randint(10, 200)),
                authority=f"{city.districts[0].name}民政局",
                fine=fine,
                text=text,
            )
            penalised += 1
    added = services.credit_collect()
    services.credit_recompute()
    by_grade = dict.fromkeys("ABCD", 0)
    for grade in CreditScore.objects.values_list("grade", flat=True):
        by_grade[grade] += 1
    city.say(
        f"  信用：行政处罚 {penalised} 条，信用事件 {sum(added.values()) + penalised} 条，"
        f"等级 A {by_grade['A']} / B {by_grade['B']} / C {by_grade['C']} / D {by_grade['D']}"
    )
