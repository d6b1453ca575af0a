"""Writes of facilities: operators, filings (new, change, closure) and their review, grading,
the bed register with admissions and discharges. Waiting lists are in waiting.py."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, limits, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import Region, User
from carecircle.core.roles import permissions_of
from carecircle.core.types import Actor, signed_in
from carecircle.facilities import standards, subsidies
from carecircle.facilities.models import (
    BED_KINDS,
    CENTRE_KINDS,
    CHILDCARE_KINDS,
    INSTITUTION_KINDS,
    Bed,
    BedKind,
    Evaluation,
    Facility,
    FacilityKind,
    Filing,
    FilingKind,
    FilingState,
    FilingStatus,
    GradeLevel,
    Operator,
    Stay,
)
from carecircle.facilities.selectors import (
    enrolled_children,
    facility_grants,
    grant_reaches,
    require_facility,
)
from carecircle.registry.models import Person
from carecircle.registry.selectors import person_age

# ------------------------------------------------------------------ who may act


def reaches(user: Actor, perm: str, region_code: str, operator_id: int | None, facility_kind: str) -> bool:
    """Whether `user` holds `perm` for a facility of `operator_id` and `facility_kind` in `region_code`."""
    return any(perm in permissions_of(g[0]) and grant_reaches(g, region_code, operator_id, facility_kind)
               for g in facility_grants(user))


def _require_reach(user: Actor, perm: str, region_code: str, operator_id: int | None, facility_kind: str) -> None:
    if reaches(user, perm, region_code, operator_id, facility_kind):
        return
    if scope.has_perm(user, "facilities.view", region_code):
        raise Forbidden()
    raise NotFound()


# ------------------------------------------------------------------ operators


@transaction.atomic
def operator_create(*, actor: Actor, name: str, credit_code: str, region_code: str, phone: str = "", request: HttpRequest | None = None) -> Operator:
    name, credit_code = (name or "").strip(), (credit_code or "").strip().upper()
    if not name:
        raise InvalidInput(_("运营主体名称不能为空"), field="name")
    if len(credit_code) != 18 or not credit_code.isalnum():
        raise InvalidInput(_("统一社会信用代码应为18位字母或数字：%(v)s") % {"v": credit_code}, field="credit_code")
    region = _community(region_code)
    scope.require(actor, "facilities.review", region.code)
    try:
        with transaction.atomic():
            op = Operator.objects.create(name=name, credit_code=credit_code, region_code=region.code, phone=phone)
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
        raise InvalidInput(_("不可申报的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, field=sorted(unknown)[0])
    out: dict[str, Any] = {}
    for field, value in values.items():
        if field in standards.TEXT_FIELDS:
            value = str(value or "").strip()
            if len(value) > standards.TEXT_FIELDS[field]:
                raise InvalidInput(_("%(f)s 过长（最多 %(n)d 字）") % {"f": _label(field), "n": standards.TEXT_FIELDS[field]}, field=field)
        elif field in standards.INT_FIELDS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise InvalidInput(_("%(f)s 应为整数：%(v)s") % {"f": _label(field), "v": value}, field=field) from None
            if value < 0 or value > 100000:
                raise InvalidInput(_("%(f)s 超出合理范围：%(v)s") % {"f": _label(field), "v": value}, field=field)
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
    if kind not in CHILDCARE_KINDS and (merged.get("childcare_places") or merged.get("childcare_places_puhui")):
        raise InvalidInput(_("%(k)s 不设托位") % {"k": FacilityKind(kind).label}, field="childcare_places")
    if (merged.get("childcare_places_puhui") or 0) > (merged.get("childcare_places") or 0):
        raise InvalidInput(_("普惠托位不能多于托位总数"), field="childcare_places_puhui")
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
    *, actor: Actor, operator: Operator, kind: str, name: str, address: str, region_code: str, latitude: object,
    longitude: object, documents: dict[str, Any] | None = None, note: str = "", request: HttpRequest | None = None,
    **fields: Any,
) -> Filing:
    """A provider applies to file a new facility: it is created as pending, with a NEW filing."""
    if kind not in FacilityKind.values:
        raise InvalidInput(_("未知的设施类型：%(k)s") % {"k": kind}, field="kind")
    region = _community(region_code)
    _require_reach(actor, "facilities.apply", region.code, operator.pk, kind)
    values = clean_values(kind, {"name": name, "address": address, "latitude": latitude, "longitude": longitude, **fields})
    facility = Facility.objects.create(kind=kind, operator=operator, region_code=region.code,
                                       status=FilingStatus.PENDING, **values)
    filing = Filing.objects.create(
        facility=facility, region_code=facility.region_code, kind=FilingKind.NEW, changes=_jsonable(values),
        documents=_documents(documents), note=note[:300], submitted_by=_user(actor),
    )
    audit.record(actor=actor, action=AuditAction.FACILITY_APPLY, obj=facility, request=request, filing=filing.pk)
    return filing


@transaction.atomic
def filing_submit(
    *, actor: Actor, facility: Facility, kind: str, changes: dict[str, Any] | None = None,
    documents: dict[str, Any] | None = None, note: str = "", request: HttpRequest | None = None,
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
                facility=facility, region_code=facility.region_code, kind=kind, changes=_jsonable(changes),
                documents=_documents(documents), note=note[:300], submitted_by=_user(actor),
            )
    except IntegrityError:
        raise Conflict(_("该设施已有待审核的备案申请，请等待审核结果")) from None
    audit.record(actor=actor, action=AuditAction(f"filing.{kind}"), obj=facility, request=request, filing=filing.pk)
    return filing


@transaction.atomic
def filing_review(
    *, actor: Actor, filing: Filing, approve: bool, reasons: str = "", day: datetime.date | None = None,
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
            raise InvalidInput(_("材料不全，不能通过：缺少%(d)s") % {"d": names}, field="documents", missing=missing)
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
    audit.record(actor=actor, action=AuditAction.FILING_REVIEW, obj=facility, request=request, filing=filing.pk,
                 kind=filing.kind, result=filing.state, reasons=reasons)
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
            raise Conflict(_("尚有 %(s)d 位在住老人、%(c)d 名在托婴幼儿，须先办理离院或转托后才能关闭")
                           % {"s": open_stays, "c": enrolled})
        facility.status = FilingStatus.CLOSED
        facility.closed_on = day
    facility.save()


def _open_enrolments(facility: Facility) -> int:
    return enrolled_children([facility.pk], None).get(facility.pk, 0)


def _check_capacity_covers(facility: Facility) -> None:
    for kind, field in ((BedKind.GENERAL, "beds_general"), (BedKind.NURSING, "beds_nursing"),
                        (BedKind.COGNITIVE, "beds_cognitive")):
        registered = Bed.objects.filter(facility=facility, kind=kind, active=True).count()
        if registered > getattr(facility, field):
            raise Conflict(_("%(f)s 不能少于已登记在用的床位数（%(n)d 张），请先停用多余床位")
                           % {"f": _label(field), "n": registered}, field=field)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _user(actor: Actor) -> User | None:
    return actor if signed_in(actor) else None


# ------------------------------------------------------------------ grading


def scheme_for(kind: str) -> str:
    if kind in CENTRE_KINDS:
        return "centre"
    if kind in INSTITUTION_KINDS:
        return "star"
    raise InvalidInput(_("%(k)s 不参加等级评定") % {"k": FacilityKind(kind).label}, field="kind")


def grade_for(scheme: str, scores: dict[str, Any]) -> tuple[GradeLevel | None, Decimal, list[str]]:
    """(grade, total, reasons) for a scheme's form. Raises InvalidInput naming the section at fault."""
    form = standards.FORMS[scheme]
    clean = {}
    for key, label, maximum in form:
        if key not in scores or scores[key] in (None, ""):
            raise InvalidInput(_("请填写“%(s)s”得分") % {"s": label}, field=f"scores.{key}")
        try:
            value = Decimal(str(scores[key]))
        except InvalidOperation:
            raise InvalidInput(_("“%(s)s”得分应为数字") % {"s": label}, field=f"scores.{key}") from None
        if value < 0 or value > maximum:
            raise InvalidInput(_("“%(s)s”得分应在 0–%(m)d 之间：%(v)s") % {"s": label, "m": maximum, "v": value},
                               field=f"scores.{key}")
        clean[key] = value
    extra = set(scores) - {k for k, _l, _m in form}
    if extra:
        raise InvalidInput(_("评定表中没有该分项：%(s)s") % {"s": "、".join(sorted(extra))}, field="scores")
    total = sum(clean.values(), Decimal(0))
    reasons = []
    for level in GradeLevel.objects.filter(scheme=scheme).order_by("-rank"):
        short = []
        if total < level.min_total:
            short.append(_("总分 %(t)s 低于 %(m)s") % {"t": total, "m": level.min_total})
        for key, label, maximum in form:
            need = level.min_section_share * maximum
            if clean[key] < need:
                short.append(_("%(s)s %(v)s 低于该项满分 %(m)d 的 %(p)s%%（%(n)s）")
                             % {"s": label, "v": clean[key], "m": maximum, "p": int(level.min_section_share * 100), "n": need})
        if not short:
            reasons.append(_("达到%(g)s：总分 %(t)s，各分项均不低于满分的 %(p)s%%")
                           % {"g": level.label, "t": total, "p": int(level.min_section_share * 100)})
            return level, total, reasons
        reasons.append(_("未达%(g)s：%(r)s") % {"g": level.label, "r": "；".join(short)})
    return None, total, reasons


