from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [NavItem(_("从业人员"), "workforce:caregiver_list", "workforce.view", 31)]
NAV += [NavItem(_("从业人员指标"), "workforce:indicators", "workforce.view", 32)]  # issue 21, item 5
NAV += [NavItem(_("培训记录"), "workforce:training_list", "workforce.view", 33)]
NAV += [NavItem(_("诚信记录"), "workforce:integrity_list", "workforce.view", 34)]
NAV += [NavItem(_("培训课程"), "workforce:training_courses", "workforce.view", 35)]  # issue 21, item 3
