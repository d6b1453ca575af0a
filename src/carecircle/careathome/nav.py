from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("长期护理评估"), "careathome:ltc_list", "ltc.view", 24),
    NavItem(_("居家适老化改造"), "careathome:adaptation_home", "careathome.homes_view", 25),
    NavItem(_("康复辅具租赁"), "careathome:rental_points", "careathome.rental", 26),
    NavItem(_("家庭养老床位"), "careathome:bed_list", "careathome.homes_view", 27),
    NavItem(_("长期护理照护计划"), "careathome:ltc_plan_list", "ltc.view", 24),
    NavItem(_("长期护理月度结算"), "careathome:ltc_settlement_list", "ltc.view", 24),
]
