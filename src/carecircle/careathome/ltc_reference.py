"""The national LTC disability-level assessment standard: what the platform cites, and the table a
city fills in from its official copy.

Document: 《长期护理失能等级评估标准(试行)》, issued by 国家医保局办公室 and 民政部办公厅 with
医保办发〔2021〕37号 (published by 国家医疗保障局 on 2021-08-03). The notice asks the pilot cities to
apply it (the 14 cities added by 医保发〔2020〕37号) or to converge on it within two years, and lets
them refine it locally.

Cited here, exactly as the standard's sections 评估指标 and 等级划分 state them (text quoted by
新华社, 2021-08-05, and by the standard's reproduction in local guidance, e.g. 淮安 2023):
- 一级指标共3个: 日常生活活动能力, 认知能力, 感知觉与沟通能力;
- 二级指标共17个: 日常生活活动能力 10 个, 认知能力 4 个, 感知觉与沟通能力 3 个;
- each first-level indicator's total is the sum of its second-level scores, and that total gives the
  indicator's grade (对应等级);
- the three first-level grades combine by 组合法 into the LTC level: 0级 基本正常, 1级 轻度失能,
  2级 中度失能, 3级 重度失能Ⅰ级, 4级 重度失能Ⅱ级, 5级 重度失能Ⅲ级.

NOT cited, because no public copy reachable from here reproduces them verbatim (and public code that
claims to follow the standard invents them): the 17 indicators' names, answer options and scores,
the grade bands of each total, and the combination table. A city enters these from its official
copy (`parse_scale`, loaded by services.ltc_scale_load); until it has, scoring refuses with
`SCALE_MISSING`. `parse_scale` holds every filled table to the cited structure above.
"""

from collections import Counter
from itertools import product
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.careathome.types import LtcGradeBand, LtcItem, LtcOption, LtcScale
from carecircle.core.errors import InvalidInput

SOURCE = "《长期护理失能等级评估标准(试行)》(医保办发〔2021〕37号, 2021)"

# (code, name, number of second-level indicators) — the standard's 评估指标.
DIMENSIONS: tuple[tuple[str, str, int], ...] = (
    ("adl", "日常生活活动能力", 10),
    ("cognition", "认知能力", 4),
    ("perception", "感知觉与沟通能力", 3),
)
DIMENSION_NAMES = {code: name for code, name, _n in DIMENSIONS}
ITEM_COUNTS = {code: n for code, _name, n in DIMENSIONS}

# The standard's 等级划分: LTC levels 0–5.
LEVEL_NAMES: tuple[str, ...] = (
    "基本正常",
    "轻度失能",
    "中度失能",
    "重度失能Ⅰ级",
    "重度失能Ⅱ级",
    "重度失能Ⅲ级",
)

SCALE_MISSING = gettext_lazy(
    "本市尚未根据《长期护理失能等级评估标准(试行)》正式文本填写评分表(17项二级指标的选项与分值、"
    "三项一级指标的等级分段和组合表)，暂不能评分；请市级管理员先录入评分表"
)


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("%(where)s应为整数") % {"where": where}, field=where)
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(_("%(where)s不能为空") % {"where": where}, field=where)
    return value.strip()


def _items(rows: Any) -> tuple[LtcItem, ...]:
    if not isinstance(rows, list):
        raise InvalidInput(_("二级指标应为列表"), field="items")
    items: list[LtcItem] = []
    for n, row in enumerate(rows, start=1):
        where = _("第%(n)d项二级指标") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(where)s格式有误") % {"where": where}, field="items")
        dimension = row.get("dimension")
        if dimension not in ITEM_COUNTS:
            raise InvalidInput(
                _("%(where)s的一级指标应为日常生活活动能力、认知能力或感知觉与沟通能力之一")
                % {"where": where},
                field="items",
            )
        code = _text(row.get("code"), where + _("的编号"))
        name = _text(row.get("name"), where + _("的名称"))
        options_in = row.get("options")
        if not isinstance(options_in, list) or len(options_in) < 2:
            raise InvalidInput(_("「%(name)s」至少应有两个选项") % {"name": name}, field="items")
        options = []
        for opt in options_in:
            if not isinstance(opt, dict):
                raise InvalidInput(_("「%(name)s」的选项格式有误") % {"name": name}, field="items")
            score = _int(opt.get("score"), _("「%(name)s」的选项分值") % {"name": name})
            if score < 0:
                raise InvalidInput(_("「%(name)s」的选项分值不能为负数") % {"name": name}, field="items")
            options.append(
                LtcOption(score, _text(opt.get("text"), _("「%(name)s」的选项说明") % {"name": name}))
            )
        if len({o.score for o in options}) != len(options):
            raise InvalidInput(_("「%(name)s」有两个选项分值相同") % {"name": name}, field="items")
        items.append(LtcItem(dimension, code, name, tuple(options)))
    codes = Counter(i.code for i in items)
    if twice := [c for c, k in codes.items() if k > 1]:
        raise InvalidInput(_("二级指标编号重复：%(codes)s") % {"codes": "、".join(twice)}, field="items")
    for dim, name, expected in DIMENSIONS:
        found = sum(1 for i in items if i.dimension == dim)
        if found != expected:
            raise InvalidInput(
                _("%(dim)s应有%(expected)d项二级指标（标准规定），表中为%(found)d项")
                % {"dim": name, "expected": expected, "found": found},
                field="items",
            )
    return tuple(items)


