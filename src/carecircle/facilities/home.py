"""The facilities cards on the staff home page: the facilities in scope (the inspector's first card:
what it supervises, with those lacking a grade in force), and for a facility operator's admin the
admission desk first — today's applicants, the offers awaiting an answer and the free beds, with
the way to find an applicant and admit them."""

import datetime

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.core.organisations import OrganisationKind, organisation_grants
from carecircle.facilities import admission, selectors
from carecircle.facilities.models import (
    BED_KINDS,
    Evaluation,
    FilingStatus,
    Offer,
    OfferResponse,
    WaitingEntry,
    WaitingState,
)


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "facilities.view"):
        return []
    today = timezone.localdate()
    qs = selectors.facility_search(user=user)
    operating = qs.filter(status=FilingStatus.FILED)
    agg = operating.aggregate(
        g=Coalesce(Sum("beds_general"), 0),
        n=Coalesce(Sum("beds_nursing"), 0),
        c=Coalesce(Sum("beds_cognitive"), 0),
        p=Coalesce(Sum("childcare_places"), 0),
    )
    beds, places = agg["g"] + agg["n"] + agg["c"], agg["p"]
    graded = (
        Evaluation.objects.filter(
            facility__in=operating, valid_from__lte=today, valid_to__gte=today, grade__isnull=False
        )
        .values("facility_id")
        .distinct()
        .count()
    )
    count = operating.count()
    out = []
    if organisation_grants(user, OrganisationKind.FACILITY_OPERATOR, "provider_admin"):
        out.append(_admission_card(user, today))
    out.append(
        {
            "title": _("养老托育设施"),
            "figures": [
                (_("运营设施"), count),
                (_("待审核备案"), selectors.filing_queue(user=user).count()),
                (_("无有效等级"), count - graded),
                (_("养老床位"), beds),
                (_("托位"), places),
            ],
            "link": (_("查看设施"), reverse("facilities:list")),
            "leads": {"inspector"},  # what the inspector supervises
        }
    )
    return out


def _admission_card(user, today: datetime.date) -> dict:
    """Today's applicants, the offers awaiting an answer and the free beds of the own facilities."""
    own = admission.admitting_facilities(user).filter(kind__in=BED_KINDS)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    entries = WaitingEntry.objects.filter(facility__in=own)
    offers = list(
        Offer.objects.filter(entry__facility__in=own, response=OfferResponse.OPEN)
        .select_related("entry__person", "entry__facility", "bed")
        .order_by("offered_at")[:5]
    )
    free = selectors.free_places(list(own[:50]), today)
    return {
        "title": _("入住办理"),
        "urgent": bool(offers),
        "figures": [
            (_("今日新申请"), entries.filter(applied_at__gte=start).count()),
            (_("轮候中"), entries.filter(state=WaitingState.WAITING).count()),
            (
                _("待答复通知"),
                Offer.objects.filter(entry__facility__in=own, response=OfferResponse.OPEN).count(),
            ),
            (_("空余床位"), sum(v["beds_free"] or 0 for v in free.values())),
        ],
        "entries": [
            (
                _("待入住：%(n)s · %(f)s 床位 %(b)s")
                % {"n": o.entry.person.name, "f": o.entry.facility.name, "b": o.bed.code},
                reverse("facilities:detail", args=[o.entry.facility_id]),
            )
            for o in offers
        ],
        "link": (_("查找申请人并办理入住"), reverse("facilities:waiting_find")),
        "leads": {"provider_admin/facility_operator"},
    }
