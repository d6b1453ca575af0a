"""Reads of childcare, through the facility scope (a provider admin sees only their operator's
classes) or, for vouchers, the region of the child."""

import datetime
from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from carecircle.childcare import standards
from carecircle.childcare.applications import ApplicationAction as ApplicationAction  # 托位 applications
from carecircle.childcare.applications import application_actions as application_actions
from carecircle.childcare.applications import application_get as application_get
from carecircle.childcare.applications import application_list as application_list
from carecircle.childcare.applications import applications_decided_between as applications_decided_between
from carecircle.childcare.applications import applications_of_family as applications_of_family
from carecircle.childcare.applications import managed_centres as managed_centres
from carecircle.childcare.models import ChildClass, Enrolment, Voucher
from carecircle.core import regions
from carecircle.core.access import access_by_id
from carecircle.core.roles import permissions_of
from carecircle.core.types import Actor
from carecircle.core.vault import shown_age_months
from carecircle.facilities.selectors import facility_grants, in_facility_scope, require_facility

if TYPE_CHECKING:  # annotations only
    from carecircle.facilities.models import Facility

Row = dict[str, Any]
"""A child on a class's roster, or a class's figures: what the class pages show."""


def _open(day: datetime.date) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))


def enrolled_by_facility(facility_ids: Iterable[int], day: datetime.date | None = None) -> dict[int, int]:
    """Children enrolled on `day` (today when None) per facility."""
    day = day or timezone.localdate()
    rows = (
        Enrolment.objects.filter(_open(day), facility_id__in=list(facility_ids))
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    return {r["facility_id"]: r["n"] for r in rows}


def classes_for(*, user: Actor, facility: "Facility | None" = None) -> QuerySet[ChildClass]:
    qs = in_facility_scope(
        ChildClass.objects.select_related("facility"), user, "childcare.view", "facility__"
    )
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("facility__name", "band", "name")


def class_get(*, user: Actor, class_id: int, perm: str = "childcare.view") -> ChildClass:
    cls = access_by_id(
        ChildClass.objects.select_related("facility"),
        class_id,
        user=user,
        perm=perm,
        check=lambda u, p, row: require_facility(u, p, row.facility),
    )
    return cls


def roster(child_class: ChildClass, day: datetime.date | None = None) -> list[Row]:
    """The class on `day`: each child with age in months, own band and whether they have outgrown the class."""
    day = day or timezone.localdate()
    enrolments = Enrolment.objects.filter(_open(day), child_class=child_class).select_related("child")
    return _roster_of(child_class, enrolments.order_by("child__birth_date"), day)


def _roster_of(child_class: ChildClass, enrolments: Iterable[Enrolment], day: datetime.date) -> list[Row]:
    rule = standards.BANDS[child_class.band]
    out = []
    for e in enrolments:
        months = standards.months_old(e.child.birth_date, day)
        out.append(
            {
                "enrolment": e,
                "child": e.child,
                "months": months,
                "band": standards.own_band(months),
                "outgrown": months >= rule.months_to,
                "shown_months": shown_age_months(e.child.birth_date, day),
            }
        )  # what pages show (core/vault.py)
    return out


def outgrowing(*, user: Actor, day: datetime.date | None = None, within_days: int = 0) -> list[Row]:
    """Enrolled children who have reached (or reach within `within_days`) the upper age of their class."""
    day = day or timezone.localdate()
    horizon = day + datetime.timedelta(days=within_days)
    qs = in_facility_scope(Enrolment.objects.filter(_open(day)), user, "childcare.view", "facility__")
    out = []
    for e in qs.select_related("child", "child_class", "facility"):
        months = standards.months_old(e.child.birth_date, horizon)
        if months >= standards.BANDS[e.child_class.band].months_to:
            out.append(
                {
                    "enrolment": e,
                    "months": months,
                    "next_band": standards.own_band(months),
                    "shown_months": shown_age_months(e.child.birth_date, horizon),
                }
            )
    return out


def class_figures(child_class: ChildClass, day: datetime.date | None = None) -> Row:
    return _figures(child_class, roster(child_class, day))


def classes_with_figures(classes: Iterable[ChildClass], day: datetime.date | None = None) -> list[Row]:
    """[{"c": class, "fig": class_figures(class)}] for a page of classes, with one query for all their
    children (the class list; tests/test_query_counts.py)."""
    day = day or timezone.localdate()
    classes = list(classes)
    by_class: dict[int, list[Enrolment]] = {c.pk: [] for c in classes}
    for e in (
        Enrolment.objects.filter(_open(day), child_class__in=classes)
        .select_related("child")
        .order_by("child__birth_date")
    ):
        by_class[e.child_class_id].append(e)
    return [{"c": c, "fig": _figures(c, _roster_of(c, by_class[c.pk], day))} for c in classes]


def _figures(child_class: ChildClass, rows: list[Row]) -> Row:
    months = [r["months"] for r in rows]
    youngest = min(months) if months else standards.BANDS[child_class.band].months_from
    per = standards.children_per_caregiver(child_class.band, youngest)
    return {
        "enrolled": len(rows),
        "capacity": child_class.capacity,
        "free": max(0, child_class.capacity - len(rows)),
        "ratio": per,
        "caregivers": child_class.caregivers,
        "max_by_ratio": child_class.caregivers * per,
    }


def vouchers_for(*, user: Actor, batch: str = "", state: str = "") -> QuerySet[Voucher]:
    """Officials see the vouchers of the children of their region; a provider admin only those
    redeemed at their own operator's facilities."""
    parts = []
    for role, region, operator, _childcare_only in facility_grants(
        user
    ):  # vouchers are redeemed at childcare facilities
        if "childcare.view" not in permissions_of(role):
            continue
        if operator is not None:
            parts.append(
                Q(
                    redeemed_facility__operator_id=operator,
                    redeemed_facility__region_code__startswith=regions.prefix_of(region),
                )
            )
        else:
            parts.append(Q(region_code__startswith=regions.prefix_of(region)))
    if not parts:
        return Voucher.objects.none()
    qs = Voucher.objects.select_related("child", "redeemed_facility").filter(reduce(or_, parts))
    if batch:
        qs = qs.filter(batch=batch)
    if state == "redeemed":
        qs = qs.filter(redeemed_at__isnull=False)
    elif state == "open":
        qs = qs.filter(redeemed_at__isnull=True)
    return qs.order_by("-issued_on", "code")
