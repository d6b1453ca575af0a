"""Electronic visit verification: check-in and check-out from the caregiver's phone, the checks
that flag a visit (too far, too short, overlapping, checked in outside the visit window) for a
supervisor, and the caregiver's time-boxed view of the address.

The caregiver learns only whether a position was in range, never a distance: a distance answered
for a position the phone can choose would locate the home (issue 13). The distance is stored for
the supervisors who review the flags. A check-in more than CARECIRCLE_CHECKIN_WINDOW_MINUTES before
the booked slot or after it needs a reason and flags the visit; a check-out needs a check-in.

A flagged visit is kept as it was sent and waits for review; it is never dropped and never paid
before a supervisor accepts it (settlement.py holds it back)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.organisations import OrganisationKind, require_admin_or_staff
from carecircle.homecare import selectors
from carecircle.homecare.dispatch import DETOUR, travel_minutes
from carecircle.homecare.models import ExceptionKind, Order, OrderStatus, Visit, VisitCheck, VisitException
from carecircle.workforce.selectors import caregiver_for_user

ADDRESS_BEFORE, ADDRESS_AFTER = (
    selectors.ADDRESS_BEFORE,
    selectors.ADDRESS_AFTER,
)  # the window's one definition
CLOCK_SKEW = datetime.timedelta(minutes=10)
OPEN_VISIT_LIMIT = datetime.timedelta(hours=12)  # a visit never checked out stops counting after this


def distance_m(lat1, lng1, lat2, lng2) -> float | None:
    if None in (lat1, lng1, lat2, lng2):
        return None
    # travel_minutes at 60 km/h is kilometres × DETOUR; undo the detour for the straight line.
    return float(travel_minutes(lat1, lng1, lat2, lng2, 60.0)) / DETOUR * 1000


def _own_visit(actor, order: Order) -> Visit:
    caregiver = caregiver_for_user(actor)
    if caregiver is None or order.caregiver_id != caregiver.pk:
        raise NotFound()
    visit = Visit.objects.select_for_update().filter(order=order).first()
    if visit is None:
        raise Conflict(_("订单尚未接单，不能签到签退"), field="status")
    return visit


def _check_position(latitude, longitude, accuracy_m) -> tuple[float, float, float]:
    try:
        lat, lng, acc = float(latitude), float(longitude), float(accuracy_m or 0)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("定位数据格式不正确"), field="latitude") from exc
    if not (-90 <= lat <= 90):
        raise InvalidInput(_("纬度超出范围"), field="latitude")
    if not (-180 <= lng <= 180):
        raise InvalidInput(_("经度超出范围"), field="longitude")
    if acc < 0:
        raise InvalidInput(_("定位精度不能为负"), field="accuracy_m")
    return lat, lng, acc


def _check_time(at, now) -> datetime.datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        raise InvalidInput(_("时间须带时区"), field="at")
    if at > now + CLOCK_SKEW:
        raise InvalidInput(_("签到签退时间不能晚于当前时间"), field="at")
    if at < now - datetime.timedelta(days=2):
        raise InvalidInput(_("签到签退须在服务后两天内补录"), field="at")
    return at


def _flag(visit: Visit, kind: str, **detail) -> VisitException:
    exc, created = VisitException.objects.get_or_create(
        visit=visit, kind=kind, defaults={"region_code": visit.region_code, "detail": detail}
    )
    if not created and exc.status == VisitException.Status.OPEN:
        exc.detail = {**exc.detail, **detail}
        exc.save(update_fields=["detail"])
    return exc


def _existing(key: str, order: Order, kind: str) -> VisitCheck | None:
    found = VisitCheck.objects.filter(idempotency_key=key).select_related("visit").first()
    if found is None:
        return None
    if found.visit.order_id != order.pk or found.kind != kind:
        raise Conflict(_("该幂等键已用于另一次签到签退"), field="idempotency_key")
    return found


def _overlaps(visit: Visit) -> None:
    """Flag this visit and every visit of the same caregiver whose verified time overlaps it."""
    if visit.check_in_at is None:
        return  # a check-out without check-in has no verified interval (flagged on its own)
    start = visit.check_in_at
    end = visit.check_out_at or start + datetime.timedelta(minutes=1)
    others = (
        Visit.objects.filter(caregiver_id=visit.caregiver_id)
        .exclude(pk=visit.pk)
        .filter(
            Q(check_in_at__lt=end)
            & (
                Q(check_out_at__gt=start)
                | Q(check_out_at__isnull=True, check_in_at__gt=start - OPEN_VISIT_LIMIT)
            )
        )
    )
    for other in others:
        _flag(visit, ExceptionKind.OVERLAP, other_visit=other.pk, other_order=other.order_id)
        _flag(other, ExceptionKind.OVERLAP, other_visit=visit.pk, other_order=visit.order_id)


def _within(order: Order, dist: float | None, accuracy: float) -> bool | None:
    """Whether a position counts as at the address (None: the order has no coordinates). The
    reported accuracy is given the benefit of the doubt: GPS noise must not punish the carer."""
    if dist is None or dist < 0:
        return None
    return dist - accuracy <= selectors.policy_for(order.region_code).evv_max_distance_m


def check_result(check: VisitCheck) -> dict:
    """What the caregiver is told about a check-in or check-out: in range or not, and whether the
    visit waits for a supervisor's review. Never the distance."""
    visit = check.visit
    return {
        "id": check.pk,
        "kind": check.kind,
        "at": check.at,
        "in_range": _within(visit.order, check.distance_m, check.accuracy_m),
        "needs_review": visit.exceptions.filter(status=VisitException.Status.OPEN).exists(),
    }


