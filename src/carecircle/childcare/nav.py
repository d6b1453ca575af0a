from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("托育班级"), "childcare:classes", "childcare.view", 45),
    NavItem(_("托育券"), "childcare:vouchers", "childcare.view", 46),
]
