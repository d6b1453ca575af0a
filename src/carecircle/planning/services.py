"""Writes of the planning module: the default indicator set, targets, hand-entered values and
snapshots. Coverage and siting runs are written in planning/coverage_services.py."""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.types import Actor, signed_in
from carecircle.planning import reference, selectors
from carecircle.planning.indicators import compute
from carecircle.planning.models import Indicator, IndicatorTarget, IndicatorValue
from carecircle.planning.types import Dashboard

if TYPE_CHECKING:
    from django.http import HttpRequest


@transaction.atomic
def indicators_load_defaults(*, actor: Actor = None) -> int:
    """Create or refresh the seeds' indicators, targets and Hangzhou's published 2021 values
    (planning/reference.py, which migration 0002 runs too), and say so in the audit trail."""
    count = reference.load(Indicator, IndicatorTarget, IndicatorValue)
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_DEFAULTS_LOAD,
        object_type="planning.indicator",
        count=count,
        system="planning",
    )
    return count


def _region(code: str) -> Region:
    if not regions.is_valid_code(code or ""):
        raise InvalidInput(_("区划代码应为12位数字"), field="region")
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_("区划 %(c)s 不存在") % {"c": code})
    return region


@transaction.atomic
def targets_adopt(*, actor: Actor, from_region: str, to_region: str) -> int:
    """Copy the targets a city set (e.g. Hangzhou's) onto another region, keeping their sources."""
    if actor is not None:
        scope.require(actor, "planning.manage", to_region)
    _region(to_region)
    n = 0
    for t in IndicatorTarget.objects.filter(region_code=from_region):
        IndicatorTarget.objects.update_or_create(
            indicator=t.indicator,
            region_code=to_region,
            year=t.year,
            defaults={
                "op": t.op,
                "value": t.value,
                "text": t.text,
                "source": (_("参照") + " " + t.source)[:300],
            },
        )
        n += 1
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_TARGETS_ADOPT,
        object_type="planning.indicatortarget",
        region_code=to_region,
        from_region=from_region,
        count=n,
        system="planning",
    )
    return n


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    indicator_code: str,
    region_code: str,
    year: int,
    op: str,
    value: float | None,
    source: str,
) -> IndicatorTarget:
    scope.require(actor, "planning.manage", region_code)
    _region(region_code)
    indicator = Indicator.objects.filter(code=indicator_code).first()
    if indicator is None:
        raise InvalidInput(_("没有代码为 %(c)s 的指标") % {"c": indicator_code}, field="indicator")
    if op not in IndicatorTarget.Op.values:
        raise InvalidInput(_("比较方式无效"), field="op")
    if op != IndicatorTarget.Op.UP and (value is None or not math.isfinite(value)):
        raise InvalidInput(_("请填写目标值"), field="value")
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("目标年份应在2000至2100之间"), field="year")
    if not (source or "").strip():
        raise InvalidInput(_("请注明目标出处"), field="source")
    target, _c = IndicatorTarget.objects.update_or_create(
        indicator=indicator,
        region_code=region_code,
        year=year,
        defaults={"op": op, "value": value, "text": "", "source": source.strip()[:300]},
    )
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_TARGET_SET,
        obj=target,
        region_code=region_code,
        indicator=indicator_code,
        year=year,
        value=value,
    )
    return target


