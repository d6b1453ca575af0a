"""Writes of care advisers (养老顾问, Jiaxing 二(二)5): naming a person's adviser (one plan per
person), recording a 委托代办 consent or its withdrawal, and the adviser's application on the person's
behalf — only under a recorded, unrevoked consent for that purpose, recorded as made by the adviser
for the person."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome.models.beds import (
    AdviserPlan,
    ConsentPurpose,
    DelegationConsent,
    OnBehalfApplication,
)
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

APPLY = "careathome.homes_apply"


@transaction.atomic
def adviser_assign(
    *, actor: Actor, person: Person, adviser_id: object, request: HttpRequest | None = None
) -> AdviserPlan:
    """Name `person`'s adviser: a worker who may apply for care at home in the person's community.
    The person's one plan is kept; only its adviser changes."""
    scope.require(actor, APPLY, person.region_code)
    raw = str(adviser_id or "").strip()
    adviser = get_user_model().objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if adviser is None or not scope.has_perm(adviser, APPLY, person.region_code):
        raise InvalidInput(_("请选择能为该老人所在社区代办的工作人员作为养老顾问"), field="adviser_id")
    plan, _created = AdviserPlan.objects.update_or_create(
        person=person, defaults={"adviser": adviser, "region_code": person.region_code}
    )
    audit.record(actor=actor, action=AuditAction.ADVISER_ASSIGN, obj=plan, request=request)
    return plan


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    plan: AdviserPlan,
    purpose: str,
    given_by: str,
    relation: str,
    request: HttpRequest | None = None,
) -> DelegationConsent:
    """Record the person's (or family member's) consent that the adviser applies for `purpose`."""
    scope.require(actor, APPLY, plan.region_code)
    if purpose not in ConsentPurpose.values:
        raise InvalidInput(_("请选择代办事项"), field="purpose")
    given_by, relation = (given_by or "").strip(), (relation or "").strip()
    if not given_by:
        raise InvalidInput(_("请填写委托人姓名"), field="given_by")
    if not relation:
        raise InvalidInput(_("请填写委托人与老人关系（如本人、子女）"), field="relation")
    consent = DelegationConsent.objects.create(
        plan=plan,
        purpose=purpose,
        given_by=given_by[:60],
        relation=relation[:20],
        recorded_by=actor if signed_in(actor) else None,
    )
    audit.record(actor=actor, action=AuditAction.ADVISER_CONSENT, obj=plan, request=request, purpose=purpose)
    return consent


@transaction.atomic
def consent_revoke(
    *, actor: Actor, consent: DelegationConsent, request: HttpRequest | None = None
) -> DelegationConsent:
    """The person (or the family member for them) withdraws a consent: from now on the adviser may
    not apply for that purpose under it (what was applied before stands, with its record)."""
    scope.require(actor, APPLY, consent.plan.region_code)
    consent = DelegationConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        raise Conflict(
            _("该委托已于 %(d)s 撤回")
            % {"d": timezone.localtime(consent.revoked_at).strftime("%Y-%m-%d %H:%M")},
            field="consent",
        )
    consent.revoked_at, consent.revoked_by = timezone.now(), actor if signed_in(actor) else None
    consent.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action=AuditAction.ADVISER_CONSENT_REVOKE,
        obj=consent.plan,
        request=request,
        purpose=consent.purpose,
        consent=consent.pk,
    )
    return consent


def active_consent(plan: AdviserPlan, purpose: str) -> DelegationConsent | None:
    """The newest recorded, unrevoked consent of the plan for `purpose`."""
    return (
        plan.consents.filter(purpose=purpose, revoked_at__isnull=True).order_by("-recorded_at", "-id").first()
    )


def _apply_for(
    actor: Actor, person: Person, purpose: str, request: HttpRequest | None, details: dict[str, Any]
) -> Model:
    """The module's own application for `purpose`, made by the adviser (its checks and audit run)."""
    if purpose == ConsentPurpose.LTC:
        from carecircle.careathome.ltc_process import ltc_apply  # noqa: PLC0415 — services.py re-exports it after importing this module's siblings

        return ltc_apply(
            actor=actor,
            person=person,
            applicant_kind="worker",
            applicant_name=f"{actor}（养老顾问代办）",  # the adviser's name (User.__str__), never the login
            request=request,
        )
    if purpose == ConsentPurpose.ADAPTATION:
        from carecircle.careathome.adaptation_services import case_apply  # noqa: PLC0415 — keeps this module light

        return case_apply(actor=actor, person=person, request=request)
    if purpose == ConsentPurpose.FAMILY_BED:
        from carecircle.careathome.beds_services import bed_contract  # noqa: PLC0415 — keeps this module light

        return bed_contract(
            actor=actor,
            person=person,
            provider=details.get("provider"),
            facility=details.get("facility"),
            visit_every_days=details.get("visit_every_days") or 0,
            assessment_note=str(details.get("assessment_note") or ""),
            request=request,
        )
    # 老年人补贴 are paid without application (免申即享, benefits' monthly payroll): nothing to apply for
    raise InvalidInput(_("老年人补贴免申即享，由系统按月核定发放，无需代办申请"), field="purpose")


@transaction.atomic
def apply_on_behalf(
    *,
    actor: Actor,
    plan: AdviserPlan,
    purpose: str,
    request: HttpRequest | None = None,
    **details: Any,
) -> OnBehalfApplication:
    """委托代办: the person's adviser applies for `purpose` (LTC assessment, home adaptation, family
    bed) for the person. Refused: anyone but the plan's adviser, and any purpose without a recorded,
    unrevoked consent. The application is the module's own (its checks refuse as for anyone) and is
    recorded as made by the adviser for the person (OnBehalfApplication and the audit trail)."""
    scope.require(actor, APPLY, plan.region_code)
    plan = AdviserPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    if purpose not in ConsentPurpose.values:
        raise InvalidInput(_("请选择代办事项"), field="purpose")
    if not signed_in(actor) or plan.adviser_id != actor.pk:
        raise Forbidden(_("只有该老人的养老顾问可以委托代办"), field="plan")
    label = ConsentPurpose(purpose).label
    consent = active_consent(plan, purpose)
    if consent is None:
        raise Conflict(
            _("尚未记录 %(n)s 对“%(p)s”的委托（或委托已撤回），不能代办")
            % {"n": plan.person.name, "p": label},
            field="purpose",
        )
    made = _apply_for(actor, plan.person, purpose, request, details)
    row = OnBehalfApplication.objects.create(
        plan=plan,
        consent=consent,
        purpose=purpose,
        region_code=plan.region_code,
        adviser=actor,
        object_id=made.pk,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ADVISER_ON_BEHALF,
        obj=plan,
        request=request,
        person_id=plan.person_id,
        purpose=purpose,
        consent=consent.pk,
        given_by=consent.given_by,
        object=f"{made._meta.label_lower}:{made.pk}",
    )
    return row


def consent_withdraw(
    *, actor: Actor, plan: AdviserPlan, consent_id: object, request: HttpRequest | None = None
) -> DelegationConsent:
    """consent_revoke for the page: the consent chosen among the plan's own."""
    raw = str(consent_id or "").strip()
    consent = plan.consents.filter(pk=int(raw)).first() if raw.isdigit() else None
    if consent is None:
        raise InvalidInput(_("请选择要撤回的委托"), field="consent_id")
    return consent_revoke(actor=actor, consent=consent, request=request)
