from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem
from carecircle.core.organisations import OPERATOR_KINDS

NAV = [
    NavItem(_("托育班级"), "childcare:classes", "childcare.view", 45, OPERATOR_KINDS),
    NavItem(_("托育券"), "childcare:vouchers", "childcare.view", 46, OPERATOR_KINDS),
    NavItem(_("托位申请"), "childcare:applications", "childcare.view", 47, OPERATOR_KINDS),
]
