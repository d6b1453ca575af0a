from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem

NAV = [NavItem(_("护理员"), "workforce:caregiver_list", "workforce.view", 31)]
