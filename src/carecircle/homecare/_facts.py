"""Home care's facts as other modules read them (oversight's unit register, credit events and early
warnings; the portal's messages), behind `homecare.selectors`, which re-exports them: each one
grouped query, never a page's scope (the reader decides what it shows)."""

from __future__ import annotations

import datetime

from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from carecircle.homecare.models import Complaint, DispatchEvent, Provider, Visit, VisitException
from carecircle.homecare.types import AcceptNotice, ProviderFact, ProviderSignals, SupervisedProvider


def local_day(dt: datetime.datetime) -> datetime.date:
    return timezone.localtime(dt).date()


def supervised_providers() -> list[SupervisedProvider]:
    """Every home-care provider in business, for oversight's register of supervised units."""
    rows = Provider.objects.filter(active=True).order_by("id")
    return [
        SupervisedProvider(pk, name, region, lat, lon)
        for pk, name, region, lat, lon in rows.values_list(
            "id", "name", "region_code", "latitude", "longitude"
        )
    ]


def accept_notices(*, since: datetime.datetime, until: datetime.datetime) -> list[AcceptNotice]:
    """The orders accepted in [since, until), as the portal tells the person (phones stay ciphertext)."""
    rows = (
        DispatchEvent.objects.filter(kind=DispatchEvent.Kind.ACCEPT, at__gte=since, at__lt=until)
        .annotate(phone_c=Cast("order__person__phone", TextField()))
        .values_list(
            "id",
            "order_id",
            "order__person_id",
            "order__person__user_id",
            "phone_c",
            "order__item__name",
            "order__provider__name",
            "order__window_start",
            "region_code",
        )
        .order_by("at", "id")
    )
    return [AcceptNotice(e, o, p, u, ph or "", i, pr, w, r) for e, o, p, u, ph, i, pr, w, r in rows]


def credit_facts(*, since: datetime.date) -> tuple[list[ProviderFact], list[ProviderFact]]:
    """Complaints lodged and visit exceptions confirmed (审核不通过) since `since`, per provider, for
    oversight's credit events: (complaints, exceptions)."""
    complaints = [
        ProviderFact(pk, provider_id, local_day(at), text[:200])
        for pk, provider_id, at, text in Complaint.objects.filter(created_at__date__gte=since)
        .order_by("pk")
        .values_list("id", "provider_id", "created_at", "text")
    ]
    rejected = VisitException.objects.filter(
        status=VisitException.Status.REJECTED, reviewed_at__isnull=False, reviewed_at__date__gte=since
    ).order_by("pk")
    exceptions = [
        ProviderFact(pk, provider_id, local_day(at), str(VisitException(kind=kind).get_kind_display()))
        for pk, provider_id, at, kind in rejected.values_list(
            "id", "visit__order__provider_id", "reviewed_at", "kind"
        )
        if at is not None
    ]
    return complaints, exceptions


def warning_signals(*, since: datetime.date) -> list[ProviderSignals]:
    """Per provider since `since` (oversight's early warnings, one grouped query each): visits
    checked in, visit exceptions raised less those accepted as explained, complaints lodged."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    visits = dict(
        Visit.objects.filter(check_in_at__gte=start)
        .values_list("order__provider_id")
        .annotate(n=Count("id"))
        .values_list("order__provider_id", "n")
    )
    exceptions = dict(
        VisitException.objects.filter(created_at__gte=start)
        .exclude(status=VisitException.Status.ACCEPTED)
        .values_list("visit__order__provider_id")
        .annotate(n=Count("id"))
        .values_list("visit__order__provider_id", "n")
    )
    complaints = dict(
        Complaint.objects.filter(created_at__gte=start)
        .values_list("provider_id")
        .annotate(n=Count("id"))
        .values_list("provider_id", "n")
    )
    ids = sorted(set(visits) | set(exceptions) | set(complaints))
    return [
        ProviderSignals(pk, visits.get(pk, 0), exceptions.get(pk, 0), complaints.get(pk, 0)) for pk in ids
    ]
