from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem
from carecircle.core.organisations import OrganisationKind

# The order list is scoped to each user (region, organisation, own visits, own family), so it is
# offered to every signed-in user; the page links on to what the user's roles allow. A provider admin
# or caregiver sees it when acting for a home-care provider (a facility operator has no orders).
NAV = [
    NavItem(_("居家服务"), "homecare:order_list", None, 30, frozenset({OrganisationKind.HOMECARE_PROVIDER})),
]
