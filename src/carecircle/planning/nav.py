from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("指标看板"), "planning:index", "planning.view", 80),
    NavItem(_("15分钟服务圈"), "planning:coverage_list", "planning.view", 81),
]
