"""Home-service cards on the staff home page: today's orders and what needs attention."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.homecare import selectors
from carecircle.homecare.models import OrderStatus, VisitException
from carecircle.workforce.selectors import caregiver_for_user


def cards(user) -> list[dict]:
    out: list[dict] = []
    today = timezone.localdate()
    caregiver = caregiver_for_user(user)
    if caregiver is not None:
        route = selectors.caregiver_route(caregiver=caregiver, day=today)
        out.append(
            {
                "title": _("我今天的服务"),
                "leads": {"caregiver"},
                "entries": [
                    (
                        f"{timezone.localtime(r.order.window_start):%H:%M} {r.order.item.name} · {r.order.person.name}",
                        reverse("homecare:order_detail", args=[r.order.pk]),
                    )
                    for r in route[:8]
                ],
                "figures": [(_("服务单数"), len(route))],
                "link": (_("打开手机签到页"), reverse("homecare:my_visits")),
            }
        )
    if not (
        scope.has_perm(user, "homecare.view")
        or organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    ):
        return out
    orders = selectors.order_search(user=user, day=today)
    waiting = orders.filter(status=OrderStatus.CONFIRMED).count()
    flagged = selectors.exceptions_for(user=user, status=VisitException.Status.OPEN).count()
    sat = selectors.satisfaction(user=user, by="provider")
    n = sum(r.n for r in sat)
    rate = round(sum(r.rate * r.n for r in sat) / n, 1) if n else None
    escalated = (
        selectors.order_search(user=user)
        .filter(status=OrderStatus.CONFIRMED, escalation_level__gt=0, window_start__gte=timezone.now())
        .count()
    )
    overdue = selectors.complaints_for(user=user).filter(status="open", deadline__lt=timezone.now()).count()
    out.append(
        {
            "title": _("今日居家服务"),
            "leads": {"provider_admin/homecare_provider"},
            "urgent": bool(waiting or flagged or escalated or overdue),
            "figures": [
                (_("今日订单"), orders.count()),
                (_("待派单"), waiting),
                (_("升级督办"), escalated),
                (_("待审核异常"), flagged),
                (_("逾期投诉"), overdue),
                (_("满意率"), f"{rate}%" if rate is not None else "—"),
            ],
            "link": (
                _("查看订单"),
                reverse("homecare:order_list") + f"?day_from={today.isoformat()}&day_to={today.isoformat()}",
            ),
        }
    )
    return out
