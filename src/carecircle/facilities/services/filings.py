"""Operators, filings (new, change, closure) and their review: what a filing may set, the
documents it needs, and what approving it does to the facility."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, credit_standing, limits, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.models import Region
from carecircle.core.types import Actor
from carecircle.facilities import standards
from carecircle.facilities.models import (
    BED_KINDS,
    CHILDCARE_KINDS,
    Bed,
    BedKind,
    Facility,
    FacilityKind,
    Filing,
    FilingKind,
    FilingState,
    FilingStatus,
    Operator,
    Stay,
)
from carecircle.facilities.selectors import enrolled_children
from carecircle.facilities.services._access import _require_reach, _user

# ------------------------------------------------------------------ operators


@transaction.atomic
def operator_create(
    *,
    actor: Actor,
    name: str,
    credit_code: str,
    region_code: str,
    phone: str = "",
    request: HttpRequest | None = None,
) -> Operator:
    name, credit_code = (name or "").strip(), (credit_code or "").strip().upper()
    if not name:
        raise InvalidInput(_("运营主体名称不能为空"), field="name")
    if len(credit_code) != 18 or not credit_code.isalnum():
        raise InvalidInput(
            _("统一社会信用代码应为18位字母或数字：%(v)s") % {"v": credit_code}, field="credit_code"
        )
    region = _community(region_code)
    scope.require(actor, "facilities.review", region.code)
    try:
        with transaction.atomic():
            op = Operator.objects.create(
                name=name, credit_code=credit_code, region_code=region.code, phone=phone
            )
    except IntegrityError:
        raise Conflict(_("该统一社会信用代码已登记"), field="credit_code") from None
    audit.record(actor=actor, action=AuditAction.OPERATOR_CREATE, obj=op, request=request)
    return op


# ------------------------------------------------------------------ validation


def _community(code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=str(code or "").strip()).first()
    if region is None:
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": code}, field=field)
    if region.level != regions.COMMUNITY:
        raise InvalidInput(_("设施应登记到社区（村）一级：%(c)s") % {"c": code}, field=field)
    return region


def clean_values(kind: str, values: dict[str, Any], *, current: Facility | None = None) -> dict[str, Any]:
    """Validate the facility fields a filing sets; returns them cleaned. Every message names its field."""
    unknown = set(values) - standards.EDITABLE
    if unknown:
        raise InvalidInput(
            _("不可申报的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    out: dict[str, Any] = {}
    for field, value in values.items():
        if field in standards.TEXT_FIELDS:
            value = str(value or "").strip()
            if len(value) > standards.TEXT_FIELDS[field]:
                raise InvalidInput(
                    _("%(f)s 过长（最多 %(n)d 字）")
                    % {"f": _label(field), "n": standards.TEXT_FIELDS[field]},
                    field=field,
                )
        elif field in standards.INT_FIELDS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise InvalidInput(
                    _("%(f)s 应为整数：%(v)s") % {"f": _label(field), "v": value}, field=field
                ) from None
            if value < 0 or value > 100000:
                raise InvalidInput(
                    _("%(f)s 超出合理范围：%(v)s") % {"f": _label(field), "v": value}, field=field
                )
        elif field in standards.FLOAT_FIELDS:  # a facility's position: inside China, required
            check = limits.check_latitude if field == "latitude" else limits.check_longitude
            value = check(value, field)
            if value is None:
                raise InvalidInput(_("请填写%(f)s") % {"f": _label(field)}, field=field)
        elif field in standards.DECIMAL_FIELDS:
            value = limits.check_money(value, field, max_digits=standards.decimal_digits(field))
        elif field in standards.LIST_FIELDS:
            if isinstance(value, str):
                value = [s.strip() for s in value.replace("，", ",").replace("、", ",").split(",")]
            value = [str(s).strip()[:40] for s in (value or []) if str(s).strip()]
        out[field] = value
    merged = {f: getattr(current, f) for f in standards.EDITABLE} if current else {}
    merged.update(out)
    for required in ("name", "address"):
        if required in merged and not merged[required]:
            raise InvalidInput(_("%(f)s 不能为空") % {"f": _label(required)}, field=required)
    if kind not in BED_KINDS and any(merged.get(f) for f in standards.BED_FIELDS):
        raise InvalidInput(_("%(k)s 不设床位") % {"k": FacilityKind(kind).label}, field="beds_general")
    if kind not in CHILDCARE_KINDS and (
        merged.get("childcare_places") or merged.get("childcare_places_puhui")
    ):
        raise InvalidInput(_("%(k)s 不设托位") % {"k": FacilityKind(kind).label}, field="childcare_places")
    if (merged.get("childcare_places_puhui") or 0) > (merged.get("childcare_places") or 0):
        raise InvalidInput(_("普惠托位不能多于托位总数"), field="childcare_places_puhui")
    if current is not None and (out.get("childcare_places_puhui") or 0) > current.childcare_places_puhui:
        # Jiaxing 三(三): 监管结果与…政府补贴挂钩 — no more 普惠 places recognised while the grade withholds it
        refused = credit_standing.puhui_refusal("facility", current.pk)
        if refused is not None:
            raise InvalidInput(refused, field="childcare_places_puhui")
    return out


def _label(field: str) -> str:
    return standards.field_label(field)


def _documents(documents: dict[str, Any] | None) -> dict[str, str]:
    docs = {}
    for code, ref in (documents or {}).items():
        if code not in standards.DOCUMENTS:
            raise InvalidInput(_("未知的材料类别：%(c)s") % {"c": code}, field="documents")
        ref = str(ref or "").strip()
        if ref:
            docs[code] = ref[:200]
    return docs


def required_documents(filing: Filing) -> list[str]:
    facility = filing.facility
    if filing.kind == FilingKind.NEW:
        return list(standards.REQUIRED_FOR_NEW[facility.kind])
    if filing.kind == FilingKind.CHANGE:
        needed = []
        for field in filing.changes:
            for code in standards.REQUIRED_FOR_CHANGE.get(field, []):
                if code not in needed:
                    needed.append(code)
        return needed
    has_people = facility.beds_total or facility.childcare_places
    return ["closure_plan"] if has_people else []


def missing_documents(filing: Filing) -> list[str]:
    return [code for code in required_documents(filing) if not filing.documents.get(code)]


# ------------------------------------------------------------------ filing


@transaction.atomic
def facility_apply(
    *,
    actor: Actor,
    operator: Operator,
    kind: str,
    name: str,
    address: str,
    region_code: str,
    latitude: object,
    longitude: object,
    documents: dict[str, Any] | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    **fields: Any,
) -> Filing:
    """A provider applies to file a new facility: it is created as pending, with a NEW filing."""
    if kind not in FacilityKind.values:
        raise InvalidInput(_("未知的设施类型：%(k)s") % {"k": kind}, field="kind")
    region = _community(region_code)
    _require_reach(actor, "facilities.apply", region.code, operator.pk, kind)
    values = clean_values(
        kind, {"name": name, "address": address, "latitude": latitude, "longitude": longitude, **fields}
    )
    facility = Facility.objects.create(
        kind=kind, operator=operator, region_code=region.code, status=FilingStatus.PENDING, **values
    )
    filing = Filing.objects.create(
        facility=facility,
        region_code=facility.region_code,
        kind=FilingKind.NEW,
        changes=_jsonable(values),
        documents=_documents(documents),
        note=note[:300],
        submitted_by=_user(actor),
    )
    audit.record(
        actor=actor, action=AuditAction.FACILITY_APPLY, obj=facility, request=request, filing=filing.pk
    )
    return filing


@transaction.atomic
def filing_submit(
    *,
    actor: Actor,
    facility: Facility,
    kind: str,
    changes: dict[str, Any] | None = None,
    documents: dict[str, Any] | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Filing:
    """File a change or a closure of a filed facility, or resubmit a returned new filing."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _require_reach(actor, "facilities.apply", facility.region_code, facility.operator_id, facility.kind)
    changes = changes or {}
    if kind == FilingKind.NEW:
        if facility.status != FilingStatus.RETURNED:
            raise Conflict(_("只有被退回的新设备案可以重新提交"), field="kind")
        values = clean_values(facility.kind, changes, current=facility)
        for f, v in values.items():
            setattr(facility, f, v)
        facility.status = FilingStatus.PENDING
        facility.save()
        changes = values
    elif kind == FilingKind.CHANGE:
        if facility.status != FilingStatus.FILED:
            raise Conflict(_("只有已备案运营的设施可以申报变更"), field="kind")
        values = clean_values(facility.kind, changes, current=facility)
        changes = {f: v for f, v in values.items() if getattr(facility, f) != v}
        if not changes:
            raise InvalidInput(_("申报内容与现有备案信息相同"), field="changes")
    elif kind == FilingKind.CLOSURE:
        if facility.status != FilingStatus.FILED:
            raise Conflict(_("只有已备案运营的设施可以申报关闭"), field="kind")
        if not note.strip():
            raise InvalidInput(_("请说明关闭原因"), field="note")
        changes = {}
    else:
        raise InvalidInput(_("未知的备案类别：%(k)s") % {"k": kind}, field="kind")
    try:
        with transaction.atomic():
            filing = Filing.objects.create(
                facility=facility,
                region_code=facility.region_code,
                kind=kind,
                changes=_jsonable(changes),
                documents=_documents(documents),
                note=note[:300],
                submitted_by=_user(actor),
            )
    except IntegrityError:
        raise Conflict(_("该设施已有待审核的备案申请，请等待审核结果")) from None
    audit.record(
        actor=actor, action=AuditAction(f"filing.{kind}"), obj=facility, request=request, filing=filing.pk
    )
    return filing


