"""Writes to the workforce register: workers and their certificates. An employer's admin manages
their own staff; officials with workforce.manage manage any in their region and verify certificates
(a staff member with evidence). The roster is in services_roster.py, expiry warnings in notices.py,
the Excel import in imports.py (all re-exported here)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.limits import check_coordinates
from carecircle.core.models import Region
from carecircle.core.organisations import OPERATOR_KINDS, OrganisationKind
from carecircle.core.types import Actor
from carecircle.core.vault import blind_index, mask_id_number, mask_phone
from carecircle.facilities.selectors import facility_locked
from carecircle.workforce.models import (
    EMPLOYER_KINDS,
    LEVELS,
    Caregiver,
    Certificate,
    CertificateKind,
    WorkerRole,
)
from carecircle.workforce.selectors import require_employer_or_staff

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carecircle.core.models import User


def _require_manage(
    actor: Actor, organisation_id: int, region_code: str, kind: str = OrganisationKind.HOMECARE_PROVIDER
) -> None:
    require_employer_or_staff(
        actor,
        employer_kind=kind,
        organisation_id=organisation_id,
        perm="workforce.manage",
        region_code=region_code,
    )


def _overlaps(start: datetime.date, end: datetime.date | None) -> Q:
    """Employments whose period meets [start, end] (end None: open)."""
    q = Q(employed_to__isnull=True) | Q(employed_to__gte=start)
    return q & Q(employed_from__lte=end) if end is not None else q


def _one_employer_per_role(
    id_index: str, role: str, start: datetime.date, end: datetime.date | None, exclude: int | None = None
) -> None:
    """A person may not hold `role` at two employers at once (issue 21 "Bad input")."""
    same = Caregiver.objects.select_for_update().filter(_overlaps(start, end), id_index=id_index, role=role)
    clash = (same.exclude(pk=exclude) if exclude is not None else same).first()
    if clash is not None:
        raise Conflict(_busy(clash), field="id_number")


def _id_number(raw: str) -> str:
    """A valid 18-character resident ID number (GB 11643: a real birth date, the check digit), or ""
    for none. The place code is not looked up: the synthetic city's districts are in no table."""
    text = "".join((raw or "").split()).upper()
    if not text:
        return ""
    masked = mask_id_number(text)
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise InvalidInput(_("身份证号应为18位（末位可为X）：%(v)s") % {"v": masked}, field="id_number")
    try:
        ric.get_birth_date(text)
    except stdnum_errors.ValidationError as exc:
        raise InvalidInput(_("身份证号中的出生日期不存在：%(v)s") % {"v": masked}, field="id_number") from exc
    if text[17] != ric.calc_check_digit(text):
        raise InvalidInput(_("身份证号校验位错误：%(v)s") % {"v": masked}, field="id_number")
    return text


def _busy(clash: Caregiver) -> str:
    return _("此人已在其他单位担任%(role)s（%(from)s起在职），同一岗位不能同时受雇于两家单位") % {
        "role": clash.get_role_display(),
        "from": clash.employed_from.isoformat(),
    }