def check_note(check: VisitCheck) -> str:
    """The caregiver's one line about a check: in range or not, flagged or not."""
    result = check_result(check)
    if result["in_range"] is False:
        return _("定位不在服务地址范围内，本次服务已转交审核")
    if result["needs_review"]:
        return _("本次服务已转交审核")
    return _("定位在服务范围内") if result["in_range"] else ""


def visit_ranges(visit: Visit) -> dict:
    """{"in": …, "out": …}: whether each check was in range (None: not made, or no coordinates)."""
    checks = {c.kind: c for c in visit.checks.all()}
    return {
        which: _within(visit.order, checks[kind].distance_m, checks[kind].accuracy_m)
        if kind in checks
        else None
        for which, kind in (("in", VisitCheck.Kind.IN), ("out", VisitCheck.Kind.OUT))
    }


def checkin_window(order: Order) -> tuple[datetime.datetime, datetime.datetime]:
    """When a check-in needs no reason: the booked slot with CARECIRCLE_CHECKIN_WINDOW_MINUTES
    either side."""
    margin = datetime.timedelta(minutes=settings.CARECIRCLE_CHECKIN_WINDOW_MINUTES)
    return order.window_start - margin, order.window_end + margin


@dataclass(frozen=True, slots=True)
class CaregiverFlag:
    """One flag on a visit as the caregiver's phone shows it: what it is, and for a check-in
    outside the window its facts (how early or late, their own reason); never a distance."""

    label: str
    detail: str


def caregiver_flags(order: Order) -> list[CaregiverFlag]:
    """The visit's flags still waiting for a supervisor's review, for the caregiver."""
    flags = VisitException.objects.filter(visit__order=order, status=VisitException.Status.OPEN).order_by(
        "id"
    )
    return [
        CaregiverFlag(
            label=str(exc.get_kind_display()),
            detail=exc.summary() if exc.kind == ExceptionKind.OFF_WINDOW else "",
        )
        for exc in flags
    ]


