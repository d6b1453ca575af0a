"""The default indicator set: the seeds' tables, as data.

Each indicator names its formula (planning/computations.py), and each target names the seed
passage it comes from. Targets are stored against the real division code of the city that set
them (Hangzhou 330100, Jiaxing 330400, Qujing 530300); a region adopts a city's targets with
`planning.services.targets_adopt` (the demo's 示范市 adopts Hangzhou's).
"""

import datetime
from dataclasses import dataclass

from carecircle.core import regions

HANGZHOU, JIAXING, QUJING = "330100000000", "330400000000", "530300000000"
YIZHOU, HECHUAN = "650502000000", "500117000000"  # 哈密市伊州区, 重庆市合川区
HZ_ELDER = "杭州市“一老一小”整体解决方案(2022) 二(二)“养老服务主要指标”表"
HZ_CHILD = "杭州市“一老一小”整体解决方案(2022) 二(二)“托育服务主要指标”表"
QJ = "曲靖市“一老一小”整体解决方案(2022) 二(二)具体指标"
JX = "嘉兴市关于推进养老服务高质量发展的实施意见(2021) 一、总体要求和主要目标"

# The tables below are laid out by hand, a row per indicator or target: the formatter leaves them.
# fmt: off
# code, name, unit, domain, numerator, denominator, scale, direction, lowest level, source, note
INDICATORS = [
    ("E01", "养老机构护理型床位占比", "%", "elder", "beds_nursing_type", "beds_institution", 100, "up", regions.STREET,
     HZ_ELDER + " 第1行",
     "杭州表第1行缺指标名；按其数值(61%→65%)、正文三(一)6“提高护理型床位占比”及曲靖、嘉兴同名指标认定。"
     "(护理型床位+认知障碍照护床位)/养老机构床位：护理型床位含失智照护床位；街道中心的短托床位不属养老机构床位"),
    ("E02", "每万名老年人拥有养老机构认知障碍床位数", "张", "elder", "beds_cognitive", "elders", 10000, "up",
     regions.STREET, HZ_ELDER + " 第2行", ""),
    ("E03", "社区老年活动中心覆盖率", "%", "elder", "communities_with:activity_centre", "communities", 100, "up",
     regions.STREET, HZ_ELDER + " 第3行", "有老年活动中心的社区(村)占社区(村)总数"),
    ("E04", "老年友好型社区数", "个", "elder", "", "", 1, "up", regions.CITY, HZ_ELDER + " 第4行", ""),
    ("E05", "65岁及以上老年人城乡社区规范健康管理率", "%", "elder", "", "", 1, "up", regions.DISTRICT,
     HZ_ELDER + " 第5行", "卫健部门数据，人工填报"),
    ("E06", "65岁及以上老年人家庭医生签约服务人数", "万人", "elder", "", "", 1, "up", regions.DISTRICT,
     HZ_ELDER + " 第6行", "卫健部门数据，人工填报"),
    ("E07", "人均预期寿命", "岁", "elder", "", "", 1, "up", regions.DISTRICT, HZ_ELDER + " 第7行",
     "统计部门数据，人工填报"),
    ("E08", "老年友善医疗机构的比例", "%", "elder", "", "", 1, "up", regions.DISTRICT, HZ_ELDER + " 第8行", ""),
    ("E09", "老年社会工作特色项目数", "个", "elder", "", "", 1, "up", regions.CITY, HZ_ELDER + " 第9行", ""),
    ("E10", "每万名老年人拥有持证养老护理员数", "人", "elder", "caregivers_certified", "elders", 10000, "up",
     regions.STREET, HZ_ELDER + " 第10行", ""),
    ("E11", "高级护理员、技师级护理员在护理员队伍中的比例", "%", "elder", "caregivers_level:3", "caregivers_employed",
     100, "up", regions.STREET, HZ_ELDER + " 第11行",
     "持有效三级/高级工及以上养老护理员职业技能等级证书的在岗护理员占在岗护理员总数"),
    ("E12", "特殊困难老年人月探访率", "%", "elder", "visits_done", "visits_due", 100, "up", regions.STREET,
     QJ + "（养老方面）",
     "特殊困难老年人(60岁以上，经济困难或失能、失独、空巢、留守、独居、重残、高龄)中当月已探访人数/当月应探访人数；"
     "探访名单上的困境儿童、留守儿童不计"),
    ("E13", "老年人15分钟社区照料服务圈覆盖率", "%", "elder", "covered:elder:community_centre",
     "covered_population:elder:community_centre", 100, "up", regions.COMMUNITY,
     "嘉兴 一“十五分钟养老服务圈”；曲靖 三(六)1“十五分钟”服务圈", "步行15分钟内可达社区(村)照料中心的老年人占比（最近一次覆盖测算）"),
    ("E14", "老年人健康管理率", "%", "elder", "", "", 1, "up", regions.DISTRICT, QJ + "（养老方面）", ""),
    ("E15", "康养联合体数", "家", "elder", "", "", 1, "up", regions.CITY, JX + "（综合照护）", ""),
    ("E16", "街道级居家养老服务中心覆盖率", "%", "elder", "streets_with:street_centre", "streets", 100, "up",
     regions.DISTRICT, QJ + "（养老方面）", "有街道(镇)居家养老服务中心的街道(乡镇)占街道(乡镇)总数"),
    ("E17", "城市社区居家养老服务中心覆盖率", "%", "elder", "class_communities_with:urban:community_centre",
     "class_communities:urban", 100, "up", regions.STREET, QJ + "（养老方面）",
     "城乡分类代码为城镇(1xx)的社区中，有社区(村)照料中心的社区占比；未设城乡分类代码的社区不计"),
    ("E18", "农村居家养老服务中心(互助养老服务站)覆盖率", "%", "elder",
     "class_communities_with:rural:community_centre+rural_mutual", "class_communities:rural", 100, "up",
     regions.STREET, QJ + "（养老方面）",
     "城乡分类代码为乡村(2xx)的村中，有照料中心或互助养老服务站的村占比；未设城乡分类代码的村不计"),
    ("E19", "建有认知障碍照护机构的县(市、区)占比", "%", "elder", "districts_with:dementia_unit", "districts", 100, "up",
     regions.CITY, "Jiaxing 二(三)8", "有运营中认知障碍照护专区(机构)的县(市、区)占县(市、区)总数"),
    ("E20", "老年大学县级覆盖率", "%", "elder", "districts_with:elder_university", "districts", 100, "up",
     regions.CITY, QJ + "（养老方面）", "有运营中老年大学的县(市、区)占县(市、区)总数"),
    ("E21", "养老护理员岗位培训率", "%", "elder", "caregivers_trained", "caregivers_employed", 100, "up",
     regions.STREET, "Yizhou 三(三)", "持有效岗位培训合格证的在岗护理员占在岗护理员总数"),
    ("E22", "失能特困人员集中供养率", "%", "elder", "tekun_disabled_in_care", "tekun_disabled", 100, "up",
     regions.STREET, QJ + "（养老方面）",
     "住在养老机构(含认知障碍照护专区，不含街道中心短托)的失能特困老年人占失能特困老年人总数；按老人户籍所在社区计"),
    ("E23", "独居空巢老年人家庭智能设备配备率", "%", "elder", "alone_elders_with_device", "alone_elders", 100, "up",
     regions.STREET, JX + "（智慧养老）",
     "有在用智能安全设备(一键呼叫、跌倒、烟感等)的独居、空巢老年人占独居、空巢老年人总数"),
    ("E24", "老年人对养老服务的满意率", "%", "elder", "ratings_satisfied", "ratings", 100, "up", regions.STREET,
     "Yizhou 三(三)", "近一年居家养老服务评价中4—5星的占比；只含平台上的居家服务订单评价"),
    ("E25", "福彩公益金用于支持养老服务的比例", "%", "elder", "", "", 1, "up", regions.CITY,
     "Jiaxing 三(二)；" + QJ + "（养老方面）", "福彩公益金总额及其用途不在平台账内，人工填报"),
    ("C01", "每千人拥有3岁以下婴幼儿托位数", "个", "infant", "childcare_places", "manual:B01", 1000, "up",
     regions.STREET, HZ_CHILD + " 第1行", "托位数/常住人口×1000；常住人口由统计部门填报(指标 B01)"),
    ("C02", "每千名3岁以下婴幼儿拥有成长驿站数", "家", "infant", "facilities:growth_station", "infants", 1000, "up",
     regions.STREET, HZ_CHILD + " 第2行", ""),
    ("C03", "拥有示范型婴幼儿成长驿站的街道(乡镇)占比", "%", "infant", "", "", 1, "up", regions.DISTRICT,
     HZ_CHILD + " 第3行", "“示范型”由卫健部门认定，人工填报"),
    ("C04", "普惠性托位占比", "%", "infant", "childcare_places_puhui", "childcare_places", 100, "up", regions.STREET,
     HZ_CHILD + " 第4行", ""),
    ("C05", "示范性托育机构数", "家", "infant", "", "", 1, "up", regions.CITY, HZ_CHILD + " 第5行", ""),
    ("C06", "普惠性机构街道(乡镇)覆盖率", "%", "infant", "streets_with:puhui_childcare", "streets", 100, "up",
     regions.DISTRICT, HZ_CHILD + " 第6行", "有普惠托位的街道(乡镇)占街道(乡镇)总数"),
    ("C07", "0—6岁儿童健康管理率", "%", "infant", "", "", 1, "up", regions.DISTRICT, HZ_CHILD + " 第7行", ""),
    ("C08", "3岁以下儿童标准化发育筛查率", "%", "infant", "", "", 1, "up", regions.DISTRICT, HZ_CHILD + " 第8行", ""),
    ("C09", "5岁以下儿童生长迟缓率", "%", "infant", "growth_stunted", "growth_measured", 100, "down", regions.STREET,
     HZ_CHILD + " 第9行",
     "近一年做过生长监测的5岁以下儿童中，最近一次年龄别身长(身高)Z值低于−2(WHO标准)的占比；未做监测的儿童不在分母中"),
    ("C10", "托育机构备案数", "个", "infant", "facilities:childcare_centre+embedded_childcare", "", 1, "up",
     regions.STREET, HZ_CHILD + " 第10行",
     "已备案运营的托育机构：托育机构及嵌入式、社区、单位办托；幼儿园托班、成长驿站不属托育机构备案"),
    ("C11", "托育从业人员持证上岗率", "%", "infant", "", "", 1, "up", regions.DISTRICT, HZ_CHILD + " 第11行",
     "托育从业人员及其证书不在平台登记(托育班只记保育人员数)，人工填报"),
    ("C12", "培育规模化连锁化的骨干托育企业(组织)数", "家", "infant", "", "", 1, "up", regions.CITY,
     HZ_CHILD + " 第12行", ""),
    ("C13", "婴幼儿15分钟托育服务圈覆盖率", "%", "infant", "covered:infant:childcare",
     "covered_population:infant:childcare", 100, "up", regions.COMMUNITY, "Hechuan 一",
     "步行15分钟内可达托育机构(含托班、嵌入式)的3岁以下婴幼儿占比（最近一次覆盖测算）"),
    ("B01", "常住人口", "人", "base", "", "", 1, "up", regions.STREET, "统计部门", "作为每千人托位数等指标的分母"),
]

