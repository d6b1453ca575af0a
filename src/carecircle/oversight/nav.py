from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("双随机抽查"), "oversight:plans", "oversight.view", 60),
    NavItem(_("监管对象"), "oversight:units", "oversight.view", 61),
    NavItem(_("检查事项清单"), "oversight:items", "oversight.view", 62),
    NavItem(_("检查人员"), "oversight:inspectors", "oversight.view", 63),
    NavItem(_("我的检查任务"), "oversight:tasks", "oversight.inspect", 64),
    NavItem(_("整改通知"), "oversight:findings", "oversight.findings", 65),
    NavItem(_("信用修复申请"), "oversight:credit_corrections", "oversight.findings", 66),
    NavItem(_("预警"), "oversight:warnings", "oversight.view", 67),
    NavItem(_("预警规则"), "oversight:warning_rules", "oversight.view", 68),
]
NAV.append(NavItem(_("一网统管"), "oversight:cockpit", "oversight.cockpit", 59))
