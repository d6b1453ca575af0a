"""Benchmark: the open GeoJSON of the facility map and the waiting-list order.

    python bench/facilities_map.py [--facilities N] [--waiting W]

Builds N facilities (with beds, residents and grades on a tenth of them) in a throw-away SQLite
database, then times (a) the GeoJSON FeatureCollection of all facilities against a baseline that
only reads the same rows and dumps them as JSON, and (b) ranking a waiting list of W applicants.
The last line is one JSON object."""

import argparse
import datetime
import json
import random
import time

from _setup import django_ready


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facilities", type=int, default=3000)
    ap.add_argument("--waiting", type=int, default=500)
    args = ap.parse_args()
    django_ready()
    from django.utils import timezone

    from carecircle.core.models import Region
    from carecircle.facilities import mapdata, selectors, waiting
    from carecircle.facilities.models import (
        Bed,
        Evaluation,
        Facility,
        FacilityKind,
        GradeLevel,
        Operator,
        Stay,
        WaitingEntry,
    )
    from carecircle.registry.models import Person

    rng = random.Random(1)
    Region.objects.create(code="339900000000", name="示范市", level=2)
    Region.objects.create(code="339901001001", name="社区", level=5)
    op = Operator.objects.create(name="运营方", credit_code="91330100MA2BENCH0X", region_code="339901001001")
    kinds = FacilityKind.values
    today = datetime.date.today()
    rows = []
    for i in range(args.facilities):
        kind = kinds[i % len(kinds)]
        beds = 40 if kind.startswith("nursing") else 0
        rows.append(
            Facility(
                kind=kind,
                name=f"设施{i}",
                operator=op,
                address=f"路{i}号",
                region_code="339901001001",
                latitude=30 + rng.random(),
                longitude=120 + rng.random(),
                opening_hours="8:00-17:00",
                status="filed",
                filed_on=today,
                beds_general=beds,
                childcare_places=30 if kind == "childcare_centre" else 0,
            )
        )
    Facility.objects.bulk_create(rows, batch_size=2000)
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"老人{i}",
                sex="F",
                birth_date=datetime.date(1940 + i % 20, 1 + i % 12, 1),
                id_number="x",
                id_hash=f"h{i}",
                id_masked="x",
                region_code="339901001001",
            )
            for i in range(args.facilities + args.waiting)
        ],
        batch_size=2000,
    )
    beds, stays, evals = [], [], []
    grade = GradeLevel.objects.get(scheme="star", code="3")
    for f in rows[::10]:
        if f.beds_general:
            b = Bed(facility=f, region_code=f.region_code, code="A0001", kind="general")
            beds.append(b)
        evals.append(
            Evaluation(
                facility=f,
                region_code=f.region_code,
                scheme="star",
                scores={},
                total=600,
                grade=grade,
                evaluated_on=today,
                valid_from=today,
                valid_to=today + datetime.timedelta(days=900),
            )
        )
    Bed.objects.bulk_create(beds)
    for i, b in enumerate(beds):
        stays.append(
            Stay(
                facility_id=b.facility_id,
                bed=b,
                person=people[i],
                region_code=b.region_code,
                admitted_on=today,
            )
        )
    Stay.objects.bulk_create(stays)
    Evaluation.objects.bulk_create(evals)
    home = rows[0]
    now = timezone.now()
    WaitingEntry.objects.bulk_create(
        [
            WaitingEntry(
                facility=home,
                person=p,
                region_code=home.region_code,
                person_region_code=p.region_code,
                applied_at=now - datetime.timedelta(minutes=i),
            )
            for i, p in enumerate(people[-args.waiting :])
        ]
    )

    t0 = time.perf_counter()
    plain = json.dumps(
        list(
            Facility.objects.filter(status="filed").values(
                "id", "name", "kind", "latitude", "longitude", "address", "opening_hours", "region_code"
            )
        ),
        ensure_ascii=False,
    )
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    body = json.dumps(mapdata.feature_collection(selectors.public_facilities()), ensure_ascii=False)
    geojson = time.perf_counter() - t0
    t0 = time.perf_counter()
    places = waiting.ranked(home)
    ranking = time.perf_counter() - t0
    assert len(json.loads(body)["features"]) == args.facilities and len(places) == args.waiting
    print(
        json.dumps(
            {
                "bench": "facilities_map",
                "facilities": args.facilities,
                "geojson_seconds": round(geojson, 3),
                "baseline_seconds": round(baseline, 3),
                "ratio": round(geojson / baseline, 2),
                "geojson_bytes": len(body.encode()),
                "plain_bytes": len(plain.encode()),
                "waiting": args.waiting,
                "rank_seconds": round(ranking, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
