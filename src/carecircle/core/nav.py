from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("工作台"), "core:home", None, 0),
    NavItem(_("行政区划"), "core:regions", "region.view", 80),
    NavItem(_("审计日志"), "core:audit", "audit.view", 90),
    NavItem(_("账号安全"), "core:account", None, 95),
]