@transaction.atomic
def worker_register(
    *,
    actor: Actor,
    organisation_id: int,
    region_code: str,
    name: str,
    employed_from: datetime.date,
    employer_kind: str = OrganisationKind.HOMECARE_PROVIDER,
    role: str = WorkerRole.HOME_CAREGIVER,
    employed_to: datetime.date | None = None,
    id_number: str = "",
    phone: str = "",
    unit_id: int | None = None,
    user: User | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    request: HttpRequest | None = None,
) -> Caregiver:
    """Enter one worker (one employment) in the register."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("姓名不能为空"), field="name")
    if employer_kind not in EMPLOYER_KINDS:
        raise InvalidInput(_("未知的用人单位类别：%(k)s") % {"k": employer_kind}, field="employer_kind")
    if role not in WorkerRole.values:
        raise InvalidInput(_("未知的岗位：%(r)s") % {"r": role}, field="role")
    if not Region.objects.filter(code=region_code).exists():
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": region_code}, field="region_code")
    if not organisation_id:
        raise InvalidInput(_("请选择所属机构"), field="organisation_id")
    if employed_to is not None and employed_to < employed_from:
        raise InvalidInput(_("离职日期不能早于入职日期"), field="employed_to")
    _require_manage(actor, organisation_id, region_code, employer_kind)
    if unit_id is not None:
        _check_unit(unit_id, employer_kind, organisation_id)
    phone = (phone or "").strip()
    if phone and (not phone.replace("-", "").isdigit() or len(phone) < 7):
        raise InvalidInput(_("电话号码格式不正确：%(v)s") % {"v": phone}, field="phone")
    number = _id_number(id_number)
    index = blind_index(number) if number else ""
    if index:
        _one_employer_per_role(index, role, employed_from, employed_to)
    if user is not None and Caregiver.objects.filter(user=user).exists():
        raise Conflict(_("该账号已关联护理员"), field="user")
    latitude, longitude = check_coordinates(latitude, longitude)
    try:
        with transaction.atomic():
            caregiver = Caregiver.objects.create(
                employer_kind=employer_kind,
                organisation_id=organisation_id,
                unit_id=unit_id,
                role=role,
                region_code=region_code,
                name=name,
                id_number=number,
                id_number_masked=mask_id_number(number),
                id_index=index,
                phone=phone,
                phone_masked=mask_phone(phone),
                user=user,
                employed_from=employed_from,
                employed_to=employed_to,
                latitude=latitude,
                longitude=longitude,
            )
    except IntegrityError as exc:  # a concurrent registration of the same person in the same role
        raise Conflict(
            _("此人已在其他单位担任该岗位，同一岗位不能同时受雇于两家单位"), field="id_number"
        ) from exc
    audit.record(
        actor=actor,
        action=AuditAction.CAREGIVER_CREATE,
        obj=caregiver,
        request=request,
        organisation_id=organisation_id,
        employer_kind=employer_kind,
        role=role,
    )
    return caregiver


def _check_unit(unit_id: int, employer_kind: str, organisation_id: int) -> None:
    """The unit must be a facility of the employing operator (home-care providers have none)."""
    if employer_kind not in OPERATOR_KINDS:
        raise InvalidInput(_("居家养老服务机构的人员不填写工作场所"), field="unit_id")
    try:
        facility = facility_locked(unit_id)
    except ObjectDoesNotExist as exc:
        raise InvalidInput(_("工作场所不存在：%(id)s") % {"id": unit_id}, field="unit_id") from exc
    if facility.operator_id != organisation_id:
        raise InvalidInput(_("工作场所不属于该用人单位"), field="unit_id")


@transaction.atomic
def caregiver_create(
    *,
    actor: Actor,
    organisation_id: int,
    region_code: str,
    name: str,
    employed_from: datetime.date,
    phone: str = "",
    id_number: str = "",
    user: User | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    request: HttpRequest | None = None,
) -> Caregiver:
    """A home-care provider's caregiver (the register's home-care role)."""
    return worker_register(
        actor=actor,
        organisation_id=organisation_id,
        region_code=region_code,
        name=name,
        employed_from=employed_from,
        phone=phone,
        id_number=id_number,
        user=user,
        latitude=latitude,
        longitude=longitude,
        request=request,
    )


@transaction.atomic
def caregiver_leave(
    *, actor: Actor, caregiver: Caregiver, day: datetime.date, request: HttpRequest | None = None
) -> Caregiver:
    _require_manage(actor, caregiver.organisation_id, caregiver.region_code, caregiver.employer_kind)
    if day < caregiver.employed_from:
        raise InvalidInput(_("离职日期不能早于入职日期"), field="day")
    caregiver.employed_to = day
    caregiver.save(update_fields=["employed_to"])
    audit.record(
        actor=actor, action=AuditAction.CAREGIVER_LEAVE, obj=caregiver, request=request, day=day.isoformat()
    )
    return caregiver


def check_certificate(
    *, kind: str, level: int | None, valid_from: datetime.date, valid_to: datetime.date | None
) -> None:
    """A known kind, a level the kind has (LEVELS; none for licences and 健康证), a possible period."""
    if kind not in CertificateKind.values:
        raise InvalidInput(_("未知的证书类别：%(k)s") % {"k": kind}, field="kind")
    levels = LEVELS.get(kind, ())
    if kind == CertificateKind.ELDER_CARE and level is None:
        raise InvalidInput(_("养老护理员证书须填写等级（1-5）"), field="level")
    if level is not None and level not in levels:
        label = CertificateKind(kind).label
        if not levels:
            raise InvalidInput(_("%(k)s没有等级，请不要填写等级") % {"k": label}, field="level")
        raise InvalidInput(
            _("%(k)s的等级应为%(a)d-%(b)d，不能为%(v)s")
            % {"k": label, "a": levels[0], "b": levels[-1], "v": level},
            field="level",
        )
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("有效期止不能早于有效期起"), field="valid_to")


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
    _require_manage(actor, caregiver.organisation_id, caregiver.region_code, caregiver.employer_kind)
    check_certificate(kind=kind, level=level, valid_from=valid_from, valid_to=valid_to)
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
        raise Conflict(_("该人员同类证书在此日期已登记"), field="valid_from") from exc
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


@transaction.atomic
def certificate_verify(
    *, actor: Actor, certificate: Certificate, evidence: str, request: HttpRequest | None = None
) -> Certificate:
    """A staff member (workforce.manage over the worker's region — not the employer) confirms the
    certificate against evidence (e.g. the issuer's online check number, the original seen)."""
    cert = Certificate.objects.select_for_update().select_related("caregiver").get(pk=certificate.pk)
    scope.require(actor, "workforce.manage", cert.region_code)
    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidInput(_("请填写核验依据（如发证机关查询结果、原件核对情况）"), field="evidence")
    if len(evidence) > 300:
        raise InvalidInput(_("核验依据不能超过300字"), field="evidence")
    if cert.verified_at is not None:
        shown = timezone.localtime(cert.verified_at).date().isoformat()
        raise Conflict(_("该证书已于%(t)s核验") % {"t": shown}, field="evidence")
    cert.verified_by = actor  # type: ignore[assignment]  # scope.require passed: a signed-in user
    cert.verified_at = timezone.now()
    cert.evidence = evidence
    cert.save(update_fields=["verified_by", "verified_at", "evidence"])
    audit.record(
        actor=actor, action=AuditAction.CERTIFICATE_VERIFY, obj=cert, request=request, evidence=evidence
    )
    return cert


# The roster's writes live in services_roster.py; other modules and the pages reach them here.
from carecircle.workforce.services_roster import shift_assign, shift_remove  # noqa: E402

__all__ = [
    "caregiver_create",
    "caregiver_leave",
    "certificate_add",
    "certificate_verify",
    "check_certificate",
    "shift_assign",
    "shift_remove",
    "worker_register",
]
