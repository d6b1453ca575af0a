from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [NavItem(_("我的首页"), "portal:home", "portal.home", 1)]
