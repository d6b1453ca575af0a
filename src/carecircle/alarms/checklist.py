"""The call quality checklist as data (issue 18, item 6): what a supervisor checks in a sampled call.
Loaded by migration 0006 and `reference.ensure()`; kept in the admin (通话质检项) afterwards, where an
item may be reworded, reweighted or retired (inactive) without losing past reviews."""

from typing import Any

# fmt: off
CHECKLIST = [
    # code, label, hint, weight
    ("greeting", "规范问候并核实身份", "报出平台名称与工号，核对老人姓名或设备使用人", 1),
    ("address", "确认地址与所在位置", "核对住址、楼栋与门牌，老人不在家时问清所在位置", 2),
    ("assessment", "询问情况判断紧急程度", "问清发生了什么、是否受伤、意识是否清楚", 2),
    ("dispatch", "派遣或联系正确", "按情况通知家属、社区或120/110，联系方式无误", 2),
    ("timely", "接警与处置及时", "在接警时限内接听，处置过程无不必要的等待", 1),
    ("courtesy", "语气耐心、表达清楚", "语速适中，老人听得明白，不催促不打断", 1),
    ("closing", "结案记录完整", "结案时写明结果、已采取的措施与后续安排", 1),
]
# fmt: on


def checklist_sync(item_model: Any) -> int:
    """Create the standard items that are missing (an item edited in the admin is left as it is).
    Returns how many were created."""
    made = 0
    for order, (code, label, hint, weight) in enumerate(CHECKLIST, start=1):
        _item, created = item_model.objects.get_or_create(
            code=code, defaults={"label": label, "hint": hint, "weight": weight, "order": order * 10}
        )
        made += created
    return made