@transaction.atomic
def filing_review(
    *,
    actor: Actor,
    filing: Filing,
    approve: bool,
    reasons: str = "",
    day: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Filing:
    """The official approves (all required documents present) or returns the filing with reasons."""
    filing = Filing.objects.select_for_update().select_related("facility").get(pk=filing.pk)
    facility = Facility.objects.select_for_update().get(pk=filing.facility_id)
    filing.facility = facility
    scope.require(actor, "facilities.review", facility.region_code)
    if filing.state != FilingState.PENDING:
        raise Conflict(_("该申请已审核（%(s)s）") % {"s": filing.get_state_display()})
    day = day or timezone.localdate()
    reasons = (reasons or "").strip()
    if approve:
        missing = missing_documents(filing)
        if missing:
            names = "、".join(str(standards.DOCUMENTS[c]) for c in missing)
            raise InvalidInput(
                _("材料不全，不能通过：缺少%(d)s") % {"d": names}, field="documents", missing=missing
            )
        _apply(filing, facility, day)
        filing.state = FilingState.APPROVED
    else:
        if not reasons:
            raise InvalidInput(_("退回时必须写明理由"), field="reasons")
        filing.state = FilingState.RETURNED
        if filing.kind == FilingKind.NEW:
            facility.status = FilingStatus.RETURNED
            facility.save(update_fields=["status", "updated_at"])
    filing.reasons = reasons
    filing.reviewed_by = _user(actor)
    filing.reviewed_at = timezone.now()
    filing.save()
    audit.record(
        actor=actor,
        action=AuditAction.FILING_REVIEW,
        obj=facility,
        request=request,
        filing=filing.pk,
        kind=filing.kind,
        result=filing.state,
        reasons=reasons,
    )
    return filing


def _apply(filing: Filing, facility: Facility, day: datetime.date) -> None:
    if filing.kind == FilingKind.NEW:
        facility.status = FilingStatus.FILED
        facility.filed_on = day
        facility.filing_number = f"{facility.region_code[:6]}-{day.year}-{facility.pk:06d}"
    elif filing.kind == FilingKind.CHANGE:
        values = clean_values(facility.kind, filing.changes, current=facility)
        for f, v in values.items():
            setattr(facility, f, v)
        _check_capacity_covers(facility)
    else:
        open_stays = Stay.objects.filter(facility=facility, discharged_on__isnull=True).count()
        enrolled = _open_enrolments(facility)
        if open_stays or enrolled:
            raise Conflict(
                _("尚有 %(s)d 位在住老人、%(c)d 名在托婴幼儿，须先办理离院或转托后才能关闭")
                % {"s": open_stays, "c": enrolled}
            )
        facility.status = FilingStatus.CLOSED
        facility.closed_on = day
    facility.save()


def _open_enrolments(facility: Facility) -> int:
    return enrolled_children([facility.pk], None).get(facility.pk, 0)


def _check_capacity_covers(facility: Facility) -> None:
    for kind, field in (
        (BedKind.GENERAL, "beds_general"),
        (BedKind.NURSING, "beds_nursing"),
        (BedKind.COGNITIVE, "beds_cognitive"),
    ):
        registered = Bed.objects.filter(facility=facility, kind=kind, active=True).count()
        if registered > getattr(facility, field):
            raise Conflict(
                _("%(f)s 不能少于已登记在用的床位数（%(n)d 张），请先停用多余床位")
                % {"f": _label(field), "n": registered},
                field=field,
            )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}
