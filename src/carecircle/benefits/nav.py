from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("津贴发放"), "benefits:payroll_index", "benefits.view", 30),
    NavItem(_("补贴项目"), "benefits:programme_list", "benefits.view", 31),
    NavItem(_("资金台账"), "benefits:funds", "benefits.view", 32),
    NavItem(_("津贴申诉"), "benefits:appeals", "benefits.view", 33),
]
