"""Reference data of home adaptation and assistive-device rental, kept as data with its source.

The national list: 民政部等9部门《关于加快实施老年人居家适老化改造工程的指导意见》(民发〔2020〕86号),
附件《老年人居家适老化改造项目和老年用品配置推荐清单》: 30 items in 7 parts (地面、门、卧室、如厕洗浴设备、
厨房设备、物理环境、老年用品配置), 7 basic items (基础类, subsidised for 特殊困难老年人家庭) and 23 optional
ones (可选类, self-paid). What is cited here was found in public copies:
- the 7 parts and the 7 + 23 split: report of the list, zjfsl.cn/m/news/1208.html;
- the 7 basic items (地面防滑处理、轮椅坡道、床边护栏、手杖、淋浴椅、如厕洗浴扶手、防走失装置): 北京日报
  2020-07-21 (kanbao.dayuntongzhou.com/Html/2020-07-21/540.html);
- items 2–8 with their numbers and kinds (高差处理 基础; 平整硬化、安装扶手 可选; 门改造: 门槛移除、平开门改为
  推拉门、房门拓宽、下压式门把手改造 可选): a county's implementation plan reproducing the list
  (jylmj.com/bid/detail/CCB8589F0BCD69661BEE4DFC98BD10C6.html);
- 15 more optional items by part, without their numbers (door bell; nursing bed, anti-pressure-sore
  pad; toilet, bath or shower; counter, middle cabinet; sensor lights, sockets and switches, corner
  guards and signs, furniture; wheelchair or walker, magnifier, hearing aid, eating aids): 赣州市民政局's
  summary of the list by part, reproduced at jxyuer.com/baike/techan/2022888.html.
The last 2 optional items (the summary ends two parts with 等) were not found in a public copy: they
are a fill-in table (`MISSING_OPTIONAL`), and the catalogue page says how many are missing; a city adds
them from its official copy with `item_add`, never from a guess.

Prices, the subsidy tiers and the rental subsidy shares are NOT in the seeds: they are demo values,
marked `demo` on every row, for a city to replace with its own (the seeds ask for a 梯度 subsidy:
Jiaxing 二(一)4; 困难半失能: Hechuan 二(七); 经济困难家庭 5,000 户: Qujing 二(二); rental subsidy for
困难失能、残疾老年人: Qujing 三(三)4; rental as a community and LTC service: Jiaxing 二(七)20, 二(八)24).
"""

import datetime
from decimal import Decimal
from typing import Final

from django.db import transaction

from carecircle.benefits import services as benefits
from carecircle.careathome.models.homes import (
    AdaptationItem,
    AdaptationPrice,
    DeviceType,
    ItemGroup,
    ItemKind,
)
from carecircle.core.types import Actor

NATIONAL_COUNT: Final = 30
SOURCE_LIST: Final = "民发〔2020〕86号 附件 推荐清单"
SRC_BASIC: Final = SOURCE_LIST + "（基础类7项：北京日报 2020-07-21 报道）"
SRC_NUMBERED: Final = SOURCE_LIST + "（序号与类型：jylmj.com 所载实施方案转录）"
SRC_BY_PART: Final = SOURCE_LIST + "（分类项目：赣州市民政局解读，jxyuer.com 转载；序号未见）"

