from django.utils.translation import gettext_lazy as _

from carecircle.core.navigation import NavItem
from carecircle.core.organisations import OPERATOR_KINDS, OrganisationKind

NAV = [
    NavItem(_("养老托育设施"), "facilities:list", "facilities.view", 40, OPERATOR_KINDS),
    NavItem(
        _("床位与入住"),
        "facilities:stays",
        "facilities.view",
        40,
        frozenset({OrganisationKind.FACILITY_OPERATOR}),
    ),
    NavItem(_("备案审核"), "facilities:filings", "facilities.review", 41),
    NavItem(
        _("入住轮候"),
        "facilities:waiting",
        "facilities.waiting",
        42,
        frozenset({OrganisationKind.FACILITY_OPERATOR}),
    ),
    NavItem(_("设施地图"), "facilities:map", None, 43),
]
