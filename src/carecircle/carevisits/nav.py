from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("探访关爱"), "carevisits:worklist", "carevisits.view", 25),
    NavItem(_("重点关爱对象"), "carevisits:vulnerable", "carevisits.view", 26),
    NavItem(_("探访计划"), "carevisits:plans", "carevisits.manage", 27),
]
