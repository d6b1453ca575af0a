"""The facilities card on the staff home page."""

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
    beds = sum(f.beds_total for f in operating.only("beds_general", "beds_nursing", "beds_cognitive"))
    places = sum(operating.values_list("childcare_places", flat=True))
    return [{
        "title": _("养老托育设施"),
        "figures": [
            (_("运营设施"), operating.count()),
            (_("待审核备案"), selectors.filing_queue(user=user).count()),
            (_("养老床位"), beds),
            (_("托位"), places),
        ],
        "link": (_("查看设施"), reverse("facilities:list")),
    }]
