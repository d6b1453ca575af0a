"""The time bank's rules as data (models.Rule), loaded idempotently by the data migration and by
`generate --fresh`. The seeds ask for the mechanism; the figures are the platform's defaults, which
a district changes by adding its own row (the longest matching region prefix wins)."""

from decimal import Decimal

from carecircle.timebank.models import Rule

CITATION = (
    "Yizhou 四(十) 为老服务时间银行；Hechuan 二(九) 时间储蓄；Hangzhou 三(一)3,8 邻里互助、银龄互助；"
    "Jiaxing 二(四)12 互助养老、二(七)22 银龄行动"
)

# region prefix, daily cap, yearly cap, gift cap per year, volunteer min age, spend min age,
# city-wide after days, escalate after days
# fmt: off
DEFAULTS = [
    ("", Decimal("8"), Decimal("500"), Decimal("100"), 18, 70, 3, 7),
]
# fmt: on


def ensure() -> None:
    for prefix, daily, yearly, gift, vol_age, spend_age, wide, escalate in DEFAULTS:
        Rule.objects.get_or_create(
            region_prefix=prefix,
            defaults={
                "daily_cap": daily,
                "yearly_cap": yearly,
                "gift_yearly_cap": gift,
                "volunteer_min_age": vol_age,
                "spend_min_age": spend_age,
                "city_wide_after_days": wide,
                "escalate_after_days": escalate,
                "citation": CITATION,
            },
        )
