"""The default programmes name economic hardship and the 特殊困难老年人 group the way registry/groups.py
defines them, each status once (issue 16: groups defined once, used everywhere)."""

import re

from carecircle.benefits import defaults
from carecircle.benefits.group_rules import group_condition
from carecircle.registry.selectors import population_group

STATUS = re.compile(r'"([a-z_]+)" in statuses')


def _spec(code: str, city: str = "") -> dict:
    return next(s for s in defaults.programme_specs_for(city) if s["code"] == code)


def test_economic_hardship_is_the_groups_statuses():
    """Qujing 三(四)5 经济困难的老年人: the statuses of the 特殊困难老年人 group's economic-hardship
    criterion (特困、低保、低保边缘), read from the group, not typed again."""
    hardship = next(c for c in population_group("special_difficulty").any_of if "dibao" in c.statuses)
    assert STATUS.findall(defaults.POOR) == list(hardship.statuses)
    assert defaults.POOR in _spec("CARE_SUBSIDY")["target_rule"]


def test_the_insurance_rule_names_each_status_once():
    """Hangzhou 三(一)9 (特困、低保低边、特殊困难老年人、优抚、失独、80岁及以上, 户籍60岁及以上): 特困、低保、
    低边、失独 and 80+ are all in the 特殊困难老年人 group, so the rule is 户籍 60+ and (优抚 or that group);
    naming them again beside the group repeated the statuses (and could drift from it)."""
    rule = _spec("ACCIDENT_INSURANCE")["target_rule"]
    kinds = STATUS.findall(rule)
    assert len(kinds) == len(set(kinds)), kinds
    assert rule.count("age >= 80") == 1
    assert group_condition("special_difficulty") in rule and '"youfu" in statuses' in rule
    assert rule.startswith('age >= 60 && "huji" in statuses')
