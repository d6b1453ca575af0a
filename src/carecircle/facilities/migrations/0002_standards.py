"""Standards as data: grade thresholds, the subsidies grades bring, and the default published
waiting-list rule. Officials can change them (admin) without a code change."""

import datetime
from decimal import Decimal

from django.db import migrations

GB37276 = "GB/T 37276-2018《养老机构等级划分与评定》：总分1000分（环境120、设施设备130、运营管理150、服务600）"
# The 5A/4A/3A thresholds of the centre form are this platform's default (the seeds fix the grades
# and their subsidies, not the points); change them to the local evaluation rules.
CENTRE = "嘉兴市实施意见 二(7)：等级评定与财政补助挂钩；百分制阈值为本平台默认值，可按地方评定细则修改"

LEVELS = [
    ("star", "1", "一级", 1, "360", "0.40", 3, GB37276),
    ("star", "2", "二级", 2, "450", "0.50", 3, GB37276),
    ("star", "3", "三级", 3, "570", "0.60", 3, GB37276),
    ("star", "4", "四级", 4, "780", "0.80", 3, GB37276),
    ("star", "5", "五级", 5, "900", "0.90", 3, GB37276),
    ("centre", "3A", "3A", 3, "70", "0.60", 3, CENTRE),
    ("centre", "4A", "4A", 4, "80", "0.70", 3, CENTRE),
    ("centre", "5A", "5A", 5, "90", "0.80", 3, CENTRE),
]
JX7 = "嘉兴市实施意见 二(7)：每年不低于该金额的政府购买服务补助"
SUBSIDIES = [
    ("community_centre", "5A", "160000.00", JX7),
    ("community_centre", "4A", "120000.00", JX7),
    ("community_centre", "3A", "100000.00", JX7),
    ("street_centre", "*", "200000.00", JX7 + "（正常运营的镇(街道)居家养老服务中心）"),
]
DEFAULT_RULE = [
    {"key": "tekun", "order": "desc"},
    {"key": "disabled", "order": "desc", "min_level": 1},
    {"key": "capability_level", "order": "desc"},
    {"key": "age", "order": "desc"},
    {"key": "applied_at", "order": "asc"},
]
DEFAULT_TEXT = (
    "公办（公建民营）养老机构入住轮候规则：特困供养人员优先；其次为失能老年人（能力等级为轻度失能及以上）；"
    "同类人员中能力等级越高（失能程度越重）越靠前；再按年龄由高到低；最后按登记时间先后。"
    "依据：嘉兴市实施意见 二(9) 建立入住轮候制度；杭州市实施方案 三(一)1 特困、失能、高龄老年人优先。"
)


def forwards(apps, schema_editor):
    GradeLevel = apps.get_model("facilities", "GradeLevel")
    GradeSubsidy = apps.get_model("facilities", "GradeSubsidy")
    WaitingRule = apps.get_model("facilities", "WaitingRule")
    for scheme, code, label, rank, total, share, years, source in LEVELS:
        GradeLevel.objects.update_or_create(scheme=scheme, code=code, defaults=dict(
            label=label, rank=rank, min_total=Decimal(total), min_section_share=Decimal(share),
            valid_years=years, source=source))
    for kind, grade, amount, source in SUBSIDIES:
        GradeSubsidy.objects.update_or_create(kind=kind, grade_code=grade,
                                              defaults=dict(amount=Decimal(amount), source=source))
    if not WaitingRule.objects.filter(facility__isnull=True).exists():
        WaitingRule.objects.create(name="公办养老机构入住轮候规则", criteria=DEFAULT_RULE,
                                   published_text=DEFAULT_TEXT, valid_from=datetime.date(2021, 1, 1))


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
