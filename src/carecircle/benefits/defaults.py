"""The default programme set, from the seed documents. Every amount and tier here is data that
an official edits on the programme page; where a seed names no amount, the figure is a default
marked as such ("默认值，由主管部门核定").

Seeds: Hechuan 二(十) 80岁以上老年人享受高龄津贴全覆盖、免申即享 (the allowance has no upper age);
Jiaxing 二(八)25 完善高龄补贴制度，百岁老人长寿保健金提高到每人每月600元 (the allowance's step from 100, not a
second payment on top of it); Qujing 三(四)5 经济困难老年人养老服务补贴、生活不能自理的经济困难老年人和计划生育
特殊家庭老年人护理补贴、80岁以上高龄津贴; Hangzhou 三(一)9 为全市户籍60岁及以上特困、低保低边、特殊困难、优抚、失独、
80岁及以上老年人购买团体意外伤害统筹保险, Hangzhou 一(一)3 市区两级财政每年投入2900余万元为101.9万名老年人购买
(≈28.46元/人/年); Jiaxing 二(八)25 继续为本市户籍60周岁及以上老年人购买意外伤害保险 (the "jiaxing" variant);
Hechuan 三(二) 向3岁以下婴幼儿家庭发放托育服务体验券; Jiaxing 三(二) / Qujing 三(四)1 福彩公益金55%/60%以上用于养老服务.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from carecircle.benefits.group_rules import group_condition, statuses_condition
from carecircle.benefits.models import Fund, PaymentMethod, Period, Programme, TierMode
from carecircle.benefits.services import programme_save
from carecircle.core.errors import InvalidInput
from carecircle.registry.selectors import ECONOMIC_HARDSHIP

DEFAULT_NOTE = "默认值，由主管部门核定"
# 经济困难 (Qujing 三(四)5 经济困难的老年人): the economic-hardship statuses of registry/groups.py
POOR = statuses_condition(ECONOMIC_HARDSHIP)

FUNDS = [
    ("CITY_ELDER", "市级财政养老服务专项资金", "专款专用（Yizhou 五(二)）"),
    (
        "WELFARE_LOTTERY",
        "福利彩票公益金（养老服务）",
        "福彩公益金55%/60%以上用于养老服务（Jiaxing 三(二)，Qujing 三(四)1）",
    ),
    ("CHILDCARE", "托育服务专项资金", "托育服务体验券（Hechuan 三(二)）"),
]


def programme_specs() -> list[dict[str, Any]]:
    return [
        {
            "code": "GAOLING",
            "name": "高龄津贴",
            "fund": "CITY_ELDER",
            "period": Period.MONTHLY,
            "payment_method": PaymentMethod.CASH,
            "tier_mode": TierMode.FIRST,
            "target_rule": "age >= 80",
            "tiers": [
                {"label": "百岁及以上（长寿保健金）", "condition": "age >= 100", "amount": Decimal("600.00")},
                {"label": "90-99周岁", "condition": "age >= 90", "amount": Decimal("100.00")},
                {"label": "80-89周岁", "condition": "", "amount": Decimal("50.00")},
            ],
            "basis": "Hechuan 二(十)：80岁以上老年人享受高龄津贴全覆盖，免申即享；Qujing 三(四)5。"
            "Jiaxing 二(八)25：完善高龄补贴制度，百岁老人长寿保健金每人每月600元（本津贴百岁档，不另行叠加）。"
            f"80-99周岁金额为{DEFAULT_NOTE}。",
        },
        {
            "code": "CARE_SUBSIDY",
            "name": "养老服务补贴",
            "fund": "WELFARE_LOTTERY",
            "period": Period.MONTHLY,
            "payment_method": PaymentMethod.VOUCHER,
            "tier_mode": TierMode.FIRST,
            "target_rule": f"age >= 60 && ({POOR})",
            "tiers": [
                {"label": "特困", "condition": '"tekun" in statuses', "amount": Decimal("300.00")},
                {"label": "低保", "condition": '"dibao" in statuses', "amount": Decimal("200.00")},
                {"label": "低保边缘", "condition": "", "amount": Decimal("100.00")},
            ],
            "basis": f"Qujing 三(四)5：经济困难的老年人提供养老服务补贴；Jiaxing 二(八)23 补需方，以服务券发放。金额为{DEFAULT_NOTE}。",
        },
        {
            "code": "NURSING_SUBSIDY",
            "name": "护理补贴",
            "fund": "WELFARE_LOTTERY",
            "period": Period.MONTHLY,
            "payment_method": PaymentMethod.CASH,
            "tier_mode": TierMode.FIRST,
            "target_rule": f'age >= 60 && capability_level >= 2 && ({POOR} || "shidu" in statuses)',
            "tiers": [
                {
                    "label": "完全失能（4级）",
                    "condition": "capability_level >= 4",
                    "amount": Decimal("400.00"),
                },
                {
                    "label": "重度失能（3级）",
                    "condition": "capability_level == 3",
                    "amount": Decimal("300.00"),
                },
                {"label": "中度失能（2级）", "condition": "", "amount": Decimal("200.00")},
            ],
            "basis": "Qujing 三(四)5：认定为生活不能自理的经济困难老年人、计划生育特殊家庭老年人提供护理补贴"
            "。“生活不能自理”按能力评估等级2级（中度失能）及以上认定，为默认值：1级（轻度失能）属失能人群"
            f"（GB/T 42195-2022），但种子只补贴生活不能自理者。金额为{DEFAULT_NOTE}。",
        },
        {
            "code": "ACCIDENT_INSURANCE",
            "name": "老年人团体意外伤害统筹保险",
            "fund": "CITY_ELDER",
            "period": Period.YEARLY,
            "payment_method": PaymentMethod.IN_KIND,
            "tier_mode": TierMode.FIRST,
            # 特困、低保低边、失独 and 80+ are all 特殊困难老年人 (registry/groups.py): only 优抚 is named beside it
            "target_rule": f'age >= 60 && "huji" in statuses && ("youfu" in statuses '
            f"|| ({group_condition('special_difficulty')}))",
            "tiers": [{"label": "每人每年保费", "condition": "", "amount": Decimal("28.46")}],
            "basis": "Hangzhou 三(一)9：为全市户籍60岁及以上特困、低保低边、优抚对象、失独人员、80岁及以上老年人购买"
            "团体意外伤害统筹保险；保费按 Hangzhou 一(一)3（2900余万元/101.9万人≈28.46元）。"
            "“特殊困难老年人”取平台统一人群定义（registry/groups.py）。",
        },
        {
            "code": "CHILDCARE_VOUCHER",
            "name": "托育服务体验券",
            "fund": "CHILDCARE",
            "period": Period.ONCE,
            "payment_method": PaymentMethod.VOUCHER,
            "tier_mode": TierMode.FIRST,
            "target_rule": "age < 3",
            "tiers": [{"label": "每名婴幼儿一次", "condition": "", "amount": Decimal("500.00")}],
            "basis": f"Hechuan 三(二)：鼓励向3岁以下婴幼儿家庭发放托育服务体验券。面额为{DEFAULT_NOTE}。",
        },
    ]


# Where a seed of another city sets another rule for a default programme: the programme's fields
# that city's variant replaces (install(city=...)). The default set is Hangzhou's and Hechuan's.
CITY_VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "jiaxing": {
        "ACCIDENT_INSURANCE": {
            "target_rule": 'age >= 60 && "huji" in statuses',
            "basis": "Jiaxing 二(八)25：继续为本市户籍60周岁及以上老年人购买意外伤害保险。"
            f"保费沿用 Hangzhou 一(一)3 推算的28.46元，为{DEFAULT_NOTE}。",
        },
    },
}
# Programmes of earlier default sets that a current one replaces: reinstalling the defaults stops
# them, so that nobody is paid twice for one entitlement. Reinstall before a month's payroll: a
# month the retired programme has already paid is not recovered from it (docs/benefits.md).
RETIRED = {
    # Jiaxing 二(八)25: the 长寿保健金 is the 高龄津贴's step from 100 (GAOLING's first tier).
    "CENTENARIAN": "GAOLING",
}


def programme_specs_for(city: str = "") -> list[dict[str, Any]]:
    """The default programmes with `city`'s variant applied ("" for the default set)."""
    city = (city or "").strip().lower()
    if city and city not in CITY_VARIANTS:
        raise InvalidInput(
            _("未知的城市方案：%(c)s（可选：%(all)s）")
            % {"c": city, "all": "、".join(sorted(CITY_VARIANTS))},
            field="city",
        )
    variant = CITY_VARIANTS.get(city, {})
    return [{**spec, **variant.get(spec["code"], {})} for spec in programme_specs()]