def attainable_totals(items: tuple[LtcItem, ...]) -> set[int]:
    """Every total the items' options can add up to."""
    totals = {0}
    for item in items:
        totals = {t + s for t in totals for s in item.scores}
    return totals


def _bands(rows: Any, items: tuple[LtcItem, ...]) -> tuple[LtcGradeBand, ...]:
    if not isinstance(rows, list):
        raise InvalidInput(_("等级分段应为列表"), field="grades")
    bands: list[LtcGradeBand] = []
    for n, row in enumerate(rows, start=1):
        where = _("第%(n)d条等级分段") % {"n": n}
        if not isinstance(row, dict) or row.get("dimension") not in ITEM_COUNTS:
            raise InvalidInput(_("%(where)s的一级指标有误") % {"where": where}, field="grades")
        bands.append(
            LtcGradeBand(
                row["dimension"],
                _int(row.get("grade"), where + _("的等级")),
                _text(row.get("name"), where + _("的等级名称")),
                _int(row.get("low"), where + _("的最低分")),
                _int(row.get("high"), where + _("的最高分")),
            )
        )
    for dim, name, _n in DIMENSIONS:
        mine = sorted((b for b in bands if b.dimension == dim), key=lambda b: b.low)
        if not mine:
            raise InvalidInput(_("%(dim)s没有等级分段") % {"dim": name}, field="grades")
        if len({b.grade for b in mine}) != len(mine):
            raise InvalidInput(_("%(dim)s的等级重复") % {"dim": name}, field="grades")
        for b, nxt in zip(mine, mine[1:], strict=False):
            if b.low > b.high or b.high >= nxt.low:
                raise InvalidInput(
                    _("%(dim)s的等级分段%(a)s与%(b)s重叠或上下限颠倒")
                    % {"dim": name, "a": b.name, "b": nxt.name},
                    field="grades",
                )
        for total in sorted(attainable_totals(tuple(i for i in items if i.dimension == dim))):
            if not any(b.low <= total <= b.high for b in mine):
                raise InvalidInput(
                    _("%(dim)s得分为%(t)d分时不属于任何等级，请核对等级分段") % {"dim": name, "t": total},
                    field="grades",
                )
    return tuple(bands)


def _combination(rows: Any, bands: tuple[LtcGradeBand, ...]) -> tuple[tuple[int, int, int, int], ...]:
    if not isinstance(rows, list):
        raise InvalidInput(_("组合表应为列表"), field="combination")
    grades = {dim: sorted(b.grade for b in bands if b.dimension == dim) for dim in ITEM_COUNTS}
    table: dict[tuple[int, int, int], int] = {}
    for n, row in enumerate(rows, start=1):
        where = _("组合表第%(n)d行") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(where)s格式有误") % {"where": where}, field="combination")
        key = tuple(_int(row.get(dim), where) for dim in ("adl", "cognition", "perception"))
        for dim, g in zip(("adl", "cognition", "perception"), key, strict=True):
            if g not in grades[dim]:
                raise InvalidInput(
                    _("%(where)s的%(dim)s等级%(g)d不在等级分段中")
                    % {"where": where, "dim": DIMENSION_NAMES[dim], "g": g},
                    field="combination",
                )
        level = _int(row.get("level"), where + _("的失能等级"))
        if not 0 <= level < len(LEVEL_NAMES):
            raise InvalidInput(_("%(where)s的失能等级应为0至5级") % {"where": where}, field="combination")
        k3 = (key[0], key[1], key[2])
        if k3 in table:
            raise InvalidInput(_("%(where)s与前面的行重复") % {"where": where}, field="combination")
        table[k3] = level
    missing = [k for k in product(grades["adl"], grades["cognition"], grades["perception"]) if k not in table]
    if missing:
        a, c, p = missing[0]
        raise InvalidInput(
            _("组合表缺少%(n)d种组合，如日常生活活动能力%(a)d级、认知能力%(c)d级、感知觉与沟通能力%(p)d级")
            % {"n": len(missing), "a": a, "c": c, "p": p},
            field="combination",
        )
    return tuple(sorted((*k, v) for k, v in table.items()))


def parse_scale(*, city_code: str, source: str, items: Any, grades: Any, combination: Any) -> LtcScale:
    """A city's filled-in table, checked against the cited structure: 3 dimensions with 10, 4 and
    3 items, grade bands covering each dimension's every total once, and a combination row for
    every triple of grades giving a level 0–5. Any fault: `InvalidInput` naming where."""
    src = _text(source, _("正式文本出处"))
    parsed_items = _items(items)
    bands = _bands(grades, parsed_items)
    return LtcScale(city_code, src, parsed_items, bands, _combination(combination, bands))


def scale_as_data(scale: LtcScale) -> dict[str, Any]:
    """The table as stored (the inverse of `parse_scale`)."""
    return {
        "items": [
            {
                "dimension": i.dimension,
                "code": i.code,
                "name": i.name,
                "options": [{"score": o.score, "text": o.text} for o in i.options],
            }
            for i in scale.items
        ],
        "grades": [
            {"dimension": b.dimension, "grade": b.grade, "name": b.name, "low": b.low, "high": b.high}
            for b in scale.bands
        ],
        "combination": [
            {"adl": a, "cognition": c, "perception": p, "level": lv} for a, c, p, lv in scale.combination
        ],
    }