def subsidy_for(kind: str, grade: GradeLevel | None) -> Decimal:
    """The yearly minimum of a normally operating facility of `kind` with `grade` (Jiaxing 二(二)7:
    a street centre's whatever its grade, a community centre's by grade; facilities/subsidies.py)."""
    return subsidies.minimum_for(kind, grade)


@transaction.atomic
def evaluation_record(*, actor: Actor, facility: Facility, scores: dict[str, Any], evaluated_on: datetime.date,
                      yearly_subsidy: object = None, request: HttpRequest | None = None) -> Evaluation:
    """Record an evaluation and the yearly subsidy it brings: the grade's minimum, or the higher
    `yearly_subsidy` the city sets (a lower one is refused: the seed's amounts are minimums)."""
    scope.require(actor, "facilities.grade", facility.region_code)
    if facility.status != FilingStatus.FILED:
        raise Conflict(_("只有已备案运营的设施才能评定等级"))
    scheme = scheme_for(facility.kind)
    grade, total, reasons = grade_for(scheme, scores)
    minimum = subsidy_for(facility.kind, grade)
    try:
        amount = limits.check_money(yearly_subsidy, "yearly_subsidy", max_digits=12)
    except InvalidInput:
        raise InvalidInput(_("年度补助不是有效的金额：%(v)s") % {"v": str(yearly_subsidy)[:40]},
                           field="yearly_subsidy") from None
    if amount is not None and amount < minimum:
        raise InvalidInput(_("年度补助不能低于 %(m)s 元（嘉兴 二(二)7：每年不低于该金额）") % {"m": minimum},
                           field="yearly_subsidy")
    years = grade.valid_years if grade else 1
    valid_to = _add_years(evaluated_on, years) - datetime.timedelta(days=1)
    try:
        with transaction.atomic():
            ev = Evaluation.objects.create(
                facility=facility, region_code=facility.region_code, scheme=scheme,
                scores={k: str(v) for k, v in scores.items()}, total=total, grade=grade, evaluated_on=evaluated_on,
                valid_from=evaluated_on, valid_to=valid_to, yearly_subsidy=minimum if amount is None else amount,
                reasons="\n".join(str(r) for r in reasons), evaluated_by=_user(actor),
            )
    except IntegrityError:
        raise Conflict(_("该设施当天已有评定记录"), field="evaluated_on") from None
    audit.record(actor=actor, action=AuditAction.FACILITY_EVALUATE, obj=facility, request=request, evaluation=ev.pk,
                 grade=grade.label if grade else "", total=str(total))
    return ev


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# ------------------------------------------------------------------ beds and stays


