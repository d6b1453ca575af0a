"""Credit recompute (oversight/services_credit.py: credit_recompute) over a city's units.

    python bench/oversight_credit.py [--scale S] [--database-url postgres://…]

Scale 1 is the issue's figure: 20,000 units, each with a year of credit events (10 a unit on
average: inspections, complaints, visit exceptions, rectifications on time or late, a penalty for
one unit in twenty); the default scale is small (0.05: 1,000 units). The tables are made by the
migrations in a throw-away database (SQLite by default; a PostgreSQL URL is flushed first).

Timed: the set-based recompute (one pass over the live events ordered by unit, the snapshots
upserted and the changed grades bulk-updated), then again (idempotent: nothing changes), against
the baseline in the same run: unit by unit in Python (each unit's events read, scored, its
snapshot saved with update_or_create and the unit saved). Both must give the same grades.
Prints one JSON line at the end.
"""

import argparse
import datetime
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_ready  # noqa: E402

KINDS = (
    ("inspection", "-4", 0.2),
    ("complaint", "-1", 0.35),
    ("visit_exception", "-0.5", 0.3),
    ("rectify_on_time", "1", 0.1),
    ("rectify_late", "-3", 0.05),
)


def build(scale: float) -> tuple[int, int]:
    from carecircle.oversight.models import CreditEvent, Unit, UnitKind

    rng = random.Random(20)
    n_units = max(100, round(20000 * scale))
    Unit.objects.bulk_create(
        (
            Unit(
                kind=UnitKind.FACILITY,
                source_id=n,
                name=f"养老机构{n}",
                region_code=f"3399{n % 25 + 1:02d}001001",
            )
            for n in range(n_units)
        ),
        batch_size=5000,
    )
    today = datetime.date(2026, 3, 31)
    ids = list(Unit.objects.values_list("pk", "region_code"))
    rows, serial = [], 0
    names, weights = [k for k, _p, _w in KINDS], [w for _k, _p, w in KINDS]
    points = {k: Decimal(p) for k, p, _w in KINDS}
    for pk, region in ids:
        for _ in range(rng.randint(5, 15)):
            kind = rng.choices(names, weights)[0]
            serial += 1
            fails = rng.randint(0, 5) if kind == "inspection" else 1
            rows.append(
                CreditEvent(
                    unit_id=pk,
                    region_code=region,
                    kind=kind,
                    on=today - datetime.timedelta(days=rng.randint(0, 364)),
                    points=points[kind] * fails,
                    source_module="bench",
                    source_id=serial,
                    text="基准测试",
                )
            )
        if rng.random() < 0.05:
            serial += 1
            rows.append(
                CreditEvent(
                    unit_id=pk, region_code=region, kind="penalty", on=today - datetime.timedelta(days=rng.randint(0, 364)),
                    points=Decimal(-20), source_module="bench", source_id=serial, text="行政处罚",
                )
            )  # fmt: skip
        if len(rows) >= 20000:
            CreditEvent.objects.bulk_create(rows, batch_size=5000)
            rows = []
    CreditEvent.objects.bulk_create(rows, batch_size=5000)
    return n_units, CreditEvent.objects.count()


def baseline(today: datetime.date) -> dict[int, str]:
    """Unit by unit, as one would write it first."""
    from carecircle.oversight import credit
    from carecircle.oversight.models import CreditEvent, CreditScore, Unit

    m = credit.method()
    out = {}
    for unit in Unit.objects.all():
        facts = [
            credit.Fact(e.pk, e.kind, e.on, e.points)
            for e in CreditEvent.objects.filter(unit=unit, voided=False)
        ]
        result = credit.score(facts, m, today)
        CreditScore.objects.update_or_create(
            unit=unit,
            defaults={
                "score": result.score,
                "grade": result.grade,
                "reasons": credit.reasons_json(result),
                "computed_on": today,
            },
        )
        unit.credit_grade = result.grade
        unit.save(update_fields=["credit_grade"])
        out[unit.pk] = result.grade
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_ready(args.database_url)
    from django.db import connection

    from carecircle.oversight.models import CreditScore, Unit
    from carecircle.oversight.services_credit import credit_recompute

    t = time.perf_counter()
    n_units, n_events = build(args.scale)
    build_s = time.perf_counter() - t
    today = datetime.date(2026, 3, 31)

    t = time.perf_counter()
    credit_recompute(today=today)
    set_s = time.perf_counter() - t
    grades = dict(Unit.objects.values_list("pk", "credit_grade"))
    scores = dict(CreditScore.objects.values_list("unit_id", "score"))
    t = time.perf_counter()
    credit_recompute(today=today)
    again_s = time.perf_counter() - t
    same_again = grades == dict(Unit.objects.values_list("pk", "credit_grade")) and scores == dict(
        CreditScore.objects.values_list("unit_id", "score")
    )

    Unit.objects.update(credit_grade="B")
    CreditScore.objects.all().delete()
    t = time.perf_counter()
    base = baseline(today)
    base_s = time.perf_counter() - t
    counts = {g: sum(1 for v in grades.values() if v == g) for g in "ABCD"}
    print(
        json.dumps(
            {
                "bench": "oversight_credit",
                "database": connection.vendor,
                "scale": args.scale,
                "units": n_units,
                "events": n_events,
                "build_s": round(build_s, 2),
                "recompute_s": round(set_s, 3),
                "recompute_again_s": round(again_s, 3),
                "idempotent": same_again,
                "baseline_unit_by_unit_s": round(base_s, 3),
                "speedup": round(base_s / set_s, 1) if set_s else None,
                "same_grades": base == grades,
                "grades": counts,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