def _off_window(order: Order, at: datetime.datetime, reason: str) -> dict | None:
    """None when `at` lies in the check-in window; else the flag's detail. Without a reason the
    check-in is refused, nothing is written."""
    opens, closes = checkin_window(order)
    if opens <= at <= closes:
        return None
    if not reason:
        raise InvalidInput(
            _("签到时间不在预约时段前后%(m)s分钟内，请填写原因")
            % {"m": settings.CARECIRCLE_CHECKIN_WINDOW_MINUTES},
            field="reason",
        )
    early = at < opens
    minutes = round(((order.window_start - at) if early else (at - order.window_end)).total_seconds() / 60)
    return {"at": at.isoformat(), "early_minutes" if early else "late_minutes": minutes, "reason": reason}


def _far(visit: Visit, order: Order, which: str, dist: float | None, accuracy: float) -> None:
    policy = selectors.policy_for(order.region_code)
    if dist is not None and _within(order, dist, accuracy) is False:
        _flag(
            visit,
            ExceptionKind.FAR,
            **{
                f"{which}_distance_m": round(dist),
                f"{which}_accuracy_m": accuracy,
                "limit_m": policy.evv_max_distance_m,
            },
        )


def _record(visit, kind, at, lat, lng, acc, dist, key) -> VisitCheck:
    try:
        with transaction.atomic():
            return VisitCheck.objects.create(
                visit=visit,
                kind=kind,
                at=at,
                latitude=lat,
                longitude=lng,
                accuracy_m=acc,
                distance_m=dist if dist is not None else -1,
                idempotency_key=key,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("本次服务已签到") if kind == VisitCheck.Kind.IN else _("本次服务已签退"), field="kind"
        ) from exc


@transaction.atomic
def visit_check_in(
    *,
    actor,
    order: Order,
    latitude,
    longitude,
    idempotency_key: str,
    accuracy_m=0,
    at=None,
    now=None,
    reason: str = "",
    request=None,
) -> VisitCheck:
    key = (idempotency_key or "").strip()[:80]
    if not key:
        raise InvalidInput(_("缺少幂等键"), field="idempotency_key")
    found = _existing(key, order, VisitCheck.Kind.IN)
    if found is not None:
        return found  # the same submission again: nothing new
    order = Order.objects.select_for_update().get(pk=order.pk)  # the current state, whatever the caller holds
    visit = _own_visit(actor, order)
    if not selectors.action_open(order, selectors.OrderAction.CHECK_IN):
        raise Conflict(_("订单当前状态不能签到"), field="status")
    now = now or timezone.now()
    at = _check_time(at, now)
    lat, lng, acc = _check_position(latitude, longitude, accuracy_m)
    reason = (reason or "").strip()[:200]
    off_window = _off_window(order, at, reason)
    dist = distance_m(lat, lng, order.latitude, order.longitude)
    check = _record(visit, VisitCheck.Kind.IN, at, lat, lng, acc, dist, key)
    visit.check_in_at, visit.check_in_lat, visit.check_in_lng, visit.check_in_distance_m = at, lat, lng, dist
    visit.check_in_reason = reason
    visit.save(
        update_fields=[
            "check_in_at",
            "check_in_lat",
            "check_in_lng",
            "check_in_distance_m",
            "check_in_reason",
        ]
    )
    order.status = OrderStatus.IN_SERVICE
    order.save(update_fields=["status"])
    if off_window is not None:
        _flag(visit, ExceptionKind.OFF_WINDOW, **off_window)
    _far(visit, order, "check_in", dist, acc)
    _overlaps(visit)
    audit.record(
        actor=actor,
        action=AuditAction.VISIT_CHECK_IN,
        obj=visit,
        request=request,
        order_id=order.pk,
        distance_m=round(dist) if dist is not None else None,
    )
    return check