# Who holds the figure of each indicator entered by hand (the platform holds no records to count it
# from): the page shows the office beside “人工填报”. Qujing 四(一) puts the “一老” work under the
# civil-affairs bureau and the “一小” work under the health commission.
MANUAL_OFFICES = {
    "E04": "卫健部门（老龄办）", "E05": "卫健部门", "E06": "卫健部门", "E07": "统计部门", "E08": "卫健部门",
    "E09": "民政部门", "E14": "卫健部门", "E15": "民政部门", "E25": "民政部门（福彩中心）、财政部门",
    "C03": "卫健部门", "C05": "卫健部门", "C07": "卫健部门", "C08": "卫健部门",
    "C11": "卫健部门", "C12": "卫健部门", "B01": "统计部门",
}

# indicator, region, year, op, value, original text, source
TARGETS = [
    ("E01", HANGZHOU, 2025, ">=", 65, "65", HZ_ELDER), ("E01", HANGZHOU, 2035, "up", None, "持续提升", HZ_ELDER),
    ("E01", QUJING, 2025, ">=", 55, "55%以上", QJ), ("E01", JIAXING, 2025, ">=", 60, "60%以上", JX),
    ("E02", HANGZHOU, 2025, ">=", 20, "20", HZ_ELDER), ("E02", HANGZHOU, 2035, "up", None, "持续提升", HZ_ELDER),
    ("E02", JIAXING, 2025, ">=", 20, "每万老年人口配有20张", JX),
    ("E03", HANGZHOU, 2025, ">=", 100, "100", HZ_ELDER), ("E03", HANGZHOU, 2035, ">=", 100, "100", HZ_ELDER),
    ("E04", HANGZHOU, 2025, ">=", 350, "350", HZ_ELDER), ("E04", HANGZHOU, 2035, "up", None, "城乡全覆盖", HZ_ELDER),
    ("E05", HANGZHOU, 2025, ">=", 65, "65", HZ_ELDER), ("E05", HANGZHOU, 2035, "up", None, "持续提升", HZ_ELDER),
    ("E06", HANGZHOU, 2025, "up", None, "持续增加", HZ_ELDER), ("E06", HANGZHOU, 2035, "up", None, "持续增加", HZ_ELDER),
    ("E07", HANGZHOU, 2025, ">=", 83.88, "83.88", HZ_ELDER), ("E07", HANGZHOU, 2035, "up", None, "持续提升", HZ_ELDER),
    ("E07", QUJING, 2025, ">=", 78, "78岁", QJ),
    ("E08", HANGZHOU, 2025, ">", 80, ">80", HZ_ELDER), ("E08", HANGZHOU, 2035, ">", 85, ">85", HZ_ELDER),
    ("E09", HANGZHOU, 2025, ">=", 5, "5-6", HZ_ELDER), ("E09", HANGZHOU, 2035, "up", None, "持续增加", HZ_ELDER),
    ("E10", HANGZHOU, 2025, ">=", 28, "28", HZ_ELDER), ("E10", HANGZHOU, 2035, "up", None, "持续增加", HZ_ELDER),
    ("E10", JIAXING, 2025, ">=", 27, "27人", JX),
    ("E11", HANGZHOU, 2025, ">=", 20, "20", HZ_ELDER), ("E11", HANGZHOU, 2035, "up", None, "持续提升", HZ_ELDER),
    ("E11", JIAXING, 2025, ">=", 18, "18%以上", JX),
    ("E12", QUJING, 2025, ">=", 100, "100%", QJ),
    ("E14", QUJING, 2025, ">=", 80, "80%", QJ),
    ("E15", JIAXING, 2025, ">=", 80, "80家以上", JX),
    ("E16", QUJING, 2025, ">=", 100, "100%", QJ), ("E17", QUJING, 2025, ">=", 90, "90%", QJ),
    ("E18", QUJING, 2025, ">=", 70, "70%", QJ),
    ("E13", JIAXING, 2025, "up", None, "形成城乡“十五分钟养老服务圈”", JX),
    ("E13", HECHUAN, 2027, "up", None, "基本建成15分钟社区居家养老服务圈", "Hechuan 一"),
    ("E19", JIAXING, 2025, ">=", 100, "每个县(市、区)至少建成1家专业认知障碍集中照护机构", "Jiaxing 二(三)8"),
    ("E20", QUJING, 2025, ">=", 100, "老年大学县级全覆盖", QJ),
    ("E21", YIZHOU, 2022, ">=", 100, "岗位培训率达到100%", "Yizhou 三(三)"),
    ("E22", QUJING, 2025, ">=", 60, "失能特困人员集中供养率达60%以上", QJ),
    ("E23", JIAXING, 2025, ">=", 100, "独居空巢老年人家庭智能设备应配尽配", JX),
    ("E24", YIZHOU, 2022, ">=", 80, "满意率达到80%以上", "Yizhou 三(三)"),
    ("E25", JIAXING, 2022, ">=", 55, "55%以上用于支持发展养老服务", "Jiaxing 三(二)"),
    ("E25", QUJING, 2025, ">=", 60, "福彩公益金投入养老服务达60%以上", QJ),
    ("C13", HECHUAN, 2027, "up", None, "基本建成……城15分鐘嬰幼兒服務", "Hechuan 一"),
    ("C01", HANGZHOU, 2025, ">=", 4.6, "4.6", HZ_CHILD), ("C01", HANGZHOU, 2035, ">=", 10, "10", HZ_CHILD),
    ("C01", QUJING, 2025, ">=", 4.5, "4.5个以上", QJ + "（托育方面）"),
    ("C02", HANGZHOU, 2025, ">=", 2, "2", HZ_CHILD), ("C02", HANGZHOU, 2035, ">=", 3, "3", HZ_CHILD),
    ("C03", HANGZHOU, 2025, ">=", 100, "100", HZ_CHILD), ("C03", HANGZHOU, 2035, ">=", 100, "100", HZ_CHILD),
    ("C04", HANGZHOU, 2025, ">", 60, ">60", HZ_CHILD), ("C04", HANGZHOU, 2035, ">", 90, ">90", HZ_CHILD),
    ("C05", HANGZHOU, 2025, ">=", 50, "50", HZ_CHILD), ("C05", HANGZHOU, 2035, ">=", 100, "100", HZ_CHILD),
    ("C06", HANGZHOU, 2025, ">=", 100, "100", HZ_CHILD), ("C06", HANGZHOU, 2035, ">=", 100, "100", HZ_CHILD),
    ("C07", HANGZHOU, 2025, ">", 95, ">95", HZ_CHILD), ("C07", HANGZHOU, 2035, ">", 98, ">98", HZ_CHILD),
    ("C08", HANGZHOU, 2025, ">", 90, ">90", HZ_CHILD), ("C08", HANGZHOU, 2035, ">", 95, ">95", HZ_CHILD),
    ("C09", HANGZHOU, 2025, "<", 1, "<1", HZ_CHILD), ("C09", HANGZHOU, 2035, "<", 0.5, "<0.5", HZ_CHILD),
    ("C10", HANGZHOU, 2025, ">", 300, ">300", HZ_CHILD), ("C10", HANGZHOU, 2035, ">", 800, ">800", HZ_CHILD),
    ("C11", HANGZHOU, 2025, ">", 90, ">90", HZ_CHILD), ("C11", HANGZHOU, 2035, ">", 95, ">95", HZ_CHILD),
    ("C11", QUJING, 2025, ">=", 70, "70%以上从业人员持证上岗", QJ + "（托育方面）"),
    ("C12", HANGZHOU, 2025, ">", 10, ">10", HZ_CHILD), ("C12", HANGZHOU, 2035, ">", 15, ">15", HZ_CHILD),
]

