"""Writes of care advisers (养老顾问, Jiaxing 二(二)5): naming a person's adviser (one plan per
person) and recording a 委托代办 consent, so that the adviser may apply on the person's behalf."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carecircle.careathome.models.beds import AdviserPlan, ConsentPurpose, DelegationConsent
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput
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
