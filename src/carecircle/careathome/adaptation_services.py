"""Writes of home adaptation (居家适老化改造): the contractor register, and a case from application
(or referral by a visit, an assessment or the eligibility rule) through the home assessment with
photos, the plan of items with its subsidy and own share, approval, works by a registered
contractor, acceptance (验收) with before/after photos and the person's signature, to the subsidy
paid to the contractor through the benefits funds ledger, once.

Eligibility and the household's cap are the benefits programme `home_adaptation` (its CEL rule and
tiers, homes_reference.py): one person through benefits.selectors.person_eligibility, the whole city
through the rule compiled to SQL (homes_selectors.eligible_households). Seeds: Jiaxing 二(一)4
(梯度补贴, 全覆盖), Hechuan 二(七) (困难半失能老年人居家适老化改造), Qujing 二(二) (经济困难家庭 5000 户)."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome import homes_photos, homes_reference
from carecircle.careathome.homes_selectors import (
    CaseAction,
    adaptation_policy,
    case_action_open,
    eligible_households,
    price_of,
    tier_label,
)
from carecircle.careathome.models.homes import (
    AdaptationCase,
    AdaptationItem,
    AdaptationPhoto,
    CaseSource,
    CaseStatus,
    Contractor,
    ItemKind,
    PhotoStage,
    PlanLine,
)
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

APPLY, MANAGE = "careathome.homes_apply", "careathome.homes_manage"
CENT = Decimal("0.01")


def _require_open(case: AdaptationCase, action: CaseAction) -> None:
    if not case_action_open(case, action):
        raise Conflict(
            _("个案当前状态为“%(s)s”，不能%(a)s") % {"s": case.get_status_display(), "a": action.label},
            field="status",
        )


def _locked(case: AdaptationCase) -> AdaptationCase:
    return AdaptationCase.objects.select_for_update(of=("self",)).select_related("contractor").get(pk=case.pk)


# ---------------------------------------------------------------- contractor register


@transaction.atomic
def contractor_register(
    *,
    actor: Actor,
    name: str,
    credit_code: str,
    region_code: str,
    request: HttpRequest | None = None,
) -> Contractor:
    """Put a contractor on the register (施工单位名录) of `region_code`."""
    name, credit_code = (name or "").strip(), (credit_code or "").strip().upper()
    if not regions.is_valid_code(region_code or ""):
        raise InvalidInput(_("请选择登记区划"), field="region_code")
    scope.require(actor, MANAGE, region_code)
    if not name:
        raise InvalidInput(_("请填写单位名称"), field="name")
    if len(credit_code) != 18 or not credit_code.isalnum():
        raise InvalidInput(
            _("统一社会信用代码应为18位字母或数字：%(c)s") % {"c": credit_code}, field="credit_code"
        )
    if Contractor.objects.filter(credit_code=credit_code).exists():
        raise InvalidInput(_("该信用代码已登记：%(c)s") % {"c": credit_code}, field="credit_code")
    contractor = Contractor.objects.create(
        name=name, credit_code=credit_code, region_code=region_code, registered_on=timezone.localdate()
    )
    audit.record(actor=actor, action=AuditAction.CONTRACTOR_REGISTER, obj=contractor, request=request)
    return contractor


@transaction.atomic
def contractor_deregister(
    *, actor: Actor, contractor: Contractor, request: HttpRequest | None = None
) -> None:
    """Take a contractor off the register: it is paid nothing more."""
    scope.require(actor, MANAGE, contractor.region_code)
    Contractor.objects.filter(pk=contractor.pk).update(active=False)
    contractor.active = False
    audit.record(actor=actor, action=AuditAction.CONTRACTOR_DEREGISTER, obj=contractor, request=request)


# ---------------------------------------------------------------- a case


def _eligibility(person: Person, day: datetime.date) -> tuple[Decimal, str, str]:
    """(the household's cap, its tier, the rule in words): cap 0 when not eligible."""
    from carecircle.benefits.selectors import entitlements_for  # noqa: PLC0415 — the other module may be absent

    policy = adaptation_policy(day)
    if policy is None:
        return Decimal("0"), "", _("补贴项目“居家适老化改造”尚未设立或未生效")
    for e in entitlements_for(person=person, day=day):
        if e.programme_code == homes_reference.PROGRAMME_CODE:
            return e.amount, tier_label(policy, e.amount), policy.conditions
    return Decimal("0"), "", policy.conditions


@transaction.atomic
def case_apply(
    *,
    actor: Actor,
    person: Person,
    source: str = CaseSource.APPLICATION,
    request: HttpRequest | None = None,
) -> AdaptationCase:
    """Open a case for `person` (an application, or a referral by a visit, an assessment or the
    rule). Refused when the person is not eligible (with the rule's reasons) or has an open case."""
    scope.require(actor, APPLY, person.region_code)
    if source not in CaseSource.values:
        raise InvalidInput(_("未知的来源：%(s)s") % {"s": source}, field="source")
    day = timezone.localdate()
    cap, tier, conditions = _eligibility(person, day)
    if cap <= 0:
        raise InvalidInput(
            _("%(n)s 不符合居家适老化改造补贴条件（%(r)s）") % {"n": person.name, "r": conditions},
            field="person",
        )
    if AdaptationCase.objects.filter(person=person).exclude(status=CaseStatus.REFUSED).exists():
        raise InvalidInput(_("%(n)s 已有适老化改造个案，不能重复申请") % {"n": person.name}, field="person")
    try:
        with transaction.atomic():
            case = AdaptationCase.objects.create(
                person=person,
                region_code=person.region_code,
                source=source,
                tier=tier[:60],
                cap=cap,
                applied_on=day,
                created_by=actor if signed_in(actor) else None,
            )
    except IntegrityError:
        raise InvalidInput(
            _("%(n)s 已有适老化改造个案，不能重复申请") % {"n": person.name}, field="person"
        ) from None
    audit.record(
        actor=actor,
        action=AuditAction.ADAPTATION_APPLY,
        obj=case,
        request=request,
        source=source,
        cap=str(cap),
    )
    return case


def _store_photos(case: AdaptationCase, stage: str, photos: list[UploadedFile], field: str) -> int:
    photos = [p for p in photos if p is not None]
    if not photos:
        raise InvalidInput(_("请上传%(s)s照片") % {"s": PhotoStage(stage).label}, field=field)
    names = [homes_photos.store(p, field=field) for p in photos]
    AdaptationPhoto.objects.bulk_create([AdaptationPhoto(case=case, stage=stage, file=n) for n in names])
    return len(names)


@transaction.atomic
def case_assess(
    *,
    actor: Actor,
    case: AdaptationCase,
    note: str,
    photos: list[UploadedFile],
    request: HttpRequest | None = None,
) -> AdaptationCase:
    """Record the home assessment (入户评估) with at least one photo."""
    scope.require(actor, APPLY, case.region_code)
    case = _locked(case)
    _require_open(case, CaseAction.ASSESS)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请填写评估意见"), field="note")
    count = _store_photos(case, PhotoStage.ASSESSMENT, photos, "photos")
    case.assessment_note, case.status = note[:500], CaseStatus.ASSESSED
    case.save(update_fields=["assessment_note", "status"])
    audit.record(actor=actor, action=AuditAction.ADAPTATION_ASSESS, obj=case, request=request, photos=count)
    return case


@transaction.atomic
def case_plan(
    *,
    actor: Actor,
    case: AdaptationCase,
    quantities: dict[str, int],
    request: HttpRequest | None = None,
) -> AdaptationCase:
    """Set the plan: {item code: quantity}. Basic items (基础类) are subsidised, optional ones
    (可选类) are the household's own share; a plan whose basic items cost more than the household's
    cap is refused (move items to a later plan or take fewer), nothing saved."""
    scope.require(actor, APPLY, case.region_code)
    case = _locked(case)
    _require_open(case, CaseAction.PLAN)
    wanted = {code: int(q) for code, q in (quantities or {}).items() if q}
    for code, q in wanted.items():
        if q < 0 or q > 999:
            raise InvalidInput(_("数量应在 1–999 之间：%(c)s") % {"c": code}, field=f"qty_{code}")
    if not wanted:
        raise InvalidInput(_("方案至少需要一个改造项目"), field="quantities")
    items = {i.code: i for i in AdaptationItem.objects.filter(code__in=list(wanted))}
    unknown = sorted(set(wanted) - set(items))
    if unknown:
        raise InvalidInput(_("未知的改造项目：%(c)s") % {"c": "、".join(unknown)}, field="quantities")
    lines = []
    for code, q in wanted.items():
        item = items[code]
        price = price_of(item, case.region_code)
        if price is None:
            raise InvalidInput(
                _("“%(n)s”在本地区没有参考价格，请先录入价格") % {"n": item.name}, field=f"qty_{code}"
            )
        amount = (price * q).quantize(CENT)
        lines.append(
            PlanLine(
                item=item, quantity=q, unit_price=price, amount=amount, subsidised=item.kind == ItemKind.BASIC
            )
        )
    total = sum((ln.amount for ln in lines), Decimal("0"))
    subsidy = sum((ln.amount for ln in lines if ln.subsidised), Decimal("0"))
    if subsidy > case.cap:
        raise InvalidInput(
            _("基础类项目合计 %(s)s 元，超过本户补贴上限 %(c)s 元（%(t)s），请调整方案")
            % {"s": subsidy, "c": case.cap, "t": case.tier},
            field="quantities",
        )
    case.lines.all().delete()
    for ln in lines:
        ln.case = case
    PlanLine.objects.bulk_create(lines)
    case.total, case.subsidy, case.own_share = total, subsidy, total - subsidy
    case.status = CaseStatus.PLANNED
    case.save(update_fields=["total", "subsidy", "own_share", "status"])
    audit.record(
        actor=actor,
        action=AuditAction.ADAPTATION_PLAN,
        obj=case,
        request=request,
        total=str(total),
        subsidy=str(subsidy),
        own_share=str(total - subsidy),
    )
    return case


def _require_registered(contractor: Contractor | None, region_code: str, field: str) -> Contractor:
    if contractor is None:
        raise InvalidInput(_("请选择施工单位"), field=field)
    fresh = Contractor.objects.filter(pk=contractor.pk).first()
    if fresh is None or not fresh.active:
        raise Conflict(
            _("施工单位“%(n)s”不在施工单位名录中，不能承接或收款") % {"n": contractor.name}, field=field
        )
    if not regions.contains(fresh.region_code, region_code):
        raise Conflict(_("施工单位“%(n)s”未在本地区登记") % {"n": contractor.name}, field=field)
    return fresh


@transaction.atomic
def case_approve(
    *,
    actor: Actor,
    case: AdaptationCase,
    contractor: Contractor | None,
    request: HttpRequest | None = None,
) -> AdaptationCase:
    """Approve the plan and assign a registered contractor."""
    scope.require(actor, MANAGE, case.region_code)
    case = _locked(case)
    _require_open(case, CaseAction.APPROVE)
    case.contractor = _require_registered(contractor, case.region_code, "contractor")
    case.status, case.approved_at = CaseStatus.APPROVED, timezone.now()
    case.save(update_fields=["contractor", "status", "approved_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ADAPTATION_APPROVE,
        obj=case,
        request=request,
        contractor=case.contractor.name,
    )
    return case


@transaction.atomic
def case_start_works(
    *,
    actor: Actor,
    case: AdaptationCase,
    photos: list[UploadedFile],
    request: HttpRequest | None = None,
) -> AdaptationCase:
    """Works begin: the photos before (改造前)."""
    scope.require(actor, APPLY, case.region_code)
    case = _locked(case)
    _require_open(case, CaseAction.WORKS)
    count = _store_photos(case, PhotoStage.BEFORE, photos, "photos")
    case.status = CaseStatus.WORKS
    case.save(update_fields=["status"])
    audit.record(actor=actor, action=AuditAction.ADAPTATION_WORKS, obj=case, request=request, photos=count)
    return case


@transaction.atomic
def case_accept(
    *,
    actor: Actor,
    case: AdaptationCase,
    photos: list[UploadedFile],
    signature: UploadedFile | None,
    signer: str,
    request: HttpRequest | None = None,
) -> AdaptationCase:
    """Acceptance (验收): photos after the works beside those before, and the person's signature
    (a photo of the signed acceptance sheet and the signer's name). Without photos: refused."""
    scope.require(actor, APPLY, case.region_code)
    case = _locked(case)
    _require_open(case, CaseAction.ACCEPT)
    signer = (signer or "").strip()
    if not case.photos.filter(stage=PhotoStage.BEFORE).exists():
        raise InvalidInput(_("缺少改造前照片，不能验收"), field="photos")
    if not [p for p in photos if p is not None]:
        raise InvalidInput(_("验收须上传改造后照片"), field="photos")
    if signature is None:
        raise InvalidInput(_("验收须上传本人（或代理人）签字的验收单照片"), field="signature")
    if not signer:
        raise InvalidInput(_("请填写签字人姓名"), field="signer")
    _store_photos(case, PhotoStage.AFTER, photos, "photos")
    _store_photos(case, PhotoStage.SIGNATURE, [signature], "signature")
    case.signature, case.status, case.accepted_at = signer[:60], CaseStatus.ACCEPTED, timezone.now()
    case.save(update_fields=["signature", "status", "accepted_at"])
    audit.record(actor=actor, action=AuditAction.ADAPTATION_ACCEPT, obj=case, request=request, signer=signer)
    return case


@transaction.atomic
def case_pay(*, actor: Actor, case: AdaptationCase, request: HttpRequest | None = None) -> AdaptationCase:
    """Pay the subsidy to the contractor through the funds ledger (benefits.services.ledger_spend,
    reference ``adaptation:<case>``), once: a second payment is refused, a contractor no longer on
    the register is refused, and a fund short of money refuses with nothing changed."""
    from carecircle.benefits.services import ledger_spend  # noqa: PLC0415 — the other module may be absent

    scope.require(actor, MANAGE, case.region_code)
    case = _locked(case)
    if case.status == CaseStatus.PAID:
        raise Conflict(
            _("该个案补贴已于 %(d)s 支付，不能重复支付")
            % {"d": timezone.localtime(case.paid_at).date() if case.paid_at else ""},
            field="status",
        )
    _require_open(case, CaseAction.PAY)
    contractor = _require_registered(case.contractor, case.region_code, "contractor")
    reference = f"adaptation:{case.pk}"
    if case.subsidy > 0:
        ledger_spend(
            actor=None,  # authorised above with careathome.homes_manage; the ledger records the system
            programme_code=homes_reference.PROGRAMME_CODE,
            region_code=case.region_code,
            month=timezone.localdate().strftime("%Y-%m"),
            amount=case.subsidy,
            reference=reference,
            memo=_("适老化改造补贴：%(c)s") % {"c": contractor.name},
            system="careathome",
        )
    case.status, case.paid_at, case.ledger_reference = CaseStatus.PAID, timezone.now(), reference
    case.save(update_fields=["status", "paid_at", "ledger_reference"])
    audit.record(
        actor=actor,
        action=AuditAction.ADAPTATION_PAY,
        obj=case,
        request=request,
        amount=str(case.subsidy),
        contractor=contractor.name,
        reference=reference,
    )
    return case


@transaction.atomic
def case_refuse(
    *, actor: Actor, case: AdaptationCase, reason: str, request: HttpRequest | None = None
) -> AdaptationCase:
    """Close a case before works with a reason (不予受理)."""
    scope.require(actor, MANAGE, case.region_code)
    case = _locked(case)
    _require_open(case, CaseAction.REFUSE)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写不予受理的原因"), field="reason")
    case.status, case.refusal_reason = CaseStatus.REFUSED, reason[:300]
    case.save(update_fields=["status", "refusal_reason"])
    audit.record(actor=actor, action=AuditAction.ADAPTATION_REFUSE, obj=case, request=request, reason=reason)
    return case


@transaction.atomic
def cases_refer_eligible(*, actor: Actor, region_code: str, request: HttpRequest | None = None) -> int:
    """The rule that finds households: open a case (source 规则筛查) for one eligible person of every
    eligible household under `region_code` that has no case yet (the rule compiled to SQL)."""

    scope.require(actor, APPLY, region_code)
    day = timezone.localdate()
    found = eligible_households(region_prefix=regions.prefix_of(region_code), day=day)
    taken = set(
        AdaptationCase.objects.exclude(status=CaseStatus.REFUSED)
        .filter(person_id__in=list(found))
        .values_list("person_id", flat=True)
    )
    persons = Person.objects.filter(pk__in=[pk for pk in found if pk not in taken]).only("pk", "region_code")
    policy = adaptation_policy(day)
    made = AdaptationCase.objects.bulk_create(
        [
            AdaptationCase(
                person=p,
                region_code=p.region_code,
                source=CaseSource.RULE,
                cap=found[p.pk],
                tier=tier_label(policy, found[p.pk])[:60] if policy else "",
                applied_on=day,
            )
            for p in persons
        ],
        ignore_conflicts=True,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ADAPTATION_APPLY,
        object_type="careathome.adaptationcase",
        region_code=region_code,
        request=request,
        source=CaseSource.RULE,
        count=len(made),
    )
    return len(made)
