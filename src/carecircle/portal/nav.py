from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("我的首页"), "portal:home", "portal.home", 1),
    NavItem(_("我的账号与家人"), "portal:account", "portal.home", 2),
    NavItem(_("我的消息"), "portal:messages", "portal.home", 3),
    NavItem(_("消息发送失败"), "portal:delivery_failures", "portal.deliveries", 90),
]
