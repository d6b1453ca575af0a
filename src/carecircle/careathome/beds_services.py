"""Writes of family care beds (家庭养老床位): the contract between a home-care provider (optionally
running the bed for a facility, whose capacity counts it as a home bed) and an older person at home,
its monitoring devices (registered through alarms.services.device_register, so that their alarms
route as every other device's), its end, and the periodic check that raises one warning per
scheduled home visit no verified home-care visit met.

Eligibility is the benefits programme `family_bed` (beds_reference.py), evaluated by the benefits
module. Seeds: Hechuan 二(七) (家庭养老床位, 困难半失能), Jiaxing 二(二)5 (家庭养老床位 pilots),
Hangzhou 三(一)3 (家庭养老床位和家庭病床"两床"融合)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome import beds_reference
from carecircle.careathome.beds_selectors import APPLY, VERIFIED, eligibility
from carecircle.careathome.models.beds import BedDevice, BedStatus, FamilyBed, MissedVisit
from carecircle.careathome.models.homes import AdaptationCase
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

SECOND_BED = "该老人已有服务中的家庭养老床位，不能重复建床：%(n)s"


def _second_bed(person: Person) -> Conflict:
    return Conflict(_(SECOND_BED) % {"n": person.name}, field="person")


@transaction.atomic
def bed_contract(
    *,
    actor: Actor,
    person: Person,
    provider: Any,
    facility: Any = None,
    visit_every_days: int,
    assessment_note: str,
    starts_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> FamilyBed:
    """Sign a family bed for `person` with `provider` (a homecare Provider serving the person's
    community; `facility`, when given, is the facility whose capacity the bed counts in). Refused:
    a person the rule does not admit (with the rule in words), a second active bed, a provider that
    does not serve the community, no home assessment, a visit schedule not on the list."""
    from carecircle.homecare import selectors as homecare  # noqa: PLC0415 — the other module's reads

    scope.require(actor, APPLY, person.region_code)
    day = timezone.localdate()
    starts_on = starts_on or day
    note = (assessment_note or "").strip()
    if not note:
        raise InvalidInput(_("请填写入户评估意见"), field="assessment_note")
    try:
        every = int(visit_every_days)
    except (TypeError, ValueError):
        every = 0
    if every not in dict(beds_reference.VISIT_EVERY):
        raise InvalidInput(_("请选择上门服务频次"), field="visit_every_days")
    if provider is None or not getattr(provider, "active", False):
        raise InvalidInput(_("请选择正常经营的服务机构"), field="provider")
    if not homecare.serves(provider, person.region_code):
        raise InvalidInput(_("服务机构“%(p)s”不在该老人所在社区提供服务") % {"p": provider}, field="provider")
    if facility is not None and not person.region_code.startswith(getattr(facility, "region_code", "")[:6]):
        raise InvalidInput(
            _("养老机构“%(f)s”不在该老人所在区县，床位不能计入其床位数") % {"f": facility},
            field="facility",
        )
    if FamilyBed.objects.filter(person=person, status=BedStatus.ACTIVE).exists():
        raise _second_bed(person)
    ok, conditions, tier, amount = eligibility(person, starts_on)
    if not ok:
        raise InvalidInput(
            _("%(n)s 不符合家庭养老床位条件（%(r)s）") % {"n": person.name, "r": conditions},
            field="person",
        )
    case = AdaptationCase.objects.filter(person=person).order_by("-applied_on", "-id").first()
    try:
        with transaction.atomic():
            bed = FamilyBed.objects.create(
                person=person,
                region_code=person.region_code,
                provider=provider,
                facility=facility,
                tier=tier,
                monthly_subsidy=amount if isinstance(amount, Decimal) else Decimal(str(amount)),
                assessment_note=note[:500],
                adaptation_case=case,
                visit_every_days=every,
                starts_on=starts_on,
                created_by=actor if signed_in(actor) else None,
            )
    except IntegrityError:  # a second bed signed at the same moment
        raise _second_bed(person) from None
    audit.record(actor=actor, action=AuditAction.FAMILY_BED_CONTRACT, obj=bed, request=request, tier=tier)
    return bed


@transaction.atomic
def bed_device_add(
    *,
    actor: Actor,
    bed: FamilyBed,
    kind: str,
    serial: str,
    location: str = "",
    request: HttpRequest | None = None,
) -> BedDevice:
    """Register a monitoring device (门磁、智能床垫、一键呼叫、烟感) for the bed's person through the
    alarms module, so that its alarms reach the call centre as every device's do."""
    from carecircle.alarms import services as alarms  # noqa: PLC0415 — the other module's writes

    scope.require(actor, APPLY, bed.region_code)
    if bed.status != BedStatus.ACTIVE:
        raise Conflict(_("床位已终止，不能再登记设备"), field="status")
    if kind not in beds_reference.DEVICE_KINDS:
        raise InvalidInput(_("未知的设备类型：%(k)s") % {"k": kind}, field="kind")
    device, _token = alarms.device_register(
        actor=actor, person=bed.person, kind=kind, serial=serial, location=location, request=request
    )
    link = BedDevice.objects.create(bed=bed, device=device)
    audit.record(
        actor=actor, action=AuditAction.FAMILY_BED_DEVICE, obj=bed, request=request, kind=kind, serial=serial
    )
    return link


@transaction.atomic
def bed_end(*, actor: Actor, bed: FamilyBed, reason: str, request: HttpRequest | None = None) -> FamilyBed:
    scope.require(actor, APPLY, bed.region_code)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写终止原因"), field="reason")
    bed = FamilyBed.objects.select_for_update().get(pk=bed.pk)
    if bed.status != BedStatus.ACTIVE:
        raise Conflict(_("床位已终止"), field="status")
    bed.status, bed.ended_on, bed.end_reason = BedStatus.ENDED, timezone.localdate(), reason[:200]
    bed.save(update_fields=["status", "ended_on", "end_reason"])
    audit.record(actor=actor, action=AuditAction.FAMILY_BED_END, obj=bed, request=request, reason=reason)
    return bed


def _verified_days(bed: FamilyBed, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """The days of the person's verified home-care visits by the bed's provider in [start, end]
    (homecare's orders served or completed, read through the provider's orders)."""
    orders = bed.provider.orders.filter(
        person_id=bed.person_id,
        status__in=VERIFIED,
        window_start__date__gte=start,
        window_start__date__lte=end,
    )
    return {timezone.localdate(w) for w in orders.values_list("window_start", flat=True)}


def missed_visits_check(*, today: datetime.date | None = None) -> int:
    """Raise one warning (MissedVisit) for each of the beds' visit periods that ended before `today`
    without a verified visit. Periods run every `visit_every_days` from the bed's start; a warning
    already raised is not raised again (unique per bed and period). Returns the warnings raised."""
    today = today or timezone.localdate()
    raised = 0
    for bed in FamilyBed.objects.select_related("provider").filter(starts_on__lt=today):
        last = min(today - datetime.timedelta(days=1), bed.ended_on or today)
        step = datetime.timedelta(days=bed.visit_every_days)
        done = set(MissedVisit.objects.filter(bed=bed).values_list("due_on", flat=True))
        days = _verified_days(bed, bed.starts_on, last)
        start = bed.starts_on
        while start + step - datetime.timedelta(days=1) <= last:
            end = start + step - datetime.timedelta(days=1)
            if start not in done and not any(start <= d <= end for d in days):
                _, created = MissedVisit.objects.get_or_create(
                    bed=bed, due_on=start, defaults={"period_end": end, "region_code": bed.region_code}
                )
                raised += int(created)
            start += step
    return raised