def _retire(*, actor: Any, code: str) -> None:
    """Stop an earlier default programme that a current one replaces (kept, inactive, with its history)."""
    old = Programme.objects.filter(code=code, active=True).select_related("fund").first()
    if old is None:
        return
    programme_save(
        actor=actor,
        code=old.code,
        name=old.name,
        fund=old.fund,
        region_code=old.region_code,
        target_rule=old.target_rule,
        period=old.period,
        payment_method=old.payment_method,
        tier_mode=old.tier_mode,
        cap=old.cap,
        valid_from=old.valid_from,
        valid_to=old.valid_to,
        active=False,
        basis=old.basis,
        tiers=[{"label": t.label, "condition": t.condition, "amount": t.amount} for t in old.tiers.all()],
    )


def install(
    *, actor: Any, region_code: str, valid_from: datetime.date = datetime.date(2025, 1, 1), city: str = ""
) -> list[Programme]:
    """Create (or reset to the defaults) the funds and programmes for `region_code` (a city), with
    `city`'s variant where its seed sets another rule ("jiaxing"); earlier default programmes that
    the current set replaces (RETIRED) are stopped."""
    specs = programme_specs_for(city)
    funds = {}
    for code, name, description in FUNDS:
        funds[code], _created = Fund.objects.get_or_create(
            code=code, defaults={"name": name, "region_code": region_code, "description": description}
        )
    out = []
    for spec in specs:
        spec = dict(spec)
        spec["fund"] = funds[spec["fund"]]
        out.append(programme_save(actor=actor, region_code=region_code, valid_from=valid_from, **spec))
    for code in RETIRED:
        _retire(actor=actor, code=code)
    return out
