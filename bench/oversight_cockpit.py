"""The 一网统管 cockpit (oversight/cockpit.py) for the whole city: its figures, the figures of each
district, and the map's units.

    python bench/oversight_cockpit.py [--scale S] [--database-url postgres://…]

Scale 1: 20,000 units in 300 communities of 10 districts (the issue's city), a tenth with an open
warning, a tenth drawn this year (half of them inspected) and a twentieth with an open finding (a
third of those a major hazard); the default scale is small (0.05: 1,000 units). The tables are made
by the migrations in a throw-away database (SQLite by default; a PostgreSQL URL is flushed first).

Baseline in the same run (per unit): the same figures counted unit by unit in Python, each unit's
warnings, inspection and findings read with a query of its own — what a page that loops over the
units does. Both give the same figures (checked). The cockpit's query count is printed for this
scale and for a tenth of the units removed, to show it does not grow. Prints one JSON line at the end.
"""

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_ready  # noqa: E402

CITY = "339900000000"


def community(n: int) -> str:
    n %= 300  # 10 districts x 6 streets x 5 communities
    return f"3399{n % 10 + 1:02d}{n // 10 % 6 + 1:03d}{n // 60 + 1:03d}"


def parent_of(code: str, tree: dict[str, str]) -> str | None:
    from carecircle.core import regions

    parent = regions.parent_code_of(code)
    return parent if parent in tree else None


def build(scale: float, today: datetime.date) -> int:
    from django.utils import timezone

    from carecircle.core import regions
    from carecircle.core.models import Region
    from carecircle.oversight.models import (
        DrawnUnit,
        DrawPlan,
        EarlyWarning,
        Finding,
        Inspection,
        InspectionItem,
        Unit,
        WarningRule,
    )

    rng = random.Random(20)
    codes = sorted({community(n) for n in range(300)})
    tree = {"339900000000": "测试市"}
    for c in codes:
        tree[regions.district_of(c)] = f"区{c[4:6]}"
        tree[c[:9] + "000"] = f"街道{c[4:9]}"
        tree[c] = f"社区{c}"
    for code in sorted(tree, key=lambda c: (regions.level_of(c), c)):
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": tree[code],
                "level": regions.level_of(code),
                "parent_id": parent_of(code, tree),
            },
        )
    n_units = max(200, round(20000 * scale))
    Unit.objects.bulk_create(
        [
            Unit(
                kind="facility",
                source_id=n,
                name=f"单位{n}",
                region_code=community(n),
                credit_grade=rng.choice("ABBBCD"),
                latitude=30 + rng.random(),
                longitude=120 + rng.random(),
            )
            for n in range(n_units)
        ],  # fmt: skip
        batch_size=5000,
    )
    units = list(Unit.objects.order_by("pk"))
    now = timezone.now()
    rule = WarningRule.objects.create(name="基准规则", subject_kind="unit", expression="true", level="medium")
    EarlyWarning.objects.bulk_create(
        [
            EarlyWarning(
                rule=rule,
                subject_kind="unit",
                subject_key=str(u.pk),
                subject_name=u.name,
                unit=u,
                region_code=u.region_code,
                period=today.strftime("%Y-%m"),
                level="medium",
                raised_at=now,
                deadline=today + datetime.timedelta(days=rng.randint(-10, 10)),
            )
            for u in units[::10]
        ],  # fmt: skip
        batch_size=5000,
    )
    plan = DrawPlan.objects.create(
        name="基准计划", region_code=CITY, period_start=today, period_end=today, seed="s", inputs={},
        inputs_digest="d", published_at=now, state="drawn",
    )  # fmt: skip
    drawn = DrawnUnit.objects.bulk_create(
        [
            DrawnUnit(plan=plan, unit=u, region_code=u.region_code, reason="share", ticket=0.1)
            for u in units[3::10]
        ],
        batch_size=5000,
    )
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(
                drawn=d,
                unit_id=d.unit_id,
                region_code=d.region_code,
                state="confirmed" if i % 2 else "assigned",
            )
            for i, d in enumerate(drawn)
        ],  # fmt: skip
        batch_size=5000,
    )
    item = InspectionItem.objects.first()
    Finding.objects.bulk_create(
        [
            Finding(
                inspection=ins,
                item=item,
                unit_id=ins.unit_id,
                region_code=ins.region_code,
                severity="hazard" if i % 3 == 0 else "minor",
                text="基准",
                issued_at=now,
                deadline=today + datetime.timedelta(days=rng.randint(-20, 20)),
            )
            for i, ins in enumerate(inspections)
            if ins.state == "confirmed"
        ],  # fmt: skip
        batch_size=5000,
    )
    return n_units


