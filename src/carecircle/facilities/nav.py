from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("养老托育设施"), "facilities:list", "facilities.view", 40),
    NavItem(_("备案审核"), "facilities:filings", "facilities.review", 41),
    NavItem(_("入住轮候"), "facilities:waiting", "facilities.waiting", 42),
    NavItem(_("设施地图"), "facilities:map", None, 43),
]
