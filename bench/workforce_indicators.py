"""The workforce indicators (workforce/indicators.py) for every region of the city: the city, its
districts, streets and communities, each of the eight seeds' indicators.

    python bench/workforce_indicators.py [--scale S] [--database-url postgres://…]

Scale 1: 300 communities of 10 districts, 200,000 older people, 20,000 workers of every role with
16,000 certificates and 12,000 training attendances, 600 institutions with beds; the default scale
is small (0.05). Tables by the migrations in a throw-away database (SQLite by default; a PostgreSQL
URL is flushed first).

Baseline in the same run (per region, Python): each region's employed workers, their certificates
and attendance read with queries of their own and counted in Python — what a page looping over the
regions does. Both give the same figures (checked). Prints one JSON line at the end.
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

ROLES = (
    ["carer"] * 6
    + ["home_caregiver"] * 4
    + ["nurse", "social_worker", "manager", "childcare_carer", "director"]
)


def community(n: int) -> str:
    n %= 300
    return f"3399{n % 10 + 1:02d}{n // 10 % 6 + 1:03d}{n // 60 + 1:03d}"


def build(scale: float, today: datetime.date) -> list[str]:
    from carecircle.core import regions
    from carecircle.core.models import Region
    from carecircle.facilities.models import Facility, Operator
    from carecircle.registry.models import Person
    from carecircle.workforce.models import Attendance, Caregiver, Certificate, Course, TrainingSession

    rng = random.Random(21)
    codes = sorted({community(n) for n in range(300)})
    tree = {"339900000000": "测试市"}
    for c in codes:
        tree[regions.district_of(c)] = f"区{c[4:6]}"
        tree[c[:9] + "000"] = f"街道{c[4:9]}"
        tree[c] = f"社区{c}"
    for code in sorted(tree, key=lambda c: (regions.level_of(c), c)):
        parent = regions.parent_code_of(code)
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": tree[code],
                "level": regions.level_of(code),
                "parent_id": parent if parent in tree else None,
            },
        )
    n_people = max(2000, round(200000 * scale))
    Person.objects.bulk_create(
        [
            Person(
                name=f"老人{i}",
                sex="F",
                birth_date=today.replace(year=today.year - rng.randint(60, 95)) - datetime.timedelta(days=3),
                id_hash=f"h{i}",
                id_masked="330106********0000",
                region_code=rng.choice(codes),
            )
            for i in range(n_people)
        ],
        batch_size=5000,
    )
    op = Operator.objects.create(name="测试运营方", credit_code="91330100MA2AAAAA0X", region_code=codes[0])
    Facility.objects.bulk_create(
        [
            Facility(
                operator=op,
                kind=rng.choice(["nursing_public", "nursing_private", "street_centre"]),
                name=f"机构{i}",
                region_code=rng.choice(codes),
                address="测试路1号",
                latitude=30.2,
                longitude=120.1,
                status="filed",
                filed_on=datetime.date(2020, 1, 1),
                beds_general=rng.randint(20, 200),
                beds_nursing=rng.randint(0, 80),
            )
            for i in range(max(30, round(600 * scale)))
        ],
        batch_size=2000,
    )
    n_workers = max(1000, round(20000 * scale))
    start = datetime.date(today.year - 3, 1, 1)
    Caregiver.objects.bulk_create(
        [
            Caregiver(
                employer_kind="homecare_provider" if role == "home_caregiver" else "facility_operator",
                organisation_id=op.pk,
                role=role,
                region_code=rng.choice(codes),
                name=f"员工{i}",
                employed_from=start,
                employed_to=today - datetime.timedelta(days=30) if rng.random() < 0.1 else None,
            )
            for i, role in enumerate(rng.choice(ROLES) for _ in range(n_workers))
        ],
        batch_size=5000,
    )
    ids = list(Caregiver.objects.values_list("pk", "role", "region_code"))
    certs = []
    for pk, role, region in ids:
        if rng.random() < 0.8:
            kind = "childcare" if role in ("childcare_carer", "director") else "elder_care"
            expired = rng.random() < 0.1
            certs.append(
                Certificate(
                    caregiver_id=pk,
                    region_code=region,
                    kind=kind,
                    level=rng.randint(1, 5),
                    valid_from=start,
                    valid_to=today - datetime.timedelta(days=5) if expired else None,
                )
            )
    Certificate.objects.bulk_create(certs, batch_size=5000)
    course = Course.objects.create(
        title="护理实务", provider="培训学校", hours=8, topic="care_skills", roles=ROLES, region_code=codes[0]
    )
    sessions = [
        TrainingSession.objects.create(course=course, region_code=codes[0], day=day, place="")
        for day in (today.replace(month=1, day=2), today.replace(year=today.year - 1))
    ]
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=s, worker_id=pk, region_code=region, day=s.day, hours=8, passed=rng.random() < 0.9
            )
            for pk, _role, region in ids
            for s in sessions
            if rng.random() < 0.3
        ],
        batch_size=5000,
    )
    return sorted(regions.prefix_of(c) for c in tree)


def per_region(prefixes: list[str], day: datetime.date) -> dict[str, dict[str, int]]:
    """The baseline: each region's rows read with queries of its own, counted in Python."""
    from carecircle.facilities.selectors import facility_points
    from carecircle.registry.selectors import population
    from carecircle.workforce import indicators as ind
    from carecircle.workforce.models import Attendance, Caregiver, Certificate
    from carecircle.workforce.selectors import employed_on, valid_on

    names = [*ind._worker_figures(day), "elders", "beds"]
    out: dict[str, dict[str, int]] = {n: {} for n in names}
    year_start = day.replace(month=1, day=1)
    for p in prefixes:
        workers = list(
            Caregiver.objects.filter(employed_on(day), region_code__startswith=p).values_list(
                "pk", "role", "employer_kind"
            )
        )
        wids = [w[0] for w in workers]
        certs = list(
            Certificate.objects.filter(valid_on(day), caregiver_id__in=wids).values_list(
                "caregiver_id", "kind", "level"
            )
        )
        elder = {c for c, k, _lv in certs if k == "elder_care"}
        senior = {c for c, k, lv in certs if k == "elder_care" and (lv or 0) >= 3}
        child = {c for c, k, _lv in certs if k in ind.CHILDCARE_CERTS}
        trained = set(
            Attendance.objects.filter(
                worker_id__in=wids, day__gte=year_start, day__lte=day, passed=True
            ).values_list("worker_id", flat=True)
        )
        count = {n: 0 for n in names}
        for pk, role, employer in workers:
            carer, inst = role in ind.ELDER_ROLES, role == "carer" and employer == "facility_operator"
            home, manager = role == "home_caregiver", role in ind.MANAGER_ROLES
            childcare = role in ind.CHILDCARE_ROLES
            for name, hit in (
                ("carers_certified", pk in elder),
                ("carers", carer),
                ("carers_senior", carer and pk in senior),
                ("carers_certified_role", carer and pk in elder),
                ("childcare", childcare),
                ("childcare_certified", childcare and pk in child),
                ("inst_carers", inst),
                ("inst_carers_trained", inst and pk in trained),
                ("home_staff", home),
                ("home_staff_trained", home and pk in trained),
                ("managers", manager),
                ("managers_trained", manager and pk in trained),
                ("social_workers", role == "social_worker" and employer == "facility_operator"),
            ):
                count[name] += int(hit)
        count["elders"] = population(code="elder", day=day, region_prefix=p).count()
        count["beds"] = sum(
            f.beds_general + f.beds_nursing + f.beds_cognitive
            for f in facility_points(day=day).filter(
                region_code__startswith=p, kind__in=ind.INSTITUTION_BED_KINDS
            )
        )
        for n in names:
            out[n][p] = count[n]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_ready(args.database_url)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from carecircle.workforce import indicators

    today = timezone.localdate()
    t = time.perf_counter()
    prefixes = build(args.scale, today)
    built = time.perf_counter() - t
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        values = indicators.evaluate(prefixes, today)
        set_based = time.perf_counter() - t
    t = time.perf_counter()
    baseline = per_region(prefixes, today)
    slow = time.perf_counter() - t
    fast = indicators.figures(prefixes, today)
    assert fast == baseline, "the set-based figures differ from the per-region count"
    city = {v.indicator.code: v.value for v in values["3399"]}
    print(f"regions {len(prefixes)}, built in {built:.1f} s; city: {city}")
    print(f"set-based {set_based:.3f} s in {len(ctx.captured_queries)} queries; per region {slow:.3f} s")
    print(
        json.dumps(
            {
                "bench": "workforce_indicators",
                "scale": args.scale,
                "database": connection.vendor,
                "regions": len(prefixes),
                "set_based_s": round(set_based, 3),
                "queries": len(ctx.captured_queries),
                "per_region_s": round(slow, 3),
                "ratio": round(slow / set_based, 1) if set_based else None,
                "under_5s": set_based < 5,
            }
        )
    )


if __name__ == "__main__":
    main()