B, OPT = ItemKind.BASIC, ItemKind.OPTIONAL
# fmt: off
# (code, number or None when not found, group, name, kind, source)
ITEMS: Final = [
    ("floor_antislip", 1,    ItemGroup.FLOOR,    "防滑处理",             B, SRC_BASIC),
    ("floor_level",    2,    ItemGroup.FLOOR,    "高差处理（轮椅坡道）", B, SRC_NUMBERED),
    ("floor_harden",   3,    ItemGroup.FLOOR,    "平整硬化", OPT, SRC_NUMBERED),
    ("floor_handrail", 4,    ItemGroup.FLOOR,    "安装扶手", OPT, SRC_NUMBERED),
    ("door_sill",      5,    ItemGroup.DOOR,     "门槛移除", OPT, SRC_NUMBERED),
    ("door_sliding",   6,    ItemGroup.DOOR,     "平开门改为推拉门", OPT, SRC_NUMBERED),
    ("door_widen",     7,    ItemGroup.DOOR,     "房门拓宽", OPT, SRC_NUMBERED),
    ("door_lever",     8,    ItemGroup.DOOR,     "下压式门把手改造", OPT, SRC_NUMBERED),
    ("bed_rail",       None, ItemGroup.BEDROOM,  "床边护栏（抓杆）",     B, SRC_BASIC),
    ("bath_handrail",  None, ItemGroup.BATHROOM, "如厕洗浴扶手",         B, SRC_BASIC),
    ("bath_chair",     None, ItemGroup.BATHROOM, "淋浴椅",               B, SRC_BASIC),
    ("supply_cane",    None, ItemGroup.SUPPLIES, "手杖",                 B, SRC_BASIC),
    ("supply_tracker", None, ItemGroup.SUPPLIES, "防走失装置",           B, SRC_BASIC),
    ("door_bell",         None, ItemGroup.DOOR,        "闪光震动门铃", OPT, SRC_BY_PART),
    ("bed_nursing",       None, ItemGroup.BEDROOM,     "配置护理床", OPT, SRC_BY_PART),
    ("bed_antisore",      None, ItemGroup.BEDROOM,     "配置防压疮垫", OPT, SRC_BY_PART),
    ("bath_toilet",       None, ItemGroup.BATHROOM,    "蹲便器改坐便器", OPT, SRC_BY_PART),
    ("bath_tub",          None, ItemGroup.BATHROOM,    "浴缸、淋浴房改造", OPT, SRC_BY_PART),
    ("kitchen_counter",   None, ItemGroup.KITCHEN,     "台面改造", OPT, SRC_BY_PART),
    ("kitchen_cabinet",   None, ItemGroup.KITCHEN,     "加设中部柜、中部架", OPT, SRC_BY_PART),
    ("env_light",         None, ItemGroup.ENVIRONMENT, "安装自动感应灯具", OPT, SRC_BY_PART),
    ("env_socket",        None, ItemGroup.ENVIRONMENT, "电源插座及开关改造", OPT, SRC_BY_PART),
    ("env_guard",         None, ItemGroup.ENVIRONMENT, "安装防撞护角/防撞条、提示标识", OPT, SRC_BY_PART),
    ("env_furniture",     None, ItemGroup.ENVIRONMENT, "适老家具配置", OPT, SRC_BY_PART),
    ("supply_wheelchair", None, ItemGroup.SUPPLIES,    "轮椅（助行器、助行推车）", OPT, SRC_BY_PART),
    ("supply_magnifier",  None, ItemGroup.SUPPLIES,    "放大装置（老花镜）", OPT, SRC_BY_PART),
    ("supply_hearing",    None, ItemGroup.SUPPLIES,    "助听器", OPT, SRC_BY_PART),
    ("supply_eating",     None, ItemGroup.SUPPLIES,    "自助进食器具", OPT, SRC_BY_PART),
]
# fmt: on
MISSING_OPTIONAL: Final = NATIONAL_COUNT - len(ITEMS)

