from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [NavItem(_("从业人员"), "workforce:caregiver_list", "workforce.view", 31)]
