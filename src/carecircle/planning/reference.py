"""Reference data of planning: the seeds' indicators, their targets and Hangzhou's published 2021
values (planning/defaults.py). Migration 0002 loads them into every database, so a deployment that
never ran the demo has the indicators page the seeds ask for; `ensure()` loads them again
(idempotent) after the database is emptied; `services.indicators_load_defaults` is the same load
for an official, audited."""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from carecircle.core.errors import InvalidInput
from carecircle.planning import computations, defaults


def load(indicator_model: Any, target_model: Any, value_model: Any) -> int:
    """Create or refresh the defaults with these models (the migration passes its historical ones).
    Running it again changes nothing (codes and (indicator, region, year) are unique)."""
    by_code = {}
    for order, row in enumerate(defaults.INDICATORS):
        code, name, unit, domain, num, den, scale, direction, level, source, note = row
        for spec in (num, den):
            if spec and not computations.is_known(spec):
                raise InvalidInput(
                    _("指标 %(c)s 引用了未知的计算项 %(s)s") % {"c": code, "s": spec}, field="numerator"
                )
        by_code[code], _created = indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "domain": domain,
                "numerator": num,
                "denominator": den,
                "scale": scale,
                "direction": direction,
                "lowest_level": level,
                "source": source,
                "note": note,
                "order": order,
            },
        )
    for code, region, year, op, value, text, source in defaults.TARGETS:
        target_model.objects.update_or_create(
            indicator=by_code[code],
            region_code=region,
            year=year,
            defaults={"op": op, "value": value, "text": text, "source": source},
        )
    day = datetime.date(2021, 12, 31)
    for code, value in defaults.HZ_2021.items():
        value_model.objects.update_or_create(
            indicator=by_code[code],
            region_code=defaults.HANGZHOU,
            day=day,
            defaults={"value": value, "manual": True, "source": _("杭州方案“2021年数值”栏")},
        )
    return len(by_code)


def ensure() -> None:
    from carecircle.planning.models import Indicator, IndicatorTarget, IndicatorValue  # noqa: PLC0415 — app registry ready only at call time

    load(Indicator, IndicatorTarget, IndicatorValue)