ALL: Final = ""  # a price for every region unless a region has its own (longest prefix applies)
# fmt: off
# (item code, region code, price, unit): DEMO prices, not from any seed; a city enters its own.
PRICES: Final = [
    ("floor_antislip", ALL, Decimal("120.00"), "平方米"),
    ("floor_level",    ALL, Decimal("800.00"), "处"),
    ("floor_harden",   ALL, Decimal("90.00"),  "平方米"),
    ("floor_handrail", ALL, Decimal("260.00"), "米"),
    ("door_sill",      ALL, Decimal("300.00"), "处"),
    ("door_sliding",   ALL, Decimal("1500.00"), "樘"),
    ("door_widen",     ALL, Decimal("1200.00"), "樘"),
    ("door_lever",     ALL, Decimal("150.00"), "个"),
    ("bed_rail",       ALL, Decimal("350.00"), "套"),
    ("bath_handrail",  ALL, Decimal("280.00"), "套"),
    ("bath_chair",     ALL, Decimal("220.00"), "把"),
    ("supply_cane",    ALL, Decimal("80.00"),  "根"),
    ("supply_tracker", ALL, Decimal("260.00"), "个"),
    ("door_bell",         ALL, Decimal("180.00"),  "个"),
    ("bed_nursing",       ALL, Decimal("2800.00"), "张"),
    ("bed_antisore",      ALL, Decimal("320.00"),  "张"),
    ("bath_toilet",       ALL, Decimal("900.00"),  "处"),
    ("bath_tub",          ALL, Decimal("2500.00"), "处"),
    ("kitchen_counter",   ALL, Decimal("1200.00"), "处"),
    ("kitchen_cabinet",   ALL, Decimal("800.00"),  "组"),
    ("env_light",         ALL, Decimal("60.00"),   "个"),
    ("env_socket",        ALL, Decimal("80.00"),   "处"),
    ("env_guard",         ALL, Decimal("20.00"),   "米"),
    ("env_furniture",     ALL, Decimal("1500.00"), "件"),
    ("supply_wheelchair", ALL, Decimal("600.00"),  "台"),
    ("supply_magnifier",  ALL, Decimal("100.00"),  "个"),
    ("supply_hearing",    ALL, Decimal("1800.00"), "副"),
    ("supply_eating",     ALL, Decimal("90.00"),   "套"),
]
# fmt: on

# The adaptation subsidy as a benefits programme (one-off, paid in kind to the contractor): its CEL
# rule finds eligible households with the rule compiled to SQL (benefits.selectors.entitled_amounts).
# DEMO amounts; the tiers follow the seeds' order of need (Jiaxing 二(一)4 梯度补贴).
PROGRAMME_CODE: Final = "home_adaptation"
PROGRAMME_NAME: Final = "居家适老化改造补贴"
FUND_CODE: Final = "home_adaptation_fund"
HARDSHIP: Final = '("tekun" in statuses || "dibao" in statuses || "dibao_edge" in statuses)'
FRAIL: Final = '(capability_level >= 1 || "severe_disability" in statuses || age >= 80)'
TARGET_RULE: Final = f"age >= 60 && {HARDSHIP} && {FRAIL}"
TIERS: Final = [
    {"label": "特困（示例额度）", "condition": '"tekun" in statuses', "amount": Decimal("6000.00")},
    {"label": "低保（示例额度）", "condition": '"dibao" in statuses', "amount": Decimal("5000.00")},
    {"label": "低保边缘（示例额度）", "condition": "", "amount": Decimal("3000.00")},
]
PROGRAMME_BASIS: Final = (
    "Jiaxing 二(一)4 梯度补贴；Hechuan 二(七) 困难半失能；Qujing 二(二) 经济困难家庭（额度为示例）"
)

# Qujing 二(二): 实施经济困难家庭老年人居家适老化改造5000户以上 (by 2025).
QUJING_TARGET: Final = 5000

# Rental subsidy shares of the monthly rent (DEMO values) and the annual cap per person.
# Order matters: the first that holds applies. Qujing 三(三)4 (低保家庭中的失能、残疾老年人 配置基本康复辅具
# 给予补贴), Jiaxing 二(七)20 / 二(八)24 (租赁 as a community and LTC service), Hechuan 二(七).
# fmt: off
RENTAL_SHARES: Final = [
    ("dibao",    Decimal("0.80"), "低保家庭中的高龄或失能老年人（示例比例，Qujing 三(三)4）"),
    ("senior80", Decimal("0.50"), "80周岁及以上（示例比例，Jiaxing 二(七)20）"),
    ("disabled", Decimal("0.50"), "经评估失能（示例比例，Jiaxing 二(八)24）"),
]
# fmt: on
RENTAL_ANNUAL_CAP: Final = Decimal("1200.00")  # DEMO: yuan per person per calendar year

# The rental subsidy's fund and programme (a voucher programme: the payroll pays nothing for it; the
# monthly task posts each bill's subsidy to the fund through ledger_spend, once — money_services.py).
# The share and the cap above decide the amount; the programme's rule and tier only name who is
# covered (80+ or assessed disability, as RENTAL_SHARES) and the DEMO monthly ceiling (cap / 12).
RENTAL_PROGRAMME_CODE: Final = "device_rental"
RENTAL_PROGRAMME_NAME: Final = "康复辅具租赁补贴"
RENTAL_FUND_CODE: Final = "device_rental_fund"
RENTAL_RULE: Final = '(age >= 80 || capability_level >= 1 || "severe_disability" in statuses)'
RENTAL_BASIS: Final = "Jiaxing 二(七)20、二(八)24；Qujing 三(三)4；Hechuan 二(七)（比例与上限为示例）"

