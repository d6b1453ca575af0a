"""Writes to the workforce: caregivers and their certificates. A provider admin manages the
caregivers of their own organisation; officials with workforce.manage manage any in their region."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.limits import check_coordinates
from carecircle.core.models import Region
from carecircle.core.organisations import OrganisationKind, require_admin_or_staff
from carecircle.core.types import Actor
from carecircle.core.vault import mask_phone
from carecircle.workforce.models import Caregiver, Certificate, CertificateKind, CertificateLevel

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carecircle.core.models import User


def _require_manage(actor: Actor, organisation_id: int, region_code: str) -> None:
    require_admin_or_staff(
        actor,
        kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=organisation_id,
        perm="workforce.manage",
        region_code=region_code,
    )


@transaction.atomic
def caregiver_create(
    *,
    actor: Actor,
    organisation_id: int,
    region_code: str,
    name: str,
    employed_from: datetime.date,
    phone: str = "",
    user: User | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    request: HttpRequest | None = None,
) -> Caregiver:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("姓名不能为空"), field="name")
    if not Region.objects.filter(code=region_code).exists():
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": region_code}, field="region_code")
    if not organisation_id:
        raise InvalidInput(_("请选择所属机构"), field="organisation_id")
    _require_manage(actor, organisation_id, region_code)
    phone = (phone or "").strip()
    if phone and (not phone.replace("-", "").isdigit() or len(phone) < 7):
        raise InvalidInput(_("电话号码格式不正确：%(v)s") % {"v": phone}, field="phone")
    if user is not None and Caregiver.objects.filter(user=user).exists():
        raise Conflict(_("该账号已关联护理员"), field="user")
    latitude, longitude = check_coordinates(latitude, longitude)
    caregiver = Caregiver.objects.create(
        organisation_id=organisation_id,
        region_code=region_code,
        name=name,
        phone=phone,
        phone_masked=mask_phone(phone),
        user=user,
        employed_from=employed_from,
        latitude=latitude,
        longitude=longitude,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CAREGIVER_CREATE,
        obj=caregiver,
        request=request,
        organisation_id=organisation_id,
    )
    return caregiver


@transaction.atomic
def caregiver_leave(
    *, actor: Actor, caregiver: Caregiver, day: datetime.date, request: HttpRequest | None = None
) -> Caregiver:
    _require_manage(actor, caregiver.organisation_id, caregiver.region_code)
    if day < caregiver.employed_from:
        raise InvalidInput(_("离职日期不能早于入职日期"), field="day")
    caregiver.employed_to = day
    caregiver.save(update_fields=["employed_to"])
    audit.record(
        actor=actor, action=AuditAction.CAREGIVER_LEAVE, obj=caregiver, request=request, day=day.isoformat()
    )
    return caregiver


@transaction.atomic
def certificate_add(
    *,
    actor: Actor,
    caregiver: Caregiver,
    kind: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    level: int | None = None,
    number: str = "",
    issuer: str = "",
    request: HttpRequest | None = None,
) -> Certificate:
    _require_manage(actor, caregiver.organisation_id, caregiver.region_code)
    if kind not in CertificateKind.values:
        raise InvalidInput(_("未知的证书类别：%(k)s") % {"k": kind}, field="kind")
    if kind == CertificateKind.ELDER_CARE:
        if level not in CertificateLevel.values:
            raise InvalidInput(_("养老护理员证书须填写等级（1-5）"), field="level")
    elif level is not None and level not in CertificateLevel.values:
        raise InvalidInput(_("等级应为1-5"), field="level")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("有效期止不能早于有效期起"), field="valid_to")
    try:
        with transaction.atomic():
            cert = Certificate.objects.create(
                caregiver=caregiver,
                region_code=caregiver.region_code,
                kind=kind,
                level=level,
                number=(number or "").strip(),
                issuer=(issuer or "").strip(),
                valid_from=valid_from,
                valid_to=valid_to,
            )
    except IntegrityError as exc:
        raise Conflict(_("该护理员同类证书在此日期已登记"), field="valid_from") from exc
    audit.record(
        actor=actor,
        action=AuditAction.CERTIFICATE_ADD,
        obj=cert,
        request=request,
        caregiver_id=caregiver.pk,
        kind=kind,
        level=level,
    )
    return cert