@transaction.atomic
def beds_add(*, actor: Actor, facility: Facility, kind: str, count: int, prefix: str = "", request: HttpRequest | None = None) -> list[Bed]:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    require_facility(actor, "facilities.beds", facility)
    if kind not in BedKind.values:
        raise InvalidInput(_("未知的床位类型：%(k)s") % {"k": kind}, field="kind")
    if not 1 <= int(count) <= 2000:
        raise InvalidInput(_("一次登记 1–2000 张床位"), field="count")
    declared = getattr(facility, f"beds_{kind}")
    registered = Bed.objects.filter(facility=facility, kind=kind, active=True).count()
    if registered + count > declared:
        raise InvalidInput(_("登记后%(k)s将达 %(n)d 张，超过备案的 %(d)d 张") % {
            "k": BedKind(kind).label, "n": registered + count, "d": declared}, field="count")
    start = Bed.objects.filter(facility=facility).count() + 1
    prefix = (prefix or {"general": "A", "nursing": "N", "cognitive": "C"}[kind])[:8]
    beds = [Bed(facility=facility, region_code=facility.region_code, code=f"{prefix}{start + i:04d}", kind=kind)
            for i in range(count)]
    try:
        with transaction.atomic():
            Bed.objects.bulk_create(beds)
    except IntegrityError:
        raise Conflict(_("床位号重复，请换一个前缀"), field="prefix") from None
    audit.record(actor=actor, action=AuditAction.BEDS_ADD, obj=facility, request=request, kind=kind, count=count)
    return beds


