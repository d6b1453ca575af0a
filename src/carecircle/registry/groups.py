"""The population groups the seeds name, defined once, as data.

Every module that decides whether someone is 失能, 高龄, 特殊困难老年人 or 困境儿童 reads the group
here (`registry.selectors.population(code=…, day=…)` gives the persons of a group on a day,
`population_q(code, day)` filters a queryset, `population_group(code)` is the definition) instead
of writing its own threshold or age. Plain age bands (老年人, 高龄, 百岁, 婴幼儿) are groups without
criteria: the registry's age filters (`birth_date_bounds`) read their ages here. A group is an age
band and, when it has criteria, at least one of them:
a registry status held on the day, a capability level at or above a grade, or a higher age.

Capability levels are GB/T 42195-2022's grades (`assessment.types.CapabilityLevel`: 0 能力完好,
1 轻度失能, 2 中度失能, 3 重度失能, 4 完全失能). The registry cannot import the assessment module
(assessment builds on the registry), so a level is written here as its number; tests/registry/
test_groups.py holds each number to the CapabilityLevel member it stands for.

A module keeps a different threshold only where the seed it implements sets one explicitly (e.g.
the nursing subsidy's “生活不能自理”, Qujing 三(四)5), and says so where it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# GB/T 42195-2022 grades (assessment.types.CapabilityLevel), by number: see the module docstring.
LEVEL_MILD = 1  # CapabilityLevel.MILD 轻度失能: the first grade of 失能

GB_T_42195 = "GB/T 42195-2022《老年人能力评估规范》：能力等级1级为轻度失能，1—4级均为失能"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One way into a group: holds one of `statuses` on the day, or is assessed at `min_level` or
    worse, or is `min_age` or older (exactly one of the three is set)."""

    statuses: tuple[str, ...] = ()
    min_level: int | None = None
    min_age: int | None = None
    label: Promise | str = ""

    def __post_init__(self) -> None:
        set_ = [bool(self.statuses), self.min_level is not None, self.min_age is not None]
        if sum(set_) != 1:
            raise ValueError("a criterion sets exactly one of statuses, min_level, min_age")


@dataclass(frozen=True, slots=True)
class PopulationGroup:
    """A group: persons aged `min_age` or older and under `under_age` on the day (either may be
    None) who meet at least one of `any_of` (every person of the age band when it is empty)."""

    code: str
    label: Promise | str
    citation: str
    min_age: int | None = None
    under_age: int | None = None
    any_of: tuple[Criterion, ...] = ()
    elder: bool = True  # a group of older people (counted by elder indicators)

    def min_level(self) -> int | None:
        """The capability level from which the group's level criterion holds (None without one):
        what a module compares an assessed level with (`level >= DISABLED.min_level()`)."""
        return next((c.min_level for c in self.any_of if c.min_level is not None), None)


ECONOMIC_HARDSHIP = ("tekun", "dibao", "dibao_edge")  # 特困、低保、低保边缘

ELDER = PopulationGroup(
    code="elder",
    label=_("老年人"),
    min_age=60,
    citation="《中华人民共和国老年人权益保障法》第二条：老年人是指六十周岁以上的公民",
)

DISABLED = PopulationGroup(
    code="disabled",
    label=_("失能老年人"),
    min_age=60,
    any_of=(Criterion(min_level=LEVEL_MILD, label=_("失能")),),
    citation=GB_T_42195 + "；Hechuan 二(九)、Jiaxing 二(四)12 将失能老年人列为探访关爱对象",
)

CENTENARIAN = PopulationGroup(
    code="centenarian",
    label=_("百岁老人"),
    min_age=100,
    citation="Jiaxing 二(八)25：百岁老人长寿保健金提高到每人每月600元",
)

INFANT = PopulationGroup(
    code="infant",
    label=_("婴幼儿"),
    under_age=3,
    elder=False,
    citation="Hechuan 三(二)：向3岁以下婴幼儿家庭发放托育服务体验券（婴幼儿指3岁以下）",
)

SENIOR80 = PopulationGroup(
    code="senior80",
    label=_("高龄老年人"),
    min_age=80,
    citation="Hechuan 二(十)：80岁以上老年人享受高龄津贴；Yizhou 三(二)4 高龄",
)

SPECIAL_DIFFICULTY = PopulationGroup(
    code="special_difficulty",
    label=_("特殊困难老年人"),
    min_age=60,
    any_of=(
        Criterion(statuses=ECONOMIC_HARDSHIP, label=_("经济困难（特困、低保、低保边缘）")),
        Criterion(min_level=LEVEL_MILD, label=_("失能")),
        Criterion(statuses=("shidu",), label=_("失独/计生特殊家庭")),
        Criterion(statuses=("empty_nest",), label=_("空巢")),
        Criterion(statuses=("left_behind",), label=_("留守")),
        Criterion(statuses=("living_alone",), label=_("独居")),
        Criterion(statuses=("severe_disability",), label=_("重度残疾")),
        Criterion(min_age=80, label=_("高龄")),
    ),
    citation=(
        "Yizhou 三(二)4：老年人(失能、失独、空巢、留守、高龄)数据库；Yizhou 四(四)：开展特殊困难老年人筛查摸底，"
        "重点满足城乡经济困难老年人特别是其中的失能、失独、空巢、留守、高龄老年人的养老服务需求；"
        "Hechuan 二(九)：对分散供养特困老年人及独居、空巢、留守、失能、重残、计划生育特殊家庭等困难老年人实行定期探访关爱；"
        "Jiaxing 二(四)12：孤寡、空巢、失能、计划生育特殊家庭等特殊困难老年人日常探访全覆盖"
    ),
)

CHILD_IN_DIFFICULTY = PopulationGroup(
    code="child_in_difficulty",
    label=_("困境儿童"),
    under_age=18,
    elder=False,
    any_of=(
        Criterion(statuses=("child_in_difficulty",), label=_("困境儿童")),
        Criterion(statuses=("orphan",), label=_("孤儿")),
    ),
    citation=(
        "Hangzhou 三(二)2：关爱孤儿和事实无人抚养儿童，完善家庭走访、监护评估、家庭培训和监护保护制度；"
        "儿童指未满十八周岁的未成年人（《中华人民共和国未成年人保护法》第二条）"
    ),
)

GROUPS: dict[str, PopulationGroup] = {
    g.code: g
    for g in (ELDER, DISABLED, SENIOR80, CENTENARIAN, SPECIAL_DIFFICULTY, CHILD_IN_DIFFICULTY, INFANT)
}


def group(code: str) -> PopulationGroup:
    """The group with this code (KeyError for an unknown one)."""
    return GROUPS[code]
