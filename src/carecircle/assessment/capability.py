"""The capability assessment form of GB/T 42195-2022 (老年人能力评估规范), Annex B, and its scoring.

Four first-level indicators (B.1–B.4) with 26 second-level items, each keyed by the standard's own
item number. Every item lists its options as (score, text) from the highest score down; the maximum
of each item is its first option. Scoring is pure: no database, no request (the stateless API and
the recorded assessments both come through `score`).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from carecircle.assessment.types import CapabilityLevel
from carecircle.core.errors import InvalidInput


@dataclass(frozen=True)
class Item:
    code: str  # "B.1.1"
    name: str
    definition: str
    options: tuple[tuple[int, str], ...]  # (score, text), highest first

    @property
    def max_score(self) -> int:
        return max(s for s, _ in self.options)

    @property
    def scores(self) -> set[int]:
        return {s for s, _ in self.options}

    def option_text(self, score: int) -> str:
        return dict(self.options)[score]


@dataclass(frozen=True)
class Dimension:
    code: str  # "B.1"
    name: str
    max_score: int
    items: tuple[Item, ...]


# Most care activities share the standard's five-step help scale.
_HELP = (
    (4, "独立完成，不需要协助"),
    (3, "在他人指导或提示下完成"),
    (2, "需要他人协助，但以自身完成为主"),
    (1, "主要依靠他人协助，自身能给予配合"),
    (0, "完全依赖他人协助，且不能给予配合"),
)

SELF_CARE = Dimension(
    "B.1",
    "自理能力",
    32,
    (
        Item(
            "B.1.1",
            "进食",
            "使用适当的器具将食物送入口中并咽下",
            (
                (4, "独立使用器具将食物送进口中并咽下，没有呛咳"),
                (3, "在他人指导或提示下完成，或独立使用辅具，没有呛咳"),
                (2, "进食中需要少量接触式协助，偶尔（每月一次及以上）呛咳"),
                (1, "在进食中需要大量接触式协助，经常（每周一次及以上）呛咳"),
                (0, "完全依赖他人协助进食，或吞咽困难，或留置营养管"),
            ),
        ),
        Item("B.1.2", "修饰", "洗脸、刷牙、梳头、刮脸、剪指（趾）甲等", _HELP),
        Item("B.1.3", "洗澡", "清洗和擦干身体", _HELP),
        Item("B.1.4", "穿/脱上衣", "穿/脱上身衣服、系扣、拉拉链等", _HELP),
        Item("B.1.5", "穿/脱裤子和鞋袜", "穿/脱裤子、鞋袜等", _HELP),
        Item(
            "B.1.6",
            "小便控制",
            "控制和排出尿液的能力",
            (
                (4, "可自行控制排尿，排尿次数、排尿控制均正常"),
                (
                    3,
                    "白天可自行控制排尿次数，夜间出现排尿次数增多、排尿控制较差，或自行使用尿布、尿垫等辅助用物",
                ),
                (
                    2,
                    "白天大部分时间可自行控制排尿，偶出现（每天<1次，但每周>1次）尿失禁，夜间控制排尿较差，"
                    "或他人少量协助使用尿布、尿垫等辅助用物",
                ),
                (
                    1,
                    "白天大部分时间不能控制排尿（每天≥1次，但尚非完全失控），夜间出现尿失禁，"
                    "或他人大量协助使用尿布、尿垫等辅助用物",
                ),
                (0, "小便失禁，完全不能控制排尿，或留置导尿管"),
            ),
        ),
        Item(
            "B.1.7",
            "大便控制",
            "控制和排出粪便的能力",
            (
                (4, "可正常自行控制大便排出"),
                (3, "有时出现（每周<1次）便秘或大便失禁，或自行使用开塞露、尿垫等辅助用物"),
                (
                    2,
                    "经常出现（每天<1次，但每周>1次）便秘或大便失禁，或他人少量协助使用开塞露、尿垫等辅助用物",
                ),
                (
                    1,
                    "大部分时间均出现（每天≥1次）便秘或大便失禁，但尚非完全失控，或他人大量协助使用开塞露、尿垫等辅助用物",
                ),
                (0, "严重便秘或者完全大便失禁，需要依赖他人协助排便或清洁皮肤"),
            ),
        ),
        Item(
            "B.1.8",
            "如厕",
            "上厕所排泄大小便，并清洁身体（含排泄前解开裤子、排泄后清洁身体、穿上裤子）",
            _HELP,
        ),
    ),
)

MOBILITY = Dimension(
    "B.2",
    "基础运动能力",
    15,
    (
        Item("B.2.1", "床上体位转移", "卧床翻身及坐起躺下", _HELP),
        Item("B.2.2", "床椅转移", "从坐位到站位，再从站位到坐位的转换过程", _HELP),
        Item(
            "B.2.3",
            "平地行走",
            "双脚交互的方式在地面行动，总是一只脚在前（包括他人辅助和使用辅具的步行）",
            (
                (4, "独立平地行走50 m左右，不需要协助，无摔倒风险"),
                (3, "能平地行走50 m左右，存在摔倒风险，需要他人监护或指导，或使用拐杖、助行器等辅助工具"),
                (2, "在步行时需要他人少量扶持协助"),
                (1, "在步行时需要他人大量扶持协助"),
                (0, "完全不能步行"),
            ),
        ),
        Item(
            "B.2.4",
            "上下楼梯",
            "双脚交替完成楼梯台阶连续的上下移动",
            (
                (3, "可独立上下楼梯（连续上下10个～15个台阶），不需要协助"),
                (2, "在他人指导或提示下完成"),
                (1, "需要他人协助，但以自身完成为主"),
                (0, "主要依靠他人协助，自身能给予配合；或者完全依赖他人协助，且不能给予配合"),
            ),
        ),
    ),
)

MENTAL = Dimension(
    "B.3",
    "精神状态",
    28,
    (
        Item(
            "B.3.1",
            "时间定向",
            "知道并确认时间的能力",
            (
                (4, "时间观念（年、月）清楚，日期（或星期几）可相差一天"),
                (3, "时间观念有些下降，年、月、日（或星期几）不能全部分清（相差两天或以上）"),
                (2, "时间观念较差，年、月、日不清楚，可知上半年或下半年或季节"),
                (1, "时间观念很差，年、月、日不清楚，可知上午、下午或白天、夜间"),
                (0, "无时间观念"),
            ),
        ),
        Item(
            "B.3.2",
            "空间定向",
            "知道并确认空间的能力",
            (
                (4, "能在日常生活范围内单独外出，如在日常居住小区内独自外出购物等"),
                (3, "不能单独外出，但能准确知道自己日常生活所在地的地址信息"),
                (2, "不能单独外出，但知道较多有关自己日常生活的地址信息"),
                (1, "不能单独外出，但知道较少自己居住或生活所在地的地址信息"),
                (0, "不能单独外出，无空间观念"),
            ),
        ),
        Item(
            "B.3.3",
            "人物定向",
            "知道并确认人物的能力",
            (
                (4, "认识长期共同一起生活的人，能称呼并知道关系"),
                (3, "能认识大部分共同生活居住的人，能称呼或知道关系"),
                (2, "能认识部分日常同住的亲人或照护者等，能称呼或知道关系等"),
                (1, "只认识自己或极少数日常同住的亲人或照护者等"),
                (0, "不认识任何人（包括自己）"),
            ),
        ),
        Item(
            "B.3.4",
            "记忆",
            "短时、近期和远期记忆能力",
            (
                (4, "总是能保持与社会、年龄所适应的记忆能力，能完整的回忆"),
                (3, "出现轻度的记忆紊乱或回忆不能（不能回忆即时信息，3个词语经过5分钟后仅能回忆0～1个）"),
                (2, "出现中度的记忆紊乱或回忆不能（不能回忆近期记忆，不记得上一顿饭吃了什么）"),
                (1, "出现重度的记忆紊乱或回忆不能（不能回忆远期记忆，不记得自己的老朋友）"),
                (0, "记忆完全紊乱或者完全不能对既往事物进行正确的回忆"),
            ),
        ),
        Item(
            "B.3.5",
            "理解能力",
            "理解语言信息和非语言信息的能力（可借助平时使用的助听设备等），即理解别人的话",
            (
                (4, "能正常理解他人的话"),
                (3, "能理解他人的话，但需要增加时间"),
                (2, "理解有困难，需频繁重复或简化口头表达"),
                (1, "理解有严重困难，需要大量他人帮助"),
                (0, "完全不能理解他人的话"),
            ),
        ),
        Item(
            "B.3.6",
            "表达能力",
            "表达信息能力，包括口头的和非口头的，即表达自己的想法",
            (
                (4, "能正常表达自己的想法"),
                (3, "能表达自己的需要，但需要增加时间"),
                (2, "表达需要有困难，需频繁重复或简化口头表达"),
                (1, "表达有严重困难，需要大量他人帮助"),
                (0, "完全不能表达需要"),
            ),
        ),
        Item(
            "B.3.7",
            "攻击行为",
            "身体攻击行为（如打/踢/推/咬/抓/摔东西）和语言攻击行为（如骂人、语言威胁、尖叫）",
            (
                (1, "未出现"),
                (0, "近一个月内出现过攻击行为"),
            ),
        ),
        Item(
            "B.3.8",
            "抑郁症状",
            "存在情绪低落、兴趣减退、活力减退等症状，甚至出现妄想、幻觉、自杀念头或自杀行为",
            (
                (1, "未出现"),
                (0, "近一个月内出现过负性情绪"),
            ),
        ),
        Item(
            "B.3.9",
            "意识水平",
            "机体对自身和周围环境的刺激做出应答反应的能力程度，包括清醒和持续的觉醒状态",
            (
                (2, "神志清醒，对周围环境能做出正确反应"),
                (
                    1,
                    "嗜睡，或意识模糊：呼唤或推动肢体可唤醒并能正确交谈或执行指令，停止刺激后又继续入睡；"
                    "或注意力涣散，定向力障碍，理解力迟钝，记忆力模糊和不连贯",
                ),
                (
                    0,
                    "昏睡，一般外界刺激不能使其觉醒，强烈刺激下可短时清醒并简短回答，刺激减弱后很快入睡；"
                    "或者昏迷：意识丧失，随意运动丧失，对一般刺激全无反应",
                ),
            ),
        ),
    ),
)

PERCEPTION = Dimension(
    "B.4",
    "感知觉与社会参与",
    15,
    (
        Item(
            "B.4.1",
            "视力",
            "感受存在的光线并感受物体的大小、形状的能力，在个体的最好矫正视力下进行评估",
            (
                (2, "视力正常"),
                (1, "能看清楚大字体，但看不清书报上的标准字体；视力有限，看不清报纸大标题，但能辨认物体"),
                (0, "只能看到光、颜色和形状；完全失明"),
            ),
        ),
        Item(
            "B.4.2",
            "听力",
            "能辨别声音的方位、音调、音量和音质的有关能力（可借助平时使用的助听设备等）",
            (
                (2, "听力正常"),
                (
                    1,
                    "在轻声说话或说话距离超过2 m时听不清；正常交流有些困难，需在安静的环境或大声说话才能听到",
                ),
                (0, "讲话者大声说话或说话很慢，才能部分听见；完全失聪"),
            ),
        ),
        Item(
            "B.4.3",
            "执行日常事务",
            "计划、安排并完成日常事务，包括但不限于洗衣服、小金额购物、服药管理",
            (
                (4, "能完全独立计划、安排和完成日常事务，无需协助"),
                (3, "在计划、安排和完成日常事务时需要他人监护或指导"),
                (2, "在计划、安排和完成日常事务时需要少量协助"),
                (1, "在计划、安排和完成日常事务时需要大量协助"),
                (0, "完全依赖他人进行日常事务"),
            ),
        ),
        Item(
            "B.4.4",
            "使用交通工具外出",
            "使用交通工具外出的能力",
            (
                (3, "能自己骑车或搭乘公共交通工具外出"),
                (2, "能自己搭乘出租车，但不会搭乘其他公共交通工具外出"),
                (1, "当有人协助或陪伴，可搭乘公共交通工具外出"),
                (0, "只能在他人协助下搭乘出租车或私家车外出；完全不能出门，或者外出完全需要协助"),
            ),
        ),
        Item(
            "B.4.5",
            "社会交往能力",
            "参与社会、与人交往的能力",
            (
                (4, "参与社会，在社会环境有一定的适应能力，待人接物恰当"),
                (3, "能适应单纯环境，主动接触他人，初见面时难让人发现智力问题，不能理解隐喻语"),
                (2, "脱离社会，可被动接触，不会主动待人，谈话中很多不适词句，容易上当受骗"),
                (1, "勉强可与他人接触，谈吐内容不清楚，表情不恰当"),
                (0, "不能与人交往"),
            ),
        ),
    ),
)

DIMENSIONS: tuple[Dimension, ...] = (SELF_CARE, MOBILITY, MENTAL, PERCEPTION)
ITEMS: dict[str, Item] = {item.code: item for d in DIMENSIONS for item in d.items}
TOTAL_MAX = sum(d.max_score for d in DIMENSIONS)  # 90

# Capability levels, 0 能力完好 … 4 完全失能, with the lowest total of each band (GB/T 42195-2022, 6.1).
LEVEL_NAMES = tuple(CapabilityLevel.labels)  # by level, 0 to 4 (the contract's enum holds them)
LEVEL_FLOORS = ((90, 0), (66, 1), (46, 2), (30, 3), (0, 4))
WORST = 4


def level_name(level: int | None) -> str:
    return "" if level is None else str(LEVEL_NAMES[level])


def preliminary_level(total: int) -> int:
    for floor, level in LEVEL_FLOORS:
        if total >= floor:
            return level
    raise ValueError(total)


@dataclass(frozen=True)
class Result:
    answers: dict[str, int]
    dimension_scores: dict[str, int]
    total: int
    preliminary_level: int
    final_level: int
    adjustments: tuple[str, ...]  # why final differs from preliminary, in words

    def as_dict(self) -> dict:
        return {
            "dimension_scores": self.dimension_scores,
            "total": self.total,
            "preliminary_level": self.preliminary_level,
            "preliminary_level_name": level_name(self.preliminary_level),
            "final_level": self.final_level,
            "final_level_name": level_name(self.final_level),
            "adjustments": list(self.adjustments),
        }


def validate_answers(answers) -> dict[str, int]:
    """The 26 answers as {item code: score}; InvalidInput naming the first wrong item otherwise."""
    if not isinstance(answers, dict):
        raise InvalidInput(_("answers 应为以条目编号为键的对象"), field="answers")
    for code in answers:
        if code not in ITEMS:
            raise InvalidInput(_("未知的评估条目：%(c)s") % {"c": code}, field=f"answers.{code}")
    clean = {}
    for code, item in ITEMS.items():
        if code not in answers or answers[code] is None or answers[code] == "":
            raise InvalidInput(
                _("缺少评估条目 %(c)s %(n)s 的得分") % {"c": code, "n": item.name}, field=f"answers.{code}"
            )
        value = answers[code]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidInput(
                _("条目 %(c)s %(n)s 的得分应为整数") % {"c": code, "n": item.name}, field=f"answers.{code}"
            )
        try:
            score = int(value)
        except ValueError:
            raise InvalidInput(
                _("条目 %(c)s %(n)s 的得分应为整数") % {"c": code, "n": item.name}, field=f"answers.{code}"
            ) from None
        if score not in item.scores:
            raise InvalidInput(
                _("条目 %(c)s %(n)s 的得分 %(v)s 超出范围（0–%(m)d 分）")
                % {"c": code, "n": item.name, "v": value, "m": item.max_score},
                field=f"answers.{code}",
            )
        clean[code] = score
    return clean


def score(
    answers, *, coma: bool = False, dementia_or_mental_disorder: bool = False, risk_events_30d: int = 0
) -> Result:
    """Score a complete form and apply the standard's adjustments (6.2):
    a) in a coma → 完全失能 directly;
    b) diagnosed dementia (F00–F03) or another mental and behavioural disorder (F04–F99) → one level up;
    c) two or more care-risk events (falls, choking, suicide or self-harm, wandering…) in the last
       30 days → one level up.
    b) and c) each raise the level by one (so both together raise it by two); never past 完全失能."""
    clean = validate_answers(answers)
    if isinstance(risk_events_30d, bool) or not isinstance(risk_events_30d, int) or risk_events_30d < 0:
        raise InvalidInput(_("近30天照护风险事件次数应为不小于0的整数"), field="risk_events_30d")
    dims = {d.code: sum(clean[i.code] for i in d.items) for d in DIMENSIONS}
    total = sum(dims.values())
    pre = preliminary_level(total)
    final, why = pre, []
    if coma:
        final = WORST
        why.append(_("处于昏迷状态，直接评定为完全失能"))
    else:
        if dementia_or_mental_disorder:
            final = min(WORST, final + 1)
            why.append(_("确诊痴呆或其他精神和行为障碍，提高一个等级"))
        if risk_events_30d >= 2:
            final = min(WORST, final + 1)
            why.append(_("近30天内发生%(n)d次照护风险事件，提高一个等级") % {"n": risk_events_30d})
    return Result(clean, dims, total, pre, final, tuple(why))


def form_definition() -> list[dict]:
    """The whole form, for clients that render it themselves."""
    return [
        {
            "code": d.code,
            "name": d.name,
            "max_score": d.max_score,
            "items": [
                {
                    "code": i.code,
                    "name": i.name,
                    "definition": i.definition,
                    "max_score": i.max_score,
                    "options": [{"score": s, "text": t} for s, t in i.options],
                }
                for i in d.items
            ],
        }
        for d in DIMENSIONS
    ]