def free_bed(facility: Facility, kind: str) -> Bed | None:
    taken = Stay.objects.filter(facility=facility, discharged_on__isnull=True).values("bed_id")
    offered = Bed.objects.filter(facility=facility, offers__response="open").values("id")
    return (Bed.objects.filter(facility=facility, kind=kind, active=True)
            .exclude(pk__in=taken).exclude(pk__in=offered).order_by("code").first())


@transaction.atomic
def stay_admit(*, actor: Actor, facility: Facility, person: Person, day: datetime.date, bed: Bed | None = None,
               kind: str = BedKind.GENERAL, request: HttpRequest | None = None, _checked: bool = False) -> Stay:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if not _checked:
        require_facility(actor, "facilities.beds", facility)
    if facility.status != FilingStatus.FILED:
        raise Conflict(_("设施未备案运营，不能办理入住"))
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
            stay = Stay.objects.create(facility=facility, bed=bed, person=person, region_code=facility.region_code,
                                       admitted_on=day)
    except IntegrityError:
        if Stay.objects.filter(person=person, discharged_on__isnull=True).exists():
            raise Conflict(_("此人已在某机构入住，请先办理离院"), field="person") from None
        raise Conflict(_("床位 %(b)s 已有人入住") % {"b": bed.code}, field="bed") from None
    audit.record(actor=actor, action=AuditAction.STAY_ADMIT, obj=facility, request=request, stay=stay.pk, person=person.pk, bed=bed.code)
    return stay


@transaction.atomic
def stay_discharge(*, actor: Actor, stay: Stay, day: datetime.date, reason: str, request: HttpRequest | None = None) -> Stay:
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
    audit.record(actor=actor, action=AuditAction.STAY_DISCHARGE, obj=stay.facility, request=request, stay=stay.pk, reason=reason)
    return stay