def fast(area, rows, today):
    from carecircle.oversight import cockpit

    fig = cockpit.figures(area, today)
    children = cockpit.breakdown(rows, today)
    points = cockpit.map_units(area)
    return fig, children, points


def per_unit(today) -> dict[str, dict[str, int]]:
    """Each district's figures, unit by unit (a query per unit for its warnings, inspection, findings)."""
    from carecircle.core import regions
    from carecircle.oversight.models import EarlyWarning, Finding, Inspection, Unit

    out: dict[str, dict[str, int]] = {}
    for u in Unit.objects.filter(active=True).order_by("pk"):
        fig = out.setdefault(
            regions.district_of(u.region_code),
            dict.fromkeys(("units", "warnings", "drawn", "done", "findings", "overdue", "suspended"), 0),
        )  # noqa: E501
        fig["units"] += 1
        fig["warnings"] += EarlyWarning.objects.filter(unit=u, state__in=["open", "to_inspect"]).count()
        for ins in Inspection.objects.filter(unit=u):
            fig["drawn"] += 1
            fig["done"] += ins.state in ("submitted", "confirmed")
        hazard = False
        for f in Finding.objects.filter(unit=u).exclude(state="closed"):
            fig["findings"] += 1
            fig["overdue"] += f.deadline < today
            hazard = hazard or f.severity == "hazard"
        fig["suspended"] += hazard
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_ready(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from carecircle.core.models import User
    from carecircle.core.roles import Role
    from carecircle.oversight import cockpit
    from carecircle.oversight.models import Unit

    today = timezone.localdate()
    n_units = build(args.scale, today)
    official = User.objects.create_user(username="bench_city", password="x")
    official.grants.create(role=Role.CITY_ADMIN, region_id=CITY)
    area = cockpit.area_for(official, CITY)
    rows = cockpit.children(area)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as seen:
        fig, children, points = fast(area, rows, today)
    fast_s = time.perf_counter() - started
    queries = len(seen)

    started = time.perf_counter()
    slow = per_unit(today)
    slow_s = time.perf_counter() - started
    same = all(
        (c.units, c.warnings, c.drawn, c.done, c.findings, c.overdue, c.suspended)
        == tuple(slow.get(c.code, {}).get(k, 0) for k in ("units", "warnings", "drawn", "done", "findings", "overdue", "suspended"))
        for c in children
    ) and fig.units == n_units and len(points) == n_units  # fmt: skip

    Unit.objects.filter(pk__in=list(Unit.objects.order_by("pk").values_list("pk", flat=True)[::10])).update(
        active=False
    )
    with CaptureQueriesContext(connection) as fewer:
        fast(area, rows, today)
    print(f"cockpit of the city, {n_units} units in {len(children)} districts: {fast_s:.3f} s, {queries} queries "
          f"({len(fewer)} with a tenth of the units gone); per unit: {slow_s:.3f} s; same figures: {same}")  # fmt: skip
    print(json.dumps({
        "bench": "oversight_cockpit", "scale": args.scale, "units": n_units, "districts": len(children),
        "database": connection.vendor, "cockpit_s": round(fast_s, 4), "per_unit_s": round(slow_s, 4),
        "ratio": round(slow_s / fast_s, 1) if fast_s else None, "queries": queries,
        "queries_fewer_units": len(fewer), "same_figures": same,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
