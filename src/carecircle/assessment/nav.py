from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [
    NavItem(_("能力评估"), "assessment:list", "assessment.view", 20),
    NavItem(_("儿童筛查转介"), "assessment:referrals", "assessment.view", 21),
    NavItem(_("能力评估申请"), "assessment:requests", "assessment.view", 22),
]
