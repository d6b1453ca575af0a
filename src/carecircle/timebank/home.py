"""The time bank's card on the staff home page: unserved requests and the guarantee's cover."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.timebank import selectors
from carecircle.timebank.models import RequestStatus


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "timebank.view"):
        return []
    rows = selectors.request_in_scope(user)
    waiting = rows.filter(status=RequestStatus.OPEN).count()
    escalated = rows.filter(status=RequestStatus.OPEN, escalated_at__isnull=False).count()
    to_confirm = rows.filter(status=RequestStatus.DONE).count()
    return [
        {
            "title": _("时间银行"),
            "figures": [(_("待接单"), waiting), (_("超期督办"), escalated), (_("待确认时长"), to_confirm)],
            "entries": [],
            "link": (_("时间银行报表"), reverse("timebank:report")),
        }
    ]
