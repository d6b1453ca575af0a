"""Oversight records for tests: units in a community, inspectors over a district, a published plan."""

import datetime
import itertools

from carecircle.core.roles import Role
from carecircle.oversight import services
from carecircle.oversight.models import Unit, UnitKind
from tests.conftest import COMMUNITY_A, make_user

_serial = itertools.count(1)


def make_unit(region_code=COMMUNITY_A, grade="D", name=None, kind=UnitKind.FACILITY, last=None):
    n = next(_serial)
    return Unit.objects.create(
        kind=kind,
        source_id=100000 + n,
        name=name or f"测试养老院{n}",
        region_code=region_code,
        credit_grade=grade,
        last_inspected_on=last,
    )


def make_inspectors(count, region_code="339901000000", prefix="insp"):
    start = next(_serial)
    made = [make_user(f"{prefix}{start}_{i}", Role.INSPECTOR, region_code) for i in range(count)]
    for i, user in enumerate(made):
        user.display_name = f"检查员{start}-{i}"
        user.save(update_fields=["display_name"])
    return made


def publish(actor, region_code="339901000000", **kw):
    return services.plan_publish(
        actor=actor,
        name=kw.pop("name", "2026年第二季度双随机抽查"),
        region_code=region_code,
        period_start=kw.pop("period_start", datetime.date(2026, 4, 1)),
        period_end=kw.pop("period_end", datetime.date(2026, 6, 30)),
        **kw,
    )
