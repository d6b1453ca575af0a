"""The facilities card on the staff home page."""

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.facilities import selectors
from carecircle.facilities.models import FilingStatus


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "facilities.view"):
        return []
    qs = selectors.facility_search(user=user)
    operating = qs.filter(status=FilingStatus.FILED)
    agg = operating.aggregate(
        g=Coalesce(Sum("beds_general"), 0),
        n=Coalesce(Sum("beds_nursing"), 0),
        c=Coalesce(Sum("beds_cognitive"), 0),
        p=Coalesce(Sum("childcare_places"), 0),
    )
    beds, places = agg["g"] + agg["n"] + agg["c"], agg["p"]
    return [
        {
            "title": _("养老托育设施"),
            "figures": [
                (_("运营设施"), operating.count()),
                (_("待审核备案"), selectors.filing_queue(user=user).count()),
                (_("养老床位"), beds),
                (_("托位"), places),
            ],
            "link": (_("查看设施"), reverse("facilities:list")),
        }
    ]
