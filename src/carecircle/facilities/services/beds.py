"""The bed register: beds added to a facility, admissions and discharges."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carecircle.core import audit, suspension
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor
from carecircle.facilities.models import Bed, BedKind, Facility, FilingStatus, Stay
from carecircle.facilities.selectors import require_facility
from carecircle.registry.models import Person
from carecircle.registry.selectors import person_age

# ------------------------------------------------------------------ beds and stays


@transaction.atomic
def beds_add(
    *,
    actor: Actor,
    facility: Facility,
    kind: str,
    count: int,
    prefix: str = "",
    request: HttpRequest | None = None,
) -> list[Bed]:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    require_facility(actor, "facilities.beds", facility)
    if kind not in BedKind.values:
        raise InvalidInput(_("未知的床位类型：%(k)s") % {"k": kind}, field="kind")
    if not 1 <= int(count) <= 2000:
        raise InvalidInput(_("一次登记 1–2000 张床位"), field="count")
    declared = getattr(facility, f"beds_{kind}")
    registered = Bed.objects.filter(facility=facility, kind=kind, active=True).count()
    if registered + count > declared:
        raise InvalidInput(
            _("登记后%(k)s将达 %(n)d 张，超过备案的 %(d)d 张")
            % {"k": BedKind(kind).label, "n": registered + count, "d": declared},
            field="count",
        )
    start = Bed.objects.filter(facility=facility).count() + 1
    prefix = (prefix or {"general": "A", "nursing": "N", "cognitive": "C"}[kind])[:8]
    beds = [
        Bed(facility=facility, region_code=facility.region_code, code=f"{prefix}{start + i:04d}", kind=kind)
        for i in range(count)
    ]
    try:
        with transaction.atomic():
            Bed.objects.bulk_create(beds)
    except IntegrityError:
        raise Conflict(_("床位号重复，请换一个前缀"), field="prefix") from None
    audit.record(
        actor=actor, action=AuditAction.BEDS_ADD, obj=facility, request=request, kind=kind, count=count
    )
    return beds


def free_beds(facility: Facility, kind: str) -> QuerySet[Bed]:
    """The facility's beds of `kind` in use that no one lives in and no open offer holds, by code."""
    taken = Stay.objects.filter(facility=facility, discharged_on__isnull=True).values("bed_id")
    offered = Bed.objects.filter(facility=facility, offers__response="open").values("id")
    return (
        Bed.objects.filter(facility=facility, kind=kind, active=True)
        .exclude(pk__in=taken)
        .exclude(pk__in=offered)
        .order_by("code")
    )


def free_bed(facility: Facility, kind: str) -> Bed | None:
    return free_beds(facility, kind).first()


@transaction.atomic
def stay_admit(
    *,
    actor: Actor,
    facility: Facility,
    person: Person,
    day: datetime.date,
    bed: Bed | None = None,
    kind: str = BedKind.GENERAL,
    request: HttpRequest | None = None,
    _checked: bool = False,
) -> Stay:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not _checked:
        require_facility(actor, "facilities.beds", facility)
    if facility.status != FilingStatus.FILED:
        raise Conflict(_("设施未备案运营，不能办理入住"))
    why = suspension.suspended("facility", [facility.pk]).get(facility.pk)
    if why:
        raise Conflict(why)
    if person_age(person, day) < 60:
        raise InvalidInput(_("入住人员应为60周岁及以上老年人"), field="person")
    if bed is None:
        bed = free_bed(facility, kind)
        if bed is None:
            raise Conflict(_("没有空余的%(k)s") % {"k": BedKind(kind).label}, field="bed")
    elif bed.facility_id != facility.pk:
        raise InvalidInput(_("床位不属于该设施"), field="bed")
    try:
        with transaction.atomic():
            stay = Stay.objects.create(
                facility=facility, bed=bed, person=person, region_code=facility.region_code, admitted_on=day
            )
    except IntegrityError:
        if Stay.objects.filter(person=person, discharged_on__isnull=True).exists():
            raise Conflict(_("此人已在某机构入住，请先办理离院"), field="person") from None
        raise Conflict(_("床位 %(b)s 已有人入住") % {"b": bed.code}, field="bed") from None
    audit.record(
        actor=actor,
        action=AuditAction.STAY_ADMIT,
        obj=facility,
        request=request,
        stay=stay.pk,
        person=person.pk,
        bed=bed.code,
    )
    return stay


@transaction.atomic
def stay_discharge(
    *, actor: Actor, stay: Stay, day: datetime.date, reason: str, request: HttpRequest | None = None
) -> Stay:
    stay = Stay.objects.select_for_update().select_related("facility").get(pk=stay.pk)
    require_facility(actor, "facilities.beds", stay.facility)
    if stay.discharged_on is not None:
        raise Conflict(_("已于 %(d)s 离院") % {"d": stay.discharged_on})
    if day < stay.admitted_on:
        raise InvalidInput(_("离院日期不能早于入住日期"), field="day")
    if not (reason or "").strip():
        raise InvalidInput(_("请填写离院原因"), field="reason")
    stay.discharged_on, stay.discharge_reason = day, reason.strip()[:100]
    stay.save(update_fields=["discharged_on", "discharge_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.STAY_DISCHARGE,
        obj=stay.facility,
        request=request,
        stay=stay.pk,
        reason=reason,
    )
    return stay