@transaction.atomic
def value_enter(
    *, actor: Actor, indicator_code: str, region_code: str, day: datetime.date, value: float, source: str
) -> IndicatorValue:
    """Enter by hand the value of an indicator the platform cannot compute (e.g. 人均预期寿命).
    Entering the same indicator, region and day again replaces the earlier figure."""
    if actor is not None:
        scope.require(actor, "planning.enter", region_code)
    _region(region_code)
    indicator = Indicator.objects.filter(code=indicator_code).first()
    if indicator is None:
        raise InvalidInput(_("没有代码为 %(c)s 的指标") % {"c": indicator_code}, field="indicator")
    if indicator.computed:
        raise InvalidInput(
            _("“%(n)s”由平台按记录计算，不能人工填报") % {"n": indicator.name}, field="indicator"
        )
    if regions.level_of(region_code) > indicator.lowest_level:
        raise InvalidInput(
            _("“%(n)s”只统计到%(l)s一级")
            % {"n": indicator.name, "l": regions.LEVEL_NAMES[indicator.lowest_level]},
            field="region",
        )
    if value is None or not math.isfinite(value):
        raise InvalidInput(_("请填写数值"), field="value")
    if value < 0:
        raise InvalidInput(_("数值不能为负"), field="value")
    if indicator.unit == "%" and value > 100:
        raise InvalidInput(_("百分比不能超过100"), field="value")
    if day > timezone.localdate():
        raise InvalidInput(_("日期不能晚于今天"), field="day")
    if not (source or "").strip():
        raise InvalidInput(_("请注明数据来源"), field="source")
    row, _c = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        region_code=region_code,
        day=day,
        defaults={
            "value": value,
            "manual": True,
            "source": source.strip()[:300],
            "entered_by": actor if signed_in(actor) else None,
        },
    )
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_VALUE_ENTER,
        obj=row,
        region_code=region_code,
        indicator=indicator_code,
        day=day.isoformat(),
        value=value,
        system="planning",
    )
    return row


def value_enter_system(
    *, indicator_code: str, region_code: str, day: datetime.date, value: float, source: str
) -> IndicatorValue:
    """The same, written by the platform itself (imports, the synthetic city): no user, no scope."""
    return value_enter(
        actor=None,
        indicator_code=indicator_code,
        region_code=region_code,
        day=day,
        value=value,
        source=source,
    )


@transaction.atomic
def snapshot_take(*, actor: Actor = None, day: datetime.date, region_code: str) -> int:
    """Compute every computed indicator for `region_code` and every region below it on `day`
    and store the figures (replacing an earlier snapshot of the same day; hand-entered values
    are never touched). Returns the number of values stored."""
    if actor is not None:
        scope.require(actor, "planning.manage", region_code)
    _region(region_code)
    codes = list(
        Region.objects.filter(code__startswith=regions.prefix_of(region_code)).values_list("code", flat=True)
    )
    indicators = list(Indicator.objects.filter(active=True).exclude(numerator=""))
    results = compute(indicators, codes, day)
    IndicatorValue.objects.filter(
        indicator__in=indicators, region_code__in=codes, day=day, manual=False
    ).delete()
    manual_taken = set(
        IndicatorValue.objects.filter(
            indicator__in=indicators, region_code__in=codes, day=day, manual=True
        ).values_list("indicator_id", "region_code")
    )
    rows = []
    for ind in indicators:
        for code, r in results[ind.code].items():
            if not r.applicable or (ind.pk, code) in manual_taken:
                continue
            if r.value is None and r.missing:
                continue  # no data held: nothing to store
            rows.append(
                IndicatorValue(
                    indicator=ind,
                    region_code=code,
                    day=day,
                    value=r.value,
                    numerator=r.numerator,
                    denominator=r.denominator,
                    manual=False,
                    source=_("平台计算"),
                )
            )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_SNAPSHOT,
        object_type="planning.indicatorvalue",
        region_code=region_code,
        day=day.isoformat(),
        count=len(rows),
        system="planning",
    )
    return len(rows)


def dashboard_export(
    *, actor: Actor, region_code: str, day: datetime.date, request: HttpRequest | None = None
) -> Dashboard:
    """The region's dashboard for the Excel export, the export audited (pages never audit)."""
    board = selectors.dashboard(user=actor, region_code=region_code, day=day)
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_EXPORT,
        object_type="planning.indicatorvalue",
        region_code=region_code,
        request=request,
        day=day.isoformat(),
    )
    return board
