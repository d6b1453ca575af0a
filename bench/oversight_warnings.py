"""Early warnings (oversight/services_warnings.py: warnings_raise): every rule over a city's units
and communities, then the same check again, which must raise nothing new.

    python bench/oversight_warnings.py [--scale S] [--database-url postgres://…]

Scale 1 is the issue's figure: 20,000 units (facilities, childcare centres and home-care providers
in 300 communities), a third never or long ago inspected; the default scale is small (0.05: 1,000
units). The tables are made by the migrations in a throw-away database (SQLite by default; a
PostgreSQL URL is flushed first). The default rules of migration 0005 are the rules run.

The oversight side (units, inspection age, the rules, the insert of the warnings, the month's
uniqueness) is real. The home-care figures (visits, exceptions, complaints per provider) and the
care-visit figures (overdue plans per community) are synthetic, handed in place of the two grouped
queries of `homecare.selectors.warning_signals` and `carevisits.selectors.overdue_by_community`,
whose source tables this benchmark does not fill; facilities' `occupied_beds` runs for real (on no
stays). Prints one JSON line at the end.
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

KINDS = ("facility", "childcare", "homecare")


def community(n: int) -> str:
    n %= 300  # 10 districts x 6 streets x 5 communities
    return f"3399{n % 10 + 1:02d}{n // 10 % 6 + 1:03d}{n // 60 + 1:03d}"


def build(scale: float, today: datetime.date) -> tuple[int, dict[int, tuple[int, int, int]], dict[str, int]]:
    from carecircle.oversight.models import Unit

    rng = random.Random(20)
    n_units = max(100, round(20000 * scale))
    units = []
    for n in range(n_units):
        r = rng.random()
        last = (
            None
            if r < 0.1
            else today - datetime.timedelta(days=rng.randint(400, 900) if r < 0.3 else rng.randint(0, 360))
        )
        units.append(
            Unit(kind=KINDS[n % 3], source_id=n, name=f"监管对象{n}", region_code=community(n), last_inspected_on=last)
        )  # fmt: skip
    Unit.objects.bulk_create(units, batch_size=5000)
    homecare = {}
    for n in range(2, n_units, 3):
        visits = rng.randint(0, 200)
        homecare[n] = (visits, int(visits * rng.choice((0.01, 0.05, 0.2))), rng.choice((0, 0, 0, 1, 2, 5)))
    overdue = {community(n): rng.randint(0, 12) for n in range(300)}
    return n_units, homecare, overdue


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_ready(args.database_url)
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    import carecircle.carevisits.selectors as carevisits
    import carecircle.homecare.selectors as homecare
    from carecircle.homecare.types import ProviderSignals
    from carecircle.oversight.models import EarlyWarning, WarningRule
    from carecircle.oversight.services_warnings import warnings_raise

    today = timezone.localdate()
    t = time.perf_counter()
    n_units, hc, overdue = build(args.scale, today)
    build_s = time.perf_counter() - t
    homecare.warning_signals = lambda since: [ProviderSignals(k, *v) for k, v in hc.items()]  # noqa: ARG005
    carevisits.overdue_by_community = lambda day: dict(overdue)  # noqa: ARG005

    t = time.perf_counter()
    raised = warnings_raise(day=today)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    again = warnings_raise(day=today)
    again_s = time.perf_counter() - t
    by_rule = dict(
        EarlyWarning.objects.values_list("rule__name").annotate(n=Count("id")).values_list("rule__name", "n")
    )
    print(
        json.dumps(
            {
                "bench": "oversight_warnings",
                "database": connection.vendor,
                "scale": args.scale,
                "units": n_units,
                "communities": len(overdue),
                "rules": WarningRule.objects.filter(active=True).count(),
                "build_s": round(build_s, 2),
                "first_run_s": round(first_s, 3),
                "raised": raised,
                "rerun_s": round(again_s, 3),
                "rerun_new": again,
                "stored": EarlyWarning.objects.count(),
                "by_rule": by_rule,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