@transaction.atomic
def visit_check_out(
    *,
    actor,
    order: Order,
    latitude,
    longitude,
    idempotency_key: str,
    accuracy_m=0,
    at=None,
    now=None,
    request=None,
) -> VisitCheck:
    key = (idempotency_key or "").strip()[:80]
    if not key:
        raise InvalidInput(_("缺少幂等键"), field="idempotency_key")
    found = _existing(key, order, VisitCheck.Kind.OUT)
    if found is not None:
        return found
    order = Order.objects.select_for_update().select_related("item").get(pk=order.pk)
    visit = _own_visit(actor, order)
    if not selectors.action_open(order, selectors.OrderAction.CHECK_OUT):
        if order.status == OrderStatus.ACCEPTED:  # the table opens check-out only after check-in
            raise Conflict(_("尚未签到，不能签退：请先签到"), field="status")
        raise Conflict(_("订单当前状态不能签退"), field="status")
    if visit.check_in_at is None:
        raise Conflict(_("尚未签到，不能签退：请先签到"), field="kind")
    now = now or timezone.now()
    at = _check_time(at, now)
    if at < visit.check_in_at:
        raise InvalidInput(_("签退时间不能早于签到时间"), field="at")
    lat, lng, acc = _check_position(latitude, longitude, accuracy_m)
    dist = distance_m(lat, lng, order.latitude, order.longitude)
    check = _record(visit, VisitCheck.Kind.OUT, at, lat, lng, acc, dist, key)
    visit.check_out_at, visit.check_out_lat, visit.check_out_lng, visit.check_out_distance_m = (
        at,
        lat,
        lng,
        dist,
    )
    visit.save(update_fields=["check_out_at", "check_out_lat", "check_out_lng", "check_out_distance_m"])
    order.status = OrderStatus.SERVED
    order.save(update_fields=["status"])
    policy = selectors.policy_for(order.region_code)
    needed = float(order.item.duration_minutes) * float(policy.evv_min_duration_ratio)
    minutes = visit.minutes
    if minutes is not None and minutes < needed:
        _flag(visit, ExceptionKind.SHORT, minutes=round(minutes, 1), needed=round(needed, 1))
    _far(visit, order, "check_out", dist, acc)
    _overlaps(visit)
    audit.record(
        actor=actor,
        action=AuditAction.VISIT_CHECK_OUT,
        obj=visit,
        request=request,
        order_id=order.pk,
        minutes=round(visit.minutes, 1) if visit.minutes is not None else None,
    )
    return check


@transaction.atomic
def exception_review(
    *, actor, exception: VisitException, accept: bool, reason: str, request=None
) -> VisitException:
    """A supervisor (the provider's admin, or street/district staff) accepts or rejects with a reason."""
    exception = VisitException.objects.select_for_update().select_related("visit__order").get(pk=exception.pk)
    order = exception.visit.order
    require_admin_or_staff(
        actor,
        kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=order.provider_id,
        perm="homecare.review",
        region_code=order.region_code,
    )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写审核意见"), field="reason")
    if exception.status != VisitException.Status.OPEN:
        raise Conflict(_("该异常已审核"), field="status")
    exception.status = VisitException.Status.ACCEPTED if accept else VisitException.Status.REJECTED
    exception.reason, exception.reviewed_by, exception.reviewed_at = reason[:200], actor, timezone.now()
    exception.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.VISIT_EXCEPTION_REVIEW,
        obj=exception,
        request=request,
        accept=accept,
        kind=exception.kind,
        order_id=order.pk,
    )
    return exception


address_window = selectors.address_window


def order_address_reveal(*, actor, order: Order, now=None, request=None) -> str:
    """The full address for the caregiver dispatched to the order, only around the visit window;
    every reveal is audited."""
    order = Order.objects.get(pk=order.pk)  # the current status and the address, decrypted by the field
    if not selectors.is_order_caregiver(actor, order):
        raise NotFound()
    if selectors.OrderAction.ADDRESS not in selectors.order_actions(actor, order, now=now):
        raise Forbidden(_("仅在已接单服务的时段内可查看地址"))
    plain = order.address
    audit.record(
        actor=actor,
        action=AuditAction.PII_UNMASK,
        obj=order,
        request=request,
        purpose=_("上门服务"),
        field="address",
    )
    return plain
