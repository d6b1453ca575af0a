from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("长期护理评估"), "careathome:ltc_list", "ltc.view", 24),
]
