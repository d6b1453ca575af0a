"""Writes of care at home's long-term-care (LTC) part. Names start with `ltc_` (the homes part has
homes_services.py)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carecircle.careathome.ltc_reference import LEVEL_NAMES, parse_scale, scale_as_data
from carecircle.careathome.models.ltc import LtcRules, LtcScaleTable
from carecircle.careathome.selectors import city_of
from carecircle.careathome.types import LtcScale
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput
from carecircle.core.types import Actor, signed_in


@transaction.atomic
def ltc_scale_load(
    *,
    actor: Actor,
    region_code: str,
    source: str,
    items: Any,
    grades: Any,
    combination: Any,
    request: HttpRequest | None = None,
) -> LtcScale:
    """A city's administrator enters the table from the city's official copy of the standard
    (reference.py); the whole table is checked before anything is saved, and replaces the last."""
    if not regions.is_valid_code(region_code):
        raise InvalidInput(field="region_code")
    city = city_of(region_code)
    scope.require(actor, "ltc.manage", city)
    scale = parse_scale(city_code=city, source=source, items=items, grades=grades, combination=combination)
    data = scale_as_data(scale)
    row, _created = LtcScaleTable.objects.update_or_create(
        city_code=city,
        defaults={"source": scale.source, "data": data, "loaded_by": actor if signed_in(actor) else None},
    )
    audit.record(
        actor=actor,
        action=AuditAction.LTC_SCALE_LOAD,
        obj=row,
        region_code=city,
        request=request,
        items=len(scale.items),
        combinations=len(scale.combination),
    )
    return scale


@transaction.atomic
def ltc_rules_load(
    *,
    actor: Actor,
    region_code: str,
    source: str,
    accept_days: int,
    assess_days: int,
    notice_days: int,
    validity_months: int,
    repeat_months: int,
    fee_first: Decimal,
    fee_objection: Decimal,
    capability_map: dict[str, int] | None = None,
    request: HttpRequest | None = None,
) -> LtcRules:
    """The city's periods and fees (and its LTC → GB/T 42195 level mapping) from its own rules."""
    if not regions.is_valid_code(region_code):
        raise InvalidInput(field="region_code")
    city = city_of(region_code)
    scope.require(actor, "ltc.manage", city)
    if not (source or "").strip():
        raise InvalidInput(_("请填写依据文件"), field="source")
    for field, value in (
        ("accept_days", accept_days),
        ("assess_days", assess_days),
        ("notice_days", notice_days),
        ("validity_months", validity_months),
        ("repeat_months", repeat_months),
    ):
        if not 0 < value <= 366:
            raise InvalidInput(_("时限应为1至366之间的整数"), field=field)
    for field, amount in (("fee_first", fee_first), ("fee_objection", fee_objection)):
        if amount < 0:
            raise InvalidInput(_("费用不能为负数"), field=field)
    mapping = capability_map or {}
    for key, value in mapping.items():
        if key not in {str(n) for n in range(len(LEVEL_NAMES))} or value not in range(5):
            raise InvalidInput(
                _("等级对应应为长期护理0至5级对应老年人能力0至4级，「%(k)s」有误") % {"k": key},
                field="capability_map",
            )
    row, _created = LtcRules.objects.update_or_create(
        city_code=city,
        defaults={
            "source": source.strip(),
            "accept_days": accept_days,
            "assess_days": assess_days,
            "notice_days": notice_days,
            "validity_months": validity_months,
            "repeat_months": repeat_months,
            "fee_first": fee_first,
            "fee_objection": fee_objection,
            "capability_map": mapping,
            "loaded_by": actor if signed_in(actor) else None,
        },
    )
    audit.record(actor=actor, action=AuditAction.LTC_RULES_LOAD, obj=row, region_code=city, request=request)
    return row


from carecircle.careathome.ltc_care import (  # noqa: E402 — plans and settlement, behind this module
    ltc_entitlement_load,
    ltc_plan_create,
    ltc_plan_generate,
    ltc_settle,
    ltc_settle_month,
)
from carecircle.careathome.ltc_process import (  # noqa: E402 — the process's writes, behind this module
    ltc_accept,
    ltc_apply,
    ltc_deliver,
    ltc_object,
    ltc_record,
    ltc_refuse,
)

__all__ = [
    "ltc_entitlement_load",
    "ltc_plan_create",
    "ltc_plan_generate",
    "ltc_settle",
    "ltc_settle_month",
    "ltc_accept",
    "ltc_apply",
    "ltc_deliver",
    "ltc_object",
    "ltc_record",
    "ltc_refuse",
    "ltc_rules_load",
    "ltc_scale_load",
]
