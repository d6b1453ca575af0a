"""The call platform's card on the staff home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.alarms import selectors
from carecircle.alarms.models import OPEN_STATES, IncidentState
from carecircle.core import scope


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "alarms.view"):
        return []
    qs = selectors.incidents(user=user).filter(state__in=OPEN_STATES)
    waiting = qs.filter(state=IncidentState.NEW).count()
    card = {
        "title": _("呼叫平台"),
        "figures": [(_("待接警"), waiting), (_("处置中"), qs.count() - waiting)],
        "urgent": waiting > 0,
        "leads": {"operator"},  # the call-centre operator's console
    }
    if scope.has_perm(user, "alarms.operate"):
        card["link"] = (_("打开接警台"), reverse("alarms:console"))
    else:  # community and street workers: the open incidents of their area, and whom they are asked to help
        card["entries"] = [
            (f"{i.get_state_display()} · {i.title}", reverse("alarms:incident_detail", args=[i.pk]))
            for i in qs.order_by("-priority", "opened_at")[:5]
        ]
    return [card]