# The published 2021 values of Hangzhou's tables (column “2021年数值”), stored as snapshots of the city.
HZ_2021 = {
    "E01": 61, "E04": 100, "E05": 62.5, "E06": 113.52, "E07": 83.65, "E08": 53, "E09": 3, "E10": 23.87,
    "E11": 16.7, "C01": 2.8, "C02": 0.5, "C03": 20, "C04": 20, "C05": 25, "C06": 25, "C07": 95, "C08": 80,
    "C09": 1, "C10": 200, "C11": 30, "C12": 5,
}

# Published gaps to show beside the platform's own projection (planning/projection.py).
PUBLISHED_GAPS = [
    {"region": HANGZHOU, "city": "杭州市", "what": "托位", "year": 2025, "rate": "每千人4.6个", "gap": 29000,
     "source": "杭州市“一老一小”整体解决方案(2022) 一(二)1：按照每千人托位4.6个计算，缺口达2.9万个左右"},
]


@dataclass(frozen=True)
class IncreaseTarget:
    """A “新增” target: an increase of a stock over a base day, not a stock and not a gap
    (planning/increases.py computes the increase from the facilities' filing history)."""

    code: str
    region: str
    city: str
    what: str
    figure: str  # a named computation (planning/computations.py) giving the stock on a day
    base_day: datetime.date
    year: int
    target: float
    text: str
    source: str


# Qujing's base is the end of 2020, the last year of the 13th five-year plan its 一(一) reports on.
QJ_BASE = datetime.date(2020, 12, 31)
INCREASE_TARGETS = [
    IncreaseTarget("QJ-BEDS", QUJING, "曲靖市", "养老床位", "beds_total", QJ_BASE, 2025, 20000,
                   "力争新增养老床位20000张以上", QJ + "（养老方面）"),
    IncreaseTarget("QJ-PLACES", QUJING, "曲靖市", "托位", "childcare_places", QJ_BASE, 2025, 24700,
                   "新增托位24700个以上", QJ + "（托育方面）"),
]
# fmt: on
