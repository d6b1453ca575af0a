"""Oversight writes: the unit register kept in step with facilities and home-care providers,
inspectors' conflicts, and the 双随机 plans (publish the seed and the inputs' digest, then draw)."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor
from carecircle.facilities.selectors import supervised_facilities
from carecircle.homecare.selectors import supervised_providers
from carecircle.oversight import draw as drawing
from carecircle.oversight.models import (
    Conflict as DeclaredConflict,
)
from carecircle.oversight.models import (
    DrawAssignment,
    DrawnUnit,
    DrawPlan,
    Inspection,
    PlanState,
    SamplingShare,
    Unit,
    UnitKind,
)
from carecircle.oversight.selectors import draw_inputs, inspector_users

if TYPE_CHECKING:
    from carecircle.core.models import User


@transaction.atomic
def units_sync(*, actor: Actor) -> dict[str, int]:
    """Add the facilities and providers not yet in the register, rename moved or renamed ones, and
    mark those no longer operating as out of supervision. Grades and inspection dates are kept."""
    found: dict[tuple[str, int], tuple[str, str, float | None, float | None]] = {}
    for f in supervised_facilities():
        kind = UnitKind.CHILDCARE if f.is_childcare else UnitKind.FACILITY
        found[(kind, f.id)] = (f.name, f.region_code, f.latitude, f.longitude)
    for p in supervised_providers():
        found[(UnitKind.HOMECARE, p.id)] = (p.name, p.region_code, p.latitude, p.longitude)
    existing = {(u.kind, u.source_id): u for u in Unit.objects.all()}
    new = [
        Unit(kind=k, source_id=i, name=n, region_code=r, latitude=lat, longitude=lon)
        for (k, i), (n, r, lat, lon) in found.items()
        if (k, i) not in existing
    ]
    Unit.objects.bulk_create(new, batch_size=2000)
    changed = []
    for key, unit in existing.items():
        row = found.get(key)
        active = row is not None
        name, region, lat, lon = row if row else (unit.name, unit.region_code, unit.latitude, unit.longitude)
        if (unit.name, unit.region_code, unit.latitude, unit.longitude, unit.active) != (
            name,
            region,
            lat,
            lon,
            active,
        ):
            unit.name, unit.region_code, unit.latitude, unit.longitude, unit.active = (
                name,
                region,
                lat,
                lon,
                active,
            )
            changed.append(unit)
    Unit.objects.bulk_update(
        changed, ["name", "region_code", "latitude", "longitude", "active"], batch_size=2000
    )
    counts = {"added": len(new), "changed": len(changed)}
    audit.record(
        actor=actor,
        action=AuditAction.OVERSIGHT_UNITS_SYNC,
        object_type="oversight.unit",
        added=counts["added"],
        changed=counts["changed"],
    )
    return counts


@transaction.atomic
def conflict_declare(
    *, actor: User, unit: Unit, reason: str, request: HttpRequest | None = None
) -> DeclaredConflict:
    """An inspector declares a conflict of interest with a unit; they are never drawn for it."""
    scope.require(actor, "oversight.inspect", unit.region_code)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("请填写回避事由"), field="reason")
    row, created = DeclaredConflict.objects.get_or_create(
        inspector=actor, unit=unit, defaults={"reason": reason[:200], "region_code": unit.region_code}
    )
    if created:
        audit.record(
            actor=actor,
            action=AuditAction.OVERSIGHT_CONFLICT_DECLARE,
            obj=row,
            request=request,
            unit=unit.name,
        )
    return row


@transaction.atomic
def plan_publish(
    *,
    actor: User,
    name: str,
    region_code: str,
    period_start: datetime.date,
    period_end: datetime.date,
    per_unit: int = 2,
    always_after_months: int = 12,
    request: HttpRequest | None = None,
) -> DrawPlan:
    """Fix a plan's inputs (the units of the region with their grades and last inspections, the
    inspectors, their conflicts, who inspected each unit last, the shares), publish their digest and
    a fresh random seed. From this moment the draw is determined and anyone can check it."""
    if not regions.is_valid_code(region_code):
        raise InvalidInput(_("请选择抽查区域"), field="region_code")
    scope.require(actor, "oversight.plan", region_code)
    if not name.strip():
        raise InvalidInput(_("请填写计划名称"), field="name")
    if period_end < period_start:
        raise InvalidInput(_("结束日期不能早于开始日期"), field="period_end")
    if per_unit < 2:
        raise InvalidInput(_("每个对象至少抽取两名检查人员"), field="per_unit")
    if not 1 <= always_after_months <= 60:
        raise InvalidInput(_("必抽月数应在 1 到 60 之间"), field="always_after_months")
    shares = {s.grade: str(s.share) for s in SamplingShare.objects.all()}
    if not shares:
        raise InvalidInput(_("尚未设置各信用等级的抽查比例"), field="region_code")
    inputs = draw_inputs(
        region_code=region_code,
        period_start=period_start,
        per_unit=per_unit,
        always_after_months=always_after_months,
        shares=shares,
    )
    if not inputs.units:
        raise InvalidInput(_("该区域没有在监管的对象"), field="region_code")
    plan = DrawPlan.objects.create(
        name=name.strip()[:100],
        region_code=region_code,
        period_start=period_start,
        period_end=period_end,
        per_unit=per_unit,
        always_after_months=always_after_months,
        seed=secrets.token_hex(16),
        inputs=inputs.as_json(),
        inputs_digest=drawing.digest(inputs),
        created_by=actor,
        published_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.OVERSIGHT_PLAN_PUBLISH,
        obj=plan,
        request=request,
        digest=plan.inputs_digest,
    )
    return plan


@transaction.atomic
def plan_draw(*, actor: User, plan: DrawPlan, request: HttpRequest | None = None) -> list[DrawnUnit]:
    """Run the published draw once and store it; a second call is refused."""
    plan = DrawPlan.objects.select_for_update().get(pk=plan.pk)
    scope.require(actor, "oversight.plan", plan.region_code)
    if plan.state != PlanState.PUBLISHED:
        raise Conflict(_("该计划已经抽取过，不能重复抽取"))
    inputs = drawing.DrawInputs.from_json(plan.inputs)
    try:
        result = drawing.draw(inputs, plan.seed)
    except drawing.DrawRefused as refused:
        kind, source = refused.unit_key.split(":")
        unit = Unit.objects.filter(kind=kind, source_id=int(source)).first()
        raise InvalidInput(
            _("检查人员不足：%(unit)s 可抽取的检查人员只有 %(n)d 名（回避后），每个对象需要 %(k)d 名")
            % {"unit": unit.name if unit else refused.unit_key, "n": refused.eligible, "k": refused.needed},
            field="per_unit",
        ) from refused
    under = Unit.objects.filter(region_code__startswith=regions.prefix_of(plan.region_code))
    units = {u.key: u for u in under}
    inspectors = {f"u{u.pk}": u for u in inspector_users([k for d in result for k in d.inspectors])}
    drawn = DrawnUnit.objects.bulk_create(
        [
            DrawnUnit(
                plan=plan,
                unit=units[d.unit_key],
                region_code=units[d.unit_key].region_code,
                reason=d.reason,
                ticket=d.ticket,
            )
            for d in result
        ],
        batch_size=2000,
    )
    DrawAssignment.objects.bulk_create(
        [
            DrawAssignment(drawn=row, inspector=inspectors[key], rank=rank)
            for row, d in zip(drawn, result, strict=True)
            for rank, key in enumerate(d.inspectors, start=1)
        ],
        batch_size=2000,
    )
    Inspection.objects.bulk_create(
        [Inspection(drawn=row, unit=row.unit, region_code=row.region_code) for row in drawn], batch_size=2000
    )
    plan.state, plan.drawn_at = PlanState.DRAWN, timezone.now()
    plan.save(update_fields=["state", "drawn_at"])
    audit.record(
        actor=actor, action=AuditAction.OVERSIGHT_PLAN_DRAW, obj=plan, request=request, units=len(drawn)
    )
    return drawn


from carecircle.oversight.services_inspections import (  # noqa: E402 — re-exported: the module's one services surface
    finding_answer,
    finding_decide,
    inspection_check_in,
    inspection_confirm,
    inspection_record,
    inspection_submit,
)

__all__ = [
    "conflict_declare",
    "finding_answer",
    "finding_decide",
    "inspection_check_in",
    "inspection_confirm",
    "inspection_record",
    "inspection_submit",
    "plan_draw",
    "plan_publish",
    "units_sync",
]

# Credit (信用, issue 20 item 5): oversight/services_credit.py
from carecircle.oversight.services_credit import (  # noqa: E402 — re-exported after this module's own names
    correction_decide,
    correction_request,
    credit_collect,
    credit_recompute,
    credit_refresh,
    penalty_record,
)

__all__ += [
    "correction_decide",
    "correction_request",
    "credit_collect",
    "credit_recompute",
    "credit_refresh",
    "penalty_record",
]

from carecircle.oversight.services_warnings import (  # noqa: E402 — early warnings (预警)
    warning_dismiss,
    warning_rule_save,
    warning_to_inspect,
    warnings_raise,
)

__all__ += ["warning_dismiss", "warning_rule_save", "warning_to_inspect", "warnings_raise"]