# fmt: off
DEVICE_TYPES: Final = [  # DEMO monthly rents
    ("wheelchair",   "手动轮椅",     Decimal("60.00")),
    ("walker",       "助行器",       Decimal("30.00")),
    ("nursing_bed",  "多功能护理床", Decimal("180.00")),
    ("antisore_mat", "防压疮床垫",   Decimal("50.00")),
    ("commode",      "坐便椅",       Decimal("20.00")),
]
# fmt: on


def missing_message() -> str:
    """What the catalogue says while the national list is incomplete ("" once it is complete)."""
    have = AdaptationItem.objects.count()
    if have >= NATIONAL_COUNT:
        return ""
    return (
        f"国家推荐清单共{NATIONAL_COUNT}项，已录入{have}项，缺{NATIONAL_COUNT - have}项可选类项目（未能取得公开原文），"
        f"请按民发〔2020〕86号附件原文补录（不作推测）。"
    )


@transaction.atomic
def ensure_programme(*, actor: Actor = None, region_code: str) -> None:
    """Set up the adaptation subsidy's fund and programme for the city `region_code` once (benefits
    services; the actor None is the system: the reference load and the demo)."""
    from carecircle.benefits import selectors as benefit_reads  # noqa: PLC0415 — the other module may be absent

    if benefit_reads.programme_period(PROGRAMME_CODE) is not None:
        return
    fund = benefits.fund_create(
        actor=actor, code=FUND_CODE, name="居家适老化改造补贴资金", region_code=region_code
    )
    benefits.programme_save(
        actor=actor,
        code=PROGRAMME_CODE,
        name=PROGRAMME_NAME,
        fund=fund,
        region_code=region_code,
        target_rule=TARGET_RULE,
        tiers=list(TIERS),
        period="once",
        payment_method="voucher",  # paid to the contractor on acceptance, never by the payroll
        valid_from=datetime.date(2020, 7, 1),
        basis=PROGRAMME_BASIS,
    )


@transaction.atomic
def ensure_rental_programme(*, actor: Actor = None, region_code: str) -> None:
    """Set up the rental subsidy's fund and programme for the city `region_code` once."""
    from carecircle.benefits import selectors as benefit_reads  # noqa: PLC0415 — the other module may be absent

    if benefit_reads.programme_period(RENTAL_PROGRAMME_CODE) is None:
        benefits.programme_save(
            actor=actor,
            code=RENTAL_PROGRAMME_CODE,
            name=RENTAL_PROGRAMME_NAME,
            fund=benefits.fund_create(
                actor=actor, code=RENTAL_FUND_CODE, name="康复辅具租赁补贴资金", region_code=region_code
            ),
            region_code=region_code,
            target_rule=f"age >= 60 && {RENTAL_RULE}",
            tiers=[
                {"label": "租金按比例补贴（示例上限）", "condition": "", "amount": RENTAL_ANNUAL_CAP / 12}
            ],
            period="monthly",
            payment_method="voucher",
            valid_from=datetime.date(2021, 1, 1),
            basis=RENTAL_BASIS,
        )


@transaction.atomic
def ensure() -> None:
    """Load the catalogue, the demo prices and the device types idempotently."""
    for code, number, group, name, kind, source in ITEMS:
        AdaptationItem.objects.update_or_create(
            code=code,
            defaults={"number": number, "group": group, "name": name, "kind": kind, "source": source},
        )
    items = {i.code: i for i in AdaptationItem.objects.all()}
    for code, region, price, unit in PRICES:
        AdaptationPrice.objects.get_or_create(
            item=items[code], region_code=region, defaults={"price": price, "unit": unit, "demo": True}
        )
    for code, name, rent in DEVICE_TYPES:
        DeviceType.objects.get_or_create(
            code=code, defaults={"name": name, "monthly_rent": rent, "demo": True}
        )
