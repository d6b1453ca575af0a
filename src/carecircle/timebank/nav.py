from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("互助需求"), "timebank:requests", "timebank.view", 33),
    NavItem(_("志愿者"), "timebank:volunteers", "timebank.view", 34),
    NavItem(_("时间银行报表"), "timebank:report", "timebank.view", 35),
]
# the volunteers' and older people's own page: every signed-in account may register or post
NAV.append(NavItem(_("志愿服务与时间银行"), "timebank:mine", None, 36))
